import { describe, expect, it } from 'vitest'
import { admit, bookingCounts, promotable, resolveSpan, seatsFree, segmentLoads } from './capacity.js'
import { codeOf, makeBooking, makeTrip } from './factories.js'

describe('segment capacity', () => {
  it('counts seats only on the segments a booking crosses', () => {
    const loads = segmentLoads(5, [
      makeBooking({ boardSeq: 1, alightSeq: 3, seats: 2 }),
      makeBooking({ boardSeq: 2, alightSeq: 5, seats: 1 }),
    ])
    expect(loads).toEqual([2, 3, 1, 1])
  })

  it('ignores waitlisted, cancelled and no-show bookings and counts boarded ones', () => {
    const bookings = ['waitlisted', 'cancelled', 'no_show', 'boarded'].map((status) =>
      makeBooking({ status: status as 'boarded', seats: 2 }),
    )
    expect(segmentLoads(5, bookings)).toEqual([2, 2, 2, 2])
  })

  it('resells a seat freed at a stop for the rest of the trip', () => {
    const full = Array.from({ length: 30 }, () => makeBooking({ boardSeq: 1, alightSeq: 3 }))
    expect(
      admit({
        capacity: 30,
        stopCount: 5,
        bookings: full,
        request: { boardSeq: 3, alightSeq: 5, seats: 1 },
        waitlistMaxSeats: 0,
        acceptWaitlist: false,
      }),
    ).toEqual({ status: 'confirmed' })
    expect(
      codeOf(() =>
        admit({
          capacity: 30,
          stopCount: 5,
          bookings: full,
          request: { boardSeq: 2, alightSeq: 4, seats: 1 },
          waitlistMaxSeats: 0,
          acceptWaitlist: false,
        }),
      ),
    ).toBe('SEAT_UNAVAILABLE')
  })

  it('takes the tightest segment of the span', () => {
    const loads = segmentLoads(5, [makeBooking({ boardSeq: 3, alightSeq: 4, seats: 28 })])
    expect(seatsFree(30, loads, { boardSeq: 1, alightSeq: 5 })).toBe(2)
    expect(seatsFree(30, loads, { boardSeq: 1, alightSeq: 3 })).toBe(30)
    expect(seatsFree(30, loads, { boardSeq: 4, alightSeq: 5 })).toBe(30)
  })

  it('confirms the last seat exactly and refuses one more', () => {
    const bookings = Array.from({ length: 29 }, () => makeBooking())
    const input = {
      capacity: 30,
      stopCount: 5,
      request: { boardSeq: 1, alightSeq: 5, seats: 1 },
      waitlistMaxSeats: 0,
      acceptWaitlist: true,
    }
    expect(admit({ ...input, bookings })).toEqual({ status: 'confirmed' })
    expect(codeOf(() => admit({ ...input, bookings: [...bookings, makeBooking()] }))).toBe('SEAT_UNAVAILABLE')
  })

  it('refuses a party bigger than the seats left, naming how many are free', () => {
    const bookings = Array.from({ length: 28 }, () => makeBooking())
    try {
      admit({
        capacity: 30,
        stopCount: 5,
        bookings,
        request: { boardSeq: 1, alightSeq: 5, seats: 3 },
        waitlistMaxSeats: 0,
        acceptWaitlist: false,
      })
      expect.unreachable()
    } catch (err) {
      expect(err).toMatchObject({
        code: 'SEAT_UNAVAILABLE',
        message: 'only 2 seats are free on this part of the trip, not 3',
        details: { seatsFree: 2 },
      })
    }
  })

  it('checks the seat count: 1–6, never more than the trip has', () => {
    const input = { capacity: 4, stopCount: 5, bookings: [], waitlistMaxSeats: 10, acceptWaitlist: true }
    expect(codeOf(() => admit({ ...input, request: { boardSeq: 1, alightSeq: 2, seats: 0 } }))).toBe(
      'VALIDATION_FAILED',
    )
    expect(codeOf(() => admit({ ...input, request: { boardSeq: 1, alightSeq: 2, seats: 7 } }))).toBe(
      'VALIDATION_FAILED',
    )
    expect(codeOf(() => admit({ ...input, request: { boardSeq: 1, alightSeq: 2, seats: 1.5 } }))).toBe(
      'VALIDATION_FAILED',
    )
    expect(codeOf(() => admit({ ...input, request: { boardSeq: 1, alightSeq: 2, seats: 5 } }))).toBe('SEAT_UNAVAILABLE')
  })
})

describe('stops of a booking', () => {
  const stops = makeTrip().stops

  it('maps stop codes to seqs', () => {
    expect(resolveSpan(stops, 'XY-0002', 'XY-0004')).toEqual({ boardSeq: 2, alightSeq: 4 })
  })

  it('refuses a stop not on the trip, alighting before boarding, and the same stop twice', () => {
    expect(codeOf(() => resolveSpan(stops, 'XY-0009', 'XY-0004'))).toBe('VALIDATION_FAILED')
    expect(() => resolveSpan(stops, 'XY-0004', 'XY-0002')).toThrow(
      'stop XY-0002 does not come after XY-0004 on this trip',
    )
    expect(() => resolveSpan(stops, 'XY-0003', 'XY-0003')).toThrow('does not come after')
    expect(() => resolveSpan(stops, 'XY-0001', 'XY-0042')).toThrow('stop XY-0042 is not on this trip')
  })

  it('on a route passing a stop twice, alights at the first pass after boarding', () => {
    const loop = ['A', 'B', 'C', 'B', 'D'].map((stopCode, i) => ({ seq: i + 1, stopCode }))
    expect(resolveSpan(loop, 'A', 'B')).toEqual({ boardSeq: 1, alightSeq: 2 })
    expect(resolveSpan(loop, 'C', 'B')).toEqual({ boardSeq: 3, alightSeq: 4 })
  })
})

describe('waitlist', () => {
  const full = (): ReturnType<typeof makeBooking>[] => Array.from({ length: 30 }, () => makeBooking())

  it('waitlists a full trip in order, up to the waitlist size, then refuses', () => {
    const base = {
      capacity: 30,
      stopCount: 5,
      request: { boardSeq: 1, alightSeq: 5, seats: 2 },
      waitlistMaxSeats: 4,
      acceptWaitlist: true,
    }
    const bookings = full()
    expect(admit({ ...base, bookings })).toEqual({ status: 'waitlisted', position: 1 })
    bookings.push(makeBooking({ status: 'waitlisted', seats: 2 }))
    expect(admit({ ...base, bookings })).toEqual({ status: 'waitlisted', position: 2 })
    bookings.push(makeBooking({ status: 'waitlisted', seats: 2 }))
    expect(() => admit({ ...base, bookings })).toThrow(
      'no seat is free on this part of the trip, and the waitlist is full',
    )
  })

  it('refuses instead of waitlisting when the requester does not want to wait, or there is no waitlist', () => {
    const base = { capacity: 30, stopCount: 5, bookings: full(), request: { boardSeq: 1, alightSeq: 5, seats: 1 } }
    expect(codeOf(() => admit({ ...base, waitlistMaxSeats: 10, acceptWaitlist: false }))).toBe('SEAT_UNAVAILABLE')
    expect(codeOf(() => admit({ ...base, waitlistMaxSeats: 0, acceptWaitlist: true }))).toBe('SEAT_UNAVAILABLE')
  })

  it('promotes in request order when a seat frees', () => {
    const bookings = [
      ...full().slice(0, 28),
      makeBooking({ id: 900, status: 'waitlisted' }),
      makeBooking({ id: 901, status: 'waitlisted' }),
      makeBooking({ id: 902, status: 'waitlisted' }),
    ]
    expect(promotable(30, 5, bookings).map((b) => b.id)).toEqual([900, 901])
  })

  it('passes over a party that does not fit for a later one that does', () => {
    const bookings = [
      ...full().slice(0, 29),
      makeBooking({ id: 900, status: 'waitlisted', seats: 3 }),
      makeBooking({ id: 901, status: 'waitlisted', seats: 1 }),
    ]
    expect(promotable(30, 5, bookings).map((b) => b.id)).toEqual([901])
  })

  it('promotes a request whose segments are free although the head of the line still waits', () => {
    const bookings = [
      ...Array.from({ length: 30 }, () => makeBooking({ boardSeq: 1, alightSeq: 3 })),
      makeBooking({ id: 900, status: 'waitlisted', boardSeq: 1, alightSeq: 5 }),
      makeBooking({ id: 901, status: 'waitlisted', boardSeq: 3, alightSeq: 5 }),
    ]
    expect(promotable(30, 5, bookings).map((b) => b.id)).toEqual([901])
  })

  it('promotes nothing while the trip is full, and nothing when no one waits', () => {
    expect(promotable(30, 5, [...full(), makeBooking({ status: 'waitlisted' })])).toEqual([])
    expect(promotable(30, 5, full().slice(0, 10))).toEqual([])
  })

  it('sorts by request order even when given out of order', () => {
    const bookings = [
      ...full().slice(0, 29),
      makeBooking({ id: 950, status: 'waitlisted' }),
      makeBooking({ id: 940, status: 'waitlisted' }),
    ]
    expect(promotable(30, 5, bookings).map((b) => b.id)).toEqual([940])
  })
})

describe('counts', () => {
  it('sums seats by status and finds the peak load', () => {
    const bookings = [
      makeBooking({ seats: 2, boardSeq: 1, alightSeq: 2 }),
      makeBooking({ seats: 3, status: 'boarded', boardSeq: 1, alightSeq: 3 }),
      makeBooking({ seats: 1, status: 'no_show' }),
      makeBooking({ seats: 4, status: 'waitlisted' }),
      makeBooking({ seats: 5, status: 'cancelled' }),
      makeBooking({ seats: 1, boardSeq: 2, alightSeq: 5 }),
    ]
    expect(bookingCounts(30, 5, bookings)).toEqual({
      capacity: 30,
      confirmed: 3,
      boarded: 3,
      noShow: 1,
      waitlisted: 4,
      cancelled: 5,
      riders: 6,
      peakLoad: 5,
    })
    expect(bookingCounts(30, 5, []).peakLoad).toBe(0)
  })
})

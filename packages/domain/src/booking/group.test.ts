import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import { admit } from './capacity.js'
import { DEPARTURE, makeBooking, makeTrip } from './factories.js'
import { decideGroup, type GroupRequest } from './group.js'
import type { Booking } from './types.js'

const request = (i: number, over: Partial<GroupRequest> = {}): GroupRequest => ({
  idempotencyKey: `k${i}`,
  channel: 'web',
  identity: {
    boardStop: 'XY-0001',
    alightStop: 'XY-0005',
    seats: 1,
    name: `乘客${i}`,
    phone: `139${String(i).padStart(8, '0')}`,
  },
  span: { boardSeq: 1, alightSeq: 5, seats: 1 },
  waitlist: true,
  ...over,
})

const before = DEPARTURE - 86_400_000
const input = (
  requests: GroupRequest[],
  over: { bookings?: Booking[]; byKey?: Map<string, Booking>; capacity?: number; waitlistMaxSeats?: number } = {},
) => ({
  trip: makeTrip(),
  capacity: over.capacity ?? 3,
  bookings: over.bookings ?? [],
  requests,
  byKey: over.byKey ?? new Map<string, Booking>(),
  now: before,
  waitlistMaxSeats: over.waitlistMaxSeats ?? 2,
})

describe('deciding a group of booking requests', () => {
  it('gives what deciding them one by one in arrival order gives: seats, then the waitlist, then refusals', () => {
    const decided = decideGroup(input(Array.from({ length: 7 }, (_, i) => request(i))))
    expect(decided.map((d) => (d.kind === 'new' ? d.status : d.kind === 'error' ? d.error.code : d.kind))).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
      'waitlisted',
      'waitlisted',
      'SEAT_UNAVAILABLE',
      'SEAT_UNAVAILABLE',
    ])
    // The same as admitting them one at a time.
    const held: { boardSeq: number; alightSeq: number; seats: number; status: 'confirmed' | 'waitlisted' }[] = []
    for (let i = 0; i < 5; i++) {
      const a = admit({
        capacity: 3,
        stopCount: 5,
        bookings: held,
        request: request(i).span,
        waitlistMaxSeats: 2,
        acceptWaitlist: true,
      })
      held.push({ ...request(i).span, status: a.status })
    }
    expect(held.map((h) => h.status)).toEqual(['confirmed', 'confirmed', 'confirmed', 'waitlisted', 'waitlisted'])
  })

  it('counts the bookings already stored and frees a seat a booking leaves on its way', () => {
    const bookings = [makeBooking({ boardSeq: 1, alightSeq: 3, seats: 2 })]
    const decided = decideGroup(
      input([request(1), request(2, { span: { boardSeq: 3, alightSeq: 5, seats: 2 } })], { bookings }),
    )
    expect(decided.map((d) => (d.kind === 'new' ? d.status : d.kind))).toEqual(['confirmed', 'confirmed'])
  })

  it('answers a resent request with its stored booking and refuses a reused key for another booking', () => {
    const stored = makeBooking({
      tripInstanceId: makeTrip().id,
      boardStop: 'XY-0001',
      alightStop: 'XY-0005',
      name: '乘客1',
      phone: '13900000001',
    })
    const decided = decideGroup(
      input([request(1), request(2, { idempotencyKey: 'k1' })], { byKey: new Map([['k1', stored]]) }),
    )
    expect(decided[0]).toMatchObject({ kind: 'replay', booking: stored })
    expect(decided[1]?.kind === 'error' && decided[1].error.code).toBe('CONFLICT')
  })

  it('answers a request sent twice in the same rush with the first one, and takes no second seat', () => {
    const decided = decideGroup(input([request(1), request(1), request(2)], { capacity: 2 }))
    expect(decided.map((d) => d.kind)).toEqual(['new', 'twin', 'new'])
    expect(decided[1]).toMatchObject({ of: 0 })
    expect(decided[2]).toMatchObject({ status: 'confirmed' })
  })

  it('keeps one refusal to its own request: closed for the web, open for a dispatcher on the phone', () => {
    const now = makeTrip().departureTs - 30 * 60_000
    const decided = decideGroup({ ...input([request(1), request(2, { channel: 'phone' })]), now })
    expect(decided[0]?.kind === 'error' && decided[0].error).toBeInstanceOf(AppError)
    expect(decided[0]?.kind === 'error' && decided[0].error.code).toBe('BOOKING_CLOSED')
    expect(decided[1]).toMatchObject({ kind: 'new', status: 'confirmed' })
  })
})

import { describe, expect, it } from 'vitest'
import { codeOf, DEPARTURE, makeBooking, makeTrip } from './factories.js'
import { checkBookingOpen, checkCancel, checkMark, cutoffTs, decideOnDemand } from './lifecycle.js'

const MIN = 60_000
const CUTOFF = DEPARTURE - 60 * MIN

describe('booking window', () => {
  it('closes villager bookings at the cutoff instant', () => {
    const trip = makeTrip()
    expect(cutoffTs(trip)).toBe(CUTOFF)
    expect(codeOf(() => checkBookingOpen(trip, 'web', 1, CUTOFF - 1))).toBe('ok')
    expect(codeOf(() => checkBookingOpen(trip, 'web', 1, CUTOFF))).toBe('BOOKING_CLOSED')
  })

  it('with a cutoff of 0 minutes, takes villager bookings until departure', () => {
    const trip = makeTrip({ bookingCutoffMin: 0 })
    expect(codeOf(() => checkBookingOpen(trip, 'web', 3, DEPARTURE - 1))).toBe('ok')
    expect(codeOf(() => checkBookingOpen(trip, 'web', 3, DEPARTURE))).toBe('BOOKING_CLOSED')
  })

  it('lets a dispatcher book by phone after the cutoff until the bus is due at the boarding stop', () => {
    const trip = makeTrip()
    const dueAt3 = DEPARTURE + 20 * MIN
    expect(codeOf(() => checkBookingOpen(trip, 'phone', 3, dueAt3 - 1))).toBe('ok')
    expect(codeOf(() => checkBookingOpen(trip, 'phone', 3, dueAt3))).toBe('BOOKING_CLOSED')
    expect(codeOf(() => checkBookingOpen(trip, 'phone', 1, DEPARTURE))).toBe('BOOKING_CLOSED')
  })

  it('lets the driver record a rider until the bus is due at the last stop', () => {
    const trip = makeTrip()
    expect(codeOf(() => checkBookingOpen(trip, 'driver', 2, DEPARTURE + 39 * MIN))).toBe('ok')
    expect(codeOf(() => checkBookingOpen(trip, 'driver', 2, DEPARTURE + 40 * MIN))).toBe('BOOKING_CLOSED')
  })

  it('refuses trips that take no bookings, cancelled runs and on-demand runs cancelled at the cutoff', () => {
    expect(codeOf(() => checkBookingOpen(makeTrip({ bookingPolicy: 'none' }), 'phone', 1, 0))).toBe('BOOKING_CLOSED')
    expect(codeOf(() => checkBookingOpen(makeTrip({ status: 'cancelled' }), 'web', 1, 0))).toBe('TRIP_CANCELLED')
    expect(
      codeOf(() =>
        checkBookingOpen(makeTrip({ bookingPolicy: 'required', onDemand: 'cancelled' }), 'phone', 1, CUTOFF + 1),
      ),
    ).toBe('TRIP_CANCELLED')
  })

  it('keeps an on-demand trip open by phone after it was confirmed', () => {
    expect(
      codeOf(() =>
        checkBookingOpen(
          makeTrip({ bookingPolicy: 'required', minRiders: 3, onDemand: 'confirmed' }),
          'phone',
          1,
          CUTOFF + 5 * MIN,
        ),
      ),
    ).toBe('ok')
  })
})

describe('cancelling', () => {
  const trip = makeTrip()

  it('lets a passenger cancel a seat until the cutoff instant, not at it', () => {
    expect(checkCancel(trip, makeBooking(), 'passenger', CUTOFF - 1)).toBe('cancel')
    expect(codeOf(() => checkCancel(trip, makeBooking(), 'passenger', CUTOFF))).toBe('BOOKING_CLOSED')
  })

  it('lets a passenger leave the waitlist any time', () => {
    expect(checkCancel(trip, makeBooking({ status: 'waitlisted' }), 'passenger', DEPARTURE + MIN)).toBe('cancel')
  })

  it('lets a dispatcher cancel after the cutoff and after departure', () => {
    expect(checkCancel(trip, makeBooking(), 'dispatcher', DEPARTURE + 10 * MIN)).toBe('cancel')
  })

  it('answers a repeated cancel as unchanged and refuses to cancel a boarded or no-show booking', () => {
    expect(checkCancel(trip, makeBooking({ status: 'cancelled' }), 'passenger', DEPARTURE)).toBe('unchanged')
    expect(codeOf(() => checkCancel(trip, makeBooking({ status: 'boarded' }), 'dispatcher', 0))).toBe('CONFLICT')
    expect(codeOf(() => checkCancel(trip, makeBooking({ status: 'no_show' }), 'dispatcher', 0))).toBe('CONFLICT')
  })
})

describe('manifest marks', () => {
  const trip = makeTrip()

  it('opens at the cutoff', () => {
    expect(codeOf(() => checkMark(trip, makeBooking(), 'boarded', CUTOFF - 1))).toBe('CONFLICT')
    expect(checkMark(trip, makeBooking(), 'boarded', CUTOFF)).toBe('change')
  })

  it('allows corrections and undo, and a repeated mark is unchanged', () => {
    expect(checkMark(trip, makeBooking({ status: 'boarded' }), 'no_show', DEPARTURE)).toBe('change')
    expect(checkMark(trip, makeBooking({ status: 'no_show' }), 'confirmed', DEPARTURE)).toBe('change')
    expect(checkMark(trip, makeBooking({ status: 'boarded' }), 'boarded', DEPARTURE)).toBe('unchanged')
  })

  it('refuses marks on bookings that hold no seat and on cancelled runs', () => {
    expect(codeOf(() => checkMark(trip, makeBooking({ status: 'waitlisted' }), 'boarded', DEPARTURE))).toBe('CONFLICT')
    expect(codeOf(() => checkMark(trip, makeBooking({ status: 'cancelled' }), 'no_show', DEPARTURE))).toBe('CONFLICT')
    expect(codeOf(() => checkMark(makeTrip({ status: 'cancelled' }), makeBooking(), 'boarded', DEPARTURE))).toBe(
      'TRIP_CANCELLED',
    )
  })
})

describe('on-demand decision', () => {
  const onDemand = makeTrip({ bookingPolicy: 'required', minRiders: 3, bookingCutoffMin: 120, onDemand: 'pending' })
  const cutoff = DEPARTURE - 120 * MIN

  it('waits until the cutoff and decides at the cutoff instant', () => {
    expect(decideOnDemand(onDemand, 5, cutoff - 1)).toBe('wait')
    expect(decideOnDemand(onDemand, 5, cutoff)).toBe('confirm')
  })

  it('confirms with exactly the minimum and cancels with one fewer', () => {
    expect(decideOnDemand(onDemand, 3, cutoff)).toBe('confirm')
    expect(decideOnDemand(onDemand, 2, cutoff)).toBe('cancel')
    expect(decideOnDemand(onDemand, 0, cutoff)).toBe('cancel')
  })

  it('still decides when it runs late (the server was down at the cutoff)', () => {
    expect(decideOnDemand(onDemand, 1, DEPARTURE + 5 * MIN)).toBe('cancel')
  })

  it('treats a trip with no state yet as pending', () => {
    expect(decideOnDemand({ ...onDemand, onDemand: null }, 3, cutoff)).toBe('confirm')
  })

  it('decides nothing twice, and nothing for trips that are not on demand', () => {
    expect(decideOnDemand({ ...onDemand, onDemand: 'confirmed' }, 0, cutoff)).toBe('none')
    expect(decideOnDemand({ ...onDemand, onDemand: 'cancelled' }, 9, cutoff)).toBe('none')
    expect(decideOnDemand(makeTrip({ bookingPolicy: 'optional' }), 0, cutoff)).toBe('none')
  })

  it('cancels a pending trip a dispatcher cancelled, before its cutoff, so its riders are told', () => {
    expect(decideOnDemand({ ...onDemand, status: 'cancelled' }, 9, cutoff - 60 * MIN)).toBe('cancel')
  })
})

import { describe, expect, it } from 'vitest'
import { isNewerArrivals, newerBookings } from './freshness.js'
import type { TripBookingState } from './model.js'

const T0 = Date.UTC(2026, 11, 7, 4, 0)
const state = (riders: number, asOf: number, trip = 'R1-D_20261207'): TripBookingState => ({
  tripInstanceId: trip,
  policy: 'required',
  cutoffTs: T0 + 3_600_000,
  minRiders: 3,
  riders,
  seatsFree: 19 - riders,
  onDemand: 'pending',
  status: 'scheduled',
  cancelReason: null,
  asOf,
})

describe('a stop page keeps the newer of what it hears', () => {
  it("an HTTP answer read before a booking does not undo the booking's push", () => {
    const pushed = newerBookings({}, [state(3, T0 + 2000)])
    // The answer to the request made on joining the room, read at T0 + 1 s, arrives after the push.
    const answered = newerBookings({ [state(2, T0 + 1000).tripInstanceId]: state(2, T0 + 1000) }, Object.values(pushed))
    expect(answered['R1-D_20261207']?.riders).toBe(3)
  })

  it('a later state replaces an earlier one, whichever way it came; other trips are kept', () => {
    const held = { 'R1-D_20261207': state(2, T0), 'R2-D_20261207': state(1, T0, 'R2-D_20261207') }
    const next = newerBookings(held, [state(4, T0 + 5000)])
    expect(next['R1-D_20261207']?.riders).toBe(4)
    expect(next['R2-D_20261207']?.riders).toBe(1)
    expect(held['R1-D_20261207']?.riders).toBe(2)
    // Of two states read at the same instant the one heard last wins.
    expect(newerBookings(next, [state(5, T0 + 5000)])['R1-D_20261207']?.riders).toBe(5)
  })

  it('departures older than the ones shown are left out', () => {
    expect(isNewerArrivals(null, { stopCode: 'S1', ts: T0, arrivals: [] })).toBe(true)
    expect(isNewerArrivals(T0 + 1, { stopCode: 'S1', ts: T0, arrivals: [] })).toBe(false)
    expect(isNewerArrivals(T0, { stopCode: 'S1', ts: T0 + 1, arrivals: [] })).toBe(true)
  })
})

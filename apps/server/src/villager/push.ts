/**
 * After a committed booking change, the booking state of the trip (riders, seats free, the
 * on-demand decision) goes to the live rooms of its stops, so an open stop page counts riders
 * live ("已约2人" → "已约3人") and shows the decision at the cutoff.
 */
import { bookingRepo, type Db } from '@rb/db'
import { cutoffTs, type OnDemandState } from '@rb/domain'
import type { BookingService } from '../booking/index.js'
import type { LiveHub } from '../live/hub.js'
import { tripBookingState } from './schedule.js'

export function pushTripBookings(
  booking: BookingService,
  hub: LiveHub,
  db: Db,
  log: { warn(obj: object, msg: string): void },
): void {
  booking.onEvent((e) => {
    const trip = e.trip
    if (trip.bookingPolicy === 'none') return
    const kinds = new Set(e.changes.map((c) => c.kind))
    const decided: OnDemandState | null = kinds.has('trip_confirmed')
      ? 'confirmed'
      : kinds.has('trip_cancelled') && trip.bookingPolicy === 'required'
        ? 'cancelled'
        : null
    const state = decided
      ? Promise.resolve(decided)
      : bookingRepo.onDemandStates(db, [trip.id]).then((m) => m.get(trip.id) ?? null)
    state.then(
      (onDemand) => {
        const d = {
          tripInstanceId: trip.id,
          bookingPolicy: trip.bookingPolicy,
          bookingCutoffTs: cutoffTs(trip),
          minRiders: trip.minRiders,
          status: trip.status,
          cancelReason: trip.cancelReason,
        }
        hub.publishTripBookings(
          trip.stops.map((s) => s.stopCode),
          tripBookingState(d, e.counts, onDemand, Date.now()),
        )
      },
      (err: Error) =>
        log.warn({ err: err.message, tripInstanceId: trip.id }, 'villager push: could not read the on-demand state'),
    )
  })
}

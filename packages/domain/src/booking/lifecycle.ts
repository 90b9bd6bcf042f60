/**
 * When a trip instance takes bookings and cancellations, what the driver may mark, and the
 * on-demand decision at the cutoff. Times are epoch ms passed in; nothing here reads a clock.
 */
import { AppError } from '../errors.js'
import type { BookingPolicy } from '../network/types.js'
import type { Booking, BookingChannel, BookingStatus, OnDemandState } from './types.js'

/** What the rules need to know about a trip instance. */
export interface BookableTrip {
  id: string
  departureTs: number
  bookingPolicy: BookingPolicy
  minRiders: number
  bookingCutoffMin: number
  stops: readonly { seq: number; stopCode: string; arrivalTs: number }[]
  /** The network's status of this day's run (a dispatcher may cancel it). */
  status: 'scheduled' | 'cancelled'
  /** On-demand state of a `required` trip; null for the others. */
  onDemand: OnDemandState | null
}

/** Bookings by villagers close, and an on-demand trip is decided, at this instant. */
export const cutoffTs = (trip: Pick<BookableTrip, 'departureTs' | 'bookingCutoffMin'>): number =>
  trip.departureTs - trip.bookingCutoffMin * 60_000

const iso = (ts: number): string => new Date(ts).toISOString()

function arrivalAt(trip: BookableTrip, seq: number): number {
  return trip.stops.find((s) => s.seq === seq)?.arrivalTs ?? trip.departureTs
}

export function isCancelled(trip: Pick<BookableTrip, 'status' | 'onDemand'>): boolean {
  return trip.status === 'cancelled' || trip.onDemand === 'cancelled'
}

/**
 * Throws unless a booking through `channel` boarding at stop `boardSeq` may be made at `now`:
 * - the villager page (`web`) until the cutoff;
 * - a dispatcher taking a call (`phone`) until the bus is due at the boarding stop;
 * - the driver until the bus is due at the last stop.
 */
export function checkBookingOpen(trip: BookableTrip, channel: BookingChannel, boardSeq: number, now: number): void {
  if (trip.bookingPolicy === 'none')
    throw new AppError('BOOKING_CLOSED', 'this trip takes no bookings: wait at the stop sign and wave the bus down', {
      reason: 'not_bookable',
    })
  if (isCancelled(trip))
    throw new AppError('TRIP_CANCELLED', 'this trip does not run that day', {
      reason: trip.onDemand === 'cancelled' ? 'too_few_riders' : 'cancelled',
    })
  switch (channel) {
    case 'web': {
      const cutoff = cutoffTs(trip)
      if (now >= cutoff)
        throw new AppError('BOOKING_CLOSED', `bookings closed at ${iso(cutoff)}; call the dispatcher`, {
          reason: 'cutoff',
          cutoff: iso(cutoff),
        })
      return
    }
    case 'phone': {
      const due = arrivalAt(trip, boardSeq)
      if (now >= due)
        throw new AppError('BOOKING_CLOSED', `the bus was due at the boarding stop at ${iso(due)}`, {
          reason: 'departed',
          due: iso(due),
        })
      return
    }
    case 'driver': {
      const end = trip.stops.at(-1)?.arrivalTs ?? trip.departureTs
      if (now >= end) throw new AppError('BOOKING_CLOSED', 'this trip has ended', { reason: 'ended' })
      return
    }
  }
}

export type CancelActor = 'passenger' | 'dispatcher' | 'system'

/**
 * `cancel` when the booking may be cancelled now, `unchanged` when it already is (a resent
 * request). A passenger cancels a confirmed seat until the cutoff and leaves the waitlist any
 * time; a dispatcher (or the system) cancels any booking not yet boarded or marked no-show.
 */
export function checkCancel(
  trip: BookableTrip,
  booking: Pick<Booking, 'status'>,
  actor: CancelActor,
  now: number,
): 'cancel' | 'unchanged' {
  switch (booking.status) {
    case 'cancelled':
      return 'unchanged'
    case 'boarded':
    case 'no_show':
      throw new AppError(
        'CONFLICT',
        `this booking is already marked ${booking.status === 'boarded' ? 'boarded' : 'no-show'}`,
      )
    case 'waitlisted':
      return 'cancel'
    case 'confirmed':
      if (actor === 'passenger' && now >= cutoffTs(trip)) {
        throw new AppError('BOOKING_CLOSED', `cancelling closed at ${iso(cutoffTs(trip))}; call the dispatcher`, {
          reason: 'cutoff',
          cutoff: iso(cutoffTs(trip)),
        })
      }
      return 'cancel'
  }
}

/** What a driver records on the manifest; `confirmed` undoes a mark made by mistake. */
export type ManifestMark = 'boarded' | 'no_show' | 'confirmed'

/**
 * `change` when the driver may move the booking to `to` at `now`, `unchanged` when it is there.
 * Marks open at the cutoff (until then the passenger may still cancel); cancelled and
 * waitlisted bookings hold no seat and cannot be marked.
 */
export function checkMark(
  trip: BookableTrip,
  booking: Pick<Booking, 'status'>,
  to: ManifestMark,
  now: number,
): 'change' | 'unchanged' {
  if (isCancelled(trip)) throw new AppError('TRIP_CANCELLED', 'this trip does not run that day')
  if (booking.status === to) return 'unchanged'
  const from: BookingStatus = booking.status
  if (from === 'cancelled' || from === 'waitlisted')
    throw new AppError('CONFLICT', `a ${from} booking holds no seat and cannot be marked`)
  if (now < cutoffTs(trip))
    throw new AppError('CONFLICT', `the manifest opens at the booking cutoff, ${iso(cutoffTs(trip))}`)
  return 'change'
}

export type OnDemandDecision = 'none' | 'wait' | 'confirm' | 'cancel'

/**
 * The on-demand rule: a `required` trip runs only when at least `minRiders` booked riders
 * (seats held, waitlist not counted) are in at its cutoff. `wait` before the cutoff; at the
 * cutoff instant it is decided. `none` for other trips and for decided ones; a pending trip a
 * dispatcher cancelled is `cancel`, so its passengers are told.
 */
export function decideOnDemand(trip: BookableTrip, riders: number, now: number): OnDemandDecision {
  if (trip.bookingPolicy !== 'required' || (trip.onDemand !== null && trip.onDemand !== 'pending')) return 'none'
  if (trip.status === 'cancelled') return 'cancel'
  if (now < cutoffTs(trip)) return 'wait'
  return riders >= trip.minRiders ? 'confirm' : 'cancel'
}

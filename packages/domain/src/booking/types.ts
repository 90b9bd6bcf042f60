/** Seat bookings on trip instances, as the rules see them. Plain, JSON-serialisable data. */

export type BookingStatus = 'confirmed' | 'waitlisted' | 'cancelled' | 'boarded' | 'no_show'
export const BOOKING_STATUSES: readonly BookingStatus[] = ['confirmed', 'waitlisted', 'cancelled', 'boarded', 'no_show']

/** How the booking was made: the villager page, a dispatcher taking a call, the driver. */
export type BookingChannel = 'web' | 'phone' | 'driver'
export const BOOKING_CHANNELS: readonly BookingChannel[] = ['web', 'phone', 'driver']

/** Most seats one booking may hold (a family, not a coach party). */
export const MAX_SEATS_PER_BOOKING = 6

/** Where on the trip a booking sits: stop sequence numbers of the instance's stop pattern (1-based). */
export interface SeatSpan {
  /** Boarding stop, `seq` of the trip instance's stop. */
  boardSeq: number
  /** Alighting stop, `seq` of the trip instance's stop; always after `boardSeq`. */
  alightSeq: number
  seats: number
}

export interface Booking extends SeatSpan {
  /** Insertion order: the order requests were taken in (the waitlist follows it). */
  id: number
  /** Short code the villager shows the driver. */
  code: string
  tripInstanceId: string
  boardStop: string
  alightStop: string
  name: string
  /** Digits only (see `normalizePhone`); shown masked to everyone but dispatchers. */
  phone: string
  status: BookingStatus
  channel: BookingChannel
  /** Epoch ms. */
  createdTs: number
  updatedTs: number
  cancelReason: string | null
  /** `passenger`, `system`, or the dispatcher's user name. */
  cancelledBy: string | null
}

/** State of an on-demand (`required`) trip instance: undecided until its cutoff. */
export type OnDemandState = 'pending' | 'confirmed' | 'cancelled'

/** Seat counts of one trip instance (seats, not bookings). */
export interface BookingCounts {
  /** Seats the trip offers. */
  capacity: number
  confirmed: number
  boarded: number
  noShow: number
  waitlisted: number
  cancelled: number
  /** Booked riders who hold a seat: confirmed + boarded. */
  riders: number
  /** Most seats taken on any one segment of the trip. */
  peakLoad: number
}

/** What happened to a trip instance's bookings (live events and vehicle downlinks carry it). */
export type BookingChangeKind =
  | 'booked'
  | 'waitlisted'
  | 'promoted'
  | 'cancelled'
  | 'boarded'
  | 'no_show'
  | 'unmarked'
  | 'trip_confirmed'
  | 'trip_cancelled'

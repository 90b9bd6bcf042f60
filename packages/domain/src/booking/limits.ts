/**
 * Limits against filling buses with made-up bookings (docs/booking.md#limits): per phone and trip,
 * per phone, per client address and per signed-in account in a day, and when a phone must first
 * confirm an SMS code. Pure: the counts come from the server, times are parameters.
 */
import { AppError } from '../errors.js'

/** When a phone must confirm an SMS code before its booking stands. */
export type VerifyMode = 'off' | 'demand' | 'always'
export const VERIFY_MODES: readonly VerifyMode[] = ['off', 'demand', 'always']

export interface BookingLimits {
  /** Most seats one phone holds on one trip instance (its active bookings together). */
  maxSeatsPerPhoneTrip: number
  /** Most active bookings (confirmed, waitlisted, boarded) of one phone on one trip instance. */
  maxBookingsPerPhoneTrip: number
  /** Most booking requests taken from one phone in 24 hours; 0 = no cap. */
  phoneDailyMax: number
  /** Most booking requests taken from one client address without a session in 24 hours; 0 = no cap. */
  addressDailyMax: number
  /** Most bookings one signed-in account (dispatcher, driver, …) makes in 24 hours; 0 = no cap. */
  accountDailyMax: number
  verify: VerifyMode
  /** `demand`: a trip is in high demand once this share of its seats is taken (0–1). */
  highDemandShare: number
  /** How long a seat is held while the phone confirms its code, ms. */
  holdMs: number
  /** A phone that confirmed a code is not asked again for this long, ms. */
  rememberVerifiedMs: number
}

export const DEFAULT_BOOKING_LIMITS: BookingLimits = {
  maxSeatsPerPhoneTrip: 4,
  maxBookingsPerPhoneTrip: 2,
  phoneDailyMax: 6,
  addressDailyMax: 12,
  accountDailyMax: 60,
  verify: 'off',
  highDemandShare: 0.5,
  holdMs: 5 * 60_000,
  rememberVerifiedMs: 30 * 86_400_000,
}

export const LIMIT_WINDOW_MS = 86_400_000

/** Who asks, as far as the limits care. */
export type Requester =
  /** A request to the public booking API: without a session (`account` null) or with one. */
  | { kind: 'public'; address: string | null; account: string | null }
  /** A dispatcher booking for a caller (channel phone): limited per account only. */
  | { kind: 'staff'; account: string }

/** What the server counted, the request itself not included. */
export interface LimitCounts {
  /** Active bookings of this phone on this trip instance (and requests for it still being decided). */
  phoneTripBookings: number
  phoneTripSeats: number
  /** Requests taken in the last 24 hours. */
  phoneDay: number
  addressDay: number
  accountDay: number
}

export type LimitName = 'phone_trip_seats' | 'phone_trip_bookings' | 'phone_day' | 'address_day' | 'account_day'

export interface Refusal {
  limit: LimitName
  max: number
  message: string
}

/** The first limit this request would break, or null. */
export function limitRefusal(who: Requester, seats: number, c: LimitCounts, l: BookingLimits): Refusal | null {
  const over = (n: number, max: number): boolean => max > 0 && n >= max
  if (who.kind === 'public') {
    if (c.phoneTripBookings >= l.maxBookingsPerPhoneTrip) {
      return { limit: 'phone_trip_bookings', max: l.maxBookingsPerPhoneTrip, message: `this phone already has ${c.phoneTripBookings} booking(s) on this trip; at most ${l.maxBookingsPerPhoneTrip}` }
    }
    if (c.phoneTripSeats + seats > l.maxSeatsPerPhoneTrip) {
      return { limit: 'phone_trip_seats', max: l.maxSeatsPerPhoneTrip, message: `one phone may hold at most ${l.maxSeatsPerPhoneTrip} seats on a trip; this one holds ${c.phoneTripSeats}` }
    }
    if (over(c.phoneDay, l.phoneDailyMax)) return { limit: 'phone_day', max: l.phoneDailyMax, message: `this phone made ${c.phoneDay} bookings in the last 24 hours; at most ${l.phoneDailyMax}. Call the dispatcher` }
    if (who.account === null && who.address !== null && over(c.addressDay, l.addressDailyMax)) {
      return { limit: 'address_day', max: l.addressDailyMax, message: `${c.addressDay} bookings came from this address in the last 24 hours; at most ${l.addressDailyMax}. Call the dispatcher` }
    }
  }
  const account = who.account
  if (account !== null && over(c.accountDay, l.accountDailyMax)) {
    return { limit: 'account_day', max: l.accountDailyMax, message: `account ${account} made ${c.accountDay} bookings in the last 24 hours; at most ${l.accountDailyMax}` }
  }
  return null
}

/** Throws BOOKING_LIMIT for a refusal. */
export function refuseOver(r: Refusal | null): void {
  if (r) throw new AppError('BOOKING_LIMIT', r.message, { limit: r.limit, max: r.max })
}

export interface DemandView {
  bookingPolicy: 'none' | 'optional' | 'required'
  capacity: number
  /** Seats held now (confirmed and boarded). */
  seatsTaken: number
}

/**
 * Whether a villager's booking must wait for the phone's SMS code: `always`, or `demand` on an
 * on-demand trip (it runs only if enough book) or once the trip is in high demand. A phone that
 * confirmed a code recently is not asked again.
 */
export function needsPhoneCode(mode: VerifyMode, trip: DemandView, verifiedRecently: boolean, share: number): boolean {
  if (mode === 'off' || verifiedRecently) return false
  if (mode === 'always') return true
  return trip.bookingPolicy === 'required' || trip.seatsTaken >= Math.ceil(trip.capacity * share)
}

/** One active booking of a suspect, as the dispatcher's view shows it (GET /api/bookings/suspicious). */
export interface SuspectBookingView {
  code: string
  tripInstanceId: string
  name: string
  phone: string
  seats: number
  status: string
  /** Seats held, waiting for the SMS code. */
  held: boolean
  address: string | null
  account: string | null
  createdAt: string
}

/** A phone, client address or account the dispatcher should look at, with its active bookings. */
export interface SuspectView {
  kind: 'phone' | 'address' | 'account'
  key: string
  requests: number
  refused: number
  limits: string[]
  trips: number
  expiredHolds: number
  lastAt: string
  bookings: SuspectBookingView[]
}

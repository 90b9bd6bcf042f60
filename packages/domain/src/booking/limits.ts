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
      return {
        limit: 'phone_trip_bookings',
        max: l.maxBookingsPerPhoneTrip,
        message: `this phone already has ${c.phoneTripBookings} booking(s) on this trip; at most ${l.maxBookingsPerPhoneTrip}`,
      }
    }
    if (c.phoneTripSeats + seats > l.maxSeatsPerPhoneTrip) {
      return {
        limit: 'phone_trip_seats',
        max: l.maxSeatsPerPhoneTrip,
        message: `one phone may hold at most ${l.maxSeatsPerPhoneTrip} seats on a trip; this one holds ${c.phoneTripSeats}`,
      }
    }
    if (over(c.phoneDay, l.phoneDailyMax))
      return {
        limit: 'phone_day',
        max: l.phoneDailyMax,
        message: `this phone made ${c.phoneDay} bookings in the last 24 hours; at most ${l.phoneDailyMax}. Call the dispatcher`,
      }
    if (who.account === null && who.address !== null && over(c.addressDay, l.addressDailyMax)) {
      return {
        limit: 'address_day',
        max: l.addressDailyMax,
        message: `${c.addressDay} bookings came from this address in the last 24 hours; at most ${l.addressDailyMax}. Call the dispatcher`,
      }
    }
  }
  const account = who.account
  if (account !== null && over(c.accountDay, l.accountDailyMax)) {
    return {
      limit: 'account_day',
      max: l.accountDailyMax,
      message: `account ${account} made ${c.accountDay} bookings in the last 24 hours; at most ${l.accountDailyMax}`,
    }
  }
  return null
}

/** Requests taken in the last 24 hours per phone, client address and account, as stored. */
export interface DayCounts {
  phone: ReadonlyMap<string, number>
  address: ReadonlyMap<string, number>
  account: ReadonlyMap<string, number>
}

/** A request as the limits see it. */
export interface LimitedRequest {
  who: Requester
  /** Normalised phone. */
  phone: string
  seats: number
}

const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['confirmed', 'waitlisted', 'boarded'])

/**
 * The limits of a group of requests for one trip instance, decided in arrival order: each
 * request is judged against what was stored before the group and the requests of the group
 * taken before it, exactly as one-by-one decisions would judge it. Only a request that becomes
 * a booking counts for the ones after it.
 */
export class LimitTally {
  readonly #limits: BookingLimits
  readonly #day: { phone: Map<string, number>; address: Map<string, number>; account: Map<string, number> }
  readonly #trip = new Map<string, { bookings: number; seats: number }>()

  /** `tripBookings`: every booking of the trip instance (its active ones count per phone). */
  constructor(
    limits: BookingLimits,
    day: DayCounts,
    tripBookings: readonly { phone: string; seats: number; status: string }[],
  ) {
    this.#limits = limits
    this.#day = { phone: new Map(day.phone), address: new Map(day.address), account: new Map(day.account) }
    for (const b of tripBookings) if (ACTIVE_STATUSES.has(b.status)) this.#addTrip(b.phone, b.seats)
  }

  /** The first limit `r` would break, or null. */
  refusal(r: LimitedRequest): Refusal | null {
    const trip = this.#trip.get(r.phone) ?? { bookings: 0, seats: 0 }
    const { address, account } = requesterKeys(r.who)
    return limitRefusal(
      r.who,
      r.seats,
      {
        phoneTripBookings: trip.bookings,
        phoneTripSeats: trip.seats,
        phoneDay: this.#day.phone.get(r.phone) ?? 0,
        addressDay: address === null ? 0 : (this.#day.address.get(address) ?? 0),
        accountDay: account === null ? 0 : (this.#day.account.get(account) ?? 0),
      },
      this.#limits,
    )
  }

  /** `r` became a booking: it counts for the requests after it. */
  took(r: LimitedRequest): void {
    this.#addTrip(r.phone, r.seats)
    const { address, account } = requesterKeys(r.who)
    bump(this.#day.phone, r.phone)
    if (address !== null) bump(this.#day.address, address)
    if (account !== null) bump(this.#day.account, account)
  }

  #addTrip(phone: string, seats: number): void {
    const t = this.#trip.get(phone) ?? { bookings: 0, seats: 0 }
    this.#trip.set(phone, { bookings: t.bookings + 1, seats: t.seats + seats })
  }
}

const bump = (m: Map<string, number>, k: string): void => {
  m.set(k, (m.get(k) ?? 0) + 1)
}

/**
 * The address and account a request counts against: a villager without a session counts against
 * its address, a signed-in account against itself (never its address).
 */
export function requesterKeys(who: Requester): { address: string | null; account: string | null } {
  if (who.kind === 'staff') return { address: null, account: who.account }
  return { address: who.account === null ? who.address : null, account: who.account }
}

/** The BOOKING_LIMIT error (429) of a refusal. */
export const refusalError = (r: Refusal): AppError =>
  new AppError('BOOKING_LIMIT', r.message, { limit: r.limit, max: r.max })

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

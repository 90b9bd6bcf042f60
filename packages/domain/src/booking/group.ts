/**
 * Deciding a group of booking requests for one trip instance at once. Under a rush the requests
 * that queued behind the trip's lock are decided together in one transaction; each is admitted
 * against the bookings before it — the earlier requests of the same group included — so the
 * result is exactly what deciding them one by one in arrival order would give.
 */
import { AppError } from '../errors.js'
import { admit } from './capacity.js'
import { checkBookingOpen, type BookableTrip } from './lifecycle.js'
import type { Booking, BookingChannel, BookingStatus, SeatSpan } from './types.js'

export interface GroupRequest {
  idempotencyKey: string
  channel: BookingChannel
  /** What makes a resent request the same booking. */
  identity: Pick<Booking, 'boardStop' | 'alightStop' | 'seats' | 'name' | 'phone'>
  span: SeatSpan
  /** Take a place on the waitlist when the trip is full. */
  waitlist: boolean
}

export type GroupDecision<R, B> =
  | { kind: 'new'; request: R; status: Extract<BookingStatus, 'confirmed' | 'waitlisted'> }
  | { kind: 'replay'; request: R; booking: B }
  /** Sent twice in the same rush: answers the booking the request at index `of` gets. */
  | { kind: 'twin'; request: R; of: number }
  | { kind: 'error'; request: R; error: AppError }

export interface GroupInput<R extends GroupRequest, B extends Booking> {
  trip: BookableTrip
  /** Seats the trip offers, as the transaction read them. */
  capacity: number
  /** Every booking of the trip instance, in request order. */
  bookings: readonly B[]
  requests: readonly R[]
  /** Bookings already holding one of the requests' idempotency keys (on any trip instance). */
  byKey: ReadonlyMap<string, B>
  now: number
  waitlistMaxSeats: number
  /**
   * Limits judged before the seats (a refusal is the request's error); `took` hears of each
   * request that becomes a booking, so it counts for the requests after it.
   */
  limits?: GroupLimits<R>
}

export interface GroupLimits<R> {
  refuse(request: R): AppError | null
  took(request: R): void
}

/** The same request sent again: same trip instance, stops, seats, name and phone. */
export function sameBooking(b: Booking, tripInstanceId: string, identity: GroupRequest['identity']): boolean {
  return b.tripInstanceId === tripInstanceId && sameIdentity(b, identity)
}

const sameIdentity = (a: GroupRequest['identity'], b: GroupRequest['identity']): boolean =>
  a.boardStop === b.boardStop &&
  a.alightStop === b.alightStop &&
  a.seats === b.seats &&
  a.name === b.name &&
  a.phone === b.phone

export const KEY_REUSED_MESSAGE =
  'this idempotency key was already used for a different booking; send a new key for a new booking'

/** Decides each request in order; a request's refusal is its own and the others go on. */
export function decideGroup<R extends GroupRequest, B extends Booking>(input: GroupInput<R, B>): GroupDecision<R, B>[] {
  const { trip, requests } = input
  const held: Pick<Booking, 'boardSeq' | 'alightSeq' | 'seats' | 'status'>[] = [...input.bookings]
  const earlier = new Map<string, number>()
  return requests.map((request, index): GroupDecision<R, B> => {
    const key = request.idempotencyKey
    const stored = input.byKey.get(key)
    if (stored) {
      return sameBooking(stored, trip.id, request.identity)
        ? { kind: 'replay', request, booking: stored }
        : { kind: 'error', request, error: new AppError('CONFLICT', KEY_REUSED_MESSAGE) }
    }
    const twin = earlier.get(key)
    if (twin !== undefined) {
      const first = requests[twin] as R
      return sameIdentity(first.identity, request.identity)
        ? { kind: 'twin', request, of: twin }
        : { kind: 'error', request, error: new AppError('CONFLICT', KEY_REUSED_MESSAGE) }
    }
    try {
      const refused = input.limits?.refuse(request)
      if (refused) return { kind: 'error', request, error: refused }
      checkBookingOpen(trip, request.channel, request.span.boardSeq, input.now)
      const admission = admit({
        capacity: input.capacity,
        stopCount: trip.stops.length,
        bookings: held,
        request: request.span,
        waitlistMaxSeats: input.waitlistMaxSeats,
        acceptWaitlist: request.waitlist,
      })
      earlier.set(key, index)
      held.push({ ...request.span, status: admission.status })
      input.limits?.took(request)
      return { kind: 'new', request, status: admission.status }
    } catch (err) {
      if (err instanceof AppError) return { kind: 'error', request, error: err }
      throw err
    }
  })
}

/** Place in the waitlist (1 = next) of a waitlisted booking, counting those taken before it. */
export function waitlistPosition(bookings: readonly Pick<Booking, 'id' | 'status'>[], b: Pick<Booking, 'id'>): number {
  return bookings.filter((w) => w.status === 'waitlisted' && w.id < b.id).length + 1
}

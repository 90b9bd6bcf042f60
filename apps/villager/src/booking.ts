/**
 * One booking attempt on a flaky connection. The idempotency key is made once per attempt and
 * saved on the phone before the first send, so every retry — automatic, the villager's "try
 * again", or after the page was reloaded — sends the same key, and the server answers the booking
 * it already made instead of making a second one. A changed request (other seats, say) is a new
 * attempt with a new key.
 */
import { ApiError, NetworkError } from './api.js'
import type { BookingView } from './model.js'
import { KEYS, readJson, writeJson, type KeyValue } from './store.js'

export interface BookingRequest {
  tripInstanceId: string
  boardStop: string
  alightStop: string
  seats: number
  name: string
  phone: string
  /** Booking for someone else: who books (told by SMS too; looks the booking up with this phone). */
  bookedBy?: { name: string; phone: string }
}

export interface Attempt {
  key: string
  request: BookingRequest
  startedTs: number
}

/** A booking this phone made, with the phone it was made with (to look it up and cancel it). */
export interface SavedBooking {
  code: string
  phone: string
  tripInstanceId: string
  savedTs: number
  /** The last answer about it. */
  view: BookingView
}

export interface Profile {
  name: string
  phone: string
}

const sameRequest = (a: BookingRequest, b: BookingRequest): boolean =>
  a.tripInstanceId === b.tripInstanceId &&
  a.boardStop === b.boardStop &&
  a.alightStop === b.alightStop &&
  a.seats === b.seats &&
  a.name === b.name &&
  a.phone === b.phone &&
  a.bookedBy?.name === b.bookedBy?.name &&
  a.bookedBy?.phone === b.bookedBy?.phone

export class Bookings {
  constructor(
    private readonly store: KeyValue,
    private readonly newKey: () => string,
    private readonly now: () => number,
  ) {}

  /** The attempt in flight (sent at least once, answer not yet seen), if any. */
  pending(): Attempt | null {
    return readJson<Attempt | null>(this.store, KEYS.bookingAttempt, null)
  }

  /** The attempt for this request: the one in flight when it asks the same, else a new one, saved before sending. */
  attemptFor(request: BookingRequest): Attempt {
    const cur = this.pending()
    if (cur && sameRequest(cur.request, request)) return cur
    const attempt: Attempt = { key: this.newKey(), request, startedTs: this.now() }
    writeJson(this.store, KEYS.bookingAttempt, attempt)
    return attempt
  }

  /** The answer arrived (a booking, or a refusal that stored nothing): the attempt is over. */
  finish(attempt: Attempt): void {
    if (this.pending()?.key === attempt.key) this.store.remove(KEYS.bookingAttempt)
  }

  profile(): Profile | null {
    return readJson<Profile | null>(this.store, KEYS.profile, null)
  }

  list(): SavedBooking[] {
    return readJson<SavedBooking[]>(this.store, KEYS.bookings, [])
  }

  /** Remembers a booking (newest first; a resent answer replaces the same code) and the villager's name and phone. */
  save(view: BookingView, request: BookingRequest): void {
    const rest = this.list().filter((b) => b.code !== view.code)
    // The phone's owner is the booker: their phone looks the booking up; their name and phone are remembered.
    const me = request.bookedBy ?? { name: request.name, phone: request.phone }
    writeJson(
      this.store,
      KEYS.bookings,
      [
        { code: view.code, phone: me.phone, tripInstanceId: view.tripInstanceId, savedTs: this.now(), view },
        ...rest,
      ].slice(0, 30),
    )
    writeJson(this.store, KEYS.profile, { name: me.name, phone: me.phone })
  }

  update(view: BookingView): void {
    writeJson(
      this.store,
      KEYS.bookings,
      this.list().map((b) => (b.code === view.code ? { ...b, view } : b)),
    )
  }
}

export type SubmitOutcome =
  | { kind: 'booked'; booking: BookingView }
  /** The server refused (full, closed, cancelled, invalid): nothing was stored. */
  | { kind: 'refused'; error: ApiError }
  /** No answer after the retries: the attempt stays pending; "try again" sends the same key. */
  | { kind: 'unreachable'; error: Error }

export interface SubmitOptions {
  send: (attempt: Attempt) => Promise<BookingView>
  /** Waits between automatic retries, ms; their count is the number of retries. */
  delaysMs?: readonly number[]
  sleep?: (ms: number) => Promise<void>
  onRetry?: (attemptNo: number) => void
}

const DEFAULT_DELAYS = [1000, 3000, 6000]

/** Sends an attempt, retrying what may be retried with the same key. */
export async function submit(bookings: Bookings, attempt: Attempt, opts: SubmitOptions): Promise<SubmitOutcome> {
  const delays = opts.delaysMs ?? DEFAULT_DELAYS
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  let lastError: Error = new NetworkError('not sent')
  for (let i = 0; i <= delays.length; i++) {
    if (i > 0) {
      opts.onRetry?.(i + 1)
      const wait =
        lastError instanceof ApiError && lastError.retryAfterS !== null
          ? lastError.retryAfterS * 1000
          : (delays[i - 1] ?? 0)
      await sleep(wait)
    }
    try {
      const booking = await opts.send(attempt)
      bookings.save(booking, attempt.request)
      bookings.finish(attempt)
      return { kind: 'booked', booking }
    } catch (err) {
      if (err instanceof ApiError && !err.transient) {
        bookings.finish(attempt)
        return { kind: 'refused', error: err }
      }
      lastError = err as Error
    }
  }
  return { kind: 'unreachable', error: lastError }
}

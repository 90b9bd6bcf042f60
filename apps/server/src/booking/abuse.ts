/**
 * The SMS code holds after the booking (docs/booking.md#limits; the limits themselves are judged
 * inside the booking group's transaction, `limits-gate.ts`). When a villager's phone must confirm
 * a code (BOOKING_VERIFY), the booking is made at once — its seats are held — and the phone gets a
 * 6-digit code; the "booked" message waits in the outbox until the code comes back
 * (POST /api/bookings/:code/verify). A hold not confirmed within BOOKING_VERIFY_HOLD_MIN is
 * released: the booking is cancelled, the seats return. A text that did not arrive can be asked
 * again (POST /api/bookings/:code/verify/resend): a new code replaces the old one, RESEND_AFTER_MS
 * apart at the soonest and MAX_CODE_SENDS codes in all.
 */
import { timingSafeEqual } from 'node:crypto'
import { AppError, type BookingLimits, type RandomInt } from '@rb/domain'
import { bookingLimitsRepo, bookingRepo, type Db, type OutboxMessage, type StoredBooking } from '@rb/db'
import type { Notifier } from '../notify/index.js'
import type { BookingService } from './service.js'
import {
  codeHash,
  codeSentTs,
  codeText,
  MAX_CODE_SENDS,
  RESEND_AFTER_MS,
  verificationOf,
  type Verification,
} from './limits-gate.js'

/** Wrong codes before a hold (or a grid reporter's registration code) is given up. */
export const MAX_CODE_TRIES = 5
/** Messages that wait while their booking's phone has not confirmed its code. */
const WAITING_KINDS = new Set(['booked', 'waitlisted', 'promoted'])

export class BookingAbuse {
  readonly #db: Db
  readonly #booking: BookingService
  readonly #now: () => number
  readonly #kick: () => void
  readonly #randomInt: RandomInt
  #sweeping = false

  constructor(
    deps: { db: Db; booking: BookingService; kickOutbox: () => void; randomInt: RandomInt; now?: () => number },
    readonly limits: BookingLimits,
  ) {
    this.#db = deps.db
    this.#booking = deps.booking
    this.#now = deps.now ?? Date.now
    this.#kick = deps.kickOutbox
    this.#randomInt = deps.randomInt
  }

  /** What a passenger looking the booking up is told while its seats wait for the code (null: nothing to confirm). */
  async pending(booking: StoredBooking): Promise<Verification | null> {
    const hold = await bookingLimitsRepo.holdOfBooking(this.#db, booking.id)
    if (!hold || hold.confirmedTs !== null || hold.releasedTs !== null || hold.expiresTs <= this.#now()) return null
    return verificationOf(hold, this.limits.holdMs)
  }

  /**
   * The booker did not get the text: a new code replaces the old one, no sooner than
   * RESEND_AFTER_MS after the last and MAX_CODE_SENDS codes in all (429 otherwise, with the wait).
   * Null when the phone has nothing left to confirm.
   */
  async resend(typedCode: string, typedPhone: string): Promise<Verification | null> {
    const found = await this.#booking.findForPassenger(typedCode, typedPhone)
    const now = this.#now()
    const code = String(this.#randomInt(1_000_000)).padStart(6, '0')
    const out = await this.#db.transaction(async (tx) => {
      const hold = await bookingLimitsRepo.lockHoldOfBooking(tx, found.booking.id)
      if (!hold || hold.confirmedTs !== null) return null
      if (hold.releasedTs !== null || hold.expiresTs <= now) throw heldNoMore('expired')
      if (hold.codeSends >= MAX_CODE_SENDS)
        throw new AppError(
          'RATE_LIMITED',
          `the code was sent ${hold.codeSends} times already; look for it in your texts`,
          { field: 'code', reason: 'too_many_sends' },
        )
      const wait = Math.ceil((codeSentTs(hold, this.limits.holdMs) + RESEND_AFTER_MS - now) / 1000)
      if (wait > 0)
        throw new AppError('RATE_LIMITED', `the code was sent moments ago; ask again in ${wait} s`, {
          field: 'code',
          reason: 'too_soon',
          retryAfterS: wait,
        })
      await bookingLimitsRepo.replaceHoldCode(tx, hold.idempotencyKey, codeHash(hold.idempotencyKey, code), now)
      const b = found.booking
      await bookingRepo.enqueueMessages(
        tx,
        [
          {
            kind: 'verify_code',
            recipient: b.phone,
            recipientRole: 'passenger',
            body: codeText(code, this.limits.holdMs, b.code),
            bookingId: b.id,
            tripInstanceId: b.tripInstanceId,
          },
        ],
        now,
      )
      return verificationOf({ ...hold, codeSentTs: now, codeSends: hold.codeSends + 1 }, this.limits.holdMs)
    })
    if (out) this.#kick()
    return out
  }

  /**
   * The booker sends back the SMS code: the hold is confirmed, the phone remembered, and the
   * booking's waiting messages go out. A wrong code counts; after MAX_CODE_TRIES the seats go.
   */
  async verify(typedCode: string, typedPhone: string, smsCode: string): Promise<{ booking: StoredBooking }> {
    const found = await this.#booking.findForPassenger(typedCode, typedPhone)
    const hold = await bookingLimitsRepo.holdOfBooking(this.#db, found.booking.id)
    if (!hold || hold.confirmedTs !== null) return { booking: found.booking }
    const now = this.#now()
    if (hold.releasedTs !== null || hold.expiresTs <= now)
      throw heldNoMore(hold.attempts >= MAX_CODE_TRIES ? 'too_many_tries' : 'expired')
    if (!sameCode(hold.codeHash, codeHash(hold.idempotencyKey, smsCode.trim()))) {
      const tries = await bookingLimitsRepo.countHoldAttempt(this.#db, hold.idempotencyKey)
      if (tries >= MAX_CODE_TRIES) {
        await this.#release(hold.idempotencyKey, found.booking.code, '验证码错误次数过多，座位已释放')
        throw heldNoMore('too_many_tries')
      }
      throw new AppError('VALIDATION_FAILED', `wrong code; ${MAX_CODE_TRIES - tries} tries left`, {
        field: 'code',
        triesLeft: MAX_CODE_TRIES - tries,
      })
    }
    await this.#db.transaction(async (tx) => {
      await bookingLimitsRepo.confirmHold(tx, hold.idempotencyKey, now)
      await bookingLimitsRepo.markVerified(tx, hold.phone, now)
      await bookingLimitsRepo.messagesDueNow(tx, found.booking.id, now)
    })
    this.#kick()
    return { booking: found.booking }
  }

  /** Releases holds whose time ran out: their bookings are cancelled and the seats return. */
  async sweep(): Promise<number> {
    if (this.#sweeping) return 0
    this.#sweeping = true
    try {
      const expired = await bookingLimitsRepo.expiredHolds(this.#db, this.#now())
      for (const h of expired)
        await this.#release(
          h.idempotencyKey,
          h.bookingCode,
          `未在${Math.round(this.limits.holdMs / 60_000)}分钟内确认手机号，座位已释放`,
        )
      return expired.length
    } finally {
      this.#sweeping = false
    }
  }

  async #release(key: string, bookingCode: string | null, reason: string): Promise<void> {
    if (bookingCode) {
      const found = await this.#booking.findByCode(bookingCode).catch(() => null)
      if (found && (found.booking.status === 'confirmed' || found.booking.status === 'waitlisted'))
        await this.#booking.cancel(found, { kind: 'system' }, reason)
    }
    await bookingLimitsRepo.releaseHold(this.#db, key, this.#now())
  }

  /**
   * The notifier as the outbox sees it: a booking's "booked" (or waitlisted, promoted) text waits
   * while its phone has a code to confirm, and is dropped if the hold was released unconfirmed.
   */
  notifier(inner: Notifier): Notifier {
    const db = this.#db
    return {
      name: inner.name,
      async send(m: OutboxMessage): Promise<void> {
        if (m.bookingId !== null && WAITING_KINDS.has(m.kind)) {
          const hold = await bookingLimitsRepo.holdOfBooking(db, m.bookingId)
          if (hold && hold.confirmedTs === null) {
            if (hold.releasedTs !== null) return // never confirmed: the booking was cancelled, and said so
            throw new Error('waits until the phone confirms its SMS code')
          }
        }
        await inner.send(m)
      },
    }
  }
}

/** 409: the seats are no longer held (`reason` says why: the time ran out, or too many wrong codes). */
const heldNoMore = (reason: 'expired' | 'too_many_tries'): AppError =>
  new AppError(
    'BOOKING_CLOSED',
    reason === 'expired'
      ? 'the seats were held only for a few minutes and have been released; book again'
      : 'too many wrong codes; the seats have been released',
    { field: 'code', reason },
  )
/** Compares two code hashes in constant time. */
export const sameCode = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

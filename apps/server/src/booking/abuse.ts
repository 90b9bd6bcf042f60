/**
 * Booking limits as the server applies them, per request, around the booking service (rules in
 * @rb/domain `booking/limits.ts`; docs/booking.md#limits). Before a booking: the request is
 * recorded in `booking_attempt` under advisory locks on its phone, address and account, in the
 * same transaction that counts what they already hold, so two instances cannot both let the
 * same phone over its limit. After it: a request that did not become a booking stops counting.
 *
 * SMS confirmation: when a villager's phone must confirm a code (BOOKING_VERIFY), the booking is
 * made at once — its seats are held — and the phone gets a 6-digit code; the "booked" message
 * waits in the outbox until the code comes back (POST /api/bookings/:code/verify). A hold not
 * confirmed within BOOKING_VERIFY_HOLD_MIN is released: the booking is cancelled, the seats return.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import {
  AppError,
  LIMIT_WINDOW_MS,
  limitRefusal,
  needsPhoneCode,
  normalizePhone,
  refuseOver,
  type BookingLimits,
  type RandomInt,
  type Refusal,
  type Requester,
} from '@rb/domain'
import { bookingLimitsRepo, bookingRepo, type Db, type OutboxMessage, type StoredBooking } from '@rb/db'
import type { Notifier } from '../notify/index.js'
import type { BookingService } from './service.js'

/** A request still being decided counts against its phone and trip for this long. */
const IN_FLIGHT_MS = 2 * 60_000
/** Wrong codes before a hold is given up. */
const MAX_CODE_TRIES = 5
/** Messages that wait while their booking's phone has not confirmed its code. */
const WAITING_KINDS = new Set(['booked', 'waitlisted', 'promoted'])

export interface LimitedRequest {
  idempotencyKey: string
  tripInstanceId: string
  phone: string
  seats: number
  who: Requester
  channel: 'web' | 'phone' | 'driver'
}

/** What the route tells the booker when their phone must confirm a code. */
export interface Verification {
  required: true
  expiresAt: string
}

export interface AbuseLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export class BookingAbuse {
  readonly #db: Db
  readonly #booking: BookingService
  readonly #now: () => number
  readonly #randomInt: RandomInt
  readonly #log: AbuseLog
  readonly #kick: () => void
  /** Codes drawn for requests in progress, until their booking's SMS is written. */
  readonly #codes = new Map<string, string>()
  #sweeping = false

  constructor(
    deps: { db: Db; booking: BookingService; randomInt: RandomInt; log: AbuseLog; kickOutbox: () => void; now?: () => number },
    readonly limits: BookingLimits,
  ) {
    this.#db = deps.db
    this.#booking = deps.booking
    this.#now = deps.now ?? Date.now
    this.#randomInt = deps.randomInt
    this.#log = deps.log
    this.#kick = deps.kickOutbox
  }

  /**
   * Before booking: throws BOOKING_LIMIT (429) when a limit is reached (the refusal is recorded,
   * so a dispatcher sees it); answers whether the phone must confirm a code.
   */
  async admit(r: LimitedRequest): Promise<{ verify: boolean }> {
    const phone = normalizePhone(r.phone)
    const trip = await this.#booking.network.instance(r.tripInstanceId)
    const now = this.#now()
    const address = r.who.kind === 'public' ? r.who.address : null
    const account = r.who.account
    const villager = r.who.kind === 'public' && r.who.account === null
    const verify =
      villager &&
      this.limits.verify !== 'off' &&
      needsPhoneCode(
        this.limits.verify,
        { bookingPolicy: trip.bookingPolicy, capacity: trip.seats, seatsTaken: await bookingLimitsRepo.seatsTaken(this.#db, trip.id) },
        await bookingLimitsRepo.verifiedSince(this.#db, phone, now - this.limits.rememberVerifiedMs),
        this.limits.highDemandShare,
      )
    const out = await this.#db.transaction(async (tx): Promise<{ refusal: Refusal | null; verify: boolean }> => {
      await bookingLimitsRepo.lockRequesters(tx, [`p:${phone}`, ...(address ? [`a:${address}`] : []), ...(account ? [`u:${account}`] : [])])
      const prior = await bookingLimitsRepo.attemptByKey(tx, r.idempotencyKey)
      // A resent request that was let through: nothing new to count.
      if (prior && prior.refused === null) return { refusal: null, verify: (await bookingLimitsRepo.holdByKey(tx, r.idempotencyKey)) !== null }
      const counts = await bookingLimitsRepo.limitCounts(tx, { phone, tripInstanceId: trip.id, address, account, since: now - LIMIT_WINDOW_MS, inFlightSince: now - IN_FLIGHT_MS })
      const refusal = limitRefusal(r.who, r.seats, counts, this.limits)
      await bookingLimitsRepo.recordAttempt(tx, { idempotencyKey: r.idempotencyKey, tripInstanceId: trip.id, phone, seats: r.seats, clientAddr: address, account, channel: r.channel, createdTs: now, refused: refusal?.limit ?? null })
      if (!refusal && verify) {
        const code = String(this.#randomInt(1_000_000)).padStart(6, '0')
        this.#codes.set(r.idempotencyKey, code)
        await bookingLimitsRepo.insertHold(tx, { idempotencyKey: r.idempotencyKey, phone, codeHash: codeHash(r.idempotencyKey, code), expiresTs: now + this.limits.holdMs })
      }
      return { refusal, verify: !refusal && verify }
    })
    if (out.refusal) this.#log.info({ limit: out.refusal.limit, trip: trip.id, address, account }, 'booking refused by a limit')
    refuseOver(out.refusal)
    return { verify: out.verify }
  }

  /** After a booking was made: a held one gets its code by SMS. Answers what to tell the booker. */
  async booked(key: string, booking: StoredBooking): Promise<Verification | null> {
    const hold = await bookingLimitsRepo.holdByKey(this.#db, key)
    const code = this.#codes.get(key)
    this.#codes.delete(key)
    if (!hold || hold.confirmedTs !== null) return null
    if (hold.bookingId === null && code !== undefined) {
      await this.#db.transaction(async (tx) => {
        await bookingLimitsRepo.attachHold(tx, key, booking.id)
        const minutes = Math.round(this.limits.holdMs / 60_000)
        await bookingRepo.enqueueMessages(
          tx,
          [{ kind: 'verify_code', recipient: booking.phone, recipientRole: 'passenger', body: `【乡村公交】验证码${code}，${minutes}分钟内在订座页输入，座位为您保留${minutes}分钟。订座码${booking.code}。`, bookingId: booking.id, tripInstanceId: booking.tripInstanceId }],
          this.#now(),
        )
      })
      this.#kick()
    }
    return hold.releasedTs === null ? { required: true, expiresAt: new Date(hold.expiresTs).toISOString() } : null
  }

  /** A request the limits let through did not become a booking: it stops counting. */
  async failed(key: string, why: string): Promise<void> {
    this.#codes.delete(key)
    await bookingLimitsRepo.settleRefused(this.#db, key, `booking:${why}`).catch((e: Error) => this.#log.warn({ err: e.message }, 'booking limits: could not settle a failed request'))
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
    if (hold.releasedTs !== null || hold.expiresTs <= now) throw new AppError('BOOKING_CLOSED', 'the seats were held only for a few minutes and have been released; book again', { field: 'code' })
    if (!sameCode(hold.codeHash, codeHash(hold.idempotencyKey, smsCode.trim()))) {
      const tries = await bookingLimitsRepo.countHoldAttempt(this.#db, hold.idempotencyKey)
      if (tries >= MAX_CODE_TRIES) {
        await this.#release(hold.idempotencyKey, found.booking.code, '验证码错误次数过多，座位已释放')
        throw new AppError('BOOKING_CLOSED', 'too many wrong codes; the seats have been released', { field: 'code' })
      }
      throw new AppError('VALIDATION_FAILED', `wrong code; ${MAX_CODE_TRIES - tries} tries left`, { field: 'code', triesLeft: MAX_CODE_TRIES - tries })
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
      for (const h of expired) await this.#release(h.idempotencyKey, h.bookingCode, `未在${Math.round(this.limits.holdMs / 60_000)}分钟内确认手机号，座位已释放`)
      return expired.length
    } finally {
      this.#sweeping = false
    }
  }

  async #release(key: string, bookingCode: string | null, reason: string): Promise<void> {
    if (bookingCode) {
      const found = await this.#booking.findByCode(bookingCode).catch(() => null)
      if (found && (found.booking.status === 'confirmed' || found.booking.status === 'waitlisted')) await this.#booking.cancel(found, { kind: 'system' }, reason)
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

const codeHash = (key: string, code: string): string => createHash('sha256').update(`${key}:${code}`).digest('hex')
const sameCode = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/**
 * Booking limits inside the booking group's transaction (rules in @rb/domain `booking/limits.ts`;
 * docs/booking.md#limits). The group holds its trip instance's lock; the gate adds advisory locks
 * on the group's phones, addresses and accounts (so two instances cannot both let one phone over
 * its daily cap on two trips), reads their counts once, and judges each request in arrival order
 * beside the seats. Afterwards it records every request with what became of it, and holds the
 * seats of the bookings whose phone must confirm an SMS code, with the code's message.
 */
import { createHash } from 'node:crypto'
import {
  LIMIT_WINDOW_MS,
  LimitTally,
  needsPhoneCode,
  refusalError,
  requesterKeys,
  type AppError,
  type BookableTrip,
  type BookingLimits,
  type GroupDecision,
  type GroupLimits,
  type LimitedRequest,
  type RandomInt,
  type Requester,
} from '@rb/domain'
import { bookingLimitsRepo, bookingRepo, type Queryable, type StoredBooking } from '@rb/db'

/** What the booker is told when their phone must confirm a code. */
export interface Verification {
  required: true
  /** When the held seats are released unless the code came back. */
  expiresAt: string
  /** The soonest the code may be sent again (null: sent as often as it may be). */
  resendAt: string | null
}

/** The soonest a code may be sent again after the last one. */
export const RESEND_AFTER_MS = 60_000
/** Codes sent for one hold at most (each text costs money; a made-up phone never answers). */
export const MAX_CODE_SENDS = 3

/** When a hold's code was last sent (holds from before that was kept: when the hold began). */
export const codeSentTs = (h: { expiresTs: number; codeSentTs: number | null }, holdMs: number): number =>
  h.codeSentTs ?? h.expiresTs - holdMs

/** What the booker is told about a hold: until when, and when the code may be sent again. */
export function verificationOf(
  h: { expiresTs: number; codeSentTs: number | null; codeSends: number },
  holdMs: number,
): Verification {
  const resendTs = codeSentTs(h, holdMs) + RESEND_AFTER_MS
  const canResend = h.codeSends < MAX_CODE_SENDS && resendTs < h.expiresTs
  return {
    required: true,
    expiresAt: new Date(h.expiresTs).toISOString(),
    resendAt: canResend ? new Date(resendTs).toISOString() : null,
  }
}

/** The text carrying a code. */
export const codeText = (code: string, holdMs: number, bookingCode: string): string => {
  const minutes = Math.round(holdMs / 60_000)
  return `【乡村公交】验证码${code}，${minutes}分钟内在订座页输入，座位为您保留${minutes}分钟。订座码${bookingCode}。`
}

/** A request as the gate needs it. */
export interface GatedRequest {
  idempotencyKey: string
  channel: string
  identity: { phone: string; seats: number }
  /** Who asks; null: nobody to limit (the server itself). */
  requester: Requester | null
}

/** The SHA-256 of a code with its request's key: the code itself is only in the SMS. */
export const codeHash = (key: string, code: string): string =>
  createHash('sha256').update(`${key}:${code}`).digest('hex')

const limited = (r: GatedRequest): LimitedRequest | null =>
  r.requester ? { who: r.requester, phone: r.identity.phone, seats: r.identity.seats } : null

export class LimitGate {
  constructor(
    readonly limits: BookingLimits,
    readonly randomInt: RandomInt,
  ) {}

  /** Locks the group's requesters and reads their counts; the result judges the group's requests. */
  async open<R extends GatedRequest>(
    tx: Queryable,
    requests: readonly R[],
    bookings: readonly StoredBooking[],
    now: number,
  ): Promise<GroupLimits<R>> {
    const asked = requests.flatMap((r) => {
      const l = limited(r)
      return l ? [{ l, keys: requesterKeys(l.who) }] : []
    })
    const phones = asked.map((a) => a.l.phone)
    const addresses = asked.flatMap((a) => (a.keys.address === null ? [] : [a.keys.address]))
    const accounts = asked.flatMap((a) => (a.keys.account === null ? [] : [a.keys.account]))
    await bookingLimitsRepo.lockRequesters(tx, [
      ...phones.map((p) => `p:${p}`),
      ...addresses.map((a) => `a:${a}`),
      ...accounts.map((a) => `u:${a}`),
    ])
    const day =
      asked.length === 0
        ? { phone: new Map(), address: new Map(), account: new Map() }
        : await bookingLimitsRepo.dayCounts(tx, { phones, addresses, accounts, since: now - LIMIT_WINDOW_MS })
    const tally = new LimitTally(this.limits, day, bookings)
    return {
      refuse: (r: R): AppError | null => {
        const l = limited(r)
        const refusal = l ? tally.refusal(l) : null
        return refusal ? refusalError(refusal) : null
      },
      took: (r: R): void => {
        const l = limited(r)
        if (l) tally.took(l)
      },
    }
  }

  /**
   * Records what became of each new request of the group (a resent one that was answered from
   * its booking is not counted again); holds the seats of the new bookings whose phone must
   * confirm a code and writes the code's SMS. Answers the verification per idempotency key.
   */
  async close<R extends GatedRequest>(
    tx: Queryable,
    g: {
      trip: BookableTrip
      capacity: number
      tripInstanceId: string
      bookings: readonly StoredBooking[]
      decided: readonly GroupDecision<R, StoredBooking>[]
      inserted: readonly StoredBooking[]
      now: number
    },
  ): Promise<Map<string, Verification>> {
    const byKey = new Map(g.inserted.map((b) => [b.idempotencyKey, b]))
    const attempts: bookingLimitsRepo.Attempt[] = []
    const recorded = new Set<string>()
    for (const d of g.decided) {
      const r = d.request
      // A resent request answered from its booking, and a key reused for another booking, count nothing new.
      if (
        !r.requester ||
        d.kind === 'replay' ||
        d.kind === 'twin' ||
        (d.kind === 'error' && d.error.code === 'CONFLICT')
      )
        continue
      if (recorded.has(r.idempotencyKey)) continue
      recorded.add(r.idempotencyKey)
      const refused =
        d.kind === 'error'
          ? d.error.code === 'BOOKING_LIMIT'
            ? String(d.error.details?.['limit'])
            : `booking:${d.error.code}`
          : null
      attempts.push({
        idempotencyKey: r.idempotencyKey,
        tripInstanceId: g.tripInstanceId,
        phone: r.identity.phone,
        seats: r.identity.seats,
        clientAddr: r.requester.kind === 'public' ? r.requester.address : null,
        account: r.requester.account,
        channel: r.channel,
        createdTs: g.now,
        refused: refused?.slice(0, 80) ?? null,
      })
    }
    await bookingLimitsRepo.recordAttempts(tx, attempts)
    const out = await this.#hold(tx, g, byKey)
    // A resent request whose seats are still held is told so again.
    const resent = g.decided.flatMap((d) =>
      d.kind === 'replay' && d.request.requester ? [d.request.idempotencyKey] : [],
    )
    for (const [key, hold] of await bookingLimitsRepo.openHolds(tx, resent))
      out.set(key, verificationOf(hold, this.limits.holdMs))
    return out
  }

  async #hold<R extends GatedRequest>(
    tx: Queryable,
    g: {
      trip: BookableTrip
      capacity: number
      bookings: readonly StoredBooking[]
      decided: readonly GroupDecision<R, StoredBooking>[]
      now: number
    },
    byKey: ReadonlyMap<string, StoredBooking>,
  ): Promise<Map<string, Verification>> {
    const out = new Map<string, Verification>()
    const mode = this.limits.verify
    const villagers = g.decided.flatMap((d) =>
      d.kind === 'new' && d.request.requester?.kind === 'public' && d.request.requester.account === null
        ? [byKey.get(d.request.idempotencyKey) as StoredBooking]
        : [],
    )
    if (mode === 'off' || villagers.length === 0) return out
    const verified = await bookingLimitsRepo.verifiedSince(
      tx,
      villagers.map((b) => b.phone),
      g.now - this.limits.rememberVerifiedMs,
    )
    // Seats taken as each booking of the group was decided (the earlier ones included).
    let taken = g.bookings
      .filter((b) => b.status === 'confirmed' || b.status === 'boarded')
      .reduce((n, b) => n + b.seats, 0)
    const held: {
      idempotencyKey: string
      bookingId: number
      phone: string
      codeHash: string
      expiresTs: number
      booking: StoredBooking
      code: string
    }[] = []
    for (const b of villagers) {
      const demand = { bookingPolicy: g.trip.bookingPolicy, capacity: g.capacity, seatsTaken: taken }
      if (b.status === 'confirmed') taken += b.seats
      if (!needsPhoneCode(mode, demand, verified.has(b.phone), this.limits.highDemandShare)) continue
      const code = String(this.randomInt(1_000_000)).padStart(6, '0')
      held.push({
        idempotencyKey: b.idempotencyKey,
        bookingId: b.id,
        phone: b.phone,
        codeHash: codeHash(b.idempotencyKey, code),
        expiresTs: g.now + this.limits.holdMs,
        booking: b,
        code,
      })
    }
    if (held.length === 0) return out
    await bookingLimitsRepo.insertHolds(tx, held, g.now)
    await bookingRepo.enqueueMessages(
      tx,
      held.map((h) => ({
        kind: 'verify_code',
        recipient: h.phone,
        recipientRole: 'passenger',
        body: codeText(h.code, this.limits.holdMs, h.booking.code),
        bookingId: h.bookingId,
        tripInstanceId: h.booking.tripInstanceId,
      })),
      g.now,
    )
    for (const h of held)
      out.set(
        h.idempotencyKey,
        verificationOf({ expiresTs: h.expiresTs, codeSentTs: g.now, codeSends: 1 }, this.limits.holdMs),
      )
    return out
  }
}

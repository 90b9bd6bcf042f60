/**
 * What the booking limits read and write (migration 011): booking requests per phone, address and
 * account, seats held while a phone confirms an SMS code, phones that confirmed one, and the
 * capacity of a trip as the database has it. Times are epoch ms.
 */
import type { Queryable } from '../port.js'

const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ACTIVE = `('confirmed', 'waitlisted', 'boarded')`

/** A trip's seats as stored now (null: no such trip). Read inside the booking transaction. */
export async function tripSeats(q: Queryable, tripId: string): Promise<number | null> {
  const r = await q.query<{ seats: number }>('SELECT seats FROM trip WHERE id = $1', [tripId])
  return r.rows[0]?.seats ?? null
}

/**
 * Serialises requests of the same phone, address or account across instances for the rest of
 * the transaction (advisory locks, always taken in sorted order so two requests never wait on
 * each other crosswise).
 */
export async function lockRequesters(tx: Queryable, keys: readonly string[]): Promise<void> {
  for (const k of [...new Set(keys)].sort()) await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rb-booking:${k}`])
}

export interface Attempt {
  idempotencyKey: string
  tripInstanceId: string
  phone: string
  seats: number
  clientAddr: string | null
  account: string | null
  channel: string
  createdTs: number
  refused: string | null
}

export async function attemptByKey(q: Queryable, key: string): Promise<Attempt | null> {
  const r = await q.query<{ trip_instance_id: string; phone: string; seats: number; client_addr: string | null; account: string | null; channel: string; created_ms: number; refused: string | null }>(
    `SELECT trip_instance_id, phone, seats, client_addr, account, channel, ${ms('created_at', 'created_ms')}, refused FROM booking_attempt WHERE idempotency_key = $1`,
    [key],
  )
  const x = r.rows[0]
  return x ? { idempotencyKey: key, tripInstanceId: x.trip_instance_id, phone: x.phone, seats: x.seats, clientAddr: x.client_addr, account: x.account, channel: x.channel, createdTs: Math.round(x.created_ms), refused: x.refused } : null
}

export interface CountsQuery {
  phone: string
  tripInstanceId: string
  address: string | null
  account: string | null
  /** Start of the daily window. */
  since: number
  /** Requests taken after this and not yet a booking are still being decided (they count for the trip). */
  inFlightSince: number
}

/** Counts for the limits (the request being decided not included). */
export async function limitCounts(q: Queryable, c: CountsQuery): Promise<{ phoneTripBookings: number; phoneTripSeats: number; phoneDay: number; addressDay: number; accountDay: number }> {
  const r = await q.query<{ tb: number; tseats: number; fb: number; fseats: number; pd: number; ad: number; ud: number }>(
    `SELECT
       (SELECT count(*)::int FROM booking WHERE trip_instance_id = $2 AND phone = $1 AND status IN ${ACTIVE}) AS tb,
       (SELECT coalesce(sum(seats), 0)::int FROM booking WHERE trip_instance_id = $2 AND phone = $1 AND status IN ${ACTIVE}) AS tseats,
       (SELECT count(*)::int FROM booking_attempt a WHERE a.trip_instance_id = $2 AND a.phone = $1 AND a.refused IS NULL AND a.created_at > ${ts(6)}
          AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.idempotency_key = a.idempotency_key)) AS fb,
       (SELECT coalesce(sum(seats), 0)::int FROM booking_attempt a WHERE a.trip_instance_id = $2 AND a.phone = $1 AND a.refused IS NULL AND a.created_at > ${ts(6)}
          AND NOT EXISTS (SELECT 1 FROM booking b WHERE b.idempotency_key = a.idempotency_key)) AS fseats,
       (SELECT count(*)::int FROM booking_attempt WHERE phone = $1 AND refused IS NULL AND created_at > ${ts(5)}) AS pd,
       (SELECT count(*)::int FROM booking_attempt WHERE $3::text IS NOT NULL AND client_addr = $3 AND account IS NULL AND refused IS NULL AND created_at > ${ts(5)}) AS ad,
       (SELECT count(*)::int FROM booking_attempt WHERE $4::text IS NOT NULL AND account = $4 AND refused IS NULL AND created_at > ${ts(5)}) AS ud`,
    [c.phone, c.tripInstanceId, c.address, c.account, c.since, c.inFlightSince],
  )
  const x = r.rows[0] ?? { tb: 0, tseats: 0, fb: 0, fseats: 0, pd: 0, ad: 0, ud: 0 }
  return { phoneTripBookings: x.tb + x.fb, phoneTripSeats: x.tseats + x.fseats, phoneDay: x.pd, addressDay: x.ad, accountDay: x.ud }
}

/** Records (or, for a resent request, updates) a request and whether a limit refused it. */
export async function recordAttempt(tx: Queryable, a: Attempt): Promise<void> {
  await tx.query(
    `INSERT INTO booking_attempt (idempotency_key, trip_instance_id, phone, seats, client_addr, account, channel, created_at, refused)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ${ts(8)}, $9)
     ON CONFLICT (idempotency_key) DO UPDATE SET refused = EXCLUDED.refused, created_at = EXCLUDED.created_at`,
    [a.idempotencyKey, a.tripInstanceId, a.phone, a.seats, a.clientAddr, a.account, a.channel, a.createdTs, a.refused],
  )
}

/** A request the limits let through did not become a booking (trip full, closed, …): it no longer counts. */
export async function settleRefused(q: Queryable, key: string, why: string): Promise<void> {
  await q.query("UPDATE booking_attempt SET refused = $2 WHERE idempotency_key = $1 AND refused IS NULL AND NOT EXISTS (SELECT 1 FROM booking WHERE idempotency_key = $1)", [key, why.slice(0, 80)])
}

/** Seats held now (confirmed and boarded) on a trip instance. */
export async function seatsTaken(q: Queryable, tripInstanceId: string): Promise<number> {
  const r = await q.query<{ n: number }>("SELECT coalesce(sum(seats), 0)::int AS n FROM booking WHERE trip_instance_id = $1 AND status IN ('confirmed', 'boarded')", [tripInstanceId])
  return r.rows[0]?.n ?? 0
}

// ── Phone confirmation ──

export async function verifiedSince(q: Queryable, phone: string, since: number): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM phone_verified WHERE phone = $1 AND verified_at > ${ts(2)}`, [phone, since])
  return r.rows.length > 0
}

export async function markVerified(q: Queryable, phone: string, now: number): Promise<void> {
  await q.query(`INSERT INTO phone_verified (phone, verified_at) VALUES ($1, ${ts(2)}) ON CONFLICT (phone) DO UPDATE SET verified_at = EXCLUDED.verified_at`, [phone, now])
}

export interface Hold {
  idempotencyKey: string
  bookingId: number | null
  /** The booking's code once it exists. */
  bookingCode: string | null
  phone: string
  codeHash: string
  expiresTs: number
  attempts: number
  confirmedTs: number | null
  releasedTs: number | null
}

interface HoldRow {
  idempotency_key: string
  booking_id: number | null
  booking_code: string | null
  phone: string
  code_hash: string
  expires_ms: number
  attempts: number
  confirmed_ms: number | null
  released_ms: number | null
}

const HOLD_COLUMNS = `idempotency_key, booking_id, (SELECT code FROM booking b WHERE b.id = booking_hold.booking_id) AS booking_code, phone, code_hash, ${ms('expires_at', 'expires_ms')}, attempts, ${ms('confirmed_at', 'confirmed_ms')}, ${ms('released_at', 'released_ms')}`
const toHold = (x: HoldRow): Hold => ({
  idempotencyKey: x.idempotency_key,
  bookingId: x.booking_id === null ? null : Number(x.booking_id),
  bookingCode: x.booking_code,
  phone: x.phone,
  codeHash: x.code_hash,
  expiresTs: Math.round(x.expires_ms),
  attempts: x.attempts,
  confirmedTs: x.confirmed_ms === null ? null : Math.round(x.confirmed_ms),
  releasedTs: x.released_ms === null ? null : Math.round(x.released_ms),
})

/** A hold for a request about to be booked (kept when the request is resent). */
export async function insertHold(tx: Queryable, h: { idempotencyKey: string; phone: string; codeHash: string; expiresTs: number }): Promise<void> {
  await tx.query(`INSERT INTO booking_hold (idempotency_key, phone, code_hash, expires_at) VALUES ($1, $2, $3, ${ts(4)}) ON CONFLICT DO NOTHING`, [h.idempotencyKey, h.phone, h.codeHash, h.expiresTs])
}

export async function holdByKey(q: Queryable, key: string): Promise<Hold | null> {
  const r = await q.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE idempotency_key = $1`, [key])
  return r.rows[0] ? toHold(r.rows[0]) : null
}

/** The hold of a booking, found by the booking's id or its idempotency key. */
export async function holdOfBooking(q: Queryable, bookingId: number): Promise<Hold | null> {
  const r = await q.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE idempotency_key = (SELECT idempotency_key FROM booking WHERE id = $1)`, [bookingId])
  return r.rows[0] ? toHold(r.rows[0]) : null
}

export async function attachHold(q: Queryable, key: string, bookingId: number): Promise<void> {
  await q.query('UPDATE booking_hold SET booking_id = $2 WHERE idempotency_key = $1', [key, bookingId])
}

export async function countHoldAttempt(q: Queryable, key: string): Promise<number> {
  const r = await q.query<{ attempts: number }>('UPDATE booking_hold SET attempts = attempts + 1 WHERE idempotency_key = $1 RETURNING attempts', [key])
  return r.rows[0]?.attempts ?? 0
}

export async function confirmHold(q: Queryable, key: string, now: number): Promise<boolean> {
  const r = await q.query(`UPDATE booking_hold SET confirmed_at = ${ts(2)} WHERE idempotency_key = $1 AND confirmed_at IS NULL AND released_at IS NULL`, [key, now])
  return r.rowCount > 0
}

export async function releaseHold(q: Queryable, key: string, now: number): Promise<void> {
  await q.query(`UPDATE booking_hold SET released_at = ${ts(2)} WHERE idempotency_key = $1 AND released_at IS NULL`, [key, now])
}

/** Holds whose time ran out unconfirmed (the sweep releases them). */
export async function expiredHolds(q: Queryable, now: number, limit = 100): Promise<Hold[]> {
  const r = await q.query<HoldRow>(
    `SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE confirmed_at IS NULL AND released_at IS NULL AND expires_at <= ${ts(1)} ORDER BY expires_at LIMIT $2`,
    [now, limit],
  )
  return r.rows.map(toHold)
}

/** Messages of a booking waiting in the outbox are due now (its hold was confirmed). */
export async function messagesDueNow(q: Queryable, bookingId: number, now: number): Promise<void> {
  await q.query(`UPDATE notification_outbox SET next_attempt_at = ${ts(2)} WHERE booking_id = $1 AND sent_at IS NULL`, [bookingId, now])
}

// ── The dispatcher's view ──

/**
 * Per phone, address or account: requests taken, refused by a limit of that kind (a phone refused
 * for its address is the address's doing), which limits, trips, lapsed holds, last request.
 */
const aggs = (kind: 'phone' | 'address' | 'account'): string => `count(*) FILTER (WHERE refused IS NULL OR refused LIKE 'booking:%')::int AS requests,
  count(*) FILTER (WHERE refused LIKE '${kind}_%')::int AS refused,
  array_agg(DISTINCT refused) FILTER (WHERE refused LIKE '${kind}_%') AS limits,
  count(DISTINCT trip_instance_id)::int AS trips, count(*) FILTER (WHERE lapsed)::int AS expired, max(created_at) AS last`

export interface SuspectRow {
  kind: 'address' | 'phone' | 'account'
  key: string
  requests: number
  refused: number
  limits: string[]
  trips: number
  expiredHolds: number
  lastTs: number
}

/**
 * Phones, addresses and accounts that in the window hit a limit, reached `flag` requests of
 * their kind, or let a held seat lapse without confirming: most requests first.
 */
export async function suspects(q: Queryable, since: number, flag: { phone: number; address: number; account: number }, limit = 100): Promise<SuspectRow[]> {
  const r = await q.query<{ kind: SuspectRow['kind']; key: string; requests: number; refused: number; limits: string[] | null; trips: number; expired: number; last_ms: number }>(
    `WITH w AS (
       SELECT a.*, (h.released_at IS NOT NULL AND h.confirmed_at IS NULL) AS lapsed
       FROM booking_attempt a LEFT JOIN booking_hold h ON h.idempotency_key = a.idempotency_key
       WHERE a.created_at > ${ts(1)}
     ), g AS (
       SELECT 'phone' AS kind, phone AS key, ${aggs('phone')} FROM w GROUP BY phone
       UNION ALL
       SELECT 'address', client_addr, ${aggs('address')} FROM w WHERE client_addr IS NOT NULL AND account IS NULL GROUP BY client_addr
       UNION ALL
       SELECT 'account', account, ${aggs('account')} FROM w WHERE account IS NOT NULL GROUP BY account
     )
     SELECT kind, key, requests, refused, limits, trips, expired, ${ms('last', 'last_ms')} FROM g
     WHERE refused > 0 OR expired > 0
        OR (kind = 'phone' AND requests >= $2) OR (kind = 'address' AND requests >= $3) OR (kind = 'account' AND requests >= $4)
     ORDER BY requests + refused DESC, last DESC LIMIT $5`,
    [since, flag.phone, flag.address, flag.account, limit],
  )
  return r.rows.map((x) => ({ kind: x.kind, key: x.key, requests: x.requests, refused: x.refused, limits: x.limits ?? [], trips: x.trips, expiredHolds: x.expired, lastTs: Math.round(x.last_ms) }))
}

export interface SuspectBooking {
  code: string
  tripInstanceId: string
  name: string
  phone: string
  seats: number
  status: string
  clientAddr: string | null
  account: string | null
  createdTs: number
  held: boolean
}

/** The active bookings behind a phone, address or account in the window, newest first. */
export async function bookingsOfSuspect(q: Queryable, kind: SuspectRow['kind'], key: string, since: number, limit = 20): Promise<SuspectBooking[]> {
  const column = kind === 'phone' ? 'a.phone' : kind === 'address' ? 'a.client_addr' : 'a.account'
  const r = await q.query<{ code: string; trip_instance_id: string; passenger_name: string; phone: string; seats: number; status: string; client_addr: string | null; account: string | null; created_ms: number; held: boolean }>(
    `SELECT b.code, b.trip_instance_id, b.passenger_name, b.phone, b.seats, b.status, a.client_addr, a.account, ${ms('b.created_at', 'created_ms')},
       (h.idempotency_key IS NOT NULL AND h.confirmed_at IS NULL AND h.released_at IS NULL) AS held
     FROM booking_attempt a JOIN booking b ON b.idempotency_key = a.idempotency_key LEFT JOIN booking_hold h ON h.idempotency_key = a.idempotency_key
     WHERE ${column} = $1 AND a.created_at > ${ts(2)} AND b.status IN ${ACTIVE}
     ORDER BY b.id DESC LIMIT $3`,
    [key, since, limit],
  )
  return r.rows.map((x) => ({ code: x.code, tripInstanceId: x.trip_instance_id, name: x.passenger_name, phone: x.phone, seats: x.seats, status: x.status, clientAddr: x.client_addr, account: x.account, createdTs: Math.round(x.created_ms), held: x.held }))
}

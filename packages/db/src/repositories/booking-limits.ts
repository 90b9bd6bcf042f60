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
 * Serialises the booking groups that share a phone, address or account across instances for the
 * rest of the transaction: one advisory lock per key, taken in sorted order in one statement, so
 * two groups never wait on each other crosswise.
 */
export async function lockRequesters(tx: Queryable, keys: readonly string[]): Promise<void> {
  const sorted = [...new Set(keys)].sort().map((k) => `rb-booking:${k}`)
  if (sorted.length === 0) return
  await tx.query(
    'SELECT count(pg_advisory_xact_lock(hashtext(k)))::int AS n FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i)',
    [sorted],
  )
}

/** A booking request as the limits record it (one row per idempotency key). */
export interface Attempt {
  idempotencyKey: string
  tripInstanceId: string
  phone: string
  seats: number
  clientAddr: string | null
  account: string | null
  channel: string
  createdTs: number
  /** The limit that refused it, `booking:<code>` when the booking itself failed, null when it became a booking. */
  refused: string | null
}

/**
 * Requests that counted (not refused) since `since`, per phone, per client address without a
 * session and per account, for the given keys.
 */
export async function dayCounts(
  q: Queryable,
  c: { phones: readonly string[]; addresses: readonly string[]; accounts: readonly string[]; since: number },
): Promise<{ phone: Map<string, number>; address: Map<string, number>; account: Map<string, number> }> {
  const r = await q.query<{ kind: 'phone' | 'address' | 'account'; key: string; n: number }>(
    `SELECT 'phone' AS kind, phone AS key, count(*)::int AS n FROM booking_attempt
       WHERE phone = ANY($1::text[]) AND refused IS NULL AND created_at > ${ts(4)} GROUP BY phone
     UNION ALL
     SELECT 'address', client_addr, count(*)::int FROM booking_attempt
       WHERE client_addr = ANY($2::text[]) AND account IS NULL AND refused IS NULL AND created_at > ${ts(4)} GROUP BY client_addr
     UNION ALL
     SELECT 'account', account, count(*)::int FROM booking_attempt
       WHERE account = ANY($3::text[]) AND refused IS NULL AND created_at > ${ts(4)} GROUP BY account`,
    [[...new Set(c.phones)], [...new Set(c.addresses)], [...new Set(c.accounts)], c.since],
  )
  const out = {
    phone: new Map<string, number>(),
    address: new Map<string, number>(),
    account: new Map<string, number>(),
  }
  for (const x of r.rows) out[x.kind].set(x.key, x.n)
  return out
}

/** Records requests, or for a resent one (same key) what became of it this time. */
export async function recordAttempts(tx: Queryable, attempts: readonly Attempt[]): Promise<void> {
  if (attempts.length === 0) return
  const col = <K extends keyof Attempt>(k: K): Attempt[K][] => attempts.map((a) => a[k])
  await tx.query(
    `INSERT INTO booking_attempt (idempotency_key, trip_instance_id, phone, seats, client_addr, account, channel, created_at, refused)
     SELECT k, t, p, s, ad, ac, ch, to_timestamp(c::float8 / 1000.0), rf
     FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[]) AS u(k, t, p, s, ad, ac, ch, c, rf)
     ON CONFLICT (idempotency_key) DO UPDATE SET refused = EXCLUDED.refused, created_at = EXCLUDED.created_at`,
    [
      col('idempotencyKey'),
      col('tripInstanceId'),
      col('phone'),
      col('seats'),
      col('clientAddr'),
      col('account'),
      col('channel'),
      col('createdTs'),
      col('refused'),
    ],
  )
}

// ── Phone confirmation ──

/** Of `phones`, those that confirmed a code since `since`. */
export async function verifiedSince(q: Queryable, phones: readonly string[], since: number): Promise<Set<string>> {
  if (phones.length === 0) return new Set()
  const r = await q.query<{ phone: string }>(
    `SELECT phone FROM phone_verified WHERE phone = ANY($1::text[]) AND verified_at > ${ts(2)}`,
    [[...new Set(phones)], since],
  )
  return new Set(r.rows.map((x) => x.phone))
}

export async function markVerified(q: Queryable, phone: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO phone_verified (phone, verified_at) VALUES ($1, ${ts(2)}) ON CONFLICT (phone) DO UPDATE SET verified_at = EXCLUDED.verified_at`,
    [phone, now],
  )
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
  /** When the code was last sent (null: held before migration 022) and how many codes were sent. */
  codeSentTs: number | null
  codeSends: number
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
  code_sent_ms: number | null
  code_sends: number
}

const HOLD_COLUMNS = `idempotency_key, booking_id, (SELECT code FROM booking b WHERE b.id = booking_hold.booking_id) AS booking_code, phone, code_hash, ${ms('expires_at', 'expires_ms')}, attempts, ${ms('confirmed_at', 'confirmed_ms')}, ${ms('released_at', 'released_ms')}, ${ms('code_sent_at', 'code_sent_ms')}, code_sends`
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
  codeSentTs: x.code_sent_ms === null ? null : Math.round(x.code_sent_ms),
  codeSends: x.code_sends,
})

/** Holds for bookings just made, whose phones must confirm a code (their attempts are recorded). */
export async function insertHolds(
  tx: Queryable,
  holds: readonly { idempotencyKey: string; bookingId: number; phone: string; codeHash: string; expiresTs: number }[],
  sentTs: number,
): Promise<void> {
  if (holds.length === 0) return
  await tx.query(
    `INSERT INTO booking_hold (idempotency_key, booking_id, phone, code_hash, expires_at, code_sent_at)
     SELECT k, b, p, h, to_timestamp(e::float8 / 1000.0), ${ts(6)} FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::float8[]) AS u(k, b, p, h, e)
     ON CONFLICT DO NOTHING`,
    [
      holds.map((h) => h.idempotencyKey),
      holds.map((h) => h.bookingId),
      holds.map((h) => h.phone),
      holds.map((h) => h.codeHash),
      holds.map((h) => h.expiresTs),
      sentTs,
    ],
  )
}

/** Of the given requests' keys, those whose seats are still held waiting for a code, per key. */
export async function openHolds(q: Queryable, keys: readonly string[]): Promise<Map<string, Hold>> {
  if (keys.length === 0) return new Map()
  const r = await q.query<HoldRow>(
    `SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE idempotency_key = ANY($1::text[]) AND confirmed_at IS NULL AND released_at IS NULL`,
    [[...keys]],
  )
  return new Map(r.rows.map((x) => [x.idempotency_key, toHold(x)]))
}

/** The hold of a booking, found by the booking's id or its idempotency key. */
export async function holdOfBooking(q: Queryable, bookingId: number): Promise<Hold | null> {
  const r = await q.query<HoldRow>(
    `SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE idempotency_key = (SELECT idempotency_key FROM booking WHERE id = $1)`,
    [bookingId],
  )
  return r.rows[0] ? toHold(r.rows[0]) : null
}

/** The hold of a booking, locked for the rest of the transaction (a code sent again, once across instances). */
export async function lockHoldOfBooking(tx: Queryable, bookingId: number): Promise<Hold | null> {
  const r = await tx.query<HoldRow>(
    `SELECT ${HOLD_COLUMNS} FROM booking_hold WHERE idempotency_key = (SELECT idempotency_key FROM booking WHERE id = $1) FOR UPDATE`,
    [bookingId],
  )
  return r.rows[0] ? toHold(r.rows[0]) : null
}

/** A new code replaces the old one (which stops working); the wrong tries still count. */
export async function replaceHoldCode(tx: Queryable, key: string, codeHash: string, sentTs: number): Promise<void> {
  await tx.query(
    `UPDATE booking_hold SET code_hash = $2, code_sent_at = ${ts(3)}, code_sends = code_sends + 1 WHERE idempotency_key = $1`,
    [key, codeHash, sentTs],
  )
}

export async function countHoldAttempt(q: Queryable, key: string): Promise<number> {
  const r = await q.query<{ attempts: number }>(
    'UPDATE booking_hold SET attempts = attempts + 1 WHERE idempotency_key = $1 RETURNING attempts',
    [key],
  )
  return r.rows[0]?.attempts ?? 0
}

export async function confirmHold(q: Queryable, key: string, now: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE booking_hold SET confirmed_at = ${ts(2)} WHERE idempotency_key = $1 AND confirmed_at IS NULL AND released_at IS NULL`,
    [key, now],
  )
  return r.rowCount > 0
}

export async function releaseHold(q: Queryable, key: string, now: number): Promise<void> {
  await q.query(`UPDATE booking_hold SET released_at = ${ts(2)} WHERE idempotency_key = $1 AND released_at IS NULL`, [
    key,
    now,
  ])
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
  await q.query(`UPDATE notification_outbox SET next_attempt_at = ${ts(2)} WHERE booking_id = $1 AND sent_at IS NULL`, [
    bookingId,
    now,
  ])
}

// ── The dispatcher's view ──

/**
 * Per phone, address or account: requests taken, refused by a limit of that kind (a phone refused
 * for its address is the address's doing), which limits, trips, lapsed holds, last request.
 */
const aggs = (
  kind: 'phone' | 'address' | 'account',
): string => `count(*) FILTER (WHERE refused IS NULL OR refused LIKE 'booking:%')::int AS requests,
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
export async function suspects(
  q: Queryable,
  since: number,
  flag: { phone: number; address: number; account: number },
  limit = 100,
): Promise<SuspectRow[]> {
  const r = await q.query<{
    kind: SuspectRow['kind']
    key: string
    requests: number
    refused: number
    limits: string[] | null
    trips: number
    expired: number
    last_ms: number
  }>(
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
  return r.rows.map((x) => ({
    kind: x.kind,
    key: x.key,
    requests: x.requests,
    refused: x.refused,
    limits: x.limits ?? [],
    trips: x.trips,
    expiredHolds: x.expired,
    lastTs: Math.round(x.last_ms),
  }))
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
export async function bookingsOfSuspect(
  q: Queryable,
  kind: SuspectRow['kind'],
  key: string,
  since: number,
  limit = 20,
): Promise<SuspectBooking[]> {
  const column = kind === 'phone' ? 'a.phone' : kind === 'address' ? 'a.client_addr' : 'a.account'
  const r = await q.query<{
    code: string
    trip_instance_id: string
    passenger_name: string
    phone: string
    seats: number
    status: string
    client_addr: string | null
    account: string | null
    created_ms: number
    held: boolean
  }>(
    `SELECT b.code, b.trip_instance_id, b.passenger_name, b.phone, b.seats, b.status, a.client_addr, a.account, ${ms('b.created_at', 'created_ms')},
       (h.idempotency_key IS NOT NULL AND h.confirmed_at IS NULL AND h.released_at IS NULL) AS held
     FROM booking_attempt a JOIN booking b ON b.idempotency_key = a.idempotency_key LEFT JOIN booking_hold h ON h.idempotency_key = a.idempotency_key
     WHERE ${column} = $1 AND a.created_at > ${ts(2)} AND b.status IN ${ACTIVE}
     ORDER BY b.id DESC LIMIT $3`,
    [key, since, limit],
  )
  return r.rows.map((x) => ({
    code: x.code,
    tripInstanceId: x.trip_instance_id,
    name: x.passenger_name,
    phone: x.phone,
    seats: x.seats,
    status: x.status,
    clientAddr: x.client_addr,
    account: x.account,
    createdTs: Math.round(x.created_ms),
    held: x.held,
  }))
}

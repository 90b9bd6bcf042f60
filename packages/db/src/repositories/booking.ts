/**
 * Bookings, the per-trip-instance lock row, and the notification outbox. Times are epoch ms; they
 * travel as float8 and become timestamptz in SQL, the same on both adapters.
 */
import type { Booking, BookingChannel, BookingStatus, OnDemandState } from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`

export interface TripLock {
  tripInstanceId: string
  onDemand: OnDemandState | null
  /** The network's cancellation of this day's run as the lock found it (null: it runs). */
  cancelled: { reason: string | null } | null
}

/**
 * Locks the trip instance's row for the rest of the transaction, creating it on first use.
 * Every transaction that changes the bookings of a trip instance calls this first. Then it reads
 * the trip instance's cancellation, in a statement of its own: one that waited for the lock
 * would see the trip as it was when it began waiting, and a booking queued behind the
 * cancellation of its trip must find the trip cancelled.
 */
export async function lockTrip(tx: Queryable, tripInstanceId: string): Promise<TripLock> {
  const sql = 'SELECT on_demand FROM booking_trip WHERE trip_instance_id = $1 FOR UPDATE'
  let r = await tx.query<{ on_demand: OnDemandState | null }>(sql, [tripInstanceId])
  if (r.rows.length === 0) {
    // First booking of this trip instance: create the row (a concurrent creator wins or waits), then lock it.
    await tx.query('INSERT INTO booking_trip (trip_instance_id) VALUES ($1) ON CONFLICT DO NOTHING', [tripInstanceId])
    r = await tx.query<{ on_demand: OnDemandState | null }>(sql, [tripInstanceId])
  }
  const run = await tx.query<{ status: string; cancel_reason: string | null }>(
    'SELECT status, cancel_reason FROM trip_instance WHERE id = $1',
    [tripInstanceId],
  )
  const cancelled = run.rows[0]?.status === 'cancelled' ? { reason: run.rows[0].cancel_reason } : null
  return { tripInstanceId, onDemand: r.rows[0]?.on_demand ?? null, cancelled }
}

/**
 * Trip instances cancelled for the day (from `since` on) that still have confirmed or waitlisted
 * bookings: what a cancellation left undone (the server stopped between the two).
 */
export async function cancelledWithOpenBookings(q: Queryable, since: string): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT ti.id FROM trip_instance ti
     WHERE ti.status = 'cancelled' AND ti.service_date >= $1::date
       AND EXISTS (SELECT 1 FROM booking b WHERE b.trip_instance_id = ti.id AND b.status IN ('confirmed', 'waitlisted'))
     ORDER BY ti.id`,
    [since],
  )
  return r.rows.map((x) => x.id)
}

/** On-demand states of trip instances that have a row (the rest are undecided). */
export async function onDemandStates(
  q: Queryable,
  tripInstanceIds: readonly string[],
): Promise<Map<string, OnDemandState | null>> {
  if (tripInstanceIds.length === 0) return new Map()
  const r = await q.query<{ trip_instance_id: string; on_demand: OnDemandState | null }>(
    'SELECT trip_instance_id, on_demand FROM booking_trip WHERE trip_instance_id = ANY($1::text[])',
    [tripInstanceIds],
  )
  return new Map(r.rows.map((x) => [x.trip_instance_id, x.on_demand]))
}

export async function setOnDemand(
  tx: Queryable,
  tripInstanceId: string,
  state: OnDemandState,
  now: number,
): Promise<void> {
  await tx.query(
    `UPDATE booking_trip SET on_demand = $2, decided_at = ${ts(3)}, updated_at = ${ts(3)} WHERE trip_instance_id = $1`,
    [tripInstanceId, state, now],
  )
}

interface BookingRow {
  id: number
  code: string
  trip_instance_id: string
  board_stop: string
  alight_stop: string
  board_seq: number
  alight_seq: number
  seats: number
  passenger_name: string
  phone: string
  status: BookingStatus
  channel: BookingChannel
  idempotency_key: string
  created_by: string | null
  created_ms: number
  updated_ms: number
  cancel_reason: string | null
  cancelled_by: string | null
}

const COLUMNS = `id, code, trip_instance_id, board_stop, alight_stop, board_seq, alight_seq, seats, passenger_name, phone, status, channel,
  idempotency_key, created_by, ${ms('created_at', 'created_ms')}, ${ms('updated_at', 'updated_ms')}, cancel_reason, cancelled_by`

export interface StoredBooking extends Booking {
  idempotencyKey: string
  createdBy: string | null
}

const toBooking = (r: BookingRow): StoredBooking => ({
  id: Number(r.id),
  code: r.code,
  tripInstanceId: r.trip_instance_id,
  boardStop: r.board_stop,
  alightStop: r.alight_stop,
  boardSeq: r.board_seq,
  alightSeq: r.alight_seq,
  seats: r.seats,
  name: r.passenger_name,
  phone: r.phone,
  status: r.status,
  channel: r.channel,
  idempotencyKey: r.idempotency_key,
  createdBy: r.created_by,
  createdTs: Math.round(r.created_ms),
  updatedTs: Math.round(r.updated_ms),
  cancelReason: r.cancel_reason,
  cancelledBy: r.cancelled_by,
})

/** Every booking of a trip instance, in request order. */
export async function bookingsOf(q: Queryable, tripInstanceId: string): Promise<StoredBooking[]> {
  const r = await q.query<BookingRow>(`SELECT ${COLUMNS} FROM booking WHERE trip_instance_id = $1 ORDER BY id`, [
    tripInstanceId,
  ])
  return r.rows.map(toBooking)
}

export async function bookingByCode(q: Queryable, code: string): Promise<StoredBooking | null> {
  const r = await q.query<BookingRow>(`SELECT ${COLUMNS} FROM booking WHERE code = $1`, [code])
  return r.rows[0] ? toBooking(r.rows[0]) : null
}

/** The bookings holding any of these idempotency keys, on any trip instance. */
export async function bookingsByIdempotencyKeys(q: Queryable, keys: readonly string[]): Promise<StoredBooking[]> {
  if (keys.length === 0) return []
  const r = await q.query<BookingRow>(`SELECT ${COLUMNS} FROM booking WHERE idempotency_key = ANY($1::text[])`, [keys])
  return r.rows.map(toBooking)
}

/** Which of these booking codes are already taken. */
export async function codesTaken(q: Queryable, codes: readonly string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set()
  const r = await q.query<{ code: string }>('SELECT code FROM booking WHERE code = ANY($1::text[])', [codes])
  return new Set(r.rows.map((x) => x.code))
}

export type NewBooking = Omit<StoredBooking, 'id' | 'updatedTs' | 'cancelReason' | 'cancelledBy'>

/**
 * Inserts bookings in one statement, in the given order (ids follow it). A row whose code or
 * idempotency key is taken meanwhile is skipped: the answer is then shorter than the input and
 * the caller decides again. The trip row must be locked by this transaction.
 */
export async function insertBookings(tx: Queryable, list: readonly NewBooking[]): Promise<StoredBooking[]> {
  if (list.length === 0) return []
  const col = <K extends keyof NewBooking>(k: K): NewBooking[K][] => list.map((b) => b[k])
  const r = await tx.query<BookingRow>(
    `INSERT INTO booking (code, trip_instance_id, board_stop, alight_stop, board_seq, alight_seq, seats, passenger_name, phone, status, channel,
       idempotency_key, created_by, created_at, updated_at)
     SELECT c, ti, bs, als, bq, aq, se, pn, ph, st, ch, ik, cb, to_timestamp(ct / 1000.0), to_timestamp(ct / 1000.0)
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[],
       $12::text[], $13::text[], $14::float8[]) WITH ORDINALITY AS u(c, ti, bs, als, bq, aq, se, pn, ph, st, ch, ik, cb, ct, n)
     ORDER BY n
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      col('code'),
      col('tripInstanceId'),
      col('boardStop'),
      col('alightStop'),
      col('boardSeq'),
      col('alightSeq'),
      col('seats'),
      col('name'),
      col('phone'),
      col('status'),
      col('channel'),
      col('idempotencyKey'),
      col('createdBy'),
      col('createdTs'),
    ],
  )
  return r.rows.map(toBooking).sort((a, b) => a.id - b.id)
}

export interface StatusChange {
  status: BookingStatus
  now: number
  cancelReason?: string | null
  cancelledBy?: string | null
}

export async function setStatus(tx: Queryable, ids: readonly number[], c: StatusChange): Promise<StoredBooking[]> {
  if (ids.length === 0) return []
  const r = await tx.query<BookingRow>(
    `UPDATE booking SET status = $2, updated_at = ${ts(3)},
       cancel_reason = CASE WHEN $2 = 'cancelled' THEN $4 ELSE NULL END,
       cancelled_by = CASE WHEN $2 = 'cancelled' THEN $5 ELSE NULL END
     WHERE id = ANY($1::bigint[])
     RETURNING ${COLUMNS}`,
    [ids, c.status, c.now, c.cancelReason ?? null, c.cancelledBy ?? null],
  )
  return r.rows.map(toBooking).sort((a, b) => a.id - b.id)
}

/** How often a phone was marked no-show, and when last. */
export async function noShows(
  q: Queryable,
  phones: readonly string[],
): Promise<Map<string, { count: number; lastTs: number | null }>> {
  if (phones.length === 0) return new Map()
  const r = await q.query<{ phone: string; n: number; last_ms: number | null }>(
    `SELECT phone, count(*)::int AS n, ${ms('max(updated_at)', 'last_ms')} FROM booking WHERE status = 'no_show' AND phone = ANY($1::text[]) GROUP BY phone`,
    [phones],
  )
  return new Map(
    r.rows.map((x) => [x.phone, { count: x.n, lastTs: x.last_ms === null ? null : Math.round(x.last_ms) }]),
  )
}

// ── Notification outbox ──

export type RecipientRole = 'passenger' | 'driver'

export interface OutgoingMessage {
  kind: string
  recipient: string
  recipientRole: RecipientRole
  body: string
  bookingId: number | null
  tripInstanceId: string | null
}

export interface OutboxMessage extends OutgoingMessage {
  id: number
  attempts: number
  createdTs: number
}

/** Writes messages in the caller's transaction: they exist exactly when the change does. */
export async function enqueueMessages(tx: Queryable, messages: readonly OutgoingMessage[], now: number): Promise<void> {
  if (messages.length === 0) return
  await tx.query(
    `INSERT INTO notification_outbox (kind, recipient, recipient_role, body, booking_id, trip_instance_id, created_at, next_attempt_at)
     SELECT k, r, ro, b, bi, ti, ${ts(7)}, ${ts(7)} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS u(k, r, ro, b, bi, ti)`,
    [
      messages.map((m) => m.kind),
      messages.map((m) => m.recipient),
      messages.map((m) => m.recipientRole),
      messages.map((m) => m.body),
      messages.map((m) => m.bookingId),
      messages.map((m) => m.tripInstanceId),
      now,
    ],
  )
}

interface OutboxRow {
  id: number
  kind: string
  recipient: string
  recipient_role: RecipientRole
  body: string
  booking_id: number | null
  trip_instance_id: string | null
  attempts: number
  created_ms: number
}

const toMessage = (x: OutboxRow): OutboxMessage => ({
  id: Number(x.id),
  kind: x.kind,
  recipient: x.recipient,
  recipientRole: x.recipient_role,
  body: x.body,
  bookingId: x.booking_id === null ? null : Number(x.booking_id),
  tripInstanceId: x.trip_instance_id,
  attempts: x.attempts,
  createdTs: Math.round(x.created_ms),
})

/**
 * Takes up to `limit` due messages and leases them until `leaseUntil` (another sender skips
 * them meanwhile; a sender that dies leaves them due again when the lease ends).
 */
export async function claimDueMessages(
  q: Queryable,
  now: number,
  leaseUntil: number,
  limit: number,
): Promise<OutboxMessage[]> {
  const r = await q.query<OutboxRow>(
    `UPDATE notification_outbox SET next_attempt_at = ${ts(2)}
     WHERE id IN (SELECT id FROM notification_outbox WHERE sent_at IS NULL AND next_attempt_at <= ${ts(1)} ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id, kind, recipient, recipient_role, body, booking_id, trip_instance_id, attempts, ${ms('created_at', 'created_ms')}`,
    [now, leaseUntil, limit],
  )
  return r.rows.map(toMessage).sort((a, b) => a.id - b.id)
}

export async function markSent(q: Queryable, id: number, now: number): Promise<void> {
  await q.query(
    `UPDATE notification_outbox SET sent_at = ${ts(2)}, attempts = attempts + 1, last_error = NULL WHERE id = $1`,
    [id, now],
  )
}

export async function markFailed(q: Queryable, id: number, error: string, retryAt: number): Promise<void> {
  await q.query(
    `UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = ${ts(3)} WHERE id = $1`,
    [id, error.slice(0, 500), retryAt],
  )
}

export interface OutboxStats {
  pending: number
  failing: number
  oldestPendingTs: number | null
}

export async function outboxStats(q: Queryable): Promise<OutboxStats> {
  const r = await q.query<{ pending: number; failing: number; oldest_ms: number | null }>(
    `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS failing, ${ms('min(created_at)', 'oldest_ms')}
     FROM notification_outbox WHERE sent_at IS NULL`,
  )
  const row = r.rows[0]
  return {
    pending: row?.pending ?? 0,
    failing: row?.failing ?? 0,
    oldestPendingTs: row?.oldest_ms == null ? null : Math.round(row.oldest_ms),
  }
}

/** Messages of one booking or trip instance, newest last (dispatchers and tests read them). */
export async function messagesFor(
  q: Queryable,
  f: { bookingId?: number; tripInstanceId?: string },
): Promise<(OutboxMessage & { sentTs: number | null; lastError: string | null })[]> {
  const r = await q.query<OutboxRow & { sent_ms: number | null; last_error: string | null }>(
    `SELECT id, kind, recipient, recipient_role, body, booking_id, trip_instance_id, attempts, ${ms('created_at', 'created_ms')}, ${ms('sent_at', 'sent_ms')}, last_error
     FROM notification_outbox WHERE ($1::bigint IS NULL OR booking_id = $1) AND ($2::text IS NULL OR trip_instance_id = $2) ORDER BY id`,
    [f.bookingId ?? null, f.tripInstanceId ?? null],
  )
  return r.rows.map((x) => ({
    ...toMessage(x),
    sentTs: x.sent_ms === null ? null : Math.round(x.sent_ms),
    lastError: x.last_error,
  }))
}

/**
 * What the villager features keep beyond bookings: "tell me when it comes" reminders, the log of
 * inbound SMS, and who booked a booking made for someone else. Times are epoch ms.
 */
import type { ReminderState } from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`

// ── Reminders ──

export interface StoredReminder {
  id: number
  token: string
  tripInstanceId: string
  stopCode: string
  scheduledTs: number
  phone: string
  stopsBefore: number
  minutesBefore: number | null
  channel: 'web' | 'sms'
  createdTs: number
  state: ReminderState
  closedTs: number | null
}

interface ReminderRow {
  id: number
  token: string
  trip_instance_id: string
  stop_code: string
  scheduled_ms: number
  phone: string
  stops_before: number
  minutes_before: number | null
  channel: 'web' | 'sms'
  created_ms: number
  state: ReminderState
  closed_ms: number | null
}

const REMINDER = `id, token, trip_instance_id, stop_code, ${ms('scheduled_at', 'scheduled_ms')}, phone, stops_before, minutes_before, channel,
  ${ms('created_at', 'created_ms')}, state, ${ms('closed_at', 'closed_ms')}`

const toReminder = (r: ReminderRow): StoredReminder => ({
  id: Number(r.id),
  token: r.token,
  tripInstanceId: r.trip_instance_id,
  stopCode: r.stop_code,
  scheduledTs: Math.round(r.scheduled_ms),
  phone: r.phone,
  stopsBefore: r.stops_before,
  minutesBefore: r.minutes_before,
  channel: r.channel,
  createdTs: Math.round(r.created_ms),
  state: r.state,
  closedTs: r.closed_ms === null ? null : Math.round(r.closed_ms),
})

export type NewReminder = Omit<StoredReminder, 'id' | 'state' | 'closedTs'>

export async function insertReminder(q: Queryable, r: NewReminder): Promise<StoredReminder> {
  const res = await q.query<ReminderRow>(
    `INSERT INTO stop_reminder (token, trip_instance_id, stop_code, scheduled_at, phone, stops_before, minutes_before, channel, created_at, state)
     VALUES ($1, $2, $3, ${ts(4)}, $5, $6, $7, $8, ${ts(9)}, 'active') RETURNING ${REMINDER}`,
    [
      r.token,
      r.tripInstanceId,
      r.stopCode,
      r.scheduledTs,
      r.phone,
      r.stopsBefore,
      r.minutesBefore,
      r.channel,
      r.createdTs,
    ],
  )
  return toReminder(res.rows[0] as ReminderRow)
}

export async function reminderByToken(q: Queryable, token: string): Promise<StoredReminder | null> {
  const r = await q.query<ReminderRow>(`SELECT ${REMINDER} FROM stop_reminder WHERE token = $1`, [token])
  return r.rows[0] ? toReminder(r.rows[0]) : null
}

export async function activeReminders(q: Queryable): Promise<StoredReminder[]> {
  const r = await q.query<ReminderRow>(`SELECT ${REMINDER} FROM stop_reminder WHERE state = 'active' ORDER BY id`)
  return r.rows.map(toReminder)
}

/** Reminders of one phone still waiting (the per-phone limit counts them). */
export async function activeRemindersOf(q: Queryable, phone: string): Promise<StoredReminder[]> {
  const r = await q.query<ReminderRow>(
    `SELECT ${REMINDER} FROM stop_reminder WHERE state = 'active' AND phone = $1 ORDER BY id`,
    [phone],
  )
  return r.rows.map(toReminder)
}

/**
 * Moves active reminders to `state`; answers those it moved (a reminder already closed, by
 * another server say, is not moved again — so its message is written once).
 */
export async function closeReminders(
  q: Queryable,
  ids: readonly number[],
  state: Exclude<ReminderState, 'active'>,
  now: number,
): Promise<StoredReminder[]> {
  if (ids.length === 0) return []
  const r = await q.query<ReminderRow>(
    `UPDATE stop_reminder SET state = $2, closed_at = ${ts(3)} WHERE id = ANY($1::bigint[]) AND state = 'active' RETURNING ${REMINDER}`,
    [ids, state, now],
  )
  return r.rows.map(toReminder)
}

// ── Inbound SMS ──

export interface InboundSmsRecord {
  sender: string
  body: string
  receivedTs: number
  loggedTs: number
  command: string
  outcome: string
  reply: string | null
}

export async function logInboundSms(q: Queryable, m: InboundSmsRecord): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO sms_inbound (sender, body, received_at, logged_at, command, outcome, reply) VALUES ($1, $2, ${ts(3)}, ${ts(4)}, $5, $6, $7) RETURNING id`,
    [m.sender, m.body, m.receivedTs, m.loggedTs, m.command, m.outcome, m.reply],
  )
  return Number(r.rows[0]?.id)
}

/** Messages from one phone logged since `since` (the per-phone limit). */
export async function inboundCountSince(q: Queryable, sender: string, since: number): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sms_inbound WHERE sender = $1 AND logged_at >= ${ts(2)}`,
    [sender, since],
  )
  return r.rows[0]?.n ?? 0
}

export async function inboundOf(q: Queryable, sender: string): Promise<(InboundSmsRecord & { id: number })[]> {
  const r = await q.query<{
    id: number
    sender: string
    body: string
    received_ms: number
    logged_ms: number
    command: string
    outcome: string
    reply: string | null
  }>(
    `SELECT id, sender, body, ${ms('received_at', 'received_ms')}, ${ms('logged_at', 'logged_ms')}, command, outcome, reply FROM sms_inbound WHERE sender = $1 ORDER BY id`,
    [sender],
  )
  return r.rows.map((x) => ({
    id: Number(x.id),
    sender: x.sender,
    body: x.body,
    receivedTs: Math.round(x.received_ms),
    loggedTs: Math.round(x.logged_ms),
    command: x.command,
    outcome: x.outcome,
    reply: x.reply,
  }))
}

// ── Bookings for someone else ──

export interface Booker {
  name: string
  phone: string
}

export async function saveBooker(q: Queryable, bookingId: number, b: Booker): Promise<void> {
  await q.query(
    'INSERT INTO booking_booker (booking_id, name, phone) VALUES ($1, $2, $3) ON CONFLICT (booking_id) DO NOTHING',
    [bookingId, b.name, b.phone],
  )
}

/** Who booked each of these bookings, for those made for someone else. */
export async function bookersOf(q: Queryable, bookingIds: readonly number[]): Promise<Map<number, Booker>> {
  if (bookingIds.length === 0) return new Map()
  const r = await q.query<{ booking_id: number; name: string; phone: string }>(
    'SELECT booking_id, name, phone FROM booking_booker WHERE booking_id = ANY($1::bigint[])',
    [bookingIds],
  )
  return new Map(r.rows.map((x) => [Number(x.booking_id), { name: x.name, phone: x.phone }]))
}

/** Codes of the bookings made by or for this phone (SMS "取消 <code>" accepts either). */
export async function bookingIdsBookedBy(q: Queryable, phone: string): Promise<number[]> {
  const r = await q.query<{ booking_id: number }>('SELECT booking_id FROM booking_booker WHERE phone = $1', [phone])
  return r.rows.map((x) => Number(x.booking_id))
}

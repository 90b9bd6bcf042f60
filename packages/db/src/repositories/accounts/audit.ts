/** The audit log: who did what to which thing, with the state before and after. */
import type { Queryable } from '../../port.js'

export interface AuditEntry {
  /** The account, or null for the server itself. */
  userId: number | null
  username: string
  /** Dotted verb, e.g. `user.create`, `stop.update`, `booking.cancel`. */
  action: string
  /** What it was done to, e.g. `user:12`, `stop:XY-0421`, `trip:XY-R01-0700_20261201`. */
  target: string
  before: unknown
  after: unknown
  ip: string | null
}

export interface AuditRecord extends AuditEntry {
  id: number
  ts: number
}

interface Row {
  id: string | number
  ts_ms: number
  user_id: number | null
  username: string
  action: string
  target: string
  before: unknown
  after: unknown
  ip: string | null
}

export async function insertAudit(q: Queryable, e: AuditEntry, now: number): Promise<void> {
  await q.query(
    `INSERT INTO audit_log (ts, user_id, username, action, target, before, after, ip)
     VALUES (to_timestamp($1::float8 / 1000.0), $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8)`,
    [
      now,
      e.userId,
      e.username,
      e.action,
      e.target,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      e.ip,
    ],
  )
}

export interface AuditQuery {
  limit: number
  /** Entries older than this id (paging backwards). */
  beforeId?: number | undefined
  target?: string | undefined
  username?: string | undefined
  action?: string | undefined
}

/** Newest first. */
export async function listAudit(q: Queryable, f: AuditQuery): Promise<AuditRecord[]> {
  const r = await q.query<Row>(
    `SELECT id, extract(epoch FROM ts)::float8 * 1000 AS ts_ms, user_id, username, action, target, before, after, ip
       FROM audit_log
      WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR target = $2) AND ($3::text IS NULL OR username = $3) AND ($4::text IS NULL OR action = $4)
      ORDER BY id DESC LIMIT $5`,
    [f.beforeId ?? null, f.target ?? null, f.username ?? null, f.action ?? null, f.limit],
  )
  return r.rows.map((row) => ({
    id: Number(row.id),
    ts: Math.round(row.ts_ms),
    userId: row.user_id,
    username: row.username,
    action: row.action,
    target: row.target,
    before: row.before,
    after: row.after,
    ip: row.ip,
  }))
}

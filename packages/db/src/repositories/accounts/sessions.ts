/** Sign-in sessions (app_session), keyed by the SHA-256 of their token. */
import type { Role } from '@rb/domain'
import type { Queryable } from '../../port.js'

export interface SessionRecord {
  tokenHash: string
  userId: number
  username: string
  displayName: string
  role: Role
  driverCode: string | null
  expiresAt: number
  lastSeenAt: number
}

interface Row {
  token_hash: string
  user_id: number
  username: string
  display_name: string
  role: Role
  driver_code: string | null
  expires_ms: number
  last_seen_ms: number
}

export async function insertSession(
  q: Queryable,
  s: { tokenHash: string; userId: number; now: number; expiresAt: number },
): Promise<void> {
  await q.query(
    `INSERT INTO app_session (token_hash, user_id, created_at, expires_at, last_seen_at)
     VALUES ($1, $2, to_timestamp($3::float8 / 1000.0), to_timestamp($4::float8 / 1000.0), to_timestamp($3::float8 / 1000.0))`,
    [s.tokenHash, s.userId, s.now, s.expiresAt],
  )
}

/** The live session with this token hash and its enabled account, or null (unknown, expired, disabled). */
export async function findLiveSession(q: Queryable, tokenHash: string, now: number): Promise<SessionRecord | null> {
  const r = await q.query<Row>(
    `SELECT s.token_hash, s.user_id, u.username, u.display_name, u.role, u.driver_code,
            extract(epoch FROM s.expires_at)::float8 * 1000 AS expires_ms, extract(epoch FROM s.last_seen_at)::float8 * 1000 AS last_seen_ms
       FROM app_session s JOIN app_user u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > to_timestamp($2::float8 / 1000.0) AND NOT u.disabled`,
    [tokenHash, now],
  )
  const row = r.rows[0]
  if (!row) return null
  return {
    tokenHash: row.token_hash,
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    driverCode: row.driver_code,
    expiresAt: Math.round(row.expires_ms),
    lastSeenAt: Math.round(row.last_seen_ms),
  }
}

export async function touchSession(q: Queryable, tokenHash: string, now: number): Promise<void> {
  await q.query('UPDATE app_session SET last_seen_at = to_timestamp($2::float8 / 1000.0) WHERE token_hash = $1', [
    tokenHash,
    now,
  ])
}

export async function deleteSession(q: Queryable, tokenHash: string): Promise<boolean> {
  return (await q.query('DELETE FROM app_session WHERE token_hash = $1', [tokenHash])).rowCount > 0
}

/** Ends every session of an account (password reset, disabled, role changed). */
export async function deleteSessionsOfUser(q: Queryable, userId: number): Promise<number> {
  return (await q.query('DELETE FROM app_session WHERE user_id = $1', [userId])).rowCount
}

export async function deleteExpiredSessions(q: Queryable, now: number): Promise<number> {
  return (await q.query('DELETE FROM app_session WHERE expires_at <= to_timestamp($1::float8 / 1000.0)', [now]))
    .rowCount
}

/** Accounts (app_user): people who sign in to the console, the driver view and the admin pages. */
import type { Role } from '@rb/domain'
import type { Queryable } from '../../port.js'

export interface UserRecord {
  id: number
  username: string
  displayName: string
  role: Role
  driverCode: string | null
  passwordHash: string
  disabled: boolean
  /** Seeded with a published demo password (refused in production mode). */
  demo: boolean
  createdAt: number
}

interface Row {
  id: number
  username: string
  display_name: string
  role: Role
  driver_code: string | null
  password_hash: string
  disabled: boolean
  demo: boolean
  created_ms: number
}

const COLUMNS = `id, username, display_name, role, driver_code, password_hash, disabled, demo, extract(epoch FROM created_at)::float8 * 1000 AS created_ms`

const toUser = (r: Row): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  driverCode: r.driver_code,
  passwordHash: r.password_hash,
  disabled: r.disabled,
  demo: r.demo,
  createdAt: Math.round(r.created_ms),
})

export interface NewUser {
  username: string
  displayName: string
  role: Role
  driverCode: string | null
  passwordHash: string
  demo?: boolean
}

/** Inserts an account; a taken username raises a unique violation (23505). */
export async function insertUser(q: Queryable, u: NewUser): Promise<UserRecord> {
  const r = await q.query<Row>(
    `INSERT INTO app_user (username, display_name, role, driver_code, password_hash, demo) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [u.username, u.displayName, u.role, u.driverCode, u.passwordHash, u.demo ?? false],
  )
  return toUser(r.rows[0] as Row)
}

export async function findUserByUsername(q: Queryable, username: string): Promise<UserRecord | null> {
  const r = await q.query<Row>(`SELECT ${COLUMNS} FROM app_user WHERE username = $1`, [username])
  return r.rows[0] ? toUser(r.rows[0]) : null
}

export async function findUserById(q: Queryable, id: number): Promise<UserRecord | null> {
  const r = await q.query<Row>(`SELECT ${COLUMNS} FROM app_user WHERE id = $1`, [id])
  return r.rows[0] ? toUser(r.rows[0]) : null
}

export async function listUsers(q: Queryable): Promise<UserRecord[]> {
  return (await q.query<Row>(`SELECT ${COLUMNS} FROM app_user ORDER BY username`)).rows.map(toUser)
}

export async function countUsers(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user')
  return r.rows[0]?.n ?? 0
}

/** Enabled admins other than `exceptId`: the last one may not be demoted or disabled. */
export async function countOtherActiveAdmins(q: Queryable, exceptId: number): Promise<number> {
  const r = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM app_user WHERE role = 'admin' AND NOT disabled AND id <> $1",
    [exceptId],
  )
  return r.rows[0]?.n ?? 0
}

export interface UserPatch {
  displayName?: string | undefined
  role?: Role | undefined
  driverCode?: string | null | undefined
  disabled?: boolean | undefined
}

/** Applies the given fields (others unchanged); null when there is no such account. */
export async function updateUser(q: Queryable, id: number, patch: UserPatch): Promise<UserRecord | null> {
  const r = await q.query<Row>(
    `UPDATE app_user SET
       display_name = COALESCE($2, display_name),
       role = COALESCE($3, role),
       driver_code = CASE WHEN $4::boolean THEN $5 ELSE driver_code END,
       disabled = COALESCE($6, disabled)
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      patch.displayName ?? null,
      patch.role ?? null,
      patch.driverCode !== undefined,
      patch.driverCode ?? null,
      patch.disabled ?? null,
    ],
  )
  return r.rows[0] ? toUser(r.rows[0]) : null
}

/** Replaces the password hash; a reset also clears the demo mark. */
export async function setPasswordHash(
  q: Queryable,
  id: number,
  passwordHash: string,
  opts: { demo?: boolean } = {},
): Promise<boolean> {
  const r = await q.query('UPDATE app_user SET password_hash = $2, demo = $3 WHERE id = $1', [
    id,
    passwordHash,
    opts.demo ?? false,
  ])
  return r.rowCount > 0
}

/** Addresses each account signed in from successfully (login_known_address). */
import type { Queryable } from '../../port.js'

/** Whether the account with this user name has signed in from `addr` before. */
export async function isKnownAddress(q: Queryable, username: string, addr: string): Promise<boolean> {
  const r = await q.query(
    'SELECT 1 FROM login_known_address k JOIN app_user u ON u.id = k.user_id WHERE u.username = $1 AND k.addr = $2',
    [username, addr],
  )
  return r.rows.length > 0
}

export async function rememberAddress(q: Queryable, userId: number, addr: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO login_known_address (user_id, addr, first_at, last_at) VALUES ($1, $2, to_timestamp($3::float8 / 1000.0), to_timestamp($3::float8 / 1000.0))
     ON CONFLICT (user_id, addr) DO UPDATE SET last_at = EXCLUDED.last_at`,
    [userId, addr, now],
  )
}

/** Failed sign-ins per user name and per client address (login_failure, migration 022). Times are epoch ms. */
import type { Queryable } from '../../port.js'

export type FailureKind = 'user' | 'addr'

export interface StoredFailures {
  count: number
  lastTs: number
}

/** The failures of each (kind, key) asked for that has any. */
export async function signInFailures(
  q: Queryable,
  keys: readonly { kind: FailureKind; key: string }[],
): Promise<Map<string, StoredFailures>> {
  const out = new Map<string, StoredFailures>()
  if (keys.length === 0) return out
  const r = await q.query<{ kind: FailureKind; key: string; failures: number; last_ts: number }>(
    `SELECT kind, key, failures, extract(epoch FROM last_at)::float8 * 1000 AS last_ts
       FROM login_failure WHERE (kind, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
    [keys.map((k) => k.kind), keys.map((k) => k.key)],
  )
  for (const row of r.rows) out.set(`${row.kind}:${row.key}`, { count: row.failures, lastTs: Number(row.last_ts) })
  return out
}

/**
 * Serialises changes to the same user name's or address's failures across instances for the
 * rest of the transaction (taken in sorted order, so two sign-ins never wait on each other crosswise).
 */
export async function lockSignInFailures(
  tx: Queryable,
  keys: readonly { kind: FailureKind; key: string }[],
): Promise<void> {
  for (const k of [...new Set(keys.map((x) => `${x.kind}:${x.key}`))].sort())
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`rb-sign-in:${k}`])
}

export async function saveSignInFailures(
  q: Queryable,
  kind: FailureKind,
  key: string,
  f: StoredFailures,
): Promise<void> {
  await q.query(
    `INSERT INTO login_failure (kind, key, failures, last_at) VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000.0))
     ON CONFLICT (kind, key) DO UPDATE SET failures = EXCLUDED.failures, last_at = EXCLUDED.last_at`,
    [kind, key, f.count, f.lastTs],
  )
}

export async function clearSignInFailures(
  q: Queryable,
  keys: readonly { kind: FailureKind; key: string }[],
): Promise<void> {
  if (keys.length === 0) return
  await q.query('DELETE FROM login_failure WHERE (kind, key) IN (SELECT * FROM unnest($1::text[], $2::text[]))', [
    keys.map((k) => k.kind),
    keys.map((k) => k.key),
  ])
}

/** Drops failures whose last one is older than `beforeTs` (forgotten anyway). */
export async function pruneSignInFailures(q: Queryable, beforeTs: number): Promise<number> {
  const r = await q.query('DELETE FROM login_failure WHERE last_at < to_timestamp($1::float8 / 1000.0)', [beforeTs])
  return r.rowCount ?? 0
}

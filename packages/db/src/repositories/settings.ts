/** County settings, one row per top-level key; keys without a row take their defaults (in @rb/domain). */
import type { Queryable } from '../port.js'

export interface StoredSetting {
  key: string
  value: unknown
  updatedTs: number
  updatedBy: string
}

export async function loadSettings(q: Queryable): Promise<StoredSetting[]> {
  const r = await q.query<{ key: string; value: unknown; t: number; updated_by: string }>(
    'SELECT key, value, extract(epoch FROM updated_at) * 1000 AS t, updated_by FROM county_setting ORDER BY key',
  )
  return r.rows.map((x) => ({
    key: x.key,
    value: x.value,
    updatedTs: Math.round(Number(x.t)),
    updatedBy: x.updated_by,
  }))
}

/** Writes the given keys (insert or replace), all with the same author and time. */
export async function saveSettings(
  q: Queryable,
  values: ReadonlyMap<string, unknown>,
  by: string,
  atMs: number,
): Promise<void> {
  if (values.size === 0) return
  await q.query(
    `INSERT INTO county_setting (key, value, updated_at, updated_by)
     SELECT k, v::jsonb, to_timestamp($3::float8 / 1000.0), $4 FROM unnest($1::text[], $2::text[]) AS u(k, v)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [[...values.keys()], [...values.values()].map((v) => JSON.stringify(v)), atMs, by],
  )
}

/** Serialises changes (rare): a change reads, checks the values together, and writes under this lock. */
export async function lockSettings(q: Queryable): Promise<void> {
  await q.query('LOCK TABLE county_setting IN SHARE ROW EXCLUSIVE MODE')
}

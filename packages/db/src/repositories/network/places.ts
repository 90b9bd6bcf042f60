/** Operators, townships and stop signs. */
import type { Operator, Stop, StopStatus, Township } from '@rb/domain'
import type { Queryable } from '../../port.js'

interface StopRow {
  code: string
  name: string
  name_en: string
  township_id: string
  lng: number
  lat: number
  status: StopStatus
  installed_on: string | null
}

const STOP_COLUMNS = 'code, name, name_en, township_id, lng, lat, status, installed_on::text AS installed_on'

export const toStop = (r: StopRow): Stop => ({
  code: r.code,
  name: r.name,
  nameEn: r.name_en,
  townshipId: r.township_id,
  point: [r.lng, r.lat],
  status: r.status,
  installedOn: r.installed_on as Stop['installedOn'],
})

export async function listOperators(q: Queryable): Promise<Operator[]> {
  return (await q.query<Operator>('SELECT id, name, phone FROM operator ORDER BY id')).rows
}

export async function upsertOperator(q: Queryable, o: Operator): Promise<void> {
  await q.query(
    'INSERT INTO operator (id, name, phone) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone',
    [o.id, o.name, o.phone],
  )
}

export async function listTownships(q: Queryable): Promise<Township[]> {
  const r = await q.query<{ id: string; name: string; name_en: string; lng: number; lat: number }>(
    'SELECT id, name, name_en, lng, lat FROM township ORDER BY id',
  )
  return r.rows.map((t) => ({ id: t.id, name: t.name, nameEn: t.name_en, center: [t.lng, t.lat] }))
}

export async function upsertTownship(q: Queryable, t: Township): Promise<void> {
  await q.query(
    `INSERT INTO township (id, name, name_en, lng, lat) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, lng = EXCLUDED.lng, lat = EXCLUDED.lat`,
    [t.id, t.name, t.nameEn, t.center[0], t.center[1]],
  )
}

export interface StopFilter {
  townshipId?: string | undefined
  status?: StopStatus | undefined
  /** Matches code or name. */
  q?: string | undefined
  routeId?: string | undefined
  limit: number
  offset: number
}

export async function listStops(q: Queryable, f: StopFilter): Promise<{ items: Stop[]; total: number }> {
  const where = `($1::text IS NULL OR township_id = $1) AND ($2::text IS NULL OR status = $2)
    AND ($3::text IS NULL OR code ILIKE '%' || $3 || '%' OR name ILIKE '%' || $3 || '%' OR name_en ILIKE '%' || $3 || '%')
    AND ($4::text IS NULL OR code IN (SELECT stop_code FROM route_stop WHERE route_id = $4))`
  const params = [f.townshipId ?? null, f.status ?? null, f.q ?? null, f.routeId ?? null]
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM stop WHERE ${where}`, params)
  const rows = await q.query<StopRow>(
    `SELECT ${STOP_COLUMNS} FROM stop WHERE ${where} ORDER BY code LIMIT $5 OFFSET $6`,
    [...params, f.limit, f.offset],
  )
  return { items: rows.rows.map(toStop), total: total.rows[0]?.n ?? 0 }
}

export async function getStop(q: Queryable, code: string): Promise<Stop | null> {
  const r = await q.query<StopRow>(`SELECT ${STOP_COLUMNS} FROM stop WHERE code = $1`, [code])
  return r.rows[0] ? toStop(r.rows[0]) : null
}

/** Hands out the next unused number for a county prefix (never one handed out before). */
export async function nextStopNumber(q: Queryable, prefix: string): Promise<number> {
  const r = await q.query<{ n: number }>(
    `INSERT INTO stop_code_counter AS c (prefix, last_n)
     VALUES ($1, COALESCE((SELECT max(substring(code FROM '-([0-9]+)$')::int) FROM stop WHERE code LIKE $1 || '-%'), 0) + 1)
     ON CONFLICT (prefix) DO UPDATE SET last_n = c.last_n + 1
     RETURNING last_n AS n`,
    [prefix],
  )
  return r.rows[0]?.n as number
}

/** Inserts or replaces a stop by code, and keeps the code counter past it. */
export async function upsertStop(q: Queryable, s: Stop): Promise<void> {
  await q.query(
    `INSERT INTO stop (code, name, name_en, township_id, lng, lat, status, installed_on)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, township_id = EXCLUDED.township_id,
       lng = EXCLUDED.lng, lat = EXCLUDED.lat, status = EXCLUDED.status, installed_on = EXCLUDED.installed_on, updated_at = now()`,
    [s.code, s.name, s.nameEn, s.townshipId, s.point[0], s.point[1], s.status, s.installedOn],
  )
  const m = /^([A-Z]{2,4})-([0-9]+)$/.exec(s.code)
  if (m) {
    await q.query(
      `INSERT INTO stop_code_counter AS c (prefix, last_n) VALUES ($1, $2)
       ON CONFLICT (prefix) DO UPDATE SET last_n = GREATEST(c.last_n, EXCLUDED.last_n)`,
      [m[1], Number(m[2])],
    )
  }
}

export async function setStopStatus(q: Queryable, code: string, status: StopStatus): Promise<boolean> {
  const r = await q.query('UPDATE stop SET status = $2, updated_at = now() WHERE code = $1', [code, status])
  return r.rowCount > 0
}

/** Route ids serving each stop (for sign sheets and the villager page). */
export async function routesServing(q: Queryable, codes: readonly string[]): Promise<Map<string, string[]>> {
  const r = await q.query<{ stop_code: string; route_ids: string[] }>(
    `SELECT rs.stop_code, array_agg(DISTINCT rs.route_id ORDER BY rs.route_id) AS route_ids
     FROM route_stop rs JOIN route r ON r.id = rs.route_id AND r.active
     WHERE rs.stop_code = ANY($1::text[]) GROUP BY rs.stop_code`,
    [codes],
  )
  return new Map(r.rows.map((row) => [row.stop_code, row.route_ids]))
}

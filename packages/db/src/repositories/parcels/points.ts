/** Post points, their keepers, each bus's parcel room and the county tariff. */
import type { ParcelCapacity, PostPoint, Tariff } from '@rb/domain'
import type { Queryable } from '../../port.js'

interface PointRow {
  stop_code: string
  kind: PostPoint['kind']
  name: string
  phone: string
  hours: string
  hold_days: number
  active: boolean
  lng: number
  lat: number
  township_id: string
}

export interface StoredPostPoint extends PostPoint {
  /** The stop sign's place and township. */
  point: [number, number]
  townshipId: string
}

const toPoint = (r: PointRow): StoredPostPoint => ({
  stopCode: r.stop_code,
  kind: r.kind,
  name: r.name,
  phone: r.phone,
  hours: r.hours,
  holdDays: r.hold_days,
  active: r.active,
  point: [r.lng, r.lat],
  townshipId: r.township_id,
})
const POINT = `SELECT p.stop_code, p.kind, p.name, p.phone, p.hours, p.hold_days, p.active, s.lng, s.lat, s.township_id FROM post_point p JOIN stop s ON s.code = p.stop_code`

export async function upsertPostPoint(q: Queryable, p: PostPoint): Promise<void> {
  await q.query(
    `INSERT INTO post_point (stop_code, kind, name, phone, hours, hold_days, active, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (stop_code) DO UPDATE SET kind = $2, name = $3, phone = $4, hours = $5, hold_days = $6, active = $7, updated_at = now()`,
    [p.stopCode, p.kind, p.name, p.phone, p.hours, p.holdDays, p.active],
  )
}

export async function getPostPoint(q: Queryable, stopCode: string): Promise<StoredPostPoint | null> {
  const r = await q.query<PointRow>(`${POINT} WHERE p.stop_code = $1`, [stopCode])
  return r.rows[0] ? toPoint(r.rows[0]) : null
}

export async function listPostPoints(
  q: Queryable,
  f: { kind?: PostPoint['kind'] | undefined; activeOnly?: boolean } = {},
): Promise<StoredPostPoint[]> {
  const r = await q.query<PointRow>(
    `${POINT} WHERE ($1::text IS NULL OR p.kind = $1) AND (NOT $2 OR p.active) ORDER BY p.kind DESC, p.stop_code`,
    [f.kind ?? null, f.activeOnly ?? false],
  )
  return r.rows.map(toPoint)
}

/** The post point a `station` account keeps, or null. */
export async function keptBy(q: Queryable, userId: number): Promise<string | null> {
  const r = await q.query<{ stop_code: string }>('SELECT stop_code FROM post_point_keeper WHERE user_id = $1', [userId])
  return r.rows[0]?.stop_code ?? null
}

/** User names keeping each post point. */
export async function keepersOf(q: Queryable, stopCodes: readonly string[]): Promise<Map<string, string[]>> {
  const r = await q.query<{ stop_code: string; username: string }>(
    'SELECT k.stop_code, u.username FROM post_point_keeper k JOIN app_user u ON u.id = k.user_id WHERE k.stop_code = ANY($1::text[]) ORDER BY u.username',
    [stopCodes],
  )
  const out = new Map<string, string[]>()
  for (const row of r.rows) out.set(row.stop_code, [...(out.get(row.stop_code) ?? []), row.username])
  return out
}

/** Makes these accounts (by id) the keepers of the post point; keepers not listed lose it. */
export async function setKeepers(q: Queryable, stopCode: string, userIds: readonly number[]): Promise<void> {
  await q.query('DELETE FROM post_point_keeper WHERE stop_code = $1 AND NOT (user_id = ANY($2::int[]))', [
    stopCode,
    userIds,
  ])
  await q.query(
    `INSERT INTO post_point_keeper (user_id, stop_code) SELECT u, $1 FROM unnest($2::int[]) AS u ON CONFLICT (user_id) DO UPDATE SET stop_code = $1`,
    [stopCode, userIds],
  )
}

export async function capacities(q: Queryable, vehicleIds: readonly string[]): Promise<Map<string, ParcelCapacity>> {
  const r = await q.query<{ vehicle_id: string; slots: number; kg: number }>(
    'SELECT vehicle_id, slots, kg FROM vehicle_parcel_capacity WHERE vehicle_id = ANY($1::text[])',
    [vehicleIds],
  )
  return new Map(r.rows.map((x) => [x.vehicle_id, { slots: x.slots, kg: Number(x.kg) }]))
}

export async function setCapacity(q: Queryable, vehicleId: string, c: ParcelCapacity): Promise<void> {
  await q.query(
    `INSERT INTO vehicle_parcel_capacity (vehicle_id, slots, kg, updated_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (vehicle_id) DO UPDATE SET slots = $2, kg = $3, updated_at = now()`,
    [vehicleId, c.slots, c.kg],
  )
}

export async function getTariff(q: Queryable): Promise<Tariff | null> {
  const r = await q.query<{ value: Tariff }>('SELECT value FROM parcel_tariff WHERE id = 1')
  return r.rows[0]?.value ?? null
}

export async function setTariff(q: Queryable, t: Tariff, by: string, now: number): Promise<void> {
  await q.query(
    `INSERT INTO parcel_tariff (id, value, updated_at, updated_by) VALUES (1, $1::jsonb, to_timestamp($2::float8 / 1000.0), $3)
     ON CONFLICT (id) DO UPDATE SET value = $1::jsonb, updated_at = to_timestamp($2::float8 / 1000.0), updated_by = $3`,
    [JSON.stringify(t), now, by],
  )
}

/** The newest position of a bus (what a scan on board records as its place). */
export async function vehiclePosition(
  q: Queryable,
  vehicleId: string,
): Promise<{ lng: number; lat: number; ts: number } | null> {
  const r = await q.query<{ lng: number | null; lat: number | null; ts_ms: number | null }>(
    'SELECT lng, lat, extract(epoch FROM ts)::float8 * 1000 AS ts_ms FROM vehicle_latest WHERE vehicle_id = $1',
    [vehicleId],
  )
  const row = r.rows[0]
  return row && row.lng !== null && row.lat !== null && row.ts_ms !== null
    ? { lng: row.lng, lat: row.lat, ts: Math.round(row.ts_ms) }
    : null
}

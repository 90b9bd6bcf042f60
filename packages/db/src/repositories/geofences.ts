/** Geofences (migration 017); their events are vehicle_event rows of types geofence_*. */
import type { FenceCategory, FenceShape, Geofence, ServiceKind } from '@rb/domain'
import type { Queryable } from '../port.js'

interface Row {
  id: string
  name: string
  category: FenceCategory
  shape: FenceShape
  speed_limit_kmh: number | null
  alert_on_exit: boolean
  route_kinds: ServiceKind[]
  dwell_s: number | null
  active: boolean
}

const of = (r: Row): Geofence => ({
  id: r.id,
  name: r.name,
  category: r.category,
  shape: r.shape,
  speedLimitKmh: r.speed_limit_kmh === null ? null : Number(r.speed_limit_kmh),
  alertOnExit: r.alert_on_exit,
  routeKinds: r.route_kinds,
  dwellS: r.dwell_s,
  active: r.active,
})

export async function listGeofences(q: Queryable): Promise<Geofence[]> {
  return (
    await q.query<Row>(
      'SELECT id, name, category, shape, speed_limit_kmh, alert_on_exit, route_kinds, dwell_s, active FROM geofence ORDER BY id',
    )
  ).rows.map(of)
}

export async function saveGeofence(q: Queryable, g: Geofence): Promise<void> {
  await q.query(
    `INSERT INTO geofence (id, name, category, shape, speed_limit_kmh, alert_on_exit, route_kinds, dwell_s, active, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::text[], $8, $9, now())
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category, shape = EXCLUDED.shape, speed_limit_kmh = EXCLUDED.speed_limit_kmh,
       alert_on_exit = EXCLUDED.alert_on_exit, route_kinds = EXCLUDED.route_kinds, dwell_s = EXCLUDED.dwell_s, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at`,
    [
      g.id,
      g.name,
      g.category,
      JSON.stringify(g.shape),
      g.speedLimitKmh,
      g.alertOnExit,
      [...g.routeKinds],
      g.dwellS,
      g.active,
    ],
  )
}

export async function deleteGeofence(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM geofence WHERE id = $1', [id])).rowCount > 0
}

export interface FenceEventRow {
  vehicleId: string
  ts: number
  type: string
  fenceId: string
}

/** Enter, exit and dwell events, newest first (one fence, one vehicle, or all), since `fromMs`. */
export async function fenceEvents(
  q: Queryable,
  f: { fenceId?: string | undefined; vehicleId?: string | undefined; fromMs: number; limit: number },
): Promise<FenceEventRow[]> {
  const r = await q.query<{ vehicle_id: string; t: number; type: string; fence_id: string }>(
    `SELECT vehicle_id, extract(epoch FROM ts) * 1000 AS t, type, data ->> 'fenceId' AS fence_id FROM vehicle_event
     WHERE type IN ('geofence_enter', 'geofence_exit', 'geofence_dwell') AND ts >= to_timestamp($1::float8 / 1000.0)
       AND ($2::text IS NULL OR data ->> 'fenceId' = $2) AND ($3::text IS NULL OR vehicle_id = $3)
     ORDER BY ts DESC LIMIT $4`,
    [f.fromMs, f.fenceId ?? null, f.vehicleId ?? null, f.limit],
  )
  return r.rows.map((x) => ({
    vehicleId: x.vehicle_id,
    ts: Math.round(Number(x.t)),
    type: x.type,
    fenceId: x.fence_id,
  }))
}

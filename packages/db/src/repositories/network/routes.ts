/** Routes with their geometry and ordered stops. */
import type { LngLat, Route, ServiceKind } from '@rb/domain'
import type { Queryable } from '../../port.js'

interface RouteRow {
  id: string
  name: string
  name_en: string
  kind: ServiceKind
  operator_id: string
  geometry: LngLat[]
  length_m: number
  color: string
  speed_limit_kmh: number
  active: boolean
  stops: { seq: number; stopCode: string; distM: number }[] | null
}

const ROUTE_SELECT = `
  SELECT r.id, r.name, r.name_en, r.kind, r.operator_id, r.geometry, r.length_m, r.color, r.speed_limit_kmh::float8 AS speed_limit_kmh, r.active,
    (SELECT json_agg(json_build_object('seq', rs.seq, 'stopCode', rs.stop_code, 'distM', rs.dist_m) ORDER BY rs.seq)
     FROM route_stop rs WHERE rs.route_id = r.id) AS stops
  FROM route r`

const toRoute = (r: RouteRow): Route => ({
  id: r.id,
  name: r.name,
  nameEn: r.name_en,
  kind: r.kind,
  operatorId: r.operator_id,
  geometry: r.geometry,
  lengthM: r.length_m,
  stops: r.stops ?? [],
  color: r.color,
  speedLimitKmh: r.speed_limit_kmh,
  active: r.active,
})

export interface RouteFilter {
  kind?: ServiceKind | undefined
  townshipId?: string | undefined
  stopCode?: string | undefined
  includeRetired?: boolean | undefined
  limit: number
  offset: number
}

export async function listRoutes(q: Queryable, f: RouteFilter): Promise<{ items: Route[]; total: number }> {
  const where = `WHERE ($1::text IS NULL OR r.kind = $1)
    AND ($2::text IS NULL OR r.id IN (SELECT rs.route_id FROM route_stop rs JOIN stop s ON s.code = rs.stop_code WHERE s.township_id = $2))
    AND ($3::text IS NULL OR r.id IN (SELECT route_id FROM route_stop WHERE stop_code = $3))
    AND ($4::bool OR r.active)`
  const params = [f.kind ?? null, f.townshipId ?? null, f.stopCode ?? null, f.includeRetired ?? false]
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM route r ${where}`, params)
  const rows = await q.query<RouteRow>(`${ROUTE_SELECT} ${where} ORDER BY r.id LIMIT $5 OFFSET $6`, [
    ...params,
    f.limit,
    f.offset,
  ])
  return { items: rows.rows.map(toRoute), total: total.rows[0]?.n ?? 0 }
}

export async function getRoute(q: Queryable, id: string): Promise<Route | null> {
  const r = await q.query<RouteRow>(`${ROUTE_SELECT} WHERE r.id = $1`, [id])
  return r.rows[0] ? toRoute(r.rows[0]) : null
}

export async function allRoutes(q: Queryable): Promise<Route[]> {
  return (await q.query<RouteRow>(`${ROUTE_SELECT} ORDER BY r.id`)).rows.map(toRoute)
}

/** Inserts or replaces a route and its stop list (distances must already be computed). */
export async function saveRoute(q: Queryable, r: Route): Promise<void> {
  await q.query(
    `INSERT INTO route (id, name, name_en, kind, operator_id, geometry, length_m, color, speed_limit_kmh, active)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, name_en = EXCLUDED.name_en, kind = EXCLUDED.kind,
       operator_id = EXCLUDED.operator_id, geometry = EXCLUDED.geometry, length_m = EXCLUDED.length_m, color = EXCLUDED.color,
       speed_limit_kmh = EXCLUDED.speed_limit_kmh, active = EXCLUDED.active, updated_at = now()`,
    [
      r.id,
      r.name,
      r.nameEn,
      r.kind,
      r.operatorId,
      JSON.stringify(r.geometry),
      r.lengthM,
      r.color,
      r.speedLimitKmh,
      r.active,
    ],
  )
  await q.query('DELETE FROM route_stop WHERE route_id = $1', [r.id])
  await q.query(
    `INSERT INTO route_stop (route_id, seq, stop_code, dist_m)
     SELECT $1, s, c, d FROM unnest($2::int[], $3::text[], $4::float8[]) AS u(s, c, d)`,
    [r.id, r.stops.map((s) => s.seq), r.stops.map((s) => s.stopCode), r.stops.map((s) => s.distM)],
  )
}

export async function setRouteActive(q: Queryable, id: string, active: boolean): Promise<boolean> {
  return (await q.query('UPDATE route SET active = $2, updated_at = now() WHERE id = $1', [id, active])).rowCount > 0
}

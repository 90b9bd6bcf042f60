/** Alerts and the legs driven between stops (ETA history). */
import type { SegmentObservation } from '@rb/domain'
import type { LiveAlert } from '@rb/protocol'
import type { Queryable } from '../port.js'

/** One leg driven, as the tracking engine reports it. */
export type SegmentRow = SegmentObservation

export async function insertSegments(q: Queryable, rows: readonly SegmentRow[]): Promise<number> {
  if (rows.length === 0) return 0
  const r = await q.query(
    `INSERT INTO stop_segment (ts, route_id, direction, from_seq, travel_s, dwell_s)
     SELECT to_timestamp(t / 1000.0), r, d, f, tr, dw
     FROM unnest($1::float8[], $2::text[], $3::int2[], $4::int4[], $5::real[], $6::real[]) AS u(t, r, d, f, tr, dw)
     ON CONFLICT DO NOTHING`,
    [rows.map((s) => s.ts), rows.map((s) => s.routeId), rows.map((s) => s.direction), rows.map((s) => s.fromSeq), rows.map((s) => s.travelS), rows.map((s) => s.dwellS)],
  )
  return r.rowCount
}

export interface SegmentStatRow {
  routeId: string
  direction: 0 | 1
  fromSeq: number
  travelS: number
  dwellS: number | null
  n: number
}

/** Mean travel and dwell per leg over the hourly aggregate since `sinceMs`. */
export async function loadSegmentStats(q: Queryable, sinceMs: number): Promise<SegmentStatRow[]> {
  const r = await q.query<{ route_id: string; direction: number; from_seq: number; travel_s: number; dwell_s: number | null; n: string }>(
    `SELECT route_id, direction, from_seq,
            sum(travel_s * n) / sum(n) AS travel_s,
            sum(dwell_s * n_dwell) / nullif(sum(n_dwell), 0) AS dwell_s,
            sum(n)::text AS n
     FROM segment_stats_hourly
     WHERE bucket >= to_timestamp($1::float8 / 1000.0)
     GROUP BY route_id, direction, from_seq`,
    [sinceMs],
  )
  return r.rows.map((x) => ({ routeId: x.route_id, direction: x.direction === 1 ? 1 : 0, fromSeq: x.from_seq, travelS: Number(x.travel_s), dwellS: x.dwell_s === null ? null : Number(x.dwell_s), n: Number(x.n) }))
}

/**
 * Stores alerts; an alert already stored takes the new state and clear time but keeps its
 * acknowledgement. Returns the stored rows (with any acknowledgement) to push live.
 */
export async function upsertAlerts(q: Queryable, alerts: readonly LiveAlert[]): Promise<LiveAlert[]> {
  if (alerts.length === 0) return []
  const r = await q.query<AlertDbRow>(
    `INSERT INTO alert AS a (id, type, severity, state, ts, cleared_ts, vehicle_id, trip_instance_id, stop_code, message, data)
     SELECT id, ty, sev, st, to_timestamp(t / 1000.0), to_timestamp(c / 1000.0), v, tr, sc, m, d::jsonb
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
       AS u(id, ty, sev, st, t, c, v, tr, sc, m, d)
     ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, cleared_ts = EXCLUDED.cleared_ts, data = EXCLUDED.data, message = EXCLUDED.message
     RETURNING ${ALERT_COLUMNS}`,
    [
      alerts.map((a) => a.id),
      alerts.map((a) => a.type),
      alerts.map((a) => a.severity),
      alerts.map((a) => a.state),
      alerts.map((a) => a.ts),
      alerts.map((a) => a.clearedTs),
      alerts.map((a) => a.vehicleId),
      alerts.map((a) => a.tripInstanceId),
      alerts.map((a) => a.stopCode),
      alerts.map((a) => a.message),
      alerts.map((a) => JSON.stringify(a.data)),
    ],
  )
  return r.rows.map(toAlert)
}

/** Acknowledges an alert once (the first acknowledgement stands); null when there is no such alert. */
export async function acknowledgeAlert(q: Queryable, id: string, by: string, atMs: number): Promise<LiveAlert | null> {
  const r = await q.query<AlertDbRow>(
    `UPDATE alert SET ack_by = coalesce(ack_by, $2), ack_ts = coalesce(ack_ts, to_timestamp($3::float8 / 1000.0))
     WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [id, by, atMs],
  )
  const row = r.rows[0]
  return row ? toAlert(row) : null
}

export interface AlertQuery {
  fromMs: number
  toMs: number
  /** Only alerts still active or not yet acknowledged. */
  open?: boolean
  type?: string
  vehicleId?: string
  limit: number
}

export async function listAlerts(q: Queryable, f: AlertQuery): Promise<LiveAlert[]> {
  const r = await q.query<AlertDbRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert
     WHERE ts >= to_timestamp($1::float8 / 1000.0) AND ts < to_timestamp($2::float8 / 1000.0)
       AND ($3::boolean IS NOT TRUE OR state = 'active' OR ack_ts IS NULL)
       AND ($4::text IS NULL OR type = $4) AND ($5::text IS NULL OR vehicle_id = $5)
     ORDER BY ts DESC LIMIT $6`,
    [f.fromMs, f.toMs, f.open ?? false, f.type ?? null, f.vehicleId ?? null, f.limit],
  )
  return r.rows.map(toAlert)
}

export interface EventRow {
  vehicleId: string
  ts: number
  type: string
  tripInstanceId: string | null
  stopCode: string | null
  data: Record<string, unknown>
}

export interface EventQuery {
  fromMs: number
  toMs: number
  types?: string[]
  vehicleId?: string
  tripInstanceId?: string
  limit: number
}

export async function listEvents(q: Queryable, f: EventQuery): Promise<EventRow[]> {
  const r = await q.query<{ vehicle_id: string; t: number; type: string; trip_instance_id: string | null; stop_code: string | null; data: Record<string, unknown> }>(
    `SELECT vehicle_id, extract(epoch FROM ts) * 1000 AS t, type, trip_instance_id, stop_code, data
     FROM vehicle_event
     WHERE ts >= to_timestamp($1::float8 / 1000.0) AND ts < to_timestamp($2::float8 / 1000.0)
       AND ($3::text[] IS NULL OR type = ANY($3)) AND ($4::text IS NULL OR vehicle_id = $4)
       AND ($5::text IS NULL OR trip_instance_id = $5)
     ORDER BY ts, vehicle_id LIMIT $6`,
    [f.fromMs, f.toMs, f.types && f.types.length > 0 ? f.types : null, f.vehicleId ?? null, f.tripInstanceId ?? null, f.limit],
  )
  return r.rows.map((x) => ({ vehicleId: x.vehicle_id, ts: Math.round(Number(x.t)), type: x.type, tripInstanceId: x.trip_instance_id, stopCode: x.stop_code, data: x.data }))
}

interface AlertDbRow {
  id: string
  type: LiveAlert['type']
  severity: LiveAlert['severity']
  state: LiveAlert['state']
  t: number
  c: number | null
  vehicle_id: string | null
  trip_instance_id: string | null
  stop_code: string | null
  message: string
  data: Record<string, unknown>
  ack_by: string | null
  a: number | null
}

const ALERT_COLUMNS = `id, type, severity, state, extract(epoch FROM ts) * 1000 AS t, extract(epoch FROM cleared_ts) * 1000 AS c,
  vehicle_id, trip_instance_id, stop_code, message, data, ack_by, extract(epoch FROM ack_ts) * 1000 AS a`

function toAlert(x: AlertDbRow): LiveAlert {
  return {
    id: x.id,
    type: x.type,
    severity: x.severity,
    state: x.state,
    ts: Math.round(Number(x.t)),
    clearedTs: x.c === null ? null : Math.round(Number(x.c)),
    vehicleId: x.vehicle_id,
    tripInstanceId: x.trip_instance_id,
    stopCode: x.stop_code,
    message: x.message,
    data: x.data,
    ackBy: x.ack_by,
    ackTs: x.a === null ? null : Math.round(Number(x.a)),
  }
}

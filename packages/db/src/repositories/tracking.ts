/** Alerts and the legs driven between stops (ETA history). */
import type { SegmentObservation } from '@rb/domain'
import type { AlertStatus, LiveAlert } from '@rb/protocol'
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
    [
      rows.map((s) => s.ts),
      rows.map((s) => s.routeId),
      rows.map((s) => s.direction),
      rows.map((s) => s.fromSeq),
      rows.map((s) => s.travelS),
      rows.map((s) => s.dwellS),
    ],
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
  const r = await q.query<{
    route_id: string
    direction: number
    from_seq: number
    travel_s: number
    dwell_s: number | null
    n: string
  }>(
    `SELECT route_id, direction, from_seq,
            sum(travel_s * n) / sum(n) AS travel_s,
            sum(dwell_s * n_dwell) / nullif(sum(n_dwell), 0) AS dwell_s,
            sum(n)::text AS n
     FROM segment_stats_hourly
     WHERE bucket >= to_timestamp($1::float8 / 1000.0)
     GROUP BY route_id, direction, from_seq`,
    [sinceMs],
  )
  return r.rows.map((x) => ({
    routeId: x.route_id,
    direction: x.direction === 1 ? 1 : 0,
    fromSeq: x.from_seq,
    travelS: Number(x.travel_s),
    dwellS: x.dwell_s === null ? null : Number(x.dwell_s),
    n: Number(x.n),
  }))
}

export interface StartStatRow {
  /** `route` rows name a route and direction; `driver` rows a driver. */
  kind: 'route' | 'driver'
  routeId: string | null
  direction: 0 | 1 | null
  driverId: string | null
  /** Median of (departure from the first stop − scheduled departure), seconds. */
  delayS: number
  n: number
}

/**
 * When buses leave their first stop, since `sinceMs`: the median delay per route and direction and
 * per driver, from the first-stop departures the engine stores (their `startDelayS`).
 */
export async function loadStartStats(q: Queryable, sinceMs: number): Promise<StartStatRow[]> {
  const r = await q.query<{
    kind: 'route' | 'driver'
    route_id: string | null
    direction: number | null
    driver_id: string | null
    delay_s: number
    n: string
  }>(
    `WITH s AS (
       SELECT data->>'routeId' AS route_id, (data->>'direction')::int AS direction, data->>'driverId' AS driver_id, (data->>'startDelayS')::float8 AS d
       FROM vehicle_event
       WHERE type = 'departure' AND ts >= to_timestamp($1::float8 / 1000.0) AND data ? 'startDelayS'
     )
     SELECT 'route' AS kind, route_id, direction, NULL AS driver_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY d) AS delay_s, count(*)::text AS n
     FROM s WHERE route_id IS NOT NULL GROUP BY route_id, direction
     UNION ALL
     SELECT 'driver', NULL, NULL, driver_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY d), count(*)::text
     FROM s WHERE driver_id IS NOT NULL GROUP BY driver_id`,
    [sinceMs],
  )
  return r.rows.map((x) => ({
    kind: x.kind,
    routeId: x.route_id,
    direction: x.direction === null ? null : x.direction === 1 ? 1 : 0,
    driverId: x.driver_id,
    delayS: Number(x.delay_s),
    n: Number(x.n),
  }))
}

/**
 * Stores alerts; an alert already stored takes the new condition (state, clear time, message, data)
 * but keeps its life-cycle: the first acknowledgement stands, and so does a resolution already
 * stored — a system clear after a hand resolution keeps the hand's who and note, a system clear
 * of an acknowledged alert resolves it by `system` and keeps the acknowledgement. Returns the
 * stored rows to push live.
 */
export async function upsertAlerts(q: Queryable, alerts: readonly LiveAlert[]): Promise<LiveAlert[]> {
  if (alerts.length === 0) return []
  const r = await q.query<AlertDbRow>(
    `INSERT INTO alert AS a (id, type, severity, state, ts, cleared_ts, vehicle_id, trip_instance_id, stop_code, message, data,
                             ack_by, ack_ts, ack_note, resolved_by, resolved_ts, resolve_note)
     SELECT id, ty, sev, st, to_timestamp(t / 1000.0), to_timestamp(c / 1000.0), v, tr, sc, m, d::jsonb,
            ab, to_timestamp(at / 1000.0), an, rb, to_timestamp(rt / 1000.0), rn
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                 $12::text[], $13::float8[], $14::text[], $15::text[], $16::float8[], $17::text[])
       AS u(id, ty, sev, st, t, c, v, tr, sc, m, d, ab, at, an, rb, rt, rn)
     ON CONFLICT (id) DO UPDATE SET
       state = EXCLUDED.state, cleared_ts = EXCLUDED.cleared_ts, data = EXCLUDED.data, message = EXCLUDED.message,
       ack_by = CASE WHEN a.ack_ts IS NULL THEN EXCLUDED.ack_by ELSE a.ack_by END,
       ack_note = CASE WHEN a.ack_ts IS NULL THEN EXCLUDED.ack_note ELSE a.ack_note END,
       ack_ts = coalesce(a.ack_ts, EXCLUDED.ack_ts),
       resolved_by = CASE WHEN a.resolved_ts IS NULL THEN EXCLUDED.resolved_by ELSE a.resolved_by END,
       resolve_note = CASE WHEN a.resolved_ts IS NULL THEN EXCLUDED.resolve_note ELSE a.resolve_note END,
       resolved_ts = coalesce(a.resolved_ts, EXCLUDED.resolved_ts)
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
      alerts.map((a) => a.ackBy),
      alerts.map((a) => (a.ackBy === null ? null : a.ackTs)),
      alerts.map((a) => a.ackNote),
      alerts.map((a) => a.resolvedBy),
      alerts.map((a) => (a.resolvedBy === null ? null : a.resolvedTs)),
      alerts.map((a) => a.resolveNote),
    ],
  )
  return r.rows.map(toAlert)
}

/** One alert; `forUpdate` locks its row until the transaction ends (a dispatcher's change). */
export async function getAlert(
  q: Queryable,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<LiveAlert | null> {
  const r = await q.query<AlertDbRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  const row = r.rows[0]
  return row ? toAlert(row) : null
}

/**
 * Acknowledges an alert once: the first acknowledgement (who, when, note) stands, a second one
 * changes nothing. Also allowed after it was resolved (status stays resolved). Null when there is
 * no such alert.
 */
export async function acknowledgeAlert(
  q: Queryable,
  id: string,
  by: string,
  note: string | null,
  atMs: number,
): Promise<LiveAlert | null> {
  const r = await q.query<AlertDbRow>(
    `UPDATE alert SET ack_by = coalesce(ack_by, $2), ack_note = CASE WHEN ack_ts IS NULL THEN $3 ELSE ack_note END,
                      ack_ts = coalesce(ack_ts, to_timestamp($4::float8 / 1000.0))
     WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [id, by, note, atMs],
  )
  const row = r.rows[0]
  return row ? toAlert(row) : null
}

/** Resolves an alert by hand; null when there is no such alert or it is already resolved (the first resolution stands). */
export async function resolveAlert(
  q: Queryable,
  id: string,
  by: string,
  note: string,
  atMs: number,
): Promise<LiveAlert | null> {
  const r = await q.query<AlertDbRow>(
    `UPDATE alert SET resolved_by = $2, resolve_note = $3, resolved_ts = to_timestamp($4::float8 / 1000.0)
     WHERE id = $1 AND resolved_ts IS NULL RETURNING ${ALERT_COLUMNS}`,
    [id, by, note, atMs],
  )
  const row = r.rows[0]
  return row ? toAlert(row) : null
}

export interface AlertQuery {
  /** Raised at or after (epoch ms); none: any time. */
  sinceMs?: number
  /** Raised before (epoch ms). */
  untilMs: number
  /** Only alerts not resolved (`open` or `acknowledged`). */
  open?: boolean
  /** Only alerts whose condition is still on (state `active`), whoever dealt with them. */
  active?: boolean
  statuses?: readonly AlertStatus[]
  types?: readonly string[]
  vehicleId?: string
  tripInstanceId?: string
  limit: number
}

/** Alerts matching every filter given, newest first. */
export async function listAlerts(q: Queryable, f: AlertQuery): Promise<LiveAlert[]> {
  const r = await q.query<AlertDbRow>(
    `SELECT ${ALERT_COLUMNS} FROM alert
     WHERE ($1::float8 IS NULL OR ts >= to_timestamp($1::float8 / 1000.0)) AND ts < to_timestamp($2::float8 / 1000.0)
       AND ($3::boolean IS NOT TRUE OR resolved_ts IS NULL) AND ($4::boolean IS NOT TRUE OR state = 'active')
       AND ($5::text[] IS NULL OR status = ANY($5)) AND ($6::text[] IS NULL OR type = ANY($6))
       AND ($7::text IS NULL OR vehicle_id = $7) AND ($8::text IS NULL OR trip_instance_id = $8)
     ORDER BY ts DESC, id LIMIT $9`,
    [
      f.sinceMs ?? null,
      f.untilMs,
      f.open ?? false,
      f.active ?? false,
      nonEmpty(f.statuses),
      nonEmpty(f.types),
      f.vehicleId ?? null,
      f.tripInstanceId ?? null,
      f.limit,
    ],
  )
  return r.rows.map(toAlert)
}

const nonEmpty = <T>(xs: readonly T[] | undefined): readonly T[] | null => (xs && xs.length > 0 ? xs : null)

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
  const r = await q.query<{
    vehicle_id: string
    t: number
    type: string
    trip_instance_id: string | null
    stop_code: string | null
    data: Record<string, unknown>
  }>(
    `SELECT vehicle_id, extract(epoch FROM ts) * 1000 AS t, type, trip_instance_id, stop_code, data
     FROM vehicle_event
     WHERE ts >= to_timestamp($1::float8 / 1000.0) AND ts < to_timestamp($2::float8 / 1000.0)
       AND ($3::text[] IS NULL OR type = ANY($3)) AND ($4::text IS NULL OR vehicle_id = $4)
       AND ($5::text IS NULL OR trip_instance_id = $5)
     ORDER BY ts, vehicle_id LIMIT $6`,
    [
      f.fromMs,
      f.toMs,
      f.types && f.types.length > 0 ? f.types : null,
      f.vehicleId ?? null,
      f.tripInstanceId ?? null,
      f.limit,
    ],
  )
  return r.rows.map((x) => ({
    vehicleId: x.vehicle_id,
    ts: Math.round(Number(x.t)),
    type: x.type,
    tripInstanceId: x.trip_instance_id,
    stopCode: x.stop_code,
    data: x.data,
  }))
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
  status: AlertStatus
  ack_by: string | null
  a: number | null
  ack_note: string | null
  resolved_by: string | null
  r: number | null
  resolve_note: string | null
}

const ALERT_COLUMNS = `id, type, severity, state, extract(epoch FROM ts) * 1000 AS t, extract(epoch FROM cleared_ts) * 1000 AS c,
  vehicle_id, trip_instance_id, stop_code, message, data, status,
  ack_by, extract(epoch FROM ack_ts) * 1000 AS a, ack_note, resolved_by, extract(epoch FROM resolved_ts) * 1000 AS r, resolve_note`

const msOrNull = (v: number | null): number | null => (v === null ? null : Math.round(Number(v)))

function toAlert(x: AlertDbRow): LiveAlert {
  return {
    id: x.id,
    type: x.type,
    severity: x.severity,
    state: x.state,
    ts: Math.round(Number(x.t)),
    clearedTs: msOrNull(x.c),
    vehicleId: x.vehicle_id,
    tripInstanceId: x.trip_instance_id,
    stopCode: x.stop_code,
    message: x.message,
    data: x.data,
    // Derived by the database (migration 008), as alertStatus() does in @rb/domain.
    status: x.status,
    ackBy: x.ack_by,
    ackTs: msOrNull(x.a),
    ackNote: x.ack_note,
    resolvedBy: x.resolved_by,
    resolvedTs: msOrNull(x.r),
    resolveNote: x.resolve_note,
  }
}

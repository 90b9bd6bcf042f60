import type { DeviceEvent, Position, PositionSource, TrackPoint, VehicleStatus } from '@rb/protocol'
import type { Queryable } from '../port.js'

/**
 * The columns of one stored fix, listed once for both tables that hold fixes (`position`, the
 * history, and `vehicle_latest`): the field of `Position` each column takes and the type its array
 * travels as. A field added to `Position` without a column here fails the typecheck.
 */
const FIX_COLUMNS = {
  vehicleId: { column: 'vehicle_id', array: 'text' },
  // Epoch ms travel as float8 and become timestamptz in SQL: identical on both adapters.
  ts: { column: 'ts', array: 'float8', epochMs: true },
  lng: { column: 'lng', array: 'float8' },
  lat: { column: 'lat', array: 'float8' },
  speedKmh: { column: 'speed_kmh', array: 'real' },
  headingDeg: { column: 'heading_deg', array: 'real' },
  accM: { column: 'acc_m', array: 'real' },
  odoM: { column: 'odo_m', array: 'float8' },
  source: { column: 'source', array: 'text' },
} as const satisfies { [K in keyof Position]-?: { column: string; array: string; epochMs?: true } }

const FIX_FIELDS = Object.keys(FIX_COLUMNS) as (keyof typeof FIX_COLUMNS)[]
const fixColumn = (f: keyof typeof FIX_COLUMNS): { column: string; array: string; epochMs?: true } => FIX_COLUMNS[f]

/** `(columns…, received_at) SELECT … FROM unnest($1…$9) …` with `$10` the time received, epoch ms. */
const FIX_ROWS = (() => {
  const columns = FIX_FIELDS.map((f) => fixColumn(f).column)
  const values = FIX_FIELDS.map((f, i) => (fixColumn(f).epochMs ? `to_timestamp(c${i} / 1000.0)` : `c${i}`))
  const arrays = FIX_FIELDS.map((f, i) => `$${i + 1}::${fixColumn(f).array}[]`)
  return `(${columns.join(', ')}, received_at)
     SELECT ${values.join(', ')}, to_timestamp($${FIX_FIELDS.length + 1}::float8 / 1000.0)
     FROM unnest(${arrays.join(', ')}) AS u(${FIX_FIELDS.map((_, i) => `c${i}`).join(', ')})`
})()

/** The query's parameters for FIX_ROWS: one array per column, then the time received. */
function fixParams(positions: readonly Position[], receivedAtMs: number): unknown[] {
  return [...FIX_FIELDS.map((f) => positions.map((p) => p[f])), receivedAtMs]
}

/** Stores positions in one statement; a point already stored (same vehicle and ts) is skipped. Returns rows inserted. */
export async function insertPositions(
  q: Queryable,
  positions: readonly Position[],
  receivedAtMs: number,
): Promise<number> {
  if (positions.length === 0) return 0
  const r = await q.query(
    `INSERT INTO position ${FIX_ROWS}\n     ON CONFLICT DO NOTHING`,
    fixParams(positions, receivedAtMs),
  )
  return r.rowCount
}

const LATEST_UPDATE = [...FIX_FIELDS.filter((f) => f !== 'vehicleId').map((f) => fixColumn(f).column), 'received_at']
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ')

/** Keeps `vehicle_latest` at the newest fix per vehicle; `latest` holds at most one position per vehicle. */
export async function upsertLatest(q: Queryable, latest: readonly Position[], receivedAtMs: number): Promise<void> {
  if (latest.length === 0) return
  await q.query(
    `INSERT INTO vehicle_latest AS l ${FIX_ROWS}
     ON CONFLICT (vehicle_id) DO UPDATE SET ${LATEST_UPDATE}
     WHERE l.ts IS NULL OR EXCLUDED.ts > l.ts`,
    fixParams(latest, receivedAtMs),
  )
}

export interface StoredEvent {
  vehicleId: string
  ts: number
  type: string
  tripInstanceId?: string | null
  stopCode?: string | null
  data?: Record<string, unknown>
}

/** Stores vehicle events; the same (vehicle, type, ts) twice is one event. Returns rows inserted. */
export async function insertEvents(q: Queryable, events: readonly StoredEvent[]): Promise<number> {
  if (events.length === 0) return 0
  const r = await q.query(
    `INSERT INTO vehicle_event (vehicle_id, ts, type, trip_instance_id, stop_code, data)
     SELECT v, to_timestamp(t / 1000.0), ty, tr, st, d::jsonb
     FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(v, t, ty, tr, st, d)
     ON CONFLICT DO NOTHING`,
    [
      events.map((e) => e.vehicleId),
      events.map((e) => e.ts),
      events.map((e) => e.type),
      events.map((e) => e.tripInstanceId ?? null),
      events.map((e) => e.stopCode ?? null),
      events.map((e) => JSON.stringify(e.data ?? {})),
    ],
  )
  return r.rowCount
}

/** Alarms and who drives keep their own type (the engine and the restart read them); the rest are `device_<type>`. */
export function deviceEventToStored(e: DeviceEvent): StoredEvent {
  return {
    vehicleId: e.vehicleId,
    ts: e.ts,
    type: e.type === 'alarm' || e.type === 'driver' ? e.type : `device_${e.type}`,
    data: e.data,
  }
}

export interface LinkStatus {
  vehicleId: string
  status: VehicleStatus
  ts: number
}

/** Records online/offline per vehicle (newest wins). */
export async function upsertLinkStatus(q: Queryable, statuses: readonly LinkStatus[]): Promise<void> {
  if (statuses.length === 0) return
  await q.query(
    `INSERT INTO vehicle_latest AS l (vehicle_id, online, status_ts)
     SELECT v, o, to_timestamp(t / 1000.0) FROM unnest($1::text[], $2::bool[], $3::float8[]) AS u(v, o, t)
     ON CONFLICT (vehicle_id) DO UPDATE SET online = EXCLUDED.online, status_ts = EXCLUDED.status_ts
     WHERE l.status_ts IS NULL OR EXCLUDED.status_ts >= l.status_ts`,
    [statuses.map((s) => s.vehicleId), statuses.map((s) => s.status === 'online'), statuses.map((s) => s.ts)],
  )
}

export interface LatestRow {
  vehicleId: string
  position: Position | null
  online: boolean | null
  statusTs: number | null
}

export async function loadLatest(q: Queryable): Promise<LatestRow[]> {
  const r = await q.query<{
    vehicle_id: string
    t: number | null
    lng: number | null
    lat: number | null
    speed_kmh: number | null
    heading_deg: number | null
    acc_m: number | null
    odo_m: number | null
    source: string | null
    online: boolean | null
    st: number | null
  }>(
    // vehicle_latest is saved about once a second; the newest stored point may be a little newer
    // (the last second before a crash). One indexed look-up per vehicle finds it.
    `SELECT l.vehicle_id, extract(epoch FROM COALESCE(p.ts, l.ts))::float8 * 1000 AS t,
            COALESCE(p.lng, l.lng) AS lng, COALESCE(p.lat, l.lat) AS lat, COALESCE(p.speed_kmh, l.speed_kmh) AS speed_kmh,
            COALESCE(p.heading_deg, l.heading_deg) AS heading_deg, CASE WHEN p.ts IS NULL THEN l.acc_m ELSE p.acc_m END AS acc_m,
            CASE WHEN p.ts IS NULL THEN l.odo_m ELSE p.odo_m END AS odo_m, COALESCE(p.source, l.source) AS source,
            l.online, extract(epoch FROM l.status_ts)::float8 * 1000 AS st
     FROM vehicle_latest l
     LEFT JOIN LATERAL (
       SELECT ts, lng, lat, speed_kmh, heading_deg, acc_m, odo_m, source FROM position
       WHERE vehicle_id = l.vehicle_id AND ts > COALESCE(l.ts, '-infinity'::timestamptz)
       ORDER BY ts DESC LIMIT 1
     ) p ON true`,
  )
  return r.rows.map((row) => ({
    vehicleId: row.vehicle_id,
    position:
      row.t == null
        ? null
        : {
            vehicleId: row.vehicle_id,
            ts: Math.round(row.t),
            lng: row.lng ?? 0,
            lat: row.lat ?? 0,
            speedKmh: row.speed_kmh ?? 0,
            headingDeg: row.heading_deg ?? 0,
            accM: row.acc_m,
            odoM: row.odo_m,
            source: (row.source ?? 'mqtt') as PositionSource,
          },
    online: row.online,
    statusTs: row.st == null ? null : Math.round(row.st),
  }))
}

/** A vehicle's points in [fromMs, toMs), oldest first, at most `limit` rows. */
export async function queryTrack(
  q: Queryable,
  vehicleId: string,
  fromMs: number,
  toMs: number,
  limit: number,
): Promise<TrackPoint[]> {
  const r = await q.query<{ t: number; lng: number; lat: number; s: number; h: number }>(
    `SELECT extract(epoch FROM ts)::float8 * 1000 AS t, lng, lat, speed_kmh::float8 AS s, heading_deg::float8 AS h
     FROM position
     WHERE vehicle_id = $1 AND ts >= to_timestamp($2::float8 / 1000.0) AND ts < to_timestamp($3::float8 / 1000.0)
     ORDER BY ts
     LIMIT $4`,
    [vehicleId, fromMs, toMs, limit],
  )
  return r.rows.map((row) => [Math.round(row.t), row.lng, row.lat, row.s, row.h])
}

const IN_RANGE =
  'vehicle_id = $1 AND ts >= to_timestamp($2::float8 / 1000.0) AND ts < to_timestamp($3::float8 / 1000.0)'

/** How many points a vehicle stored in [fromMs, toMs) (an index-only count). */
export async function countTrack(q: Queryable, vehicleId: string, fromMs: number, toMs: number): Promise<number> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM position WHERE ${IN_RANGE}`, [
    vehicleId,
    fromMs,
    toMs,
  ])
  return r.rows[0]?.n ?? 0
}

/** The compact track's columns as the database writes them: comma-separated integers (see `CompactTrack`). */
export interface CompactTrackText {
  count: number
  t: string
  lng: string
  lat: string
  speed: string
  heading: string
}

/**
 * A vehicle's points in [fromMs, toMs), oldest first, at most `limit`, in the compact form
 * (`delta-int-v1` of @rb/protocol): the database scales, rounds and delta-encodes each field and
 * joins it into text, so a vehicle-day never becomes 86,400 JavaScript objects. The window and
 * the aggregates read the rows in the subquery's time order.
 */
export async function compactTrack(
  q: Queryable,
  vehicleId: string,
  fromMs: number,
  toMs: number,
  limit: number,
): Promise<CompactTrackText> {
  const r = await q.query<CompactTrackText>(
    `SELECT count(*)::int AS count,
       coalesce(string_agg((t - coalesce(pt, 0))::text, ','), '') AS t,
       coalesce(string_agg((x - coalesce(px, 0))::text, ','), '') AS lng,
       coalesce(string_agg((y - coalesce(py, 0))::text, ','), '') AS lat,
       coalesce(string_agg(s::text, ','), '') AS speed,
       coalesce(string_agg(h::text, ','), '') AS heading
     FROM (
       SELECT t, x, y, s, h, lag(t) OVER w AS pt, lag(x) OVER w AS px, lag(y) OVER w AS py
       FROM (
         SELECT ts, round(date_part('epoch', ts) * 1000)::bigint AS t, round(lng * 1e6)::bigint AS x, round(lat * 1e6)::bigint AS y,
           round(speed_kmh * 10)::int AS s, round(heading_deg)::int AS h
         FROM position WHERE ${IN_RANGE} ORDER BY ts LIMIT $4
       ) p
       WINDOW w AS (ORDER BY ts)
     ) d`,
    [vehicleId, fromMs, toMs, limit],
  )
  return r.rows[0] ?? { count: 0, t: '', lng: '', lat: '', speed: '', heading: '' }
}

/**
 * Every `step`-th of a vehicle's points in [fromMs, toMs) and its last one, oldest first: a cheap
 * thinning in the database (by count, so a dead zone or a night parked leaves no hole) before a
 * finer downsampling in memory. `stored` is how many points the range holds (`countTrack`).
 */
export async function sampledTrack(
  q: Queryable,
  vehicleId: string,
  fromMs: number,
  toMs: number,
  step: number,
  stored: number,
): Promise<TrackPoint[]> {
  const r = await q.query<{ t: number; lng: number; lat: number; s: number; h: number }>(
    `SELECT t, lng, lat, s, h FROM (
       SELECT date_part('epoch', ts) * 1000 AS t, lng, lat, speed_kmh::float8 AS s, heading_deg::float8 AS h, row_number() OVER (ORDER BY ts) AS n
       FROM position WHERE ${IN_RANGE}
     ) x
     WHERE (n - 1) % $4::bigint = 0 OR n = $5::bigint
     ORDER BY n`,
    [vehicleId, fromMs, toMs, Math.max(1, Math.floor(step)), stored],
  )
  return r.rows.map((row) => [Math.round(row.t), row.lng, row.lat, row.s, row.h])
}

export async function countPositions(q: Queryable, vehicleId?: string): Promise<number> {
  const r = vehicleId
    ? await q.query<{ n: number }>('SELECT count(*)::int AS n FROM position WHERE vehicle_id = $1', [vehicleId])
    : await q.query<{ n: number }>('SELECT count(*)::int AS n FROM position')
  return r.rows[0]?.n ?? 0
}

export async function insertDeadLetter(q: Queryable, error: string, item: unknown): Promise<void> {
  await q.query('INSERT INTO ingest_dead_letter (error, item) VALUES ($1, $2::jsonb)', [error, JSON.stringify(item)])
}

/** Every stored position since `fromMs`, oldest first (the tracking engine rebuilds its state from them). */
export async function positionsSince(q: Queryable, fromMs: number, limit: number): Promise<Position[]> {
  const r = await q.query<{
    vehicle_id: string
    t: number
    lng: number
    lat: number
    speed_kmh: number
    heading_deg: number
    acc_m: number | null
    odo_m: number | null
    source: string
  }>(
    `SELECT vehicle_id, extract(epoch FROM ts)::float8 * 1000 AS t, lng, lat, speed_kmh, heading_deg, acc_m, odo_m, source
     FROM position WHERE ts >= to_timestamp($1::float8 / 1000.0)
     ORDER BY ts, vehicle_id LIMIT $2`,
    [fromMs, limit],
  )
  return r.rows.map((x) => ({
    vehicleId: x.vehicle_id,
    ts: Math.round(x.t),
    lng: x.lng,
    lat: x.lat,
    speedKmh: x.speed_kmh,
    headingDeg: x.heading_deg,
    accM: x.acc_m,
    odoM: x.odo_m,
    source: x.source as PositionSource,
  }))
}

export interface DriverEventRow {
  vehicleId: string
  ts: number
  data: Record<string, unknown>
}

/**
 * Every `driver` event since `fromMs`, oldest first: who is on board after a restart. All of
 * them rather than the newest per vehicle, because the newest may be one that changed nothing
 * (a card the reader could not read, a sign-off by someone not on board).
 */
export async function driverEventsSince(q: Queryable, fromMs: number, limit: number): Promise<DriverEventRow[]> {
  const r = await q.query<{ vehicle_id: string; t: number; data: Record<string, unknown> }>(
    `SELECT vehicle_id, extract(epoch FROM ts)::float8 * 1000 AS t, data
     FROM vehicle_event WHERE type = 'driver' AND ts >= to_timestamp($1::float8 / 1000.0)
     ORDER BY ts, vehicle_id LIMIT $2`,
    [fromMs, limit],
  )
  return r.rows.map((x) => ({ vehicleId: x.vehicle_id, ts: Math.round(x.t), data: x.data }))
}

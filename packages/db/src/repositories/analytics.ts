/**
 * Sums behind the console's reports (on-time performance, ridership, kilometres, repair
 * turnaround). Day ranges arrive as `YYYY-MM-DD` service dates plus the instants that bound them
 * (epoch ms, Asia/Shanghai midnights); the domain's analytics module turns the sums into rows.
 * A trip instance's service day is its id's `_<YYYYMMDD>` suffix, its trip the rest.
 */
import type { KilometresSums, LatenessSettings, OnTimeSums, RidershipSums, TurnaroundSums } from '@rb/domain'
import type { Queryable } from '../port.js'

export interface DayRange {
  /** First and last service date, inclusive (`YYYY-MM-DD`). */
  from: string
  to: string
  /** Every service date from `from` to `to`, in order. */
  days: readonly string[]
  /** Local midnight starting `from`, local midnight ending `to` (epoch ms, end exclusive). */
  startMs: number
  endMs: number
}

const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const n = (v: string | number | null): number => (v === null ? 0 : Number(v))
const DAY_MS = 86_400_000
/** Instance ids of the `<tripId>_<YYYYMMDD>` form; their date and trip. */
const INSTANCE_RE = `'_[0-9]{8}$'`
const instanceDay = (col: string): string => `to_char(to_date(right(${col}, 8), 'YYYYMMDD'), 'YYYY-MM-DD')`
const instanceTrip = (col: string): string => `left(${col}, length(${col}) - 9)`

/**
 * Departures per route and service day, judged by the county's lateness policy: on time from
 * `earlyS` before to `lateS` after the timetable (inclusive), early and late beyond; started and
 * completed trip runs. Events are read from a day before `from` to a day after `to` (a run may
 * start before its service day's midnight or end after).
 */
export async function onTime(q: Queryable, range: DayRange, lateness: LatenessSettings): Promise<OnTimeSums[]> {
  const r = await q.query<{
    day: string
    route_id: string
    route_name: string
    departures: string
    on_time: string
    early: string
    late: string
    delay_sum: number | null
    started: string
    completed: string
  }>(
    `WITH ev AS (
       SELECT e.type, e.trip_instance_id, e.data, ${instanceDay('e.trip_instance_id')} AS day, ${instanceTrip('e.trip_instance_id')} AS trip_id,
              CASE WHEN e.type = 'departure' AND jsonb_typeof(e.data -> 'delayS') = 'number' THEN (e.data ->> 'delayS')::float8 END AS delay
       FROM vehicle_event e
       WHERE e.ts >= ${ts(1)} AND e.ts < ${ts(2)} AND e.type IN ('departure', 'trip_start', 'trip_end') AND e.trip_instance_id ~ ${INSTANCE_RE}
     )
     SELECT ev.day, t.route_id, r.name AS route_name,
            count(ev.delay) AS departures,
            count(*) FILTER (WHERE ev.delay BETWEEN -$5::float8 AND $6) AS on_time,
            count(*) FILTER (WHERE ev.delay < -$5::float8) AS early,
            count(*) FILTER (WHERE ev.delay > $6) AS late,
            sum(ev.delay)::float8 AS delay_sum,
            count(DISTINCT ev.trip_instance_id) FILTER (WHERE ev.type = 'trip_start') AS started,
            count(DISTINCT ev.trip_instance_id) FILTER (WHERE ev.type = 'trip_end' AND ev.data ->> 'reason' = 'completed') AS completed
     FROM ev JOIN trip t ON t.id = ev.trip_id JOIN route r ON r.id = t.route_id
     WHERE ev.day BETWEEN $3 AND $4
     GROUP BY ev.day, t.route_id, r.name
     ORDER BY ev.day, t.route_id`,
    [range.startMs - DAY_MS, range.endMs + DAY_MS, range.from, range.to, lateness.earlyS, lateness.lateS],
  )
  return r.rows.map((x) => ({
    day: x.day,
    routeId: x.route_id,
    routeName: x.route_name,
    departures: n(x.departures),
    onTime: n(x.on_time),
    early: n(x.early),
    late: n(x.late),
    delaySumS: n(x.delay_sum),
    tripsStarted: n(x.started),
    tripsCompleted: n(x.completed),
  }))
}

/** Bookings and seats by status, per service day and service kind (route.kind). */
export async function ridership(q: Queryable, range: DayRange): Promise<RidershipSums[]> {
  const r = await q.query<{
    day: string
    kind: string
    bookings: string
    booked: string
    boarded: string
    no_show: string
    cancelled: string
    open: string
  }>(
    `SELECT ${instanceDay('b.trip_instance_id')} AS day, r.kind,
            count(*) FILTER (WHERE b.status <> 'cancelled') AS bookings,
            coalesce(sum(b.seats) FILTER (WHERE b.status IN ('confirmed', 'boarded', 'no_show')), 0) AS booked,
            coalesce(sum(b.seats) FILTER (WHERE b.status = 'boarded'), 0) AS boarded,
            coalesce(sum(b.seats) FILTER (WHERE b.status = 'no_show'), 0) AS no_show,
            coalesce(sum(b.seats) FILTER (WHERE b.status = 'cancelled'), 0) AS cancelled,
            coalesce(sum(b.seats) FILTER (WHERE b.status = 'confirmed'), 0) AS open
     FROM booking b JOIN trip t ON t.id = ${instanceTrip('b.trip_instance_id')} JOIN route r ON r.id = t.route_id
     WHERE b.trip_instance_id ~ ${INSTANCE_RE} AND right(b.trip_instance_id, 8) BETWEEN $1 AND $2
     GROUP BY 1, r.kind
     ORDER BY 1, r.kind`,
    [range.from.replaceAll('-', ''), range.to.replaceAll('-', '')],
  )
  return r.rows.map((x) => ({
    day: x.day,
    kind: x.kind,
    bookings: n(x.bookings),
    seatsBooked: n(x.booked),
    seatsBoarded: n(x.boarded),
    seatsNoShow: n(x.no_show),
    seatsCancelled: n(x.cancelled),
    seatsOpen: n(x.open),
  }))
}

/**
 * Metres between consecutive fixes per vehicle, one service day per query (a day's window over
 * `position (ts)` stays bounded however long the range). Great-circle (haversine) distances on a
 * 6,371,008.8 m sphere; a pair straddling midnight counts for neither day.
 */
export async function kilometres(q: Queryable, range: DayRange): Promise<KilometresSums[]> {
  const out: KilometresSums[] = []
  for (const [i, day] of range.days.entries()) {
    // Asia/Shanghai has no daylight saving: every service day is 24 h long.
    const start = range.startMs + i * DAY_MS
    const r = await q.query<{ vehicle_id: string; plate: string | null; metres: number | null; points: string }>(
      `SELECT s.vehicle_id, v.plate, sum(CASE WHEN s.plat IS NULL THEN 0 ELSE
                2 * 6371008.8 * asin(least(1, sqrt(
                  power(sin(radians(s.lat - s.plat) / 2), 2)
                  + cos(radians(s.lat)) * cos(radians(s.plat)) * power(sin(radians(s.lng - s.plng) / 2), 2)))) END)::float8 AS metres,
              count(*) AS points
       FROM (
         SELECT p.vehicle_id, p.lng, p.lat, lag(p.lng) OVER w AS plng, lag(p.lat) OVER w AS plat
         FROM position p
         WHERE p.ts >= ${ts(1)} AND p.ts < ${ts(2)}
         WINDOW w AS (PARTITION BY p.vehicle_id ORDER BY p.ts)
       ) s LEFT JOIN vehicle v ON v.id = s.vehicle_id
       GROUP BY s.vehicle_id, v.plate
       ORDER BY s.vehicle_id`,
      [start, start + DAY_MS],
    )
    for (const x of r.rows)
      out.push({ day, vehicleId: x.vehicle_id, plate: x.plate, metres: n(x.metres), points: n(x.points) })
  }
  return out
}

/** Tickets fixed in the range (closed as fixed, by `closed_at`): count, median, mean and longest open → fixed time, per kind and category. */
export async function repairTurnaround(q: Queryable, range: DayRange): Promise<TurnaroundSums[]> {
  const r = await q.query<{
    kind: string
    category: string
    fixed: string
    median_s: number
    mean_s: number
    max_s: number
  }>(
    `SELECT kind, category, count(*) AS fixed,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY s))::float8 AS median_s, avg(s)::float8 AS mean_s, max(s)::float8 AS max_s
     FROM (SELECT kind, category, extract(epoch FROM closed_at - opened_at)::float8 AS s
           FROM repair_ticket WHERE status = 'fixed' AND closed_at >= ${ts(1)} AND closed_at < ${ts(2)}) f
     GROUP BY kind, category
     ORDER BY kind, category`,
    [range.startMs, range.endMs],
  )
  return r.rows.map((x) => ({
    kind: x.kind,
    category: x.category,
    fixed: n(x.fixed),
    medianS: n(x.median_s),
    meanS: n(x.mean_s),
    maxS: n(x.max_s),
  }))
}

export { routeStopOrder, stopHours } from './analytics-stop-hours.js'

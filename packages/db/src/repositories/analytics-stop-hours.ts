/**
 * Departures by stop and hour of the day (Asia/Shanghai) over a range of service days: how many,
 * how many on time by the county's lateness policy, and the summed delay — the heat map of the
 * Reports view. A departure's service day is its trip instance's; its hour is the local hour it left.
 */
import type { LatenessSettings, StopHourSums } from '@rb/domain'
import type { Queryable } from '../port.js'
import type { DayRange } from './analytics.js'

const DAY_MS = 86_400_000

export async function stopHours(
  q: Queryable,
  range: DayRange,
  lateness: LatenessSettings,
  routeId: string | null = null,
): Promise<StopHourSums[]> {
  const r = await q.query<{
    stop_code: string
    stop_name: string | null
    hour: number
    departures: string
    on_time: string
    delay_sum: number | null
  }>(
    `WITH ev AS (
       SELECT e.stop_code, (e.data ->> 'delayS')::float8 AS delay,
              extract(hour FROM e.ts AT TIME ZONE 'Asia/Shanghai')::int AS hour,
              to_char(to_date(right(e.trip_instance_id, 8), 'YYYYMMDD'), 'YYYY-MM-DD') AS day,
              left(e.trip_instance_id, length(e.trip_instance_id) - 9) AS trip_id
       FROM vehicle_event e
       WHERE e.ts >= to_timestamp($1::float8 / 1000.0) AND e.ts < to_timestamp($2::float8 / 1000.0)
         AND e.type = 'departure' AND e.stop_code IS NOT NULL AND jsonb_typeof(e.data -> 'delayS') = 'number'
         AND e.trip_instance_id ~ '_[0-9]{8}$'
     )
     SELECT ev.stop_code, s.name AS stop_name, ev.hour,
            count(*) AS departures,
            count(*) FILTER (WHERE ev.delay BETWEEN -$5::float8 AND $6) AS on_time,
            sum(ev.delay)::float8 AS delay_sum
     FROM ev JOIN trip t ON t.id = ev.trip_id LEFT JOIN stop s ON s.code = ev.stop_code
     WHERE ev.day BETWEEN $3 AND $4 AND ($7::text IS NULL OR t.route_id = $7)
     GROUP BY ev.stop_code, s.name, ev.hour
     ORDER BY ev.stop_code, ev.hour`,
    [range.startMs - DAY_MS, range.endMs + DAY_MS, range.from, range.to, lateness.earlyS, lateness.lateS, routeId],
  )
  return r.rows.map((x) => ({
    stopCode: x.stop_code,
    stopName: x.stop_name ?? '',
    hour: Number(x.hour),
    departures: Number(x.departures),
    onTime: Number(x.on_time),
    delaySumS: x.delay_sum === null ? 0 : Number(x.delay_sum),
  }))
}

/** A route's stop codes in the order of travel (the heat map's rows for one route). */
export async function routeStopOrder(q: Queryable, routeId: string): Promise<string[]> {
  const r = await q.query<{ stop_code: string }>('SELECT stop_code FROM route_stop WHERE route_id = $1 ORDER BY seq', [
    routeId,
  ])
  return r.rows.map((x) => x.stop_code)
}

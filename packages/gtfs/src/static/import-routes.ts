/**
 * GTFS routes and trips → our routes and trips. Our route is one ordered stop list with one line,
 * so each GTFS route + distinct stop sequence becomes a route; a direction-1 trip whose stops are
 * the reverse of a direction-0 sequence joins that route as a direction-1 trip.
 */
import { distanceM, locateStops, type LocateResult } from '@rb/geo'
import {
  SERVICE_KINDS,
  type LngLat,
  type Route,
  type ServiceKind,
  type Stop,
  type Trip,
  type TripFrequency,
} from '@rb/domain'
import { groupBy, stopTimesByTrip, type Row } from './feed.js'
import { EXT_SERVICE_KIND, EXT_SPEED_LIMIT } from './spec.js'
import { formatTime, isColor, parseDecimal, parseTime } from './values.js'

/** How far a stop may lie from the shape, metres; feeds often place stops on the kerb, not the centreline. */
const STOP_TOLERANCE_M = 500
const DEFAULT_COLOR = '#1f6feb'
const DEFAULT_SPEED_LIMIT_KMH = 50
const DEFAULT_SEATS = 30

export type Translate = (table: string, field: string, recordId: string, original: string) => string

export interface RouteImportInput {
  routes: readonly Row[]
  trips: readonly Row[]
  stopTimes: readonly Row[]
  shapes: readonly Row[]
  /** frequencies.txt: trips listed there run at every headway of their windows. */
  frequencies: readonly Row[]
  stopById: ReadonlyMap<string, Stop>
  /** The agency of routes without agency_id (a feed with one agency). */
  defaultOperatorId: string
  english: Translate
}

interface Pattern {
  gtfsRoute: Row
  /** Stop ids in the order of direction-0 travel. */
  stopIds: string[]
  shapeIds: [dir0: string, dir1: string]
  trips: Omit<Trip, 'routeId'>[]
}

export function importRoutesAndTrips(
  input: RouteImportInput,
  warnings: string[],
): { routes: Route[]; trips: Trip[]; frequencies: TripFrequency[] } {
  const gtfsRouteById = new Map(input.routes.map((row) => [row.get('route_id'), row]))
  const stopTimes = stopTimesByTrip(input.stopTimes)
  const windowsByTrip = groupBy(input.frequencies, (row) => row.get('trip_id'))
  const takenTripIds = new Set(input.trips.map((row) => row.get('trip_id')))
  const patterns = new Map<string, Pattern>()
  const frequencies: TripFrequency[] = []
  const tally = { afterMidnight: 0, dwell: 0, interpolated: 0, headwayTrips: 0, expanded: 0 }
  for (const row of input.trips) {
    const list = stopTimes.get(row.get('trip_id')) ?? []
    const gtfsRoute = gtfsRouteById.get(row.get('route_id'))
    if (list.length < 2 || !gtfsRoute) continue
    const times = tripTimes(list)
    const windows = windowsByTrip.get(row.get('trip_id'))
    const departures = windows
      ? expandWindows(row.get('trip_id'), windows, takenTripIds)
      : [{ id: row.get('trip_id'), departureS: times.departureS, window: undefined }]
    if (windows) {
      tally.headwayTrips++
      tally.expanded += departures.length
    }
    const direction = row.get('direction_id') === '1' ? 1 : 0
    const travelled = list.map((st) => st.get('stop_id'))
    const stopIds = direction === 0 ? travelled : [...travelled].reverse()
    const key = `${gtfsRoute.get('route_id')}\u0000${stopIds.join('\u0001')}`
    let counted = false
    for (const run of departures) {
      if (run.departureS >= 86_400) {
        tally.afterMidnight++
        continue
      }
      if (!counted) {
        if (times.dwell) tally.dwell++
        if (times.interpolated) tally.interpolated++
        counted = true
      }
      let pattern = patterns.get(key)
      if (!pattern) patterns.set(key, (pattern = { gtfsRoute, stopIds, shapeIds: ['', ''], trips: [] }))
      pattern.shapeIds[direction] ||= row.get('shape_id')
      const lastStop = input.stopById.get(travelled.at(-1) ?? '')
      pattern.trips.push({
        id: run.id,
        calendarId: row.get('service_id'),
        direction,
        headsign: row.get('trip_headsign') || (lastStop?.name ?? ''),
        departureS: run.departureS,
        stopOffsetsS: times.offsetsS,
        seats: DEFAULT_SEATS,
        bookingPolicy: 'none',
        minRiders: 0,
        bookingCutoffMin: 60,
        active: true,
      })
      if (run.window) frequencies.push({ tripId: run.id, templateId: row.get('trip_id'), ...run.window })
    }
  }
  if (tally.afterMidnight)
    warnings.push(
      `${tally.afterMidnight} trips start at or after 24:00:00 and were skipped (a departure must fall within its service day)`,
    )
  if (tally.dwell)
    warnings.push(`${tally.dwell} trips wait at stops (departure after arrival); only arrival times are kept`)
  if (tally.interpolated) warnings.push(`${tally.interpolated} trips have stops without times; those were interpolated`)
  if (tally.headwayTrips)
    warnings.push(
      `${tally.headwayTrips} frequency-based trips (frequencies.txt) were expanded into ${tally.expanded} timed trips, one per headway; the export says them as headways again`,
    )

  const shapes = shapesById(input.shapes)
  const routeIds = routeIdsOf([...patterns.values()], warnings)
  const routes: Route[] = []
  const trips: Trip[] = []
  for (const [pattern, id] of routeIds) {
    routes.push(routeOf(id, pattern, shapes, input, warnings))
    for (const trip of pattern.trips) trips.push({ ...trip, routeId: id })
  }
  return { routes, trips, frequencies }
}

interface Run {
  id: string
  departureS: number
  window: Omit<TripFrequency, 'tripId' | 'templateId'> | undefined
}

/**
 * The departures of a frequency-based trip: every headway from each window's start, up to but not
 * including its end. Each run is a trip of its own, `<trip_id>-HHMM` (`-HHMMSS` when the seconds
 * are not zero), numbered on when that id is taken.
 */
function expandWindows(tripId: string, windows: readonly Row[], taken: Set<string>): Run[] {
  const runs: Run[] = []
  const sorted = [...windows].sort(
    (a, b) => (parseTime(a.get('start_time')) ?? 0) - (parseTime(b.get('start_time')) ?? 0),
  )
  for (const row of sorted) {
    const startS = parseTime(row.get('start_time')) ?? 0
    const endS = parseTime(row.get('end_time')) ?? 0
    const headwayS = Number(row.get('headway_secs'))
    const window = { startS, endS, headwayS, exactTimes: row.get('exact_times') === '1' }
    for (let t = startS; t < endS; t += headwayS) {
      const clock = formatTime(t).replaceAll(':', '')
      const base = `${tripId}-${clock.endsWith('00') ? clock.slice(0, 4) : clock}`
      let id = base
      for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
      taken.add(id)
      runs.push({ id, departureS: t, window })
    }
  }
  return runs
}

/** The GTFS route id for a route's first stop sequence, `<id>-2`, `<id>-3` … for the others. */
function routeIdsOf(patterns: readonly Pattern[], warnings: string[]): Map<Pattern, string> {
  const taken = new Set(patterns.map((p) => p.gtfsRoute.get('route_id')))
  const ids = new Map<Pattern, string>()
  const variants = new Map<string, string[]>()
  for (const pattern of patterns) {
    const gtfsId = pattern.gtfsRoute.get('route_id')
    const mine = variants.get(gtfsId) ?? []
    let id = gtfsId
    if (mine.length > 0) {
      let n = mine.length + 1
      while (taken.has((id = `${gtfsId}-${n}`))) n++
    }
    taken.add(id)
    variants.set(gtfsId, [...mine, id])
    ids.set(pattern, id)
  }
  for (const [gtfsId, mine] of variants) {
    if (mine.length > 1)
      warnings.push(`GTFS route ${gtfsId} has ${mine.length} stop sequences; imported as routes ${mine.join(', ')}`)
  }
  return ids
}

function routeOf(
  id: string,
  pattern: Pattern,
  shapes: ReadonlyMap<string, LngLat[]>,
  input: RouteImportInput,
  warnings: string[],
): Route {
  const g = pattern.gtfsRoute
  const stops = pattern.stopIds.map((code) => ({ code, point: input.stopById.get(code)?.point ?? ([0, 0] as LngLat) }))
  const shape0 = shapes.get(pattern.shapeIds[0]) ?? []
  const shape1 = shapes.get(pattern.shapeIds[1]) ?? []
  let geometry = shape0.length >= 2 ? shape0 : shape1.length >= 2 ? [...shape1].reverse() : stops.map((s) => s.point)
  let located = locateStops(geometry, stops, STOP_TOLERANCE_M)
  if (!located.ok) {
    // Distances must agree with the line they are measured on, so the line becomes the stops' own.
    warnings.push(
      `route ${id}: ${located.message}; its line is replaced by straight segments between stops and distances are measured stop to stop`,
    )
    geometry = stops.map((s) => s.point)
    located = stopToStop(geometry)
  }
  const distancesM = located.ok ? located.distancesM : []
  const name = g.get('route_long_name') || g.get('route_short_name')
  const kind = SERVICE_KINDS.find((k) => k === g.get(EXT_SERVICE_KIND)) ?? ('regular' satisfies ServiceKind)
  return {
    id,
    name,
    nameEn: input.english('routes', 'route_long_name', g.get('route_id'), g.get('route_long_name')) || name,
    kind,
    operatorId: g.get('agency_id') || input.defaultOperatorId,
    geometry,
    lengthM: located.ok ? located.lengthM : 0,
    stops: stops.map((s, i) => ({ seq: i + 1, stopCode: s.code, distM: distancesM[i] ?? 0 })),
    color: isColor(g.get('route_color')) ? `#${g.get('route_color').toLowerCase()}` : DEFAULT_COLOR,
    speedLimitKmh: parseDecimal(g.get(EXT_SPEED_LIMIT)) || DEFAULT_SPEED_LIMIT_KMH,
    active: true,
  }
}

function stopToStop(points: readonly LngLat[]): LocateResult {
  const distancesM = [0]
  for (let i = 1; i < points.length; i++)
    distancesM.push((distancesM[i - 1] ?? 0) + distanceM(points[i - 1] as LngLat, points[i] as LngLat))
  const rounded = distancesM.map((m) => Math.round(m * 10) / 10)
  return { ok: true, distancesM: rounded, lengthM: rounded.at(-1) ?? 0 }
}

function shapesById(points: readonly Row[]): Map<string, LngLat[]> {
  const seq = (row: Row): number => Number(row.get('shape_pt_sequence'))
  const byShape = groupBy(points, (row) => row.get('shape_id'))
  return new Map(
    [...byShape].map(([id, list]) => [
      id,
      list
        .sort((a, b) => seq(a) - seq(b))
        .map((row): LngLat => [Number(row.get('shape_pt_lon')), Number(row.get('shape_pt_lat'))]),
    ]),
  )
}

/**
 * Departure from the first stop and arrival offsets at each stop. Stops without times (allowed
 * between timepoints) get times interpolated by shape distance when every stop has one, else evenly.
 */
function tripTimes(list: readonly Row[]): {
  departureS: number
  offsetsS: number[]
  dwell: boolean
  interpolated: boolean
} {
  const arrivals = list.map((st) => parseTime(st.get('arrival_time')) ?? parseTime(st.get('departure_time')))
  const first = list[0] as Row
  const departureS = parseTime(first.get('departure_time')) ?? arrivals[0] ?? 0
  const distances = list.map((st) => parseDecimal(st.get('shape_dist_traveled')))
  const byDistance = distances.every((d) => d !== undefined)
  const interpolated = arrivals.some((a) => a === undefined)
  let known = 0
  for (let i = 1; i < arrivals.length; i++) {
    if (arrivals[i] === undefined) continue
    for (let j = known + 1; j < i; j++) {
      const span = byDistance ? (distances[i] as number) - (distances[known] as number) : i - known
      const part = byDistance ? (distances[j] as number) - (distances[known] as number) : j - known
      const from = arrivals[known] as number
      arrivals[j] = Math.round(from + ((arrivals[i] as number) - from) * (span > 0 ? part / span : 0))
    }
    known = i
  }
  const dwell = list.some((st, i) => {
    const [a, d] = [parseTime(st.get('arrival_time')), parseTime(st.get('departure_time'))]
    return i > 0 && i < list.length - 1 && a !== undefined && d !== undefined && d !== a
  })
  const offsetsS = arrivals.map((a, i) => (i === 0 ? 0 : Math.max(0, (a ?? departureS) - departureS)))
  return { departureS, offsetsS, dwell, interpolated }
}

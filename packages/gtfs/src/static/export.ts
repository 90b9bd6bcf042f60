/**
 * Network snapshot → GTFS static feed (zip). Pure: the horizon is a parameter and the zip entries
 * carry its first day as their timestamp, so the same network and options give the same bytes.
 */
import {
  tripPattern,
  tripProblems,
  type NetworkSnapshot,
  type Route,
  type ServiceDate,
  type Stop,
  type Trip,
} from '@rb/domain'
import { cumulativeDistancesM } from '@rb/geo'
import { runningDates } from './calendar-mapping.js'
import { writeCsv } from '@rb/csv'
import { GtfsError } from './errors.js'
import { headwayGroups, type HeadwayGroup } from './export-frequencies.js'
import { EXT_SERVICE_KIND, EXT_SPEED_LIMIT } from './spec.js'
import { formatCoord, formatDate, formatTime, isColor, isHttpUrl, textColorOn } from './values.js'
import { writeZip } from './zip.js'

export interface GtfsExportOptions {
  /** First and last service day of the feed; every calendar is expanded over this range. */
  from: ServiceDate
  to: ServiceDate
  agencyTimezone?: 'Asia/Shanghai'
  /** agency_url of every operator and feed_publisher_url. */
  agencyUrl: string
  feedLang?: 'zh'
  /** feed_publisher_name; defaults to the first operator's name. */
  publisherName?: string
  /** feed_version; defaults to the horizon, `20260901-20261030`. */
  feedVersion?: string
}

type Rows = string[][]
const dist = (m: number): string => String(Math.round(m * 10) / 10)

/**
 * Writes agency, stops, routes, trips, stop_times, calendar_dates, shapes, feed_info, (for
 * English names) translations and (for trips expanded from a headway) frequencies. Only active trips of active routes whose calendar runs at least
 * once in the horizon are written. Removed stops are left out of stops.txt and out of the stop
 * times of trips that still list them (the bus no longer stops there); a trip left with fewer
 * than two stops is dropped. Throws BAD_VALUE for an invalid trip or calendar, BAD_REFERENCE
 * for a route whose operator does not exist.
 */
export function exportGtfs(net: NetworkSnapshot, opts: GtfsExportOptions): Uint8Array {
  if (opts.to < opts.from)
    throw new GtfsError('BAD_VALUE', `the horizon ends (${opts.to}) before it starts (${opts.from})`)
  if (!isHttpUrl(opts.agencyUrl))
    throw new GtfsError('BAD_VALUE', `agencyUrl ${JSON.stringify(opts.agencyUrl)} is not a full http(s) URL`)
  const timezone = opts.agencyTimezone ?? 'Asia/Shanghai'
  const lang = opts.feedLang ?? 'zh'
  const stops = net.stops.filter((s) => s.status !== 'removed')
  const timetable = timetableRows(net, new Map(stops.map((s) => [s.code, s])), opts)
  const files: [string, Rows][] = [
    [
      'agency.txt',
      [
        ['agency_id', 'agency_name', 'agency_url', 'agency_timezone', 'agency_lang', 'agency_phone'],
        ...net.operators.map((o) => [o.id, o.name, opts.agencyUrl, timezone, lang, o.phone ?? '']),
      ],
    ],
    ['stops.txt', stopRows(stops)],
    ['routes.txt', routeRows(timetable.routes)],
    ['trips.txt', timetable.trips],
    ['stop_times.txt', timetable.stopTimes],
    ['calendar_dates.txt', timetable.calendarDates],
  ]
  if (timetable.shapes.length > 1) files.push(['shapes.txt', timetable.shapes])
  if (timetable.frequencies.length > 1) files.push(['frequencies.txt', timetable.frequencies])
  const publisher = opts.publisherName ?? net.operators[0]?.name ?? 'unknown'
  const version = opts.feedVersion ?? `${formatDate(opts.from)}-${formatDate(opts.to)}`
  files.push([
    'feed_info.txt',
    [
      ['feed_publisher_name', 'feed_publisher_url', 'feed_lang', 'feed_start_date', 'feed_end_date', 'feed_version'],
      [publisher, opts.agencyUrl, lang, formatDate(opts.from), formatDate(opts.to), version],
    ],
  ])
  const translations = translationRows(stops, timetable.routes)
  if (translations.length > 1) files.push(['translations.txt', translations])
  return writeZip(
    files.map(([name, rows]) => [name, writeCsv(rows)] as const),
    `${opts.from}T00:00:00`,
  )
}

interface TimetableRows {
  trips: Rows
  stopTimes: Rows
  shapes: Rows
  calendarDates: Rows
  frequencies: Rows
  /** Routes with at least one exported trip. */
  routes: Route[]
}

function timetableRows(
  net: NetworkSnapshot,
  stopByCode: ReadonlyMap<string, Stop>,
  horizon: { from: ServiceDate; to: ServiceDate },
): TimetableRows {
  const operatorIds = new Set(net.operators.map((o) => o.id))
  const routeById = new Map(net.routes.filter((r) => r.active).map((r) => [r.id, r]))
  const calendarById = new Map(net.calendars.map((c) => [c.id, c]))
  const datesByCalendar = new Map<string, ServiceDate[]>()
  const datesOf = (calendarId: string): ServiceDate[] => {
    let dates = datesByCalendar.get(calendarId)
    const calendar = calendarById.get(calendarId)
    if (!dates)
      datesByCalendar.set(calendarId, (dates = calendar ? runningDates(calendar, horizon.from, horizon.to) : []))
    return dates
  }
  const out: TimetableRows = {
    trips: [['route_id', 'service_id', 'trip_id', 'trip_headsign', 'direction_id', 'shape_id']],
    stopTimes: [
      ['trip_id', 'arrival_time', 'departure_time', 'stop_id', 'stop_sequence', 'timepoint', 'shape_dist_traveled'],
    ],
    shapes: [['shape_id', 'shape_pt_lat', 'shape_pt_lon', 'shape_pt_sequence', 'shape_dist_traveled']],
    calendarDates: [['service_id', 'date', 'exception_type']],
    frequencies: [['trip_id', 'start_time', 'end_time', 'headway_secs', 'exact_times']],
    routes: [],
  }
  // Trips expanded from a headway and still exactly that headway go out as one frequency-based trip.
  const groups = headwayGroups(net)
  const written = new Set<HeadwayGroup>()
  const shapes = new Map<string, Shape | undefined>()
  const usedCalendars = new Set<string>()
  for (const trip of net.trips) {
    const route = routeById.get(trip.routeId)
    if (!trip.active || !route || datesOf(trip.calendarId).length === 0) continue
    const problems = tripProblems(trip, route)
    if (problems.length > 0) throw new GtfsError('BAD_VALUE', `trip ${trip.id}: ${problems.join('; ')}`)
    if (!operatorIds.has(route.operatorId))
      throw new GtfsError('BAD_REFERENCE', `route ${route.id}: operator ${route.operatorId} does not exist`)
    const served = tripPattern(route, trip.direction)
      .map((stop, i) => ({ ...stop, offsetS: trip.stopOffsetsS[i] ?? 0 }))
      .filter((stop) => stopByCode.has(stop.stopCode))
    if (served.length < 2) continue
    const shapeKey = `${route.id}_${trip.direction}`
    if (!shapes.has(shapeKey)) shapes.set(shapeKey, shapeOf(shapeKey, route, trip.direction))
    const shape = shapes.get(shapeKey)
    const headsign = trip.headsign || (stopByCode.get(served.at(-1)?.stopCode ?? '')?.name ?? '')
    const group = groups.get(trip.id)
    if (group && written.has(group)) continue
    const row: Pick<Trip, 'id' | 'departureS'> = group
      ? { id: group.templateId, departureS: group.windows[0]?.startS ?? trip.departureS }
      : trip
    if (group) {
      written.add(group)
      for (const w of group.windows)
        out.frequencies.push([
          group.templateId,
          formatTime(w.startS),
          formatTime(w.endS),
          String(w.headwayS),
          w.exactTimes ? '1' : '0',
        ])
    }
    out.trips.push([route.id, trip.calendarId, row.id, headsign, String(trip.direction), shape?.id ?? ''])
    for (const stop of served) {
      const time = formatTime(row.departureS + stop.offsetS)
      const distM = shape ? dist(Math.min(Math.max(stop.distM, 0), shape.lengthM)) : ''
      out.stopTimes.push([row.id, time, time, stop.stopCode, String(stop.seq), '1', distM])
    }
    if (!out.routes.includes(route)) out.routes.push(route)
    usedCalendars.add(trip.calendarId)
  }
  for (const shape of shapes.values()) if (shape) out.shapes.push(...shape.rows)
  for (const [calendarId, dates] of datesByCalendar) {
    if (usedCalendars.has(calendarId))
      for (const date of dates) out.calendarDates.push([calendarId, formatDate(date), '1'])
  }
  return out
}

function stopRows(stops: readonly Stop[]): Rows {
  return [
    ['stop_id', 'stop_code', 'stop_name', 'stop_lat', 'stop_lon', 'zone_id', 'location_type'],
    // The printed sign code is both the id and the stop_code riders see.
    ...stops.map((s) => [s.code, s.code, s.name, formatCoord(s.point[1]), formatCoord(s.point[0]), s.townshipId, '0']),
  ]
}

function routeRows(routes: readonly Route[]): Rows {
  return [
    [
      'route_id',
      'agency_id',
      'route_short_name',
      'route_long_name',
      'route_type',
      'route_color',
      'route_text_color',
      EXT_SERVICE_KIND,
      EXT_SPEED_LIMIT,
    ],
    ...routes.map((r) => {
      const color = isColor(r.color.replace(/^#/, '')) ? r.color.replace(/^#/, '').toUpperCase() : ''
      return [
        r.id,
        r.operatorId,
        r.id,
        r.name,
        '3',
        color,
        color && textColorOn(color),
        r.kind,
        String(r.speedLimitKmh),
      ]
    }),
  ]
}

interface Shape {
  id: string
  rows: Rows
  lengthM: number
}

/** The route's line in the direction of travel, with distances in metres along it. */
function shapeOf(id: string, route: Route, direction: 0 | 1): Shape | undefined {
  if (route.geometry.length < 2) return undefined
  const coords = direction === 0 ? route.geometry : [...route.geometry].reverse()
  const cumM = cumulativeDistancesM(coords)
  const rows = coords.map((p, i) => [id, formatCoord(p[1]), formatCoord(p[0]), String(i + 1), dist(cumM[i] ?? 0)])
  return { id, rows, lengthM: Math.round((cumM.at(-1) ?? 0) * 10) / 10 }
}

function translationRows(stops: readonly Stop[], routes: readonly Route[]): Rows {
  const rows: Rows = [['table_name', 'field_name', 'language', 'translation', 'record_id']]
  for (const s of stops) if (s.nameEn && s.nameEn !== s.name) rows.push(['stops', 'stop_name', 'en', s.nameEn, s.code])
  for (const r of routes)
    if (r.nameEn && r.nameEn !== r.name) rows.push(['routes', 'route_long_name', 'en', r.nameEn, r.id])
  return rows
}

/**
 * Structural checks of a GTFS feed, as a validator does them: required files and fields, value
 * formats, unique ids, references between files, and the shape of each trip's stop times.
 * `importGtfs` runs the same checks and refuses a feed with errors.
 */
import { describeIssue, GtfsError, type GtfsErrorCode, type GtfsIssue, type GtfsLocation } from './errors.js'
import { groupBy, readFeed, stopTimesByTrip, type Feed, type FeedFile, type Row, type Table } from './feed.js'
import { FILE_SPECS, REQUIRED_FILES, valueProblem, type FileSpec } from './spec.js'
import { parseDecimal, parseNonNegativeInt, parseTime } from './values.js'

const MAX_ERRORS = 1000

export interface FeedCheck {
  errors: GtfsIssue[]
  /** Errors beyond MAX_ERRORS, counted but not kept. */
  moreErrors: number
  warnings: string[]
}

class Report implements FeedCheck {
  readonly errors: GtfsIssue[] = []
  moreErrors = 0
  readonly warnings: string[] = []

  error(code: GtfsErrorCode, message: string, where: GtfsLocation): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ code, message, ...where })
    else this.moreErrors++
  }
}

/** Validates a zipped feed; never throws (an unreadable zip is reported as an error). */
export function validateGtfs(zip: Uint8Array): { errors: string[]; warnings: string[] } {
  let feed: Feed
  try {
    feed = readFeed(zip)
  } catch (err) {
    if (err instanceof GtfsError) return { errors: [`${err.code}: ${err.message}`], warnings: [] }
    throw err
  }
  const check = checkFeed(feed)
  const errors = check.errors.map((issue) => `${issue.code}: ${describeIssue(issue)}`)
  if (check.moreErrors) errors.push(`… and ${check.moreErrors} more errors`)
  return { errors, warnings: check.warnings }
}

export function checkFeed(feed: Feed): FeedCheck {
  const report = new Report()
  report.warnings.push(...feed.warnings)
  for (const file of REQUIRED_FILES) {
    if (!feed.tables.has(file)) report.error('MISSING_FILE', `${file} is required`, { file })
  }
  if (!feed.tables.has('calendar.txt') && !feed.tables.has('calendar_dates.txt')) {
    report.error('MISSING_FILE', 'calendar.txt or calendar_dates.txt is required', { file: 'calendar.txt' })
  }
  for (const [file, table] of feed.tables) {
    const spec = FILE_SPECS[file]
    if (spec) checkTable(table, spec, report)
  }
  const rows = (file: FeedFile): readonly Row[] => feed.tables.get(file)?.rows ?? []
  checkAgencies(rows('agency.txt'), rows('routes.txt'), report)
  checkStops(feed.tables.get('stops.txt'), report)
  checkReferences(feed, rows, report)
  checkStopTimes(rows('trips.txt'), rows('stop_times.txt'), report)
  checkShapes(rows('shapes.txt'), report)
  for (const row of rows('frequencies.txt')) {
    const [from, to] = [parseTime(row.get('start_time')), parseTime(row.get('end_time'))]
    if (from !== undefined && to !== undefined && to <= from)
      report.error('BAD_VALUE', `ends (${row.get('end_time')}) at or before it starts (${row.get('start_time')})`, {
        file: 'frequencies.txt',
        line: row.line,
        field: 'end_time',
      })
  }
  for (const [file, start, end] of [
    ['calendar.txt', 'start_date', 'end_date'],
    ['feed_info.txt', 'feed_start_date', 'feed_end_date'],
  ] as const) {
    for (const row of rows(file)) {
      const [from, to] = [row.get(start), row.get(end)]
      if (from && to && to < from)
        report.error('BAD_VALUE', `ends (${to}) before it starts (${from})`, { file, line: row.line, field: end })
    }
  }
  return report
}

function checkTable(table: Table, spec: FileSpec, report: Report): void {
  const { file, columns } = table
  const present = spec.fields.filter((field) => columns.includes(field.name))
  for (const field of spec.fields) {
    if (field.required && !columns.includes(field.name))
      report.error('MISSING_FIELD', 'required column is missing', { file, line: 1, field: field.name })
  }
  const unknown = columns.filter((name) => name && !spec.fields.some((field) => field.name === name))
  if (unknown.length) report.warnings.push(`${file}: unknown columns ${unknown.join(', ')} (ignored)`)
  const keyed = spec.key.length > 0 && spec.key.every((name) => columns.includes(name))
  const seen = new Map<string, number>()
  for (const row of table.rows) {
    for (const field of present) {
      const value = row.get(field.name)
      const where = { file, line: row.line, field: field.name }
      if (value === '') {
        if (field.required) report.error('MISSING_FIELD', 'required value is empty', where)
        continue
      }
      const problem = valueProblem(field, value)
      if (problem) report.error('BAD_VALUE', problem, where)
    }
    if (!keyed) continue
    const values = spec.key.map((name) => row.get(name))
    if (values.some((value) => value === '')) continue
    const key = values.join('\u0000')
    const first = seen.get(key)
    if (first === undefined) seen.set(key, row.line)
    else
      report.error(
        'BAD_VALUE',
        `duplicate ${spec.key.join(' + ')} ${JSON.stringify(values.join(' + '))} (first at line ${first})`,
        { file, line: row.line, field: spec.key.at(-1) },
      )
  }
}

function checkAgencies(agencies: readonly Row[], routes: readonly Row[], report: Report): void {
  const file = 'agency.txt'
  if (agencies.length > 1) {
    for (const row of agencies) {
      if (!row.get('agency_id'))
        report.error('MISSING_FIELD', 'agency_id is required when the feed has more than one agency', {
          file,
          line: row.line,
          field: 'agency_id',
        })
    }
  }
  const zones = new Set(agencies.map((row) => row.get('agency_timezone')).filter(Boolean))
  if (zones.size > 1)
    report.error('BAD_VALUE', `all agencies must share one time zone, found ${[...zones].join(', ')}`, {
      file,
      field: 'agency_timezone',
    })
  for (const row of routes) {
    const where = { file: 'routes.txt', line: row.line }
    if (!row.get('route_short_name') && !row.get('route_long_name')) {
      report.error('MISSING_FIELD', 'route_short_name or route_long_name is required', {
        ...where,
        field: 'route_short_name',
      })
    }
    if (agencies.length > 1 && !row.get('agency_id'))
      report.error('MISSING_FIELD', 'agency_id is required when the feed has more than one agency', {
        ...where,
        field: 'agency_id',
      })
  }
}

function checkStops(stops: Table | undefined, report: Report): void {
  // Stops, stations and entrances need a name and a position; generic nodes and boarding areas need not.
  const located = stops?.rows.filter((row) => ['', '0', '1', '2'].includes(row.get('location_type'))) ?? []
  for (const field of ['stop_name', 'stop_lat', 'stop_lon']) {
    const file = 'stops.txt'
    if (located.length > 0 && !stops?.columns.includes(field)) {
      report.error('MISSING_FIELD', 'required column is missing', { file, line: 1, field })
      continue
    }
    for (const row of located)
      if (!row.get(field))
        report.error('MISSING_FIELD', 'required for a stop, station or entrance', { file, line: row.line, field })
  }
}

function checkReferences(feed: Feed, rows: (file: FeedFile) => readonly Row[], report: Report): void {
  const ids = (file: FeedFile, column: string): Set<string> => new Set(rows(file).map((row) => row.get(column)))
  const refs = (file: FeedFile, column: string, targets: ReadonlySet<string>, what: string): void => {
    for (const row of rows(file)) {
      const value = row.get(column)
      if (value && !targets.has(value))
        report.error('BAD_REFERENCE', `${JSON.stringify(value)} is not ${what}`, {
          file,
          line: row.line,
          field: column,
        })
    }
  }
  const stopIds = ids('stops.txt', 'stop_id')
  const tripIds = ids('trips.txt', 'trip_id')
  const services = new Set([...ids('calendar.txt', 'service_id'), ...ids('calendar_dates.txt', 'service_id')])
  if (feed.tables.has('agency.txt'))
    refs('routes.txt', 'agency_id', ids('agency.txt', 'agency_id'), 'an agency_id in agency.txt')
  if (feed.tables.has('routes.txt'))
    refs('trips.txt', 'route_id', ids('routes.txt', 'route_id'), 'a route_id in routes.txt')
  refs('trips.txt', 'service_id', services, 'a service_id in calendar.txt or calendar_dates.txt')
  refs('trips.txt', 'shape_id', ids('shapes.txt', 'shape_id'), 'a shape_id in shapes.txt')
  refs('stops.txt', 'parent_station', stopIds, 'a stop_id in stops.txt')
  if (feed.tables.has('trips.txt')) {
    refs('stop_times.txt', 'trip_id', tripIds, 'a trip_id in trips.txt')
    refs('frequencies.txt', 'trip_id', tripIds, 'a trip_id in trips.txt')
  }
  if (!feed.tables.has('stops.txt')) return
  refs('stop_times.txt', 'stop_id', stopIds, 'a stop_id in stops.txt')
  const notBoardable = new Set(
    rows('stops.txt')
      .filter((row) => !['', '0'].includes(row.get('location_type')))
      .map((row) => row.get('stop_id')),
  )
  for (const row of rows('stop_times.txt')) {
    if (notBoardable.has(row.get('stop_id'))) {
      report.error('BAD_REFERENCE', `${row.get('stop_id')} is a station or node, not a stop (location_type 0)`, {
        file: 'stop_times.txt',
        line: row.line,
        field: 'stop_id',
      })
    }
  }
}

function checkStopTimes(trips: readonly Row[], stopTimes: readonly Row[], report: Report): void {
  const file = 'stop_times.txt'
  const byTrip = stopTimesByTrip(stopTimes)
  for (const trip of trips) {
    const tripId = trip.get('trip_id')
    if (!tripId) continue
    const list = byTrip.get(tripId) ?? []
    if (list.length < 2) {
      report.error('BAD_VALUE', `trip ${tripId} has ${list.length} stop times; a trip needs at least 2`, {
        file: 'trips.txt',
        line: trip.line,
        field: 'trip_id',
      })
      continue
    }
    let previous: { s: number; line: number } | undefined
    let previousDistM: number | undefined
    list.forEach((row, i) => {
      const arrival = row.get('arrival_time')
      const departure = row.get('departure_time')
      const at = (field: string): GtfsLocation => ({ file, line: row.line, field })
      const terminal = i === 0 || i === list.length - 1
      if ((terminal || row.get('timepoint') === '1') && !arrival && !departure) {
        report.error(
          'MISSING_FIELD',
          `arrival and departure times are required at the ${i === 0 ? 'first' : terminal ? 'last' : 'timepoint'} stop of trip ${tripId}`,
          at('arrival_time'),
        )
      } else if (!arrival !== !departure) {
        report.error(
          'MISSING_FIELD',
          'arrival_time and departure_time must both be given or both be empty',
          at(arrival ? 'departure_time' : 'arrival_time'),
        )
      }
      const a = parseTime(arrival)
      const d = parseTime(departure)
      if (a !== undefined && d !== undefined && d < a)
        report.error('BAD_VALUE', `departure ${departure} is before arrival ${arrival}`, at('departure_time'))
      const t = a ?? d
      if (t !== undefined && previous && t < previous.s) {
        report.error(
          'BAD_VALUE',
          `trip ${tripId} goes back in time: ${arrival || departure} is before the previous stop's time (line ${previous.line})`,
          at(a !== undefined ? 'arrival_time' : 'departure_time'),
        )
      }
      const last = d ?? a
      if (last !== undefined) previous = { s: Math.max(last, previous?.s ?? last), line: row.line }
      const distM = parseDecimal(row.get('shape_dist_traveled'))
      if (distM === undefined) return
      if (previousDistM !== undefined && distM < previousDistM)
        report.error('BAD_VALUE', `shape_dist_traveled decreases along trip ${tripId}`, at('shape_dist_traveled'))
      previousDistM = distM
    })
  }
}

function checkShapes(points: readonly Row[], report: Report): void {
  const sequenced = points.filter((row) => parseNonNegativeInt(row.get('shape_pt_sequence')) !== undefined)
  const byShape = groupBy(sequenced, (row) => row.get('shape_id'))
  for (const [shapeId, list] of byShape) {
    if (list.length < 2) report.warnings.push(`shapes.txt: shape ${shapeId} has only one point`)
    list.sort((a, b) => Number(a.get('shape_pt_sequence')) - Number(b.get('shape_pt_sequence')))
    let previousDistM = -Infinity
    for (const row of list) {
      const distM = parseDecimal(row.get('shape_dist_traveled'))
      if (distM === undefined) continue
      if (distM < previousDistM)
        report.error('BAD_VALUE', `shape_dist_traveled decreases along shape ${shapeId}`, {
          file: 'shapes.txt',
          line: row.line,
          field: 'shape_dist_traveled',
        })
      previousDistM = distM
    }
  }
}

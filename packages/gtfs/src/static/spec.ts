/**
 * What the GTFS Schedule reference requires of each file this module reads: required columns,
 * value formats, primary keys. Conditional requirements (stop names, route names, agency ids)
 * live in validate.ts, which needs more than one field to decide them.
 */
import type { FeedFile } from './feed.js'
import { isColor, isHttpUrl, isTimeZone, parseDate, parseDecimal, parseNonNegativeInt, parseTime } from './values.js'

type Kind =
  | 'text'
  | 'url'
  | 'timezone'
  | 'lat'
  | 'lon'
  | 'time'
  | 'date'
  | 'color'
  | 'uint'
  | 'positiveInt'
  | 'distance'
  | 'routeType'

export interface FieldSpec {
  name: string
  required?: boolean
  kind?: Kind
  /** Allowed values of an enum field. */
  values?: readonly string[]
}

export interface FileSpec {
  /** Columns whose values together must be unique. */
  key: readonly string[]
  fields: readonly FieldSpec[]
}

/** Our own columns, so a feed we exported reads back whole; other consumers ignore them. */
export const EXT_SERVICE_KIND = 'ext_service_kind'
export const EXT_SPEED_LIMIT = 'ext_speed_limit_kmh'

export const REQUIRED_FILES: readonly FeedFile[] = [
  'agency.txt',
  'stops.txt',
  'routes.txt',
  'trips.txt',
  'stop_times.txt',
]

const req = (name: string, kind: Kind = 'text'): FieldSpec => ({ name, required: true, kind })
const opt = (name: string, kind: Kind = 'text'): FieldSpec => ({ name, kind })
const oneOf = (name: string, values: readonly string[], required = false): FieldSpec => ({ name, required, values })
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const

export const FILE_SPECS: Partial<Record<FeedFile, FileSpec>> = {
  'agency.txt': {
    key: ['agency_id'],
    fields: [
      opt('agency_id'),
      req('agency_name'),
      req('agency_url', 'url'),
      req('agency_timezone', 'timezone'),
      opt('agency_lang'),
      opt('agency_phone'),
      opt('agency_fare_url', 'url'),
      opt('agency_email'),
    ],
  },
  'stops.txt': {
    key: ['stop_id'],
    fields: [
      req('stop_id'),
      opt('stop_code'),
      opt('stop_name'),
      opt('tts_stop_name'),
      opt('stop_desc'),
      opt('stop_lat', 'lat'),
      opt('stop_lon', 'lon'),
      opt('zone_id'),
      opt('stop_url', 'url'),
      oneOf('location_type', ['0', '1', '2', '3', '4']),
      opt('parent_station'),
      opt('stop_timezone', 'timezone'),
      oneOf('wheelchair_boarding', ['0', '1', '2']),
      opt('level_id'),
      opt('platform_code'),
    ],
  },
  'routes.txt': {
    key: ['route_id'],
    fields: [
      req('route_id'),
      opt('agency_id'),
      opt('route_short_name'),
      opt('route_long_name'),
      opt('route_desc'),
      req('route_type', 'routeType'),
      opt('route_url', 'url'),
      opt('route_color', 'color'),
      opt('route_text_color', 'color'),
      opt('route_sort_order', 'uint'),
      oneOf('continuous_pickup', ['0', '1', '2', '3']),
      oneOf('continuous_drop_off', ['0', '1', '2', '3']),
      opt('network_id'),
      oneOf(EXT_SERVICE_KIND, ['market', 'student', 'medical', 'regular']),
      opt(EXT_SPEED_LIMIT, 'distance'),
    ],
  },
  'trips.txt': {
    key: ['trip_id'],
    fields: [
      req('route_id'),
      req('service_id'),
      req('trip_id'),
      opt('trip_headsign'),
      opt('trip_short_name'),
      oneOf('direction_id', ['0', '1']),
      opt('block_id'),
      opt('shape_id'),
      oneOf('wheelchair_accessible', ['0', '1', '2']),
      oneOf('bikes_allowed', ['0', '1', '2']),
    ],
  },
  'stop_times.txt': {
    key: ['trip_id', 'stop_sequence'],
    fields: [
      req('trip_id'),
      opt('arrival_time', 'time'),
      opt('departure_time', 'time'),
      req('stop_id'),
      req('stop_sequence', 'uint'),
      opt('stop_headsign'),
      oneOf('pickup_type', ['0', '1', '2', '3']),
      oneOf('drop_off_type', ['0', '1', '2', '3']),
      oneOf('continuous_pickup', ['0', '1', '2', '3']),
      oneOf('continuous_drop_off', ['0', '1', '2', '3']),
      opt('shape_dist_traveled', 'distance'),
      oneOf('timepoint', ['0', '1']),
    ],
  },
  'calendar.txt': {
    key: ['service_id'],
    fields: [
      req('service_id'),
      ...WEEKDAYS.map((day) => oneOf(day, ['0', '1'], true)),
      req('start_date', 'date'),
      req('end_date', 'date'),
    ],
  },
  'calendar_dates.txt': {
    key: ['service_id', 'date'],
    fields: [req('service_id'), req('date', 'date'), oneOf('exception_type', ['1', '2'], true)],
  },
  'shapes.txt': {
    key: ['shape_id', 'shape_pt_sequence'],
    fields: [
      req('shape_id'),
      req('shape_pt_lat', 'lat'),
      req('shape_pt_lon', 'lon'),
      req('shape_pt_sequence', 'uint'),
      opt('shape_dist_traveled', 'distance'),
    ],
  },
  'frequencies.txt': {
    key: ['trip_id', 'start_time'],
    fields: [
      req('trip_id'),
      req('start_time', 'time'),
      req('end_time', 'time'),
      req('headway_secs', 'positiveInt'),
      oneOf('exact_times', ['0', '1']),
    ],
  },
  'feed_info.txt': {
    key: [],
    fields: [
      req('feed_publisher_name'),
      req('feed_publisher_url', 'url'),
      req('feed_lang'),
      opt('default_lang'),
      opt('feed_start_date', 'date'),
      opt('feed_end_date', 'date'),
      opt('feed_version'),
      opt('feed_contact_email'),
      opt('feed_contact_url', 'url'),
    ],
  },
}

function isRouteType(value: string): boolean {
  const n = parseNonNegativeInt(value)
  // Basic types 0–7, 11, 12, and the extended (Google) types 100–1799.
  return n !== undefined && (n <= 7 || n === 11 || n === 12 || (n >= 100 && n <= 1799))
}

const KIND_CHECKS: Record<Kind, [test: (value: string) => boolean, expected: string]> = {
  text: [() => true, ''],
  url: [isHttpUrl, 'a full http(s) URL'],
  timezone: [isTimeZone, 'an IANA time zone such as Asia/Shanghai'],
  lat: [(v) => Math.abs(parseDecimal(v) ?? NaN) <= 90, 'a latitude from -90 to 90'],
  lon: [(v) => Math.abs(parseDecimal(v) ?? NaN) <= 180, 'a longitude from -180 to 180'],
  time: [(v) => parseTime(v) !== undefined, 'a time HH:MM:SS'],
  date: [(v) => parseDate(v) !== undefined, 'a real date YYYYMMDD (years 1900–2100)'],
  color: [isColor, 'a colour of 6 hex digits without #'],
  uint: [(v) => parseNonNegativeInt(v) !== undefined, 'a whole number ≥ 0'],
  positiveInt: [(v) => (parseNonNegativeInt(v) ?? 0) > 0, 'a whole number > 0'],
  distance: [(v) => (parseDecimal(v) ?? -1) >= 0, 'a number ≥ 0'],
  routeType: [isRouteType, 'a route type (0–7, 11, 12 or 100–1799)'],
}

/** What is wrong with a non-empty value, or undefined when it is fine. */
export function valueProblem(field: FieldSpec, value: string): string | undefined {
  if (field.values)
    return field.values.includes(value)
      ? undefined
      : `${JSON.stringify(value)} is not one of ${field.values.join(', ')}`
  const [test, expected] = KIND_CHECKS[field.kind ?? 'text']
  return test(value) ? undefined : `${JSON.stringify(value)} is not ${expected}`
}

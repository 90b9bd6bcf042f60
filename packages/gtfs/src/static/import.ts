/**
 * GTFS static feed (zip) → network snapshot. The feed must pass `validateGtfs` without errors;
 * the first error is thrown as a GtfsError. Frequency-based trips are expanded into one timed trip
 * per headway (`network.frequencies` says where each came from). What the mapping cannot keep (dwell times,
 * stop ids that are not sign codes …) is reported in `warnings`.
 */
import {
  STOP_CODE_PATTERN,
  type Calendar,
  type NetworkSnapshot,
  type Operator,
  type Stop,
  type Township,
} from '@rb/domain'
import { calendarFromGtfs } from './calendar-mapping.js'
import { GtfsError } from './errors.js'
import { groupBy, readFeed, type FeedFile, type Row } from './feed.js'
import { importRoutesAndTrips, type Translate } from './import-routes.js'
import { checkFeed } from './validate.js'

export interface GtfsImport {
  network: NetworkSnapshot
  warnings: string[]
}

const IMPORTED_TOWNSHIP = 'imported'
const SIGN_CODE = new RegExp(STOP_CODE_PATTERN)

export function importGtfs(zip: Uint8Array): GtfsImport {
  const feed = readFeed(zip)
  const check = checkFeed(feed)
  const [first] = check.errors
  if (first) {
    const more = check.errors.length - 1 + check.moreErrors
    throw GtfsError.of(first, more > 0 ? ` (and ${more} more problems; validateGtfs lists them all)` : '')
  }
  const warnings = [...check.warnings]
  const rows = (file: FeedFile): readonly Row[] => feed.tables.get(file)?.rows ?? []
  const english = translator(rows('translations.txt'))

  const agencies = rows('agency.txt')
  const operators: Operator[] = agencies.map((row, i) => ({
    id: row.get('agency_id') || `agency-${i + 1}`,
    name: row.get('agency_name'),
    phone: row.get('agency_phone') || null,
  }))
  const timezone = agencies[0]?.get('agency_timezone')
  if (timezone && timezone !== 'Asia/Shanghai')
    warnings.push(
      `the feed's time zone is ${timezone}; its times are kept as local times of the service day (ours are Asia/Shanghai)`,
    )

  const { stops, townships } = importStops(rows('stops.txt'), english, warnings)
  const calendars = importCalendars(rows('calendar.txt'), rows('calendar_dates.txt'))
  const { routes, trips, frequencies } = importRoutesAndTrips(
    {
      routes: rows('routes.txt'),
      trips: rows('trips.txt'),
      stopTimes: rows('stop_times.txt'),
      shapes: rows('shapes.txt'),
      frequencies: rows('frequencies.txt'),
      stopById: new Map(stops.map((s) => [s.code, s])),
      defaultOperatorId: operators[0]?.id ?? '',
      english,
    },
    warnings,
  )
  return {
    network: { operators, townships, stops, routes, calendars, trips, vehicles: [], drivers: [], frequencies },
    warnings,
  }
}

function importStops(
  rows: readonly Row[],
  english: Translate,
  warnings: string[],
): { stops: Stop[]; townships: Township[] } {
  const boardable = rows.filter((row) => ['', '0'].includes(row.get('location_type')))
  if (boardable.length < rows.length)
    warnings.push(`${rows.length - boardable.length} stations, entrances and nodes (location_type ≠ 0) were skipped`)
  const stops = boardable.map((row): Stop => {
    const code = row.get('stop_id')
    return {
      code,
      name: row.get('stop_name'),
      nameEn: english('stops', 'stop_name', code, row.get('stop_name')) || row.get('stop_name'),
      townshipId: row.get('zone_id') || IMPORTED_TOWNSHIP,
      point: [Number(row.get('stop_lon')), Number(row.get('stop_lat'))],
      status: 'ok',
      installedOn: null,
    }
  })
  const odd = stops.filter((s) => !SIGN_CODE.test(s.code)).map((s) => s.code)
  if (odd.length > 0) {
    const sample = odd.slice(0, 5).join(', ') + (odd.length > 5 ? ', …' : '')
    warnings.push(
      `${odd.length} stop ids are not sign codes (${STOP_CODE_PATTERN}) and were kept as they are: ${sample}; renumber them before printing signs`,
    )
  }
  const byTownship = groupBy(stops, (s) => s.townshipId)
  const townships = [...byTownship].map(([id, members]): Township => {
    const mean = (axis: 0 | 1): number =>
      Math.round((members.reduce((sum, s) => sum + s.point[axis], 0) / members.length) * 1e6) / 1e6
    return { id, name: id, nameEn: id, center: [mean(0), mean(1)] }
  })
  return { stops, townships }
}

function importCalendars(services: readonly Row[], exceptions: readonly Row[]): Calendar[] {
  const serviceRows = new Map(services.map((row) => [row.get('service_id'), row]))
  const exceptionRows = groupBy(exceptions, (row) => row.get('service_id'))
  const ids = new Set([...serviceRows.keys(), ...exceptionRows.keys()])
  return [...ids].map((id) => ({
    id,
    name: id,
    rules: calendarFromGtfs(serviceRows.get(id), exceptionRows.get(id) ?? []),
  }))
}

/** English names from translations.txt, by record id or by the original text (`field_value`). */
function translator(rows: readonly Row[]): Translate {
  const byKey = new Map<string, string>()
  for (const row of rows) {
    if (!/^en\b/i.test(row.get('language'))) continue
    const base = `${row.get('table_name')}\u0000${row.get('field_name')}\u0000`
    const key = row.get('record_id')
      ? `${base}id\u0000${row.get('record_id')}`
      : `${base}value\u0000${row.get('field_value')}`
    byKey.set(key, row.get('translation'))
  }
  return (table, field, recordId, original) => {
    const base = `${table}\u0000${field}\u0000`
    return byKey.get(`${base}id\u0000${recordId}`) ?? byKey.get(`${base}value\u0000${original}`) ?? ''
  }
}

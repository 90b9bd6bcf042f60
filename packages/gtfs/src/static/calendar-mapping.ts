/**
 * Service calendars ↔ GTFS services. Our calendars (lunar market days, school terms) have no
 * calendar.txt form, so the export lists every running date in calendar_dates.txt; the import
 * turns calendar.txt into a weekday set within a date range, plus added and removed dates.
 */
import {
  CalendarError,
  expandDates,
  parseCalendar,
  type Calendar,
  type CalendarJson,
  type CalendarRule,
  type ServiceDate,
  type Weekday,
} from '@rb/domain'
import { GtfsError } from './errors.js'
import type { Row } from './feed.js'
import { WEEKDAYS } from './spec.js'
import { parseDate } from './values.js'

/** The dates from `from` to `to` (inclusive) on which the calendar runs. Throws BAD_VALUE for a broken calendar. */
export function runningDates(calendar: Calendar, from: ServiceDate, to: ServiceDate): ServiceDate[] {
  try {
    return expandDates(parseCalendar(calendar.rules), from, to)
  } catch (err) {
    if (err instanceof CalendarError) throw new GtfsError('BAD_VALUE', `calendar ${calendar.id}: ${err.message}`)
    throw err
  }
}

/** A checked date column; validation has already rejected bad ones. */
function dateOf(row: Row, file: string, column: string): ServiceDate {
  const date = parseDate(row.get(column))
  if (!date)
    throw new GtfsError('BAD_VALUE', `${JSON.stringify(row.get(column))} is not a date YYYYMMDD`, {
      file,
      line: row.line,
      field: column,
    })
  return date
}

/** The calendar JSON of one GTFS service: its calendar.txt row (if any) and its calendar_dates.txt rows. */
export function calendarFromGtfs(service: Row | undefined, exceptions: readonly Row[]): CalendarJson {
  const added = new Set<ServiceDate>()
  const removed = new Set<ServiceDate>()
  for (const row of exceptions)
    (row.get('exception_type') === '1' ? added : removed).add(dateOf(row, 'calendar_dates.txt', 'date'))
  return {
    rule: service ? weeklyRule(service) : { kind: 'any', rules: [] },
    added: [...added].sort(),
    removed: [...removed].sort(),
  }
}

function weeklyRule(service: Row): CalendarRule {
  const weekdays = WEEKDAYS.flatMap((day, i) => (service.get(day) === '1' ? [(i + 1) as Weekday] : []))
  // `any` of nothing matches no day: a service that only runs on its added dates.
  if (weekdays.length === 0) return { kind: 'any', rules: [] }
  const range: CalendarRule = {
    kind: 'dateRange',
    start: dateOf(service, 'calendar.txt', 'start_date'),
    end: dateOf(service, 'calendar.txt', 'end_date'),
  }
  if (weekdays.length === 7) return range
  return { kind: 'all', rules: [range, { kind: 'weekdays', weekdays }] }
}

/**
 * School days for student services (学生车): inside a term, not a holiday, and Monday–Friday or a
 * make-up workday (调休: a Saturday or Sunday the State Council declares a working day). Terms,
 * holidays and make-up days are data an operator edits; `publicHolidaysOf` pre-fills the national
 * part from the chinese-days package.
 */
// The package's per-day API formats dates with local-time getters over UTC-parsed keys, so it answers
// wrongly when the process time zone is west of UTC (checked: 2026-10-10 reads as a plain Saturday
// under TZ=America/New_York). Its published data file is the same table without that pitfall.
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' }
import { CalendarError } from './errors.js'
import {
  MAX_SERVICE_YEAR,
  MIN_SERVICE_YEAR,
  daysBetween,
  serviceDate,
  weekdayOf,
  type ServiceDate,
} from './service-day.js'

/** Dates from `start` to `end`, both inclusive; `label` is for people ("国庆节", "2026 春季学期"). */
export interface DateRange<D extends string = ServiceDate> {
  start: D
  end: D
  label?: string
}

export interface SchoolDaysRule<D extends string = ServiceDate> {
  kind: 'schoolDays'
  terms: readonly DateRange<D>[]
  /** Public holidays and school breaks; a holiday wins over a make-up workday inside it. */
  holidays: readonly DateRange<D>[]
  /** Saturdays or Sundays that are working (school) days. */
  makeUpWorkdays: readonly D[]
}

/** Whether `date` lies in the range, ends included. */
export function isInRange(range: DateRange, date: ServiceDate): boolean {
  return range.start <= date && date <= range.end
}

export function isSchoolDay(rule: SchoolDaysRule, date: ServiceDate): boolean {
  if (!rule.terms.some((term) => isInRange(term, date))) return false
  if (rule.holidays.some((holiday) => isInRange(holiday, date))) return false
  return weekdayOf(date) <= 5 || rule.makeUpWorkdays.includes(date)
}

/** One Gregorian year's national public holidays and make-up workdays. */
export interface PublicHolidayYear {
  year: number
  /** Consecutive holiday dates of one festival merged into a range, labelled with its Chinese name. */
  holidays: DateRange[]
  makeUpWorkdays: ServiceDate[]
}

interface ChineseDaysTable {
  /** 'YYYY-MM-DD' → "English name,中文名,festival number" */
  holidays: Record<string, string>
  workdays: Record<string, string>
}

const table: ChineseDaysTable = chineseDaysData

/** "Spring Festival,春节,4" → "春节"; the whole value if the package ever changes its format. */
function festivalLabel(value: string): string {
  return value.split(',')[1]?.trim() || value
}

function datesOfYear(record: Record<string, string>, year: number): ServiceDate[] {
  return Object.keys(record)
    .filter((iso) => iso.startsWith(`${year}-`))
    .map(serviceDate)
    .sort()
}

/**
 * The national public holidays and make-up workdays of Gregorian `year` (dates in that year only; a
 * festival straddling New Year is split between the two years), as chinese-days publishes them.
 * Throws HOLIDAY_DATA_MISSING when the package has no data for the year (not yet announced).
 */
export function publicHolidaysOf(year: number): PublicHolidayYear {
  if (!Number.isInteger(year) || year < MIN_SERVICE_YEAR || year > MAX_SERVICE_YEAR) {
    throw new CalendarError('INVALID_DATE', `not a supported year: ${year}`)
  }
  const holidayDates = datesOfYear(table.holidays, year)
  if (holidayDates.length === 0) {
    throw new CalendarError(
      'HOLIDAY_DATA_MISSING',
      `the chinese-days package has no public-holiday data for ${year}; update it or enter the holidays by hand`,
    )
  }
  const holidays: DateRange[] = []
  for (const date of holidayDates) {
    const label = festivalLabel(table.holidays[date] ?? '')
    const last = holidays.at(-1)
    if (last && last.label === label && daysBetween(last.end, date) === 1) {
      last.end = date
    } else {
      holidays.push({ start: date, end: date, label })
    }
  }
  // The table lists only State Council working days, all weekends; the filter keeps the promise of
  // the type ("a Saturday or Sunday") even if a future table adds something else.
  const makeUpWorkdays = datesOfYear(table.workdays, year).filter((date) => weekdayOf(date) >= 6)
  return { year, holidays, makeUpWorkdays }
}

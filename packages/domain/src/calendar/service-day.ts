/**
 * Service days: local calendar dates in Asia/Shanghai (UTC+8 all year, no DST since 1991).
 *
 * A service date is an ISO `YYYY-MM-DD` string branded by `serviceDate()`, which checks it. A string
 * rather than an object because calendars are stored as jsonb and dates are set/map keys; ISO
 * strings of a fixed width also sort and compare correctly as plain strings.
 */
import { CalendarError } from './errors.js'

export const SERVICE_TIME_ZONE = 'Asia/Shanghai'
/** Offset of Asia/Shanghai from UTC, in milliseconds. */
export const SERVICE_UTC_OFFSET_MS = 8 * 3_600_000

const DAY_MS = 86_400_000
// Years outside this window are almost surely typos (0226, 20226) and lie outside what the lunar
// and holiday libraries are meant for.
export const MIN_SERVICE_YEAR = 1900
export const MAX_SERVICE_YEAR = 2100

declare const serviceDateBrand: unique symbol
/** A checked local date in Asia/Shanghai, `YYYY-MM-DD`. Make one with `serviceDate()`. */
export type ServiceDate = string & { readonly [serviceDateBrand]: true }

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** The date as days since 1970-01-01 (a day number), or undefined when it is not a real date. */
function dayNumberOfIso(iso: string): number | undefined {
  const match = ISO_DATE.exec(iso)
  if (!match) return undefined
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (year < MIN_SERVICE_YEAR || year > MAX_SERVICE_YEAR) return undefined
  const ms = Date.UTC(year, month - 1, day)
  const back = new Date(ms)
  // Date.UTC rolls 2026-02-30 over to 03-02; a round trip that changes the date means it was invalid.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined
  }
  return ms / DAY_MS
}

function fromDayNumber(dayNumber: number): ServiceDate {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10) as ServiceDate
}

function toDayNumber(date: ServiceDate): number {
  const dayNumber = dayNumberOfIso(date)
  // Unreachable for a branded value; guards against `as ServiceDate` casts of bad strings.
  if (dayNumber === undefined) throw new CalendarError('INVALID_DATE', `not a valid date: '${date}'`)
  return dayNumber
}

/** True when `value` is a real `YYYY-MM-DD` date within the supported years. */
export function isServiceDate(value: unknown): value is ServiceDate {
  return typeof value === 'string' && dayNumberOfIso(value) !== undefined
}

/** Checks and brands an ISO `YYYY-MM-DD` date; throws INVALID_DATE for '2026-02-30', '2026-2-3', etc. */
export function serviceDate(iso: string): ServiceDate {
  if (!isServiceDate(iso)) {
    throw new CalendarError(
      'INVALID_DATE',
      `not a valid date: '${iso}' (expected YYYY-MM-DD, years ${MIN_SERVICE_YEAR}–${MAX_SERVICE_YEAR})`,
    )
  }
  return iso
}

/** The service day (Asia/Shanghai local date) containing the instant `instantMs` (epoch milliseconds). */
export function serviceDayOf(instantMs: number): ServiceDate {
  if (!Number.isFinite(instantMs)) {
    throw new CalendarError('INVALID_INSTANT', `not a finite instant: ${String(instantMs)}`)
  }
  const date = fromDayNumber(Math.floor((instantMs + SERVICE_UTC_OFFSET_MS) / DAY_MS))
  return serviceDate(date)
}

/** The instant (epoch milliseconds) at which the service day begins: local midnight in Shanghai. */
export function serviceDayStartMs(date: ServiceDate): number {
  return toDayNumber(date) * DAY_MS - SERVICE_UTC_OFFSET_MS
}

/** The date `days` calendar days after `date` (negative goes back). */
export function addDays(date: ServiceDate, days: number): ServiceDate {
  if (!Number.isInteger(days)) throw new CalendarError('INVALID_DATE', `days must be an integer, got ${days}`)
  return serviceDate(fromDayNumber(toDayNumber(date) + days))
}

/** Signed whole days from `from` to `to` (`to` − `from`). */
export function daysBetween(from: ServiceDate, to: ServiceDate): number {
  return toDayNumber(to) - toDayNumber(from)
}

/** ISO weekday of the date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: ServiceDate): Weekday {
  // 1970-01-01 was a Thursday (ISO 4).
  const mondayBased = (((toDayNumber(date) + 3) % 7) + 7) % 7
  return (mondayBased + 1) as Weekday
}

/** −1, 0 or 1 as `a` is before, the same as, or after `b`; usable as an Array.sort comparator. */
export function compareDates(a: ServiceDate, b: ServiceDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Year, month (1–12) and day of month of the date. */
export function gregorianPartsOf(date: ServiceDate): { year: number; month: number; day: number } {
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) }
}

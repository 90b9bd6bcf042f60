/**
 * The service-date range of a report: `from` and `to` inclusive, at most MAX_REPORT_DAYS days,
 * with the instants that bound it (Asia/Shanghai midnights) for the queries.
 */
import { AppError } from '../errors.js'
import { addDays, daysBetween, isServiceDate, serviceDayStartMs, type ServiceDate } from '../calendar/service-day.js'

/** A quarter: the longest range one report covers. */
export const MAX_REPORT_DAYS = 92

export interface ReportRange {
  from: ServiceDate
  to: ServiceDate
  /** Every service date from `from` to `to`, in order. */
  days: ServiceDate[]
  /** Local midnight starting `from`, and local midnight ending `to` (epoch ms, end exclusive). */
  startMs: number
  endMs: number
}

/** Checks a `from`/`to` pair of `YYYY-MM-DD` service dates; BAD_TIME_RANGE when either is not a date, `to` is before `from`, or the range is longer than `maxDays`. */
export function reportRange(from: string, to: string, maxDays = MAX_REPORT_DAYS): ReportRange {
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isServiceDate(v)) throw new AppError('BAD_TIME_RANGE', `${name} is not a service date: '${v}' (YYYY-MM-DD)`)
  }
  const f = from as ServiceDate
  const t = to as ServiceDate
  const span = daysBetween(f, t) + 1
  if (span < 1) throw new AppError('BAD_TIME_RANGE', `to (${t}) is before from (${f})`)
  if (span > maxDays)
    throw new AppError('BAD_TIME_RANGE', `${span} days from ${f} to ${t}; a report covers at most ${maxDays} days`, {
      maxDays,
    })
  const days = Array.from({ length: span }, (_, i) => addDays(f, i))
  return { from: f, to: t, days, startMs: serviceDayStartMs(f), endMs: serviceDayStartMs(addDays(t, 1)) }
}

/** `YYYYMMDD`, the date suffix of a trip instance id (`<tripId>_<YYYYMMDD>`). */
export const compactDate = (d: ServiceDate): string => d.replaceAll('-', '')

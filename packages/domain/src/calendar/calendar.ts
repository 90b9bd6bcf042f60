/**
 * Service calendars: when a trip runs. A calendar is plain JSON (stored in a jsonb column, edited by
 * operators): one rule tree, plus explicit added and removed dates that win over the rules.
 */
import { CalendarError } from './errors.js'
import { isMarketDay, isOnDayCycle, type DayCycleRule, type MarketDaysRule } from './market-day.js'
import { isSchoolDay, type SchoolDaysRule } from './school-term.js'
import { addDays, daysBetween, weekdayOf, type ServiceDate, type Weekday } from './service-day.js'

/** Runs on these ISO weekdays (1 = Monday … 7 = Sunday). */
export interface WeekdaysRule {
  kind: 'weekdays'
  weekdays: readonly Weekday[]
}

/** Runs from `start` to `end`, both inclusive. */
export interface DateRangeRule<D extends string = ServiceDate> {
  kind: 'dateRange'
  start: D
  end: D
}

/** Runs when every sub-rule matches; an empty list matches every day. */
export interface AllRule<D extends string = ServiceDate> {
  kind: 'all'
  rules: readonly CalendarRule<D>[]
}

/** Runs when at least one sub-rule matches; an empty list matches no day (only added dates run). */
export interface AnyRule<D extends string = ServiceDate> {
  kind: 'any'
  rules: readonly CalendarRule<D>[]
}

/** Runs when the sub-rule does not match (e.g. "not on market days"). */
export interface NotRule<D extends string = ServiceDate> {
  kind: 'not'
  rule: CalendarRule<D>
}

/**
 * One node of a calendar's rule tree. `D` is the date type: `ServiceDate` once validated, `string`
 * in the raw JSON (`CalendarJson`).
 */
export type CalendarRule<D extends string = ServiceDate> =
  | WeekdaysRule
  | DateRangeRule<D>
  | MarketDaysRule
  | DayCycleRule<D>
  | SchoolDaysRule<D>
  | AllRule<D>
  | AnyRule<D>
  | NotRule<D>

export interface ServiceCalendar<D extends string = ServiceDate> {
  rule: CalendarRule<D>
  /** Dates the service runs whatever the rule says (an extra market, a charter). */
  added: readonly D[]
  /** Dates the service does not run whatever the rule says (road closed, snow). */
  removed: readonly D[]
}

/** A calendar as stored and edited: unchecked date strings. Turn it into one with `parseCalendar`. */
export type CalendarJson = ServiceCalendar<string>

/** Whether the rule tree alone (without added/removed dates) matches `date`. */
export function ruleMatches(rule: CalendarRule, date: ServiceDate): boolean {
  switch (rule.kind) {
    case 'weekdays':
      return rule.weekdays.includes(weekdayOf(date))
    case 'dateRange':
      return rule.start <= date && date <= rule.end
    case 'marketDays':
      return isMarketDay(rule, date)
    case 'dayCycle':
      return isOnDayCycle(rule, date)
    case 'schoolDays':
      return isSchoolDay(rule, date)
    case 'all':
      return rule.rules.every((sub) => ruleMatches(sub, date))
    case 'any':
      return rule.rules.some((sub) => ruleMatches(sub, date))
    case 'not':
      return !ruleMatches(rule.rule, date)
  }
}

/** Whether a service on this calendar runs on `date`. Removed dates win over added ones and rules. */
export function runsOn(calendar: ServiceCalendar, date: ServiceDate): boolean {
  if (calendar.removed.includes(date)) return false
  if (calendar.added.includes(date)) return true
  return ruleMatches(calendar.rule, date)
}

/** Longest span `expandDates` accepts: about ten years, enough for any export, small enough to stay fast. */
export const MAX_EXPAND_DAYS = 3700

/** Every date from `from` to `to` (inclusive) on which the calendar runs, in order. */
export function expandDates(calendar: ServiceCalendar, from: ServiceDate, to: ServiceDate): ServiceDate[] {
  const spanDays = daysBetween(from, to)
  if (spanDays < 0) throw new CalendarError('INVALID_DATE_RANGE', `range ends (${to}) before it starts (${from})`)
  if (spanDays >= MAX_EXPAND_DAYS) {
    throw new CalendarError('INVALID_DATE_RANGE', `range ${from}..${to} is longer than ${MAX_EXPAND_DAYS} days`)
  }
  const dates: ServiceDate[] = []
  for (let offsetDays = 0; offsetDays <= spanDays; offsetDays++) {
    const date = addDays(from, offsetDays)
    if (runsOn(calendar, date)) dates.push(date)
  }
  return dates
}

/** The trips (in their given order) whose calendar runs on `date`. */
export function tripsRunningOn<T extends { readonly calendar: ServiceCalendar }>(
  trips: readonly T[],
  date: ServiceDate,
): T[] {
  return trips.filter((trip) => runsOn(trip.calendar, date))
}

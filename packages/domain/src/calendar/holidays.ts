/**
 * County-wide holiday exceptions: a span of days on which every calendar of a kind does not run
 * (Spring Festival: market buses off 除夕–初三; student buses off for the winter break), with the
 * calendars that run anyway. One change stops them all; a calendar's own rules stay as they are —
 * the exception is applied when the timetable is read. Pure.
 */
import { ruleMatches, type CalendarJson, type CalendarRule } from './calendar.js'
import { lunarDateOf } from './lunar.js'
import { addDays, daysBetween, serviceDate, type ServiceDate } from './service-day.js'
import { CalendarError } from './errors.js'

/** What a calendar is, read from its rules: market days, school days, weekly, or other. */
export type CalendarKind = 'market' | 'school' | 'weekly' | 'other'
export const CALENDAR_KINDS: readonly CalendarKind[] = ['market', 'school', 'weekly', 'other']

export interface HolidayException {
  id: string
  name: string
  /** First and last day off, inclusive (`YYYY-MM-DD`). */
  start: string
  end: string
  kinds: readonly CalendarKind[]
  /** Calendars of those kinds that run anyway. */
  exemptCalendars: readonly string[]
}

/** Whether the rule tree holds a rule of this kind (a negated one does not count: "not on market days" is no market calendar). */
function uses(rule: CalendarRule<string>, kind: 'marketDays' | 'dayCycle' | 'schoolDays'): boolean {
  if (rule.kind === 'all' || rule.kind === 'any') return rule.rules.some((r) => uses(r, kind))
  return rule.kind === kind
}

function onlyWeekdays(rule: CalendarRule<string>): boolean {
  if (rule.kind === 'weekdays') return true
  if (rule.kind === 'all' || rule.kind === 'any') return rule.rules.length > 0 && rule.rules.every(onlyWeekdays)
  return false
}

/** A calendar's kind: market days (or a market day cycle) win, then school days, then weekdays only. */
export function calendarKind(c: Pick<CalendarJson, 'rule'>): CalendarKind {
  if (uses(c.rule, 'marketDays') || uses(c.rule, 'dayCycle')) return 'market'
  if (uses(c.rule, 'schoolDays')) return 'school'
  if (onlyWeekdays(c.rule)) return 'weekly'
  return 'other'
}

/** The days of an exception, in order (at most a year). */
export function holidayDates(h: Pick<HolidayException, 'start' | 'end'>): ServiceDate[] {
  const start = serviceDate(h.start)
  const end = serviceDate(h.end)
  const n = daysBetween(start, end)
  if (n < 0)
    throw new CalendarError('INVALID_DATE_RANGE', `the exception ends (${h.end}) before it starts (${h.start})`)
  if (n > 365) throw new CalendarError('INVALID_DATE_RANGE', 'an exception spans at most a year')
  return Array.from({ length: n + 1 }, (_, i) => addDays(start, i))
}

/** Whether the exception stops this calendar. */
export function stops(h: HolidayException, calendarId: string, kind: CalendarKind): boolean {
  return h.kinds.includes(kind) && !h.exemptCalendars.includes(calendarId)
}

/**
 * The calendars as the timetable reads them: each one's removed dates plus the days of every
 * exception that stops it (a date added by hand to a calendar still runs: the hand wins).
 */
export function applyHolidays<C extends { id: string; rules: CalendarJson }>(
  calendars: readonly C[],
  holidays: readonly HolidayException[],
): C[] {
  if (holidays.length === 0) return [...calendars]
  const days = new Map(holidays.map((h) => [h.id, holidayDates(h)]))
  return calendars.map((c) => {
    const kind = calendarKind(c.rules)
    const off = holidays.filter((h) => stops(h, c.id, kind)).flatMap((h) => days.get(h.id) ?? [])
    if (off.length === 0) return c
    const added = new Set(c.rules.added)
    const removed = [...new Set([...c.rules.removed, ...off.filter((d) => !added.has(d))])].sort()
    return { ...c, rules: { ...c.rules, removed } }
  })
}

/** Spring Festival of a lunar year as the county stops for it: 除夕 (the last day of the old year) to 初三. */
export function springFestival(gregorianYear: number): { start: ServiceDate; end: ServiceDate } {
  // 正月初一 falls between 21 January and 20 February: find it by its lunar date.
  for (let d = serviceDate(`${gregorianYear}-01-21`); d <= serviceDate(`${gregorianYear}-02-21`); d = addDays(d, 1)) {
    const l = lunarDateOf(d)
    if (l.lunarMonth === 1 && l.lunarDay === 1 && !l.isLeapMonth) return { start: addDays(d, -1), end: addDays(d, 2) }
  }
  throw new CalendarError('INVALID_DATE', `no 正月初一 found in ${gregorianYear}`)
}

function marketRules(rule: CalendarRule<string>): CalendarRule<string>[] {
  if (rule.kind === 'marketDays' || rule.kind === 'dayCycle') return [rule]
  if (rule.kind === 'all' || rule.kind === 'any') return rule.rules.flatMap(marketRules)
  return []
}

/** Whether `date` is a market day by one of the calendar's market rules (the preview marks them). */
export function isMarketDayOf(c: Pick<CalendarJson, 'rule'>, date: ServiceDate): boolean {
  return marketRules(c.rule).some((r) => ruleMatches(r as CalendarRule, date))
}

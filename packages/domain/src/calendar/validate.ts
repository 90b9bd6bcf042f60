/**
 * Checks a calendar document (from the database or an operator's edit) and turns it into a
 * `ServiceCalendar` with checked dates. Collects every problem with its JSON path instead of
 * stopping at the first, so an editor can show them all at once.
 */
import type { AllRule, AnyRule, CalendarRule, ServiceCalendar } from './calendar.js'
import { CalendarError, type CalendarIssue } from './errors.js'
import type { DayDigit } from './market-day.js'
import type { DateRange } from './school-term.js'
import { isServiceDate, weekdayOf, type ServiceDate, type Weekday } from './service-day.js'

export type CalendarValidation = { ok: true; calendar: ServiceCalendar } | { ok: false; issues: CalendarIssue[] }

// Operators build trees of a few levels; a deeper one is a mistake or hostile input that would
// otherwise recurse without bound.
export const MAX_RULE_DEPTH = 8

const WEEKDAY_NAMES = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

const RULE_KINDS = ['weekdays', 'dateRange', 'marketDays', 'dayCycle', 'schoolDays', 'all', 'any', 'not'] as const
type Fields = Record<string, unknown>

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

class Checker {
  readonly issues: CalendarIssue[] = []

  fail(path: string, message: string): undefined {
    this.issues.push({ path, message })
    return undefined
  }

  object(value: unknown, path: string, allowedKeys: readonly string[]): Fields | undefined {
    if (!isFields(value)) return this.fail(path, 'must be an object')
    for (const key of Object.keys(value)) {
      if (allowedKeys.includes(key)) continue
      this.fail(`${path}.${key}`, `unknown field (expected ${allowedKeys.join(', ')})`)
    }
    return value
  }

  array(value: unknown, path: string): readonly unknown[] | undefined {
    return Array.isArray(value) ? value : this.fail(path, 'must be an array')
  }

  date(value: unknown, path: string): ServiceDate | undefined {
    if (isServiceDate(value)) return value
    return this.fail(path, `must be a real date 'YYYY-MM-DD', got ${JSON.stringify(value)}`)
  }

  /** An array of distinct items, each checked by `item`; undefined if anything is wrong. */
  list<T>(
    value: unknown,
    path: string,
    item: (element: unknown, elementPath: string) => T | undefined,
  ): T[] | undefined {
    const elements = this.array(value, path)
    if (!elements) return undefined
    const before = this.issues.length
    const items: T[] = []
    elements.forEach((element, i) => {
      const checked = item(element, `${path}[${i}]`)
      if (checked === undefined) return
      if (items.includes(checked)) this.fail(`${path}[${i}]`, `repeats ${JSON.stringify(checked)}`)
      items.push(checked)
    })
    return this.issues.length === before ? items : undefined
  }

  integer(value: unknown, path: string, min: number, max: number, hint = ''): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value
    return this.fail(path, `must be a whole number from ${min} to ${max}${hint}, got ${JSON.stringify(value)}`)
  }

  /** `start` and `end` of a range, ends included. */
  startEnd(fields: Fields, path: string): { start: ServiceDate; end: ServiceDate } | undefined {
    const start = this.date(fields.start, `${path}.start`)
    const end = this.date(fields.end, `${path}.end`)
    if (!start || !end) return undefined
    if (end < start) return this.fail(`${path}.end`, `ends (${end}) before it starts (${start})`)
    return { start, end }
  }

  range(value: unknown, path: string): DateRange | undefined {
    const fields = this.object(value, path, ['start', 'end', 'label'])
    if (!fields) return undefined
    const { label } = fields
    if (label !== undefined && typeof label !== 'string') this.fail(`${path}.label`, 'must be a string')
    const startEnd = this.startEnd(fields, path)
    if (!startEnd || (label !== undefined && typeof label !== 'string')) return undefined
    return label === undefined ? startEnd : { ...startEnd, label }
  }

  nonEmpty<T>(items: T[] | undefined, path: string, what: string): T[] | undefined {
    if (items && items.length === 0) return this.fail(path, `needs at least one ${what}`)
    return items
  }

  rule(value: unknown, path: string, depth: number): CalendarRule | undefined {
    if (depth > MAX_RULE_DEPTH) return this.fail(path, `rules nest deeper than ${MAX_RULE_DEPTH} levels`)
    if (!isFields(value)) return this.fail(path, 'must be an object')
    const { kind } = value
    switch (kind) {
      case 'weekdays': {
        const fields = this.object(value, path, ['kind', 'weekdays'])
        const weekdays = this.list(fields?.weekdays, `${path}.weekdays`, (v, p) =>
          this.integer(v, p, 1, 7, ' (1 = Monday)'),
        )
        const checked = this.nonEmpty(weekdays, `${path}.weekdays`, 'weekday')
        return checked && { kind, weekdays: checked as Weekday[] }
      }
      case 'dateRange': {
        const fields = this.object(value, path, ['kind', 'start', 'end'])
        const startEnd = fields && this.startEnd(fields, path)
        return startEnd && { kind, ...startEnd }
      }
      case 'marketDays': {
        const fields = this.object(value, path, ['kind', 'calendar', 'digits'])
        const calendar = fields?.calendar
        const isKnownCalendar = calendar === 'lunar' || calendar === 'gregorian'
        if (!isKnownCalendar) {
          this.fail(`${path}.calendar`, `must be 'lunar' or 'gregorian', got ${JSON.stringify(calendar)}`)
        }
        const digits = this.list(fields?.digits, `${path}.digits`, (v, p) =>
          this.integer(v, p, 0, 9, ' (the last digit of the day; 0 for 10, 20, 30)'),
        )
        const checked = this.nonEmpty(digits, `${path}.digits`, 'digit')
        return checked && isKnownCalendar ? { kind, calendar, digits: checked as DayDigit[] } : undefined
      }
      case 'dayCycle': {
        const fields = this.object(value, path, ['kind', 'anchor', 'periodDays'])
        const anchor = this.date(fields?.anchor, `${path}.anchor`)
        const periodDays = this.integer(fields?.periodDays, `${path}.periodDays`, 1, 366)
        return anchor && periodDays !== undefined ? { kind, anchor, periodDays } : undefined
      }
      case 'schoolDays':
        return this.schoolDays(value, path)
      case 'all':
      case 'any': {
        const fields = this.object(value, path, ['kind', 'rules'])
        const rules = this.array(fields?.rules, `${path}.rules`)
        const checked = rules?.map((sub, i) => this.rule(sub, `${path}.rules[${i}]`, depth + 1))
        if (!checked?.every((sub) => sub !== undefined)) return undefined
        return { kind, rules: checked } satisfies AllRule | AnyRule
      }
      case 'not': {
        const fields = this.object(value, path, ['kind', 'rule'])
        const sub = fields && this.rule(fields.rule, `${path}.rule`, depth + 1)
        return sub && { kind, rule: sub }
      }
      default:
        return this.fail(`${path}.kind`, `unknown rule kind ${JSON.stringify(kind)} (one of ${RULE_KINDS.join(', ')})`)
    }
  }

  schoolDays(value: unknown, path: string): CalendarRule | undefined {
    const fields = this.object(value, path, ['kind', 'terms', 'holidays', 'makeUpWorkdays'])
    const termList = this.list(fields?.terms, `${path}.terms`, (v, p) => this.range(v, p))
    const terms = this.nonEmpty(termList, `${path}.terms`, 'term')
    const holidays = this.list(fields?.holidays, `${path}.holidays`, (v, p) => this.range(v, p))
    const makeUpWorkdays = this.list(fields?.makeUpWorkdays, `${path}.makeUpWorkdays`, (v, p) => {
      const date = this.date(v, p)
      if (date === undefined || weekdayOf(date) >= 6) return date
      return this.fail(p, `${date} is a ${WEEKDAY_NAMES[weekdayOf(date)]}; a make-up workday is a Saturday or Sunday`)
    })
    return terms && holidays && makeUpWorkdays ? { kind: 'schoolDays', terms, holidays, makeUpWorkdays } : undefined
  }
}

/** Checks a calendar document; on success returns a fresh `ServiceCalendar` that shares nothing with the input. */
export function validateCalendar(input: unknown): CalendarValidation {
  const checker = new Checker()
  const fields = checker.object(input, 'calendar', ['rule', 'added', 'removed'])
  const rule = fields && checker.rule(fields.rule, 'rule', 1)
  const added = fields && checker.list(fields.added, 'added', (v, p) => checker.date(v, p))
  const removed = fields && checker.list(fields.removed, 'removed', (v, p) => checker.date(v, p))
  removed?.forEach((date, i) => {
    if (added?.includes(date)) checker.fail(`removed[${i}]`, `${date} is also in added; keep it in one list`)
  })
  if (checker.issues.length > 0 || !rule || !added || !removed) return { ok: false, issues: checker.issues }
  return { ok: true, calendar: { rule, added, removed } }
}

/** Like `validateCalendar`, but throws INVALID_CALENDAR listing every problem. */
export function parseCalendar(input: unknown): ServiceCalendar {
  const result = validateCalendar(input)
  if (result.ok) return result.calendar
  const summary = result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')
  throw new CalendarError('INVALID_CALENDAR', `invalid calendar: ${summary}`, result.issues)
}

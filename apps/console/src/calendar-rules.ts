/**
 * The small calendar rule editor's model: weekdays, market days, school terms, added and removed
 * dates, turned into the server's calendar JSON (`{rule, added, removed}`, see
 * packages/domain/src/calendar) and back. A rule tree the editor cannot show (e.g. "not on market
 * days") is edited as JSON instead (`simple` is null).
 */
import type { CalendarJson, CalendarRule, MarketCalendarKind, Weekday } from '@rb/domain'
// The digit sets come from the domain module that imports nothing (no lunar calendar in the bundle).
import { MARKET_DIGITS, type MarketPattern } from '@rb/domain/market-digits'

export interface SimpleRules {
  /** ISO weekdays 1–7; empty: no weekday condition. */
  weekdays: Weekday[]
  market: { calendar: MarketCalendarKind; pattern: MarketPattern } | null
  /** School terms; null: no school-day condition. Holidays and make-up days are kept as they were. */
  school: {
    terms: { start: string; end: string; label?: string }[]
    holidays: { start: string; end: string; label?: string }[]
    makeUpWorkdays: string[]
  } | null
  added: string[]
  removed: string[]
}

type Rule = CalendarRule<string>

function patternOf(digits: readonly number[]): MarketPattern | null {
  const key = [...digits].sort().join(',')
  return (
    (Object.keys(MARKET_DIGITS) as MarketPattern[]).find((p) => [...MARKET_DIGITS[p]].sort().join(',') === key) ?? null
  )
}

/** The editor's fields for `rules`, or null when its rule tree is more than the editor shows. */
export function toSimple(rules: CalendarJson): SimpleRules | null {
  const parts: readonly Rule[] = rules.rule.kind === 'all' ? rules.rule.rules : [rules.rule]
  const out: SimpleRules = {
    weekdays: [],
    market: null,
    school: null,
    added: [...rules.added],
    removed: [...rules.removed],
  }
  const seen = new Set<string>()
  for (const r of parts) {
    if (seen.has(r.kind)) return null
    seen.add(r.kind)
    if (r.kind === 'weekdays') out.weekdays = [...r.weekdays].sort()
    else if (r.kind === 'marketDays') {
      const pattern = patternOf(r.digits)
      if (!pattern) return null
      out.market = { calendar: r.calendar, pattern }
    } else if (r.kind === 'schoolDays')
      out.school = {
        terms: r.terms.map((t) => ({ ...t })),
        holidays: r.holidays.map((t) => ({ ...t })),
        makeUpWorkdays: [...r.makeUpWorkdays],
      }
    else return null
  }
  return out
}

/** The calendar JSON for the editor's fields: every chosen condition must hold (none: every day). */
export function fromSimple(s: SimpleRules): CalendarJson {
  const parts: Rule[] = []
  if (s.weekdays.length) parts.push({ kind: 'weekdays', weekdays: [...s.weekdays].sort() })
  if (s.market) parts.push({ kind: 'marketDays', calendar: s.market.calendar, digits: MARKET_DIGITS[s.market.pattern] })
  if (s.school)
    parts.push({
      kind: 'schoolDays',
      terms: s.school.terms,
      holidays: s.school.holidays,
      makeUpWorkdays: s.school.makeUpWorkdays,
    })
  return {
    rule: parts.length === 1 ? parts[0]! : { kind: 'all', rules: parts },
    added: [...s.added],
    removed: [...s.removed],
  }
}

/** Dates typed as a list separated by spaces, commas or new lines. */
export function parseDates(text: string): string[] {
  return text.split(/[\s,\uff0c;]+/).filter(Boolean)
}

/** Terms typed one per line: `2026-03-01 2026-07-10 spring term` (or `start..end`, `start — end`). */
export function parseTerms(text: string): { start: string; end: string; label?: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^(\S+?)\s*(?:\.\.|–|—|\s)\s*(\d{4}-\d{2}-\d{2})\s*(.*)$/.exec(line)
      if (!m) throw new Error(`a term is "start end [label]": ${line}`)
      return m[3] ? { start: m[1]!, end: m[2]!, label: m[3] } : { start: m[1]!, end: m[2]! }
    })
}

export function formatTerms(terms: readonly { start: string; end: string; label?: string }[]): string {
  return terms.map((t) => `${t.start} ${t.end}${t.label ? ` ${t.label}` : ''}`).join('\n')
}

/**
 * The demo county's service calendars: every day (民心专线), school days (学生车), clinic days
 * (就医出行车) and each township's market days (赶场车). Every one is checked with `parseCalendar`.
 */
import {
  CalendarError,
  MARKET_DIGITS,
  parseCalendar,
  publicHolidaysOf,
  type CalendarJson,
  type DateRange,
} from '../calendar/index.js'
import type { Calendar } from '../network/types.js'
import { TOWNSHIPS } from './townships.js'

export const CAL_DAILY = 'XY-C-DAILY'
export const CAL_SCHOOL = 'XY-C-SCHOOL'
export const CAL_SCHOOL_MONDAY = 'XY-C-SCHOOL-MON'
export const CAL_SCHOOL_FRIDAY = 'XY-C-SCHOOL-FRI'
export const CAL_MEDICAL = 'XY-C-MEDICAL'
export const marketCalendarId = (townshipId: string): string => `XY-C-MKT-${townshipId.replace(/^XY-/, '')}`

export const SCHOOL_TERMS: readonly DateRange<string>[] = [
  { start: '2026-09-01', end: '2027-01-22', label: '2026 秋季学期' },
  { start: '2027-02-22', end: '2027-07-02', label: '2027 春季学期' },
]

/**
 * 2027's national holidays are not in the chinese-days data yet (the State Council publishes them
 * each November). Until then: the statutory days that fall in the school terms, with the weekday
 * the law gives back when one falls on a weekend. Bridging days and make-up workdays (调休) are
 * unknown, so none are listed; replace these with the published table when it exists.
 */
const HOLIDAYS_2027_BY_HAND: readonly DateRange<string>[] = [
  { start: '2027-01-01', end: '2027-01-01', label: '元旦（法定日，调休未公布）' },
  { start: '2027-04-05', end: '2027-04-05', label: '清明节（法定日，调休未公布）' },
  { start: '2027-05-01', end: '2027-05-03', label: '劳动节（法定日及补休，调休未公布）' },
  { start: '2027-06-09', end: '2027-06-09', label: '端午节（法定日，调休未公布）' },
]

/** National holidays and make-up workdays of the years the terms touch, from chinese-days where it has them. */
export function schoolHolidays(): { holidays: DateRange<string>[]; makeUpWorkdays: string[] } {
  const holidays: DateRange<string>[] = []
  const makeUpWorkdays: string[] = []
  for (const year of [2026, 2027]) {
    try {
      const table = publicHolidaysOf(year)
      holidays.push(...table.holidays)
      makeUpWorkdays.push(...table.makeUpWorkdays)
    } catch (err) {
      if (!(err instanceof CalendarError && err.code === 'HOLIDAY_DATA_MISSING') || year !== 2027) throw err
      holidays.push(...HOLIDAYS_2027_BY_HAND)
    }
  }
  return { holidays, makeUpWorkdays }
}

const calendar = (id: string, name: string, rules: CalendarJson): Calendar => {
  parseCalendar(rules)
  return { id, name, rules }
}

export function calendars(): Calendar[] {
  const { holidays, makeUpWorkdays } = schoolHolidays()
  // A fresh copy for each calendar: callers may edit one calendar's JSON without touching another.
  const schoolDays = (): CalendarJson['rule'] => ({
    kind: 'schoolDays',
    terms: SCHOOL_TERMS.map((t) => ({ ...t })),
    holidays: holidays.map((h) => ({ ...h })),
    makeUpWorkdays: [...makeUpWorkdays],
  })
  const out: Calendar[] = [
    calendar(CAL_DAILY, '每日', {
      rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] },
      added: [],
      removed: [],
    }),
    calendar(CAL_SCHOOL, '上学日', { rule: schoolDays(), added: [], removed: [] }),
    // Boarding pupils go to the county middle school on Monday morning and come home on Friday.
    calendar(CAL_SCHOOL_MONDAY, '上学日·周一返校', {
      rule: { kind: 'all', rules: [schoolDays(), { kind: 'weekdays', weekdays: [1] }] },
      added: [],
      removed: [],
    }),
    calendar(CAL_SCHOOL_FRIDAY, '上学日·周五放学', {
      rule: { kind: 'all', rules: [schoolDays(), { kind: 'weekdays', weekdays: [5] }] },
      added: [],
      removed: [],
    }),
    calendar(CAL_MEDICAL, '就医日·周二四六', {
      rule: { kind: 'weekdays', weekdays: [2, 4, 6] },
      added: [],
      removed: [],
    }),
  ]
  for (const t of TOWNSHIPS) {
    if (!t.market) continue
    const on = t.market.calendar === 'lunar' ? '农历' : '公历'
    out.push(
      calendar(marketCalendarId(t.id), `${t.short}场期·${on}${t.market.pattern}`, {
        rule: { kind: 'marketDays', calendar: t.market.calendar, digits: [...MARKET_DIGITS[t.market.pattern]] },
        added: [],
        removed: [],
      }),
    )
  }
  return out
}

import * as chineseDays from 'chinese-days'
import { describe, expect, it } from 'vitest'
import {
  CalendarError,
  addDays,
  isSchoolDay,
  makeCalendar,
  publicHolidaysOf,
  runsOn,
  serviceDate,
  weekdayOf,
  type SchoolDaysRule,
  type ServiceDate,
} from './index.js'

const d = serviceDate

/** 2026 school rule as an operator would set it up: two terms, the national list plus the breaks. */
function makeSchoolRule(): SchoolDaysRule<string> {
  const national = publicHolidaysOf(2026)
  return {
    kind: 'schoolDays',
    terms: [
      { start: '2026-02-24', end: '2026-07-10', label: '2026 春季学期' },
      { start: '2026-09-01', end: '2027-01-22', label: '2026 秋季学期' },
    ],
    holidays: [...national.holidays, { start: '2026-04-30', end: '2026-04-30', label: '校运会' }],
    makeUpWorkdays: national.makeUpWorkdays,
  }
}

const studentCalendar = makeCalendar({ rule: makeSchoolRule() })

describe('publicHolidaysOf (from chinese-days)', () => {
  it('lists the six 2026 make-up workdays announced by the State Council', () => {
    expect(publicHolidaysOf(2026).makeUpWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ])
  })

  it('merges each festival into one labelled range', () => {
    const holidays = publicHolidaysOf(2026).holidays
    expect(holidays).toContainEqual({ start: '2026-10-01', end: '2026-10-07', label: '国庆节' })
    expect(holidays).toContainEqual({ start: '2026-02-15', end: '2026-02-23', label: '春节' })
    expect(holidays).toHaveLength(7)
  })

  it('agrees with the package API on every day of 2026 (tests run with TZ=UTC, where the API is sound)', () => {
    const { holidays, makeUpWorkdays } = publicHolidaysOf(2026)
    const isHoliday = (date: ServiceDate): boolean => holidays.some((h) => h.start <= date && date <= h.end)
    for (let date = d('2026-01-01'); date <= '2026-12-31'; date = addDays(date, 1)) {
      const workday = makeUpWorkdays.includes(date) || (weekdayOf(date) <= 5 && !isHoliday(date))
      expect({ date, workday }).toEqual({ date, workday: chineseDays.isWorkday(date) })
    }
  })

  it('refuses a year the package has no data for, rather than returning an empty list', () => {
    expect(() => publicHolidaysOf(2099)).toThrow(CalendarError)
    expect(() => publicHolidaysOf(2099)).toThrow(/no public-holiday data for 2099/)
  })
})

describe('school days', () => {
  it('counts a make-up Saturday inside a term as a school day (2026-02-28)', () => {
    expect(runsOn(studentCalendar, d('2026-02-28'))).toBe(true)
    expect(runsOn(studentCalendar, d('2026-03-07'))).toBe(false) // an ordinary Saturday
  })

  it('does not count a make-up Saturday outside any term (2026-02-14, winter break)', () => {
    expect(runsOn(studentCalendar, d('2026-02-14'))).toBe(false)
  })

  it('does not count a national holiday on a weekday (2026-10-01, a Thursday)', () => {
    expect(weekdayOf(d('2026-10-01'))).toBe(4)
    expect(runsOn(studentCalendar, d('2026-10-01'))).toBe(false)
    expect(runsOn(studentCalendar, d('2026-10-08'))).toBe(true)
    expect(runsOn(studentCalendar, d('2026-10-10'))).toBe(true) // make-up Saturday
  })

  it('does not count a school break an operator added', () => {
    expect(runsOn(studentCalendar, d('2026-04-30'))).toBe(false)
  })

  it('stops at the term boundaries, both ends included', () => {
    expect(runsOn(studentCalendar, d('2026-02-24'))).toBe(true)
    expect(runsOn(studentCalendar, d('2026-07-10'))).toBe(true)
    expect(runsOn(studentCalendar, d('2026-07-13'))).toBe(false)
  })

  it('lets a holiday win over a make-up workday inside it', () => {
    expect(runsOn(studentCalendar, d('2026-09-20'))).toBe(true) // a make-up Sunday in the autumn term
    const rule = makeCalendar({
      rule: { ...makeSchoolRule(), holidays: [{ start: '2026-09-14', end: '2026-09-20' }] },
    }).rule as SchoolDaysRule
    expect(isSchoolDay(rule, d('2026-09-20'))).toBe(false)
  })
})

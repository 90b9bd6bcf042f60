// Expected lunar dates were read off lunar-javascript 1.7.7 (Solar.fromYmd(...).getLunar()) by hand.
import lunarJavascript from 'lunar-javascript'
import { describe, expect, it } from 'vitest'
import { MARKET_DIGITS, expandDates, lunarDateOf, makeCalendar, serviceDate, type DayDigit } from './index.js'

const d = serviceDate

function marketDates(calendar: 'lunar' | 'gregorian', digits: readonly DayDigit[], from: string, to: string): string[] {
  const market = makeCalendar({ rule: { kind: 'marketDays', calendar, digits } })
  return expandDates(market, d(from), d(to))
}

describe('Gregorian market days', () => {
  it('"1-4-7" includes the 31st of a long month and continues on the 1st', () => {
    expect(marketDates('gregorian', MARKET_DIGITS['1-4-7'], '2026-01-01', '2026-02-01')).toEqual([
      '2026-01-01',
      '2026-01-04',
      '2026-01-07',
      '2026-01-11',
      '2026-01-14',
      '2026-01-17',
      '2026-01-21',
      '2026-01-24',
      '2026-01-27',
      '2026-01-31',
      '2026-02-01',
    ])
  })

  it('"4-7-10" in February has no 30th: after the 27th the next market is 4 March', () => {
    expect(marketDates('gregorian', MARKET_DIGITS['4-7-10'], '2026-02-20', '2026-03-04')).toEqual([
      '2026-02-20',
      '2026-02-24',
      '2026-02-27',
      '2026-03-04',
    ])
  })

  it('odd days give the 31st and the 1st back to back', () => {
    expect(marketDates('gregorian', MARKET_DIGITS.odd, '2026-03-29', '2026-04-03')).toEqual([
      '2026-03-29',
      '2026-03-31',
      '2026-04-01',
      '2026-04-03',
    ])
  })
})

describe('lunar market days', () => {
  it('uses a library that puts the leap month after the 6th month in 2025 and the 2nd in 2023', () => {
    expect(lunarJavascript.LunarYear.fromYear(2025).getLeapMonth()).toBe(6)
    expect(lunarJavascript.LunarYear.fromYear(2023).getLeapMonth()).toBe(2)
    expect(lunarJavascript.LunarYear.fromYear(2026).getLeapMonth()).toBe(0)
  })

  it('knows lunar 2025-02 has 29 days (2025-02-28 is 二月初一, 2025-03-29 is 三月初一)', () => {
    expect(lunarDateOf(d('2025-02-28'))).toEqual({ lunarYear: 2025, lunarMonth: 2, isLeapMonth: false, lunarDay: 1 })
    expect(lunarDateOf(d('2025-03-28'))).toMatchObject({ lunarMonth: 2, lunarDay: 29 })
    expect(lunarDateOf(d('2025-03-29'))).toMatchObject({ lunarMonth: 3, lunarDay: 1 })
  })

  it('"4-7-10" has no lunar 30th in a 29-day month: 二月廿七 (03-26) is followed by 三月初四 (04-01)', () => {
    expect(marketDates('lunar', MARKET_DIGITS['4-7-10'], '2025-03-20', '2025-04-04')).toEqual([
      '2025-03-23',
      '2025-03-26',
      '2025-04-01',
      '2025-04-04',
    ])
  })

  it('"4-7-10" keeps the lunar 30th of a 30-day month (正月三十 2025 is 2025-02-27)', () => {
    expect(marketDates('lunar', MARKET_DIGITS['4-7-10'], '2025-02-20', '2025-03-03')).toEqual([
      '2025-02-21',
      '2025-02-24',
      '2025-02-27',
      '2025-03-03',
    ])
  })

  it('counts the 2025 leap sixth month (闰六月, 2025-07-25 to 2025-08-22) like any other month', () => {
    expect(lunarDateOf(d('2025-07-25'))).toEqual({ lunarYear: 2025, lunarMonth: 6, isLeapMonth: true, lunarDay: 1 })
    expect(lunarDateOf(d('2025-08-23'))).toEqual({ lunarYear: 2025, lunarMonth: 7, isLeapMonth: false, lunarDay: 1 })
    expect(marketDates('lunar', MARKET_DIGITS['1-4-7'], '2025-07-24', '2025-08-23')).toEqual([
      '2025-07-25',
      '2025-07-28',
      '2025-07-31',
      '2025-08-04',
      '2025-08-07',
      '2025-08-10',
      '2025-08-14',
      '2025-08-17',
      '2025-08-20',
      '2025-08-23',
    ])
  })

  it('has the 2023 leap month after the second month: 2023-03-21 is 二月三十, 2023-03-22 is 闰二月初一', () => {
    expect(lunarDateOf(d('2023-03-21'))).toEqual({ lunarYear: 2023, lunarMonth: 2, isLeapMonth: false, lunarDay: 30 })
    expect(lunarDateOf(d('2023-03-22'))).toEqual({ lunarYear: 2023, lunarMonth: 2, isLeapMonth: true, lunarDay: 1 })
    expect(lunarDateOf(d('2023-04-20'))).toEqual({ lunarYear: 2023, lunarMonth: 3, isLeapMonth: false, lunarDay: 1 })
    // 二月廿四, 廿七, 三十 (a long month), then 闰二月初四.
    expect(marketDates('lunar', MARKET_DIGITS['4-7-10'], '2023-03-15', '2023-03-26')).toEqual([
      '2023-03-15',
      '2023-03-18',
      '2023-03-21',
      '2023-03-25',
    ])
  })

  it('gives different days than the Gregorian calendar for the same digits (March 2026, "3-6-9")', () => {
    const lunar = marketDates('lunar', MARKET_DIGITS['3-6-9'], '2026-03-01', '2026-03-31')
    const gregorian = marketDates('gregorian', MARKET_DIGITS['3-6-9'], '2026-03-01', '2026-03-31')
    expect(lunar).toEqual([
      '2026-03-01',
      '2026-03-04',
      '2026-03-07',
      '2026-03-11',
      '2026-03-14',
      '2026-03-17',
      '2026-03-21',
      '2026-03-24',
      '2026-03-27',
      '2026-03-31',
    ])
    expect(gregorian).toEqual([
      '2026-03-03',
      '2026-03-06',
      '2026-03-09',
      '2026-03-13',
      '2026-03-16',
      '2026-03-19',
      '2026-03-23',
      '2026-03-26',
      '2026-03-29',
    ])
  })
})

describe('day cycles', () => {
  const twelveDayCycle = makeCalendar({ rule: { kind: 'dayCycle', anchor: '2026-03-05', periodDays: 12 } })

  it('runs every 12 days from the anchor', () => {
    expect(expandDates(twelveDayCycle, d('2026-03-05'), d('2026-04-10'))).toEqual([
      '2026-03-05',
      '2026-03-17',
      '2026-03-29',
      '2026-04-10',
    ])
  })

  it('runs on the same cycle before the anchor', () => {
    expect(expandDates(twelveDayCycle, d('2026-01-30'), d('2026-03-04'))).toEqual(['2026-02-09', '2026-02-21'])
  })

  it('runs a 5-day cycle across a month end', () => {
    const fiveDayCycle = makeCalendar({ rule: { kind: 'dayCycle', anchor: '2026-01-29', periodDays: 5 } })
    expect(expandDates(fiveDayCycle, d('2026-01-25'), d('2026-02-10'))).toEqual([
      '2026-01-29',
      '2026-02-03',
      '2026-02-08',
    ])
  })
})

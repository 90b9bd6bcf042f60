import { describe, expect, it } from 'vitest'
import {
  CalendarError,
  MARKET_DIGITS,
  expandDates,
  makeCalendar,
  runsOn,
  serviceDate,
  serviceDayOf,
  tripsRunningOn,
  type CalendarJson,
  type ServiceCalendar,
} from './index.js'

const d = serviceDate

describe('date range', () => {
  const march = makeCalendar({ rule: { kind: 'dateRange', start: '2026-03-01', end: '2026-03-31' } })

  it('includes both ends and nothing outside them', () => {
    expect(runsOn(march, d('2026-02-28'))).toBe(false)
    expect(runsOn(march, d('2026-03-01'))).toBe(true)
    expect(runsOn(march, d('2026-03-31'))).toBe(true)
    expect(runsOn(march, d('2026-04-01'))).toBe(false)
  })
})

describe('composition', () => {
  it('"all" intersects: weekends of March 2026 only', () => {
    const marchWeekends = makeCalendar({
      rule: {
        kind: 'all',
        rules: [
          { kind: 'dateRange', start: '2026-03-01', end: '2026-03-31' },
          { kind: 'weekdays', weekdays: [6, 7] },
        ],
      },
    })
    expect(expandDates(marchWeekends, d('2026-02-27'), d('2026-03-10'))).toEqual([
      '2026-03-01',
      '2026-03-07',
      '2026-03-08',
    ])
  })

  it('"any" unites: a bus serving a lunar "1-4-7" town and a Gregorian "3-6-9" town', () => {
    const twoTowns = makeCalendar({
      rule: {
        kind: 'any',
        rules: [
          { kind: 'marketDays', calendar: 'lunar', digits: MARKET_DIGITS['1-4-7'] },
          { kind: 'marketDays', calendar: 'gregorian', digits: MARKET_DIGITS['3-6-9'] },
        ],
      },
    })
    // Lunar: 2026-03-02 is 正月十四, 03-05 is 正月十七. Gregorian: 03-03, 03-06.
    expect(expandDates(twoTowns, d('2026-03-01'), d('2026-03-07'))).toEqual([
      '2026-03-02',
      '2026-03-03',
      '2026-03-05',
      '2026-03-06',
    ])
  })

  it('"not" inverts: a village line that stays home on Gregorian "1-4-7" market days', () => {
    const offMarket = makeCalendar({
      rule: { kind: 'not', rule: { kind: 'marketDays', calendar: 'gregorian', digits: MARKET_DIGITS['1-4-7'] } },
    })
    expect(expandDates(offMarket, d('2026-03-01'), d('2026-03-05'))).toEqual(['2026-03-02', '2026-03-03', '2026-03-05'])
  })

  it('an empty "any" runs only on added dates', () => {
    const charterOnly = makeCalendar({ rule: { kind: 'any', rules: [] }, added: ['2026-05-01'] })
    expect(expandDates(charterOnly, d('2026-04-01'), d('2026-05-31'))).toEqual(['2026-05-01'])
  })
})

describe('added and removed dates', () => {
  const weekdaysInMarch: CalendarJson = {
    rule: {
      kind: 'all',
      rules: [
        { kind: 'dateRange', start: '2026-03-01', end: '2026-03-31' },
        { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] },
      ],
    },
    added: ['2026-03-07', '2026-04-04'],
    removed: ['2026-03-02'],
  }
  const calendar = makeCalendar(weekdaysInMarch)

  it('a removed date does not run although the rule says it does', () => {
    expect(runsOn(calendar, d('2026-03-02'))).toBe(false)
  })

  it('an added date runs although the rule says no, even outside the date range', () => {
    expect(runsOn(calendar, d('2026-03-07'))).toBe(true)
    expect(runsOn(calendar, d('2026-04-04'))).toBe(true)
    expect(runsOn(calendar, d('2026-04-03'))).toBe(false)
  })

  it('expandDates applies both and keeps only dates inside the window, in order', () => {
    expect(expandDates(calendar, d('2026-03-01'), d('2026-03-09'))).toEqual([
      '2026-03-03',
      '2026-03-04',
      '2026-03-05',
      '2026-03-06',
      '2026-03-07',
      '2026-03-09',
    ])
  })
})

describe('expandDates window', () => {
  it('includes both ends of the window', () => {
    expect(expandDates(makeCalendar(), d('2026-12-31'), d('2027-01-01'))).toEqual(['2026-12-31', '2027-01-01'])
  })

  it('rejects a window that ends before it starts', () => {
    expect(() => expandDates(makeCalendar(), d('2026-03-02'), d('2026-03-01'))).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE_RANGE' }),
    )
  })

  it('rejects a window longer than about ten years', () => {
    expect(() => expandDates(makeCalendar(), d('2000-01-01'), d('2030-01-01'))).toThrow(CalendarError)
  })
})

describe('tripsRunningOn', () => {
  interface TestTrip {
    id: string
    calendar: ServiceCalendar
  }
  const trips: TestTrip[] = [
    {
      id: 'market-lunar-147',
      calendar: makeCalendar({ rule: { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] } }),
    },
    { id: 'weekday-commuter', calendar: makeCalendar({ rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] } }) },
    { id: 'cycle-12', calendar: makeCalendar({ rule: { kind: 'dayCycle', anchor: '2026-03-05', periodDays: 12 } }) },
    { id: 'daily-but-removed', calendar: makeCalendar({ removed: ['2026-03-02'] }) },
  ]

  it('returns the trips that run on the service day of a late-evening UTC instant, in input order', () => {
    // 2026-03-01T16:30Z is 00:30 on Monday 2 March in Shanghai, which is 正月十四.
    const date = serviceDayOf(Date.parse('2026-03-01T16:30:00Z'))
    expect(tripsRunningOn(trips, date).map((trip) => trip.id)).toEqual(['market-lunar-147', 'weekday-commuter'])
  })

  it('returns no trips when none runs', () => {
    expect(tripsRunningOn(trips.slice(0, 3), d('2026-03-08')).map((trip) => trip.id)).toEqual([])
  })
})

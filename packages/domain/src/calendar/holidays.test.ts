import { describe, expect, it } from 'vitest'
import { demoCounty } from '../demo/index.js'
import { instancesOn } from '../network/timetable.js'
import { applyHolidays, calendarKind, holidayDates, springFestival, type HolidayException } from './holidays.js'
import { calendarWords } from './words.js'
import { lunarLabel } from './lunar-words.js'
import { serviceDate } from './service-day.js'

describe('county-wide holiday exceptions', () => {
  const net = demoCounty()
  const market = net.calendars.filter((c) => calendarKind(c.rules) === 'market')
  const sf = springFestival(2027)

  it('finds Spring Festival by the lunar calendar: 除夕 to 初三', () => {
    expect(sf).toEqual({ start: '2027-02-05', end: '2027-02-08' })
    expect(lunarLabel(serviceDate('2027-02-06'))).toBe('正月初一')
    expect(lunarLabel(sf.end)).toBe('正月初三')
    expect(springFestival(2026)).toEqual({ start: '2026-02-16', end: '2026-02-19' })
  })

  it('reads each demo calendar’s kind from its rules: every township’s market calendar is one', () => {
    expect(market.map((c) => c.id).sort()).toEqual(
      net.calendars
        .filter((c) => c.id.startsWith('XY-C-MKT-'))
        .map((c) => c.id)
        .sort(),
    )
    expect(market.length).toBeGreaterThanOrEqual(11)
    expect(net.calendars.filter((c) => calendarKind(c.rules) === 'school').length).toBeGreaterThanOrEqual(3)
    expect(calendarKind({ rule: { kind: 'weekdays', weekdays: [2, 4, 6] } })).toBe('weekly')
    expect(
      calendarKind({ rule: { kind: 'not', rule: { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] } } }),
    ).toBe('other')
  })

  it('takes the market trips off those days for every market calendar in one change, with one calendar exempt', () => {
    const exempt = market[0]!.id
    const spring: HolidayException = {
      id: 'sf-2027',
      name: '春节',
      start: sf.start,
      end: sf.end,
      kinds: ['market'],
      exemptCalendars: [exempt],
    }
    const marketTrips = (cals: typeof net.calendars, date: string) =>
      instancesOn(
        serviceDate(date),
        net.trips.filter((t) => market.some((c) => c.id === t.calendarId)),
        net.routes,
        cals,
      )
    // Without the exception, market buses run on 正月初一 (2027-02-06) in the 1-4-7 towns.
    const before = holidayDates(spring).flatMap((d) => marketTrips(net.calendars, d))
    expect(before.length).toBeGreaterThan(0)
    const after = applyHolidays(net.calendars, [spring])
    for (const d of holidayDates(spring)) {
      const left = marketTrips(after, d)
      expect(left.every((i) => net.trips.find((t) => t.id === i.tripId)?.calendarId === exempt)).toBe(true)
    }
    // The day after, and every other kind of calendar, are untouched; the stored rules too.
    expect(marketTrips(after, '2027-02-09').length).toBe(marketTrips(net.calendars, '2027-02-09').length)
    for (const c of after.filter((x) => calendarKind(x.rules) !== 'market'))
      expect(c).toBe(net.calendars.find((x) => x.id === c.id))
    expect(net.calendars.find((c) => c.id === market[1]!.id)!.rules.removed).not.toContain('2027-02-06')
    expect(after.find((c) => c.id === market[1]!.id)!.rules.removed).toContain('2027-02-06')
  })

  it('keeps a date added by hand: the hand wins over the exception', () => {
    const c = {
      id: 'x',
      rules: {
        rule: { kind: 'marketDays' as const, calendar: 'lunar' as const, digits: [1, 4, 7] as const },
        added: ['2027-02-07'],
        removed: [],
      },
    }
    const [out] = applyHolidays(
      [c],
      [{ id: 'h', name: 'h', start: '2027-02-05', end: '2027-02-08', kinds: ['market'], exemptCalendars: [] }],
    )
    expect(out!.rules.removed).toEqual(['2027-02-05', '2027-02-06', '2027-02-08'])
  })

  it('refuses a span that ends before it starts or lasts more than a year', () => {
    expect(() => holidayDates({ start: '2027-02-08', end: '2027-02-05' })).toThrow(/before it starts/)
    expect(() => holidayDates({ start: '2027-01-01', end: '2028-06-01' })).toThrow(/at most a year/)
  })
})

describe('calendars in words', () => {
  it('says market days, weekdays and school days as people say them', () => {
    expect(
      calendarWords({ rule: { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] }, added: [], removed: [] }),
    ).toBe('农历每月逢一、四、七')
    expect(
      calendarWords({ rule: { kind: 'marketDays', calendar: 'gregorian', digits: [4, 7, 0] }, added: [], removed: [] }),
    ).toBe('公历每月逢四、七、十')
    expect(calendarWords({ rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] }, added: [], removed: [] })).toBe(
      '周一至周五',
    )
    expect(
      calendarWords({
        rule: { kind: 'weekdays', weekdays: [2, 4, 6] },
        added: ['2026-12-24'],
        removed: ['2026-12-25', '2026-12-26'],
      }),
    ).toBe('周二、四、六；另加开 1 天；停开 2 天')
    expect(
      calendarWords({ rule: { kind: 'weekdays', weekdays: [2, 4, 6] }, added: ['2026-12-24'], removed: [] }, 'en'),
    ).toBe('Tue, Thu, Sat; plus 1 added day')
    const school = {
      kind: 'schoolDays' as const,
      terms: [{ start: '2026-09-01', end: '2027-01-22', label: '2026 秋季学期' }],
      holidays: [],
      makeUpWorkdays: [],
    }
    expect(calendarWords({ rule: school, added: [], removed: [] })).toBe(
      '学期内周一至周五，寒暑假和法定假日除外（2026 秋季学期）',
    )
    expect(
      calendarWords({
        rule: { kind: 'all', rules: [school, { kind: 'weekdays', weekdays: [1] }] },
        added: [],
        removed: [],
      }),
    ).toContain('，且周一')
    expect(
      calendarWords(
        {
          rule: { kind: 'not', rule: { kind: 'marketDays', calendar: 'lunar', digits: [2, 5, 8] } },
          added: [],
          removed: [],
        },
        'en',
      ),
    ).toBe('except lunar days ending in 2, 5, 8')
  })
})

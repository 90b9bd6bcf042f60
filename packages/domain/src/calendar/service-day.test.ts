import { describe, expect, it } from 'vitest'
import {
  CalendarError,
  addDays,
  compareDates,
  daysBetween,
  serviceDate,
  serviceDayOf,
  serviceDayStartMs,
  weekdayOf,
} from './index.js'

const d = serviceDate

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return err instanceof CalendarError ? err.code : 'NOT_A_CALENDAR_ERROR'
  }
  return undefined
}

describe('serviceDate', () => {
  it('accepts a real date, including 29 February of a leap year', () => {
    expect(serviceDate('2024-02-29')).toBe('2024-02-29')
  })

  it.each(['2025-02-29', '2026-02-30', '2026-04-31', '2026-13-01', '2026-2-3', '2026-03-01T00:00', '', '0226-03-01'])(
    'rejects %j with INVALID_DATE',
    (iso) => {
      expect(codeOf(() => serviceDate(iso))).toBe('INVALID_DATE')
    },
  )
})

describe('serviceDayOf', () => {
  it('puts 16:30 UTC on 1 March into 2 March in Shanghai (00:30 local)', () => {
    expect(serviceDayOf(Date.parse('2026-03-01T16:30:00Z'))).toBe('2026-03-02')
  })

  it('keeps the last millisecond before Shanghai midnight on the earlier day', () => {
    expect(serviceDayOf(Date.parse('2026-03-01T15:59:59.999Z'))).toBe('2026-03-01')
    expect(serviceDayOf(Date.parse('2026-03-01T16:00:00.000Z'))).toBe('2026-03-02')
  })

  it('crosses the year at Shanghai midnight, not UTC midnight', () => {
    expect(serviceDayOf(Date.parse('2025-12-31T16:00:00Z'))).toBe('2026-01-01')
  })

  it('rejects an instant that is not a finite number', () => {
    expect(codeOf(() => serviceDayOf(Number.NaN))).toBe('INVALID_INSTANT')
  })

  it('starts the service day at 16:00 UTC of the previous day', () => {
    expect(serviceDayStartMs(d('2026-03-02'))).toBe(Date.parse('2026-03-01T16:00:00Z'))
  })
})

describe('date arithmetic', () => {
  it('adds days across month, leap-day and year ends', () => {
    expect(addDays(d('2026-01-31'), 1)).toBe('2026-02-01')
    expect(addDays(d('2024-02-28'), 1)).toBe('2024-02-29')
    expect(addDays(d('2026-02-28'), 1)).toBe('2026-03-01')
    expect(addDays(d('2026-01-01'), -1)).toBe('2025-12-31')
  })

  it('counts signed days between dates', () => {
    expect(daysBetween(d('2026-03-05'), d('2026-03-17'))).toBe(12)
    expect(daysBetween(d('2026-03-17'), d('2026-03-05'))).toBe(-12)
  })

  it('gives ISO weekdays, Monday 1 to Sunday 7', () => {
    expect(weekdayOf(d('2026-03-01'))).toBe(7)
    expect(weekdayOf(d('2026-03-02'))).toBe(1)
    expect(weekdayOf(d('2026-02-14'))).toBe(6)
    expect(weekdayOf(d('1970-01-01'))).toBe(4)
  })

  it('compares and sorts dates chronologically', () => {
    const dates = [d('2026-10-01'), d('2025-12-31'), d('2026-02-14')]
    expect(dates.sort(compareDates)).toEqual(['2025-12-31', '2026-02-14', '2026-10-01'])
    expect(compareDates(d('2026-02-14'), d('2026-02-14'))).toBe(0)
  })
})

import { describe, expect, it } from 'vitest'
import type { TripBookingState } from './model.js'
import { bookingWords, dateWords, dayWords } from './views/ahead.js'

const T0 = Date.UTC(2026, 11, 7, 4, 0) // 12:00 China time, Monday 7 December 2026
const state = (over: Partial<TripBookingState> = {}): TripBookingState => ({
  tripInstanceId: 'R1-D_20261207',
  policy: 'required',
  cutoffTs: T0 + 90 * 60_000,
  minRiders: 3,
  riders: 2,
  seatsFree: 17,
  asOf: T0,
  onDemand: 'pending',
  status: 'scheduled',
  cancelReason: null,
  ...over,
})

describe('booking state in words', () => {
  it('explains an on-demand trip before its cutoff, in both languages', () => {
    expect(bookingWords(state(), 'zh', T0)).toEqual({ text: '需预约 · 满3人发车 · 已约2人 · 13:30截止', tone: 'warn' })
    expect(bookingWords(state({ riders: 1 }), 'en', T0)?.text).toBe(
      'Book to ride · runs with 3 riders · 1 booked · book by 13:30',
    )
    // A cutoff on another day names the day.
    expect(bookingWords(state({ cutoffTs: T0 + 24 * 3_600_000 }), 'zh', T0)?.text).toBe(
      '需预约 · 满3人发车 · 已约2人 · 12月8日 周二 12:00截止',
    )
  })
  it('says whether it runs after the cutoff', () => {
    expect(bookingWords(state(), 'zh', T0 + 90 * 60_000)?.text).toBe('已截止，已约2人，正在确认是否发车')
    expect(bookingWords(state({ onDemand: 'confirmed', riders: 4 }), 'zh', T0 + 2 * 3_600_000)).toEqual({
      text: '人数已够，确定发车 · 已约4人',
      tone: 'ok',
    })
    expect(bookingWords(state({ onDemand: 'cancelled' }), 'zh', T0 + 2 * 3_600_000)).toEqual({
      text: '人数不足，不开行',
      tone: 'bad',
    })
  })
  it('tells seats of an optional trip while it can be booked, nothing after', () => {
    const optional = state({ policy: 'optional', onDemand: null })
    expect(bookingWords(optional, 'zh', T0)?.text).toBe('可预约 · 余17座 · 13:30截止')
    expect(bookingWords(optional, 'zh', T0 + 90 * 60_000)).toBeNull()
    expect(bookingWords(undefined, 'zh', T0)).toBeNull()
  })
})

describe('days in words', () => {
  it('names later today, tomorrow and other days in China time', () => {
    expect(dayWords('2026-12-07', T0, 'zh')).toBe('今天晚些')
    expect(dayWords('2026-12-08', T0, 'zh')).toBe('明天 · 12月8日 周二')
    expect(dayWords('2026-12-09', T0, 'en')).toBe('Wed 9 Dec')
    expect(dateWords('2026-12-09', 'zh')).toBe('12月9日 周三')
    // 23:30 China time is still the 7th; 00:30 is the 8th.
    expect(dayWords('2026-12-08', Date.UTC(2026, 11, 7, 15, 30), 'zh')).toBe('明天 · 12月8日 周二')
    expect(dayWords('2026-12-08', Date.UTC(2026, 11, 7, 16, 30), 'zh')).toBe('今天晚些')
  })
})

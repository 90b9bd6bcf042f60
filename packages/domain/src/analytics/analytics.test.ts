import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import { reportRange } from './range.js'
import { kilometresRow, onTimeRow, ridershipRow, turnaroundRow } from './shape.js'

describe('reportRange', () => {
  it('bounds the range by Shanghai midnights and lists its days', () => {
    const r = reportRange('2026-02-27', '2026-03-01')
    expect(r.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01'])
    expect(r.startMs).toBe(Date.parse('2026-02-27T00:00:00+08:00'))
    expect(r.endMs).toBe(Date.parse('2026-03-02T00:00:00+08:00'))
    expect(reportRange('2026-03-02', '2026-03-02').days).toEqual(['2026-03-02'])
  })
  it('92 days at most; to not before from; real dates only', () => {
    expect(reportRange('2026-01-01', '2026-04-02').days).toHaveLength(92)
    const bad = (f: string, t: string): string | undefined => {
      try {
        reportRange(f, t)
        return undefined
      } catch (e) {
        return e instanceof AppError ? e.code : 'other'
      }
    }
    expect(bad('2026-01-01', '2026-04-03')).toBe('BAD_TIME_RANGE')
    expect(bad('2026-03-02', '2026-03-01')).toBe('BAD_TIME_RANGE')
    expect(bad('2026-02-30', '2026-03-01')).toBe('BAD_TIME_RANGE')
    expect(bad('2026-03-01', 'tomorrow')).toBe('BAD_TIME_RANGE')
  })
})

describe('row shaping', () => {
  it('on-time share and mean delay; none with no departures', () => {
    const base = {
      day: '2026-03-02',
      routeId: 'R1',
      routeName: 'r',
      early: 0,
      late: 1,
      tripsStarted: 1,
      tripsCompleted: 1,
    }
    expect(onTimeRow({ ...base, departures: 3, onTime: 2, delaySumS: 100 })).toMatchObject({
      onTimeShare: 0.6667,
      meanDelayS: 33.3,
    })
    expect(onTimeRow({ ...base, departures: 0, onTime: 0, delaySumS: 0 })).toMatchObject({
      onTimeShare: null,
      meanDelayS: null,
    })
  })
  it('no-show rate of the decided seats', () => {
    const base = { day: 'd', kind: 'market', bookings: 1, seatsBooked: 4, seatsCancelled: 0, seatsOpen: 0 }
    expect(ridershipRow({ ...base, seatsBoarded: 3, seatsNoShow: 1 }).noShowRate).toBe(0.25)
    expect(ridershipRow({ ...base, seatsBoarded: 0, seatsNoShow: 0 }).noShowRate).toBeNull()
  })
  it('kilometres and hours', () => {
    expect(kilometresRow({ day: 'd', vehicleId: 'V', plate: null, metres: 1234.5678, points: 2 }).km).toBe(1.235)
    expect(
      turnaroundRow({ kind: 'sign', category: 'faded', fixed: 1, medianS: 5400, meanS: 3600 * (86 / 3), maxS: 60 })
        .medianHours,
    ).toBe(1.5)
    expect(
      turnaroundRow({ kind: 'sign', category: 'faded', fixed: 1, medianS: 5400, meanS: 3600 * (86 / 3), maxS: 60 })
        .meanHours,
    ).toBe(28.67)
  })
})

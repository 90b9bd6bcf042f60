import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import { csvField, toCsv } from './csv.js'
import { reportRange } from './range.js'
import { kilometresRow, onTimeRow, ridershipRow, turnaroundRow } from './shape.js'

describe('csv', () => {
  it('quotes commas, quotes, line breaks and edge spaces; doubles quotes', () => {
    expect(csvField('赶场1路')).toBe('赶场1路')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField(' pad')).toBe('" pad"')
    expect(csvField(null)).toBe('')
    expect(csvField(-1.5)).toBe('-1.5')
    expect(csvField(Number.NaN)).toBe('')
    expect(csvField(true)).toBe('true')
  })
  it('defuses formulas in text fields', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)")
    expect(csvField('-3')).toBe("'-3")
    expect(csvField('@x')).toBe("'@x")
  })
  it('a file: BOM, header, CRLF after every line', () => {
    const cols = [
      { header: 'name', value: (r: { n: string; v: number | null }) => r.n },
      { header: 'value', value: (r: { n: string; v: number | null }) => r.v },
    ]
    expect(toCsv(cols, [{ n: '石坝, 村', v: 1 }, { n: 'x', v: null }])).toBe('\uFEFFname,value\r\n"石坝, 村",1\r\nx,\r\n')
    expect(toCsv(cols, [])).toBe('\uFEFFname,value\r\n')
  })
})

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
    const base = { day: '2026-03-02', routeId: 'R1', routeName: 'r', early: 0, late: 1, tripsStarted: 1, tripsCompleted: 1 }
    expect(onTimeRow({ ...base, departures: 3, onTime: 2, delaySumS: 100 })).toMatchObject({ onTimeShare: 0.6667, meanDelayS: 33.3 })
    expect(onTimeRow({ ...base, departures: 0, onTime: 0, delaySumS: 0 })).toMatchObject({ onTimeShare: null, meanDelayS: null })
  })
  it('no-show rate of the decided seats', () => {
    const base = { day: 'd', kind: 'market', bookings: 1, seatsBooked: 4, seatsCancelled: 0, seatsOpen: 0 }
    expect(ridershipRow({ ...base, seatsBoarded: 3, seatsNoShow: 1 }).noShowRate).toBe(0.25)
    expect(ridershipRow({ ...base, seatsBoarded: 0, seatsNoShow: 0 }).noShowRate).toBeNull()
  })
  it('kilometres and hours', () => {
    expect(kilometresRow({ day: 'd', vehicleId: 'V', plate: null, metres: 1234.5678, points: 2 }).km).toBe(1.235)
    expect(turnaroundRow({ kind: 'sign', category: 'faded', fixed: 1, medianS: 5400, meanS: 3600 * (86 / 3), maxS: 60 }).medianHours).toBe(1.5)
    expect(turnaroundRow({ kind: 'sign', category: 'faded', fixed: 1, medianS: 5400, meanS: 3600 * (86 / 3), maxS: 60 }).meanHours).toBe(28.67)
  })
})

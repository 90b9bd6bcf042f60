import { describe, expect, it } from 'vitest'
import type { StopHourRow } from '@rb/domain'
import { cellKey, heatGrid, heatStep } from './heat-map.js'

const r = (stopCode: string, hour: number, onTimeShare = 1, meanDelayS = 0): StopHourRow => ({
  stopCode,
  stopName: `站${stopCode}`,
  hour,
  departures: 4,
  onTime: Math.round(onTimeShare * 4),
  onTimeShare,
  meanDelayS,
})

describe('heat map of departures by stop and hour', () => {
  it('lays stops down in route order (others after, by code) and only the hours that ran across', () => {
    const g = heatGrid(
      [r('XY-0003', 9), r('XY-0001', 7), r('XY-0009', 7), r('XY-0002', 18)],
      ['XY-0001', 'XY-0002', 'XY-0003'],
    )
    expect(g.stops.map((s) => s.code)).toEqual(['XY-0001', 'XY-0002', 'XY-0003', 'XY-0009'])
    expect(g.hours).toEqual([7, 9, 18])
    expect(g.cells.get(cellKey('XY-0003', 9))?.stopName).toBe('站XY-0003')
    expect(g.cells.has(cellKey('XY-0003', 7))).toBe(false)
  })

  it('steps the colour by on-time share and by the size of the delay, early or late', () => {
    expect([1, 0.9, 0.75, 0.6, 0.2].map((s) => heatStep('onTime', { onTimeShare: s, meanDelayS: 0 }))).toEqual([
      0, 1, 2, 3, 4,
    ])
    expect([30, 120, 240, 420, 900].map((d) => heatStep('delay', { onTimeShare: 1, meanDelayS: d }))).toEqual([
      0, 1, 2, 3, 4,
    ])
    expect(heatStep('delay', { onTimeShare: 1, meanDelayS: -420 })).toBe(3)
  })
})

import { describe, expect, it } from 'vitest'
import { stripModel, type StripRow } from './strip.js'
import { makeArrival, makeStops, T0 } from './test-factories.js'

/** A row as a short string: `…3` folded stops, `|` road, `|🚌` the bus on the road, `[XY-0005]` this stop, `x` passed. */
function draw(rows: StripRow[] | undefined): string[] {
  return (rows ?? []).map((r) => {
    if (r.kind === 'more') return `…${r.n}${r.bus ? '🚌' : ''}`
    if (r.kind === 'gap') return r.bus ? '|🚌' : '|'
    const name = r.here ? `[${r.stop.code}]` : r.stop.code
    return `${r.passed ? 'x' : ''}${name}${r.bus ? '🚌' : ''}`
  })
}

const stops = makeStops(8)
const here = stops[5]! // XY-0006, the 6th stop
const tracked = (stopsAway: number) =>
  makeArrival({ status: 'on_the_way', vehicleId: 'XY-V001', stopsAway, etaTs: T0, scheduledTs: here.scheduledTs })

describe('route strip', () => {
  it('puts the bus on the road before its next stop, stops it passed marked, four stops before this one', () => {
    const m = stripModel(stops, here.code, tracked(2))
    expect(draw(m?.rows)).toEqual([
      '…1',
      '|',
      'xXY-0002',
      '|',
      'xXY-0003',
      '|🚌',
      'XY-0004',
      '|',
      'XY-0005',
      '|',
      '[XY-0006]',
      '|',
      'XY-0007',
    ])
    expect(m?.busShown).toBe(true)
  })

  it('puts the bus just before this stop when it is next', () => {
    expect(draw(stripModel(stops, here.code, tracked(0))?.rows).slice(-5)).toEqual([
      'xXY-0005',
      '|🚌',
      '[XY-0006]',
      '|',
      'XY-0007',
    ])
  })

  it('puts the bus on this stop when it is at the stop', () => {
    const rows = draw(
      stripModel(
        stops,
        here.code,
        makeArrival({ status: 'at_stop', vehicleId: 'V', stopsAway: 0, etaTs: T0, scheduledTs: here.scheduledTs }),
      )?.rows,
    )
    expect(rows).toContain('[XY-0006]🚌')
    expect(rows).not.toContain('|🚌')
    expect(rows.filter((r) => r.startsWith('x'))).toEqual(['xXY-0002', 'xXY-0003', 'xXY-0004', 'xXY-0005'])
  })

  it('folds a bus further back than the window into the first row', () => {
    const rows = draw(stripModel(stops, here.code, tracked(5))?.rows)
    expect(rows[0]).toBe('…1🚌')
    expect(rows.some((r) => r.startsWith('x'))).toBe(false)
  })

  it('draws a bus still on its way to the first stop before it', () => {
    const first = stops[1]!
    const rows = draw(
      stripModel(
        stops,
        first.code,
        makeArrival({ status: 'scheduled', vehicleId: 'V', stopsAway: 1, etaTs: T0, scheduledTs: first.scheduledTs }),
      )?.rows,
    )
    expect(rows).toEqual(['|🚌', 'XY-0001', '|', '[XY-0002]', '|', 'XY-0003'])
  })

  it('draws no bus before the trip is tracked, or when it is cancelled', () => {
    for (const a of [
      makeArrival({ scheduledTs: here.scheduledTs }),
      makeArrival({ status: 'late', scheduledTs: here.scheduledTs }),
      makeArrival({ status: 'cancelled', vehicleId: 'V', stopsAway: 1, scheduledTs: here.scheduledTs }),
    ]) {
      const m = stripModel(stops, here.code, a)
      expect(m?.busShown).toBe(false)
      expect(draw(m?.rows).join('')).not.toContain('🚌')
    }
  })

  it('on a route that passes the stop twice, takes the visit with the departure’s time', () => {
    const loop = makeStops(6, ['XY-0001', 'XY-0002', 'XY-0003', 'XY-0002', 'XY-0005', 'XY-0006'])
    const second = loop[3]!
    const rows = draw(
      stripModel(
        loop,
        'XY-0002',
        makeArrival({ status: 'on_the_way', vehicleId: 'V', stopsAway: 0, etaTs: T0, scheduledTs: second.scheduledTs }),
      )?.rows,
    )
    expect(rows).toEqual(['xXY-0001', '|', 'xXY-0002', '|', 'xXY-0003', '|🚌', '[XY-0002]', '|', 'XY-0005'])
  })

  it('has nothing to draw when the stop is not on the trip', () => {
    expect(stripModel(stops, 'XY-9999', tracked(1))).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import {
  distanceM,
  lineLengthM,
  locateStops,
  projectOnLine,
  cumulativeDistancesM,
  type LngLat,
} from './route-geometry.js'

// ~1 km per 0.00905° of latitude; a line going north then back south on a parallel road 20 m east.
const north: LngLat[] = [
  [105.44, 28.16],
  [105.44, 28.17],
]
const outAndBack: LngLat[] = [
  [105.44, 28.16],
  [105.44, 28.17],
  [105.4402, 28.17],
  [105.4402, 28.16],
]

describe('route geometry', () => {
  it('measures distances and line lengths in metres', () => {
    expect(distanceM([105.44, 28.16], [105.44, 28.17])).toBeCloseTo(1112, -1)
    expect(lineLengthM(north)).toBeCloseTo(1112, -1)
    expect(cumulativeDistancesM(outAndBack).at(-1)).toBeCloseTo(lineLengthM(outAndBack), 0)
  })

  it('projects a point with its offset from the line', () => {
    const cum = cumulativeDistancesM(north)
    const p = projectOnLine(north, cum, [105.4401, 28.165])
    expect(p?.alongM).toBeCloseTo(556, -1)
    expect(p?.offsetM).toBeCloseTo(9.8, 0)
  })

  it('locates stops in order along a route that comes back on a parallel road', () => {
    // The third stop is next to the first one, on the way back: it must land near the end, not the start.
    const r = locateStops(
      outAndBack,
      [
        { code: 'XY-0001', point: [105.44, 28.1601] },
        { code: 'XY-0002', point: [105.4401, 28.17] },
        { code: 'XY-0003', point: [105.4402, 28.1601] },
      ],
      15,
    )
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.distancesM[0]).toBeLessThan(20)
      expect(r.distancesM[2]).toBeGreaterThan(2200)
      expect(r.distancesM).toEqual([...r.distancesM].sort((a, b) => a - b))
    }
  })

  it('names the stop that is too far from the line', () => {
    const r = locateStops(
      north,
      [
        { code: 'XY-0001', point: [105.44, 28.16] },
        { code: 'XY-0002', point: [105.45, 28.165] },
      ],
      30,
    )
    expect(r).toMatchObject({ ok: false, code: 'XY-0002' })
    if (!r.ok) expect(r.message).toMatch(/stop XY-0002 is \d+ m from the route line; the tolerance is 30 m/)
  })

  it('says when stops are out of order', () => {
    const r = locateStops(
      north,
      [
        { code: 'XY-0002', point: [105.44, 28.169] },
        { code: 'XY-0001', point: [105.44, 28.161] },
      ],
      30,
    )
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).toContain('is the stop order right?')
  })
})

import { describe, expect, it } from 'vitest'
import { lineLengthM, locateStops } from '@rb/geo'
import { tripPattern } from '../network/timetable.js'
import type { Route } from '../network/types.js'
import { tripGeometry } from './geometry.js'
import { lRoute, pointAtM } from './test-factories.js'

describe('tripGeometry', () => {
  const geometry = lRoute()
  const route: Pick<Route, 'geometry' | 'stops' | 'lengthM'> = {
    geometry,
    lengthM: lineLengthM(geometry),
    stops: [0, 1000, 4500].map((distM, i) => ({ seq: i + 1, stopCode: `XY-000${i + 1}`, distM })),
  }

  it('keeps direction 0 as drawn', () => {
    const g = tripGeometry(route, 0)
    expect(g.coords).toEqual(geometry)
    expect(g.cumM[0]).toBe(0)
    expect(g.lengthM).toBeCloseTo(6000, 0)
  })

  it('reverses direction 1 so distances agree with tripPattern', () => {
    const g = tripGeometry(route, 1)
    expect(g.coords).toEqual([...geometry].reverse())
    const pattern = tripPattern(route, 1)
    const located = locateStops(
      g.coords,
      pattern.map((s) => ({
        code: s.stopCode,
        point: pointAtM(geometry, route.stops.find((r) => r.stopCode === s.stopCode)?.distM ?? 0),
      })),
      5,
    )
    expect(located.ok).toBe(true)
    if (!located.ok) return
    located.distancesM.forEach((d, i) => expect(Math.abs(d - (pattern[i]?.distM ?? 0))).toBeLessThan(5))
  })
})

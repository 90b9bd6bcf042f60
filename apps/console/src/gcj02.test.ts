import { describe, expect, it } from 'vitest'
import { displayInverse, displayProjection, gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02.js'

/** Distance in metres between two nearby points (equirectangular; fine at these offsets). */
const metres = ([a, b]: [number, number], [c, d]: [number, number]): number => {
  const k = (Math.PI / 180) * 6_371_000
  return Math.hypot((c - a) * k * Math.cos((b * Math.PI) / 180), (d - b) * k)
}

describe('wgs84ToGcj02', () => {
  it('matches the published reference value for central Beijing', () => {
    // The widely used coordtransform library's own example: wgs84togcj02(116.404, 39.915).
    const [lng, lat] = wgs84ToGcj02([116.404, 39.915])
    expect(lng).toBeCloseTo(116.41024449916938, 9)
    expect(lat).toBeCloseTo(39.91640428150164, 9)
  })

  it('shifts a point in the demo county (Xuyong, Sichuan) by a few hundred metres', () => {
    const p: [number, number] = [105.44, 28.16]
    const d = metres(p, wgs84ToGcj02(p))
    expect(d).toBeGreaterThan(100)
    expect(d).toBeLessThan(700)
  })

  it('leaves points outside China unchanged, including (0,0) and the edges of the box', () => {
    for (const p of [
      [0, 0],
      [2.35, 48.85],
      [-74, 40.7],
      [72.0, 30],
      [138, 35],
      [110, 0.5],
      [110, 56],
    ] as [number, number][]) {
      expect(outOfChina(p)).toBe(true)
      expect(wgs84ToGcj02(p)).toEqual(p)
    }
  })

  it('is a pure function: the same input gives the same output and the input is not changed', () => {
    const p: [number, number] = [105.44, 28.16]
    const a = wgs84ToGcj02(p)
    expect(wgs84ToGcj02(p)).toEqual(a)
    expect(p).toEqual([105.44, 28.16])
  })
})

describe('displayProjection', () => {
  it('is the identity unless the basemap is GCJ-02', () => {
    const p: [number, number] = [105.44, 28.16]
    expect(displayProjection(false)(p)).toBe(p)
    expect(displayProjection(true)(p)).not.toEqual(p)
  })
})

describe('gcj02ToWgs84', () => {
  it('undoes the forward transform to well under a metre in the demo county', () => {
    for (const p of [
      [105.44, 28.16],
      [105.2, 27.9],
      [116.404, 39.915],
    ] as [number, number][]) {
      expect(metres(p, gcj02ToWgs84(wgs84ToGcj02(p)))).toBeLessThan(0.01)
    }
    expect(gcj02ToWgs84([2.35, 48.85])).toEqual([2.35, 48.85])
    expect(displayInverse(false)([105.44, 28.16])).toEqual([105.44, 28.16])
  })
})

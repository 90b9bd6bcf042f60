import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeTrack, encodeTrack } from './track.js'
import type { TrackPoint } from './position.js'

describe('compact track form', () => {
  it('encodes positions as integer deltas and decodes them back', () => {
    const points: TrackPoint[] = [
      [1_765_000_000_000, 105.443123, 28.161234, 31.5, 87],
      [1_765_000_001_000, 105.443223, 28.161204, 32, 88],
      [1_765_000_002_500, 105.443203, 28.161304, 0, 359],
    ]
    const c = encodeTrack(points)
    expect(c).toEqual({
      t: [1_765_000_000_000, 1000, 1500],
      lng: [105443123, 100, -20],
      lat: [28161234, -30, 100],
      speed: [315, 320, 0],
      heading: [87, 88, 359],
    })
    expect(decodeTrack(c)).toEqual(points)
  })

  it('round-trips any track within the scale (0.1 m, 0.1 km/h, 1°)', () => {
    const point = fc.tuple(
      fc.integer({ min: 0, max: 86_400_000 }),
      fc.double({ min: -180, max: 180, noNaN: true }),
      fc.double({ min: -90, max: 90, noNaN: true }),
      fc.double({ min: 0, max: 200, noNaN: true }),
      fc.double({ min: 0, max: 359.4, noNaN: true }),
    )
    fc.assert(
      fc.property(fc.array(point, { maxLength: 50 }), (raw) => {
        const points = raw
          .map(([t, lng, lat, s, h]): TrackPoint => [1_765_000_000_000 + t, lng, lat, s, h])
          .sort((a, b) => a[0] - b[0])
        const back = decodeTrack(encodeTrack(points))
        back.forEach((p, i) => {
          const q = points[i] as TrackPoint
          expect(p[0]).toBe(q[0])
          expect(Math.abs(p[1] - q[1])).toBeLessThanOrEqual(5e-7 + 1e-9)
          expect(Math.abs(p[2] - q[2])).toBeLessThanOrEqual(5e-7 + 1e-9)
          expect(Math.abs(p[3] - q[3])).toBeLessThanOrEqual(0.05 + 1e-9)
          expect(Math.abs(p[4] - q[4])).toBeLessThanOrEqual(0.5)
        })
      }),
    )
  })

  it('refuses columns of different lengths', () => {
    expect(() => decodeTrack({ t: [1, 2], lng: [1], lat: [1, 2], speed: [1, 2], heading: [1, 2] })).toThrow(
      'differ in length',
    )
  })
})

import { describe, expect, it } from 'vitest'
import { downsampleTrack } from './downsample.js'

type P = [number, number, number]
const line = (n: number): P[] => Array.from({ length: n }, (_, i) => [i * 1000, 105 + i * 1e-4, 28] as P)

describe('downsampleTrack', () => {
  it('returns the track unchanged when it is already small enough', () => {
    const pts = line(10)
    expect(downsampleTrack(pts, 10)).toEqual(pts)
    expect(downsampleTrack(pts, 50)).toEqual(pts)
  })

  it('keeps the first and last point and exactly maxPoints in time order', () => {
    const pts = line(86_400)
    const out = downsampleTrack(pts, 1000)
    expect(out).toHaveLength(1000)
    expect(out[0]).toBe(pts[0])
    expect(out.at(-1)).toBe(pts.at(-1))
    for (let i = 1; i < out.length; i++) expect((out[i] as P)[0]).toBeGreaterThan((out[i - 1] as P)[0])
  })

  it('keeps the tip of a detour that a uniform stride would miss', () => {
    const pts = line(1000)
    // One point 500 m off the road, in the middle of a bucket.
    pts[503] = [503_000, 105 + 503e-4, 28.005]
    const out = downsampleTrack(pts, 50)
    expect(out.some((p) => p[2] === 28.005)).toBe(true)
  })
})

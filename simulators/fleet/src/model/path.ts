/**
 * A route's line in a trip's direction of travel: points and headings by distance along it, and
 * how winding it is (the simulator's stand-in for mountain slopes and switchbacks).
 */
import { cumulativeDistancesM, distanceM } from '@rb/geo'
import type { LngLat } from './types.js'

const RAD = Math.PI / 180
const M_PER_DEG_LAT = 111_320

/** Moves `p` by metres east and north (small distances, local flat frame). */
export function offsetPoint(p: LngLat, eastM: number, northM: number): LngLat {
  return [p[0] + eastM / (M_PER_DEG_LAT * Math.cos(p[1] * RAD)), p[1] + northM / M_PER_DEG_LAT]
}

/** Initial bearing a → b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LngLat, b: LngLat): number {
  const dx = (b[0] - a[0]) * Math.cos(((a[1] + b[1]) / 2) * RAD)
  const dy = b[1] - a[1]
  if (dx === 0 && dy === 0) return 0
  const deg = Math.atan2(dx, dy) / RAD
  return deg < 0 ? deg + 360 : deg
}

export class Path {
  readonly coords: readonly LngLat[]
  readonly cumM: readonly number[]
  readonly lengthM: number

  constructor(geometry: readonly LngLat[], reversed: boolean) {
    if (geometry.length < 2) throw new RangeError('a route geometry needs at least two points')
    this.coords = reversed ? [...geometry].reverse() : geometry
    this.cumM = cumulativeDistancesM(this.coords)
    this.lengthM = this.cumM.at(-1) ?? 0
  }

  #segmentAt(d: number): number {
    let lo = 0
    let hi = this.cumM.length - 2
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((this.cumM[mid] as number) <= d) lo = mid
      else hi = mid - 1
    }
    return lo
  }

  pointAt(distM: number): LngLat {
    const d = Math.min(Math.max(distM, 0), this.lengthM)
    const i = this.#segmentAt(d)
    const a = this.coords[i] as LngLat
    const b = this.coords[i + 1] as LngLat
    const s = this.cumM[i] as number
    const len = (this.cumM[i + 1] as number) - s
    const f = len === 0 ? 0 : (d - s) / len
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
  }

  /** Direction of travel at `distM`, over ±`spanM` so a tiny kink does not swing it. */
  headingAt(distM: number, spanM = 10): number {
    const a = this.pointAt(Math.max(0, distM - spanM))
    const b = this.pointAt(Math.min(this.lengthM, distM + spanM))
    return bearingDeg(a, b)
  }

  /** Point `lateralM` to the right of the line (negative: left) at `distM`. */
  offsetAt(distM: number, lateralM: number): LngLat {
    const p = this.pointAt(distM)
    if (lateralM === 0) return p
    const h = (this.headingAt(distM, 25) + 90) * RAD
    return offsetPoint(p, lateralM * Math.sin(h), lateralM * Math.cos(h))
  }

  /**
   * How winding the road is around `distM`: total turning over ±`windowM`, degrees per metre.
   * A straight valley road is near 0; hairpins over a ridge reach 1 and more.
   */
  windingAt(distM: number, windowM = 100, stepM = 20): number {
    const from = Math.max(0, distM - windowM)
    const to = Math.min(this.lengthM, distM + windowM)
    if (to - from < 2 * stepM) return 0
    let turn = 0
    let prev = bearingDeg(this.pointAt(from), this.pointAt(from + stepM))
    for (let d = from + stepM; d + stepM <= to; d += stepM) {
      const h = bearingDeg(this.pointAt(d), this.pointAt(d + stepM))
      const delta = Math.abs(((h - prev + 540) % 360) - 180)
      turn += delta
      prev = h
    }
    return turn / (to - from)
  }
}

/** Straighter is faster: speed for a winding of `degPerM`, km/h. */
export function naturalSpeedKmh(degPerM: number, minKmh: number, maxKmh: number): number {
  return minKmh + (maxKmh - minKmh) * Math.exp(-degPerM / 0.25)
}

export { distanceM }

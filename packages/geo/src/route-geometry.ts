/**
 * Route geometry: lengths and where stops lie along a route. Pure; coordinates are [lng, lat].
 * Distances use a local equirectangular projection per segment (error < 0.1 % over the few
 * hundred metres of a segment) and turf for whole-line lengths.
 */
import { length as turfLength, lineString } from '@turf/turf'

export type LngLat = [number, number]

const EARTH_RADIUS_M = 6_371_008.8
const RAD = Math.PI / 180

/** Great-circle distance, metres. */
export function distanceM(a: LngLat, b: LngLat): number {
  const dLat = (b[1] - a[1]) * RAD
  const dLng = (b[0] - a[0]) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Length of a LineString, metres. */
export function lineLengthM(coords: readonly LngLat[]): number {
  if (coords.length < 2) return 0
  return turfLength(lineString(coords as LngLat[]), { units: 'kilometers' }) * 1000
}

/** Cumulative distance at each vertex, metres (first is 0). */
export function cumulativeDistancesM(coords: readonly LngLat[]): number[] {
  const out = [0]
  for (let i = 1; i < coords.length; i++)
    out.push((out[i - 1] as number) + distanceM(coords[i - 1] as LngLat, coords[i] as LngLat))
  return out
}

export interface Projection {
  /** Distance along the line of the nearest point, metres. */
  alongM: number
  /** Distance from the point to the line, metres. */
  offsetM: number
  /** Index of the segment (vertex i to i+1). */
  segment: number
  /** The nearest point on the line. */
  point: LngLat
}

/** Nearest point of segment a→b to p, in a local metric frame around p. */
function projectOnSegment(p: LngLat, a: LngLat, b: LngLat): { t: number; offsetM: number } {
  const kx = Math.cos(p[1] * RAD) * RAD * EARTH_RADIUS_M
  const ky = RAD * EARTH_RADIUS_M
  const ax = (a[0] - p[0]) * kx
  const ay = (a[1] - p[1]) * ky
  const bx = (b[0] - p[0]) * kx
  const by = (b[1] - p[1]) * ky
  const dx = bx - ax
  const dy = by - ay
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2))
  return { t, offsetM: Math.hypot(ax + t * dx, ay + t * dy) }
}

/**
 * Projects a point onto the line, considering only the part between `fromM` and `toM` along it
 * (a search window: a route that doubles back or uses a road twice then cannot jump).
 */
export function projectOnLine(
  coords: readonly LngLat[],
  cumM: readonly number[],
  p: LngLat,
  fromM = 0,
  toM = Infinity,
): Projection | null {
  let best: Projection | null = null
  for (let i = 0; i + 1 < coords.length; i++) {
    const startM = cumM[i] as number
    const endM = cumM[i + 1] as number
    if (endM < fromM || startM > toM) continue
    const a = coords[i] as LngLat
    const b = coords[i + 1] as LngLat
    const { t, offsetM: perpM } = projectOnSegment(p, a, b)
    let alongM = startM + t * (endM - startM)
    let offsetM = perpM
    const clamped = alongM < fromM || alongM > toM
    // The nearest point lies outside the window: take the window's edge on this segment instead.
    if (clamped) alongM = Math.min(Math.max(alongM, fromM), toM)
    const f = endM === startM ? 0 : (alongM - startM) / (endM - startM)
    const point: LngLat = [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
    if (clamped) offsetM = distanceM(p, point)
    if (!best || offsetM < best.offsetM - 1e-9) best = { alongM, offsetM, segment: i, point }
  }
  return best
}

/**
 * The nearest point of every segment lying within `maxOffsetM` of p, in order along the line: a
 * road used twice (out and back) gives one candidate per pass, for the caller to choose by heading.
 */
export function nearbyProjections(
  coords: readonly LngLat[],
  cumM: readonly number[],
  p: LngLat,
  maxOffsetM: number,
): Projection[] {
  const out: Projection[] = []
  for (let i = 0; i + 1 < coords.length; i++) {
    const a = coords[i] as LngLat
    const b = coords[i + 1] as LngLat
    const { t, offsetM } = projectOnSegment(p, a, b)
    if (offsetM > maxOffsetM) continue
    const startM = cumM[i] as number
    const endM = cumM[i + 1] as number
    out.push({
      alongM: startM + t * (endM - startM),
      offsetM,
      segment: i,
      point: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])],
    })
  }
  return out
}

export interface StopOnRoute {
  code: string
  point: LngLat
}

export type LocateResult =
  { ok: true; distancesM: number[]; lengthM: number } | { ok: false; code: string; offsetM: number; message: string }

/**
 * Distance along the route of each stop, in the order given: each stop is searched forward from
 * the previous one, so the order of stops is the order of travel. A stop farther than
 * `toleranceM` from the line is an error naming it.
 */
export function locateStops(
  coords: readonly LngLat[],
  stops: readonly StopOnRoute[],
  toleranceM: number,
): LocateResult {
  if (coords.length < 2)
    return { ok: false, code: '', offsetM: 0, message: 'the route geometry needs at least two points' }
  const cum = cumulativeDistancesM(coords)
  const distancesM: number[] = []
  let fromM = 0
  for (const s of stops) {
    const proj = projectOnLine(coords, cum, s.point, fromM)
    if (!proj || proj.offsetM > toleranceM) {
      const anywhere = projectOnLine(coords, cum, s.point)
      const offsetM = Math.round(proj?.offsetM ?? Infinity)
      const hint =
        anywhere && anywhere.offsetM <= toleranceM ? ' after the previous stop (is the stop order right?)' : ''
      return {
        ok: false,
        code: s.code,
        offsetM,
        message: `stop ${s.code} is ${offsetM} m from the route line${hint}; the tolerance is ${toleranceM} m`,
      }
    }
    distancesM.push(Math.round(proj.alongM * 10) / 10)
    fromM = proj.alongM
  }
  return { ok: true, distancesM, lengthM: Math.round((cum.at(-1) ?? 0) * 10) / 10 }
}

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LngLat, b: LngLat): number {
  const φ1 = a[1] * RAD
  const φ2 = b[1] * RAD
  const Δλ = (b[0] - a[0]) * RAD
  const y = Math.sin(Δλ) * Math.cos(φ2)
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ)
  return (((Math.atan2(y, x) / RAD) % 360) + 360) % 360
}

/** Smallest angle between two headings, degrees in [0, 180]. */
export function headingDiffDeg(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360)
  return d > 180 ? 360 - d : d
}

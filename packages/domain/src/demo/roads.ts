/**
 * Road shapes for the demo county: a seeded random walk biased towards the destination, with
 * switchbacks (盘山公路) on climbs, smoothed with one Chaikin pass. Worked out in a local metric
 * frame around the county seat, returned as WGS-84 `[lng, lat]` rounded to 6 decimals (~0.1 m).
 */
import type { LngLat } from '../network/types.js'
import type { Rng } from './rng.js'
import { SEAT } from './townships.js'

/** Metres east and north of the county seat. */
export type Xy = [x: number, y: number]

// The same sphere as @rb/geo, so distances agree.
const M_PER_DEG_LAT = (6_371_008.8 * Math.PI) / 180
const M_PER_DEG_LNG = M_PER_DEG_LAT * Math.cos((SEAT[1] * Math.PI) / 180)

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6

export const toXy = ([lng, lat]: LngLat): Xy => [(lng - SEAT[0]) * M_PER_DEG_LNG, (lat - SEAT[1]) * M_PER_DEG_LAT]
export const toLngLat = ([x, y]: Xy): LngLat => [
  round6(SEAT[0] + x / M_PER_DEG_LNG),
  round6(SEAT[1] + y / M_PER_DEG_LAT),
]

const dist = (a: Xy, b: Xy): number => Math.hypot(b[0] - a[0], b[1] - a[1])
const bearing = (a: Xy, b: Xy): number => Math.atan2(b[1] - a[1], b[0] - a[0])
/** Angle difference wrapped to (−π, π]. */
const wrap = (a: number): number => Math.atan2(Math.sin(a), Math.cos(a))
const clamp = (v: number, limit: number): number => Math.max(-limit, Math.min(limit, v))

/** urban: town streets; valley: along a river; mountain: over ridges, with switchbacks. */
export type RoadStyle = 'urban' | 'valley' | 'mountain'

interface StyleParams {
  stepM: [number, number]
  /** Per-step noise of the meander, radians. */
  sigma: number
  /** Largest angle between the heading and the straight line to the destination, radians. */
  maxOffset: number
  /** Largest turn between two steps, radians. */
  maxTurn: number
  climbs: [number, number]
}

const STYLES: Record<RoadStyle, StyleParams> = {
  urban: { stepM: [120, 220], sigma: 0.12, maxOffset: 0.45, maxTurn: 0.5, climbs: [0, 0] },
  valley: { stepM: [200, 400], sigma: 0.3, maxOffset: 1.15, maxTurn: 0.55, climbs: [0, 1] },
  mountain: { stepM: [200, 400], sigma: 0.4, maxOffset: 1.3, maxTurn: 0.6, climbs: [1, 2] },
}

export interface RoadShape {
  points: LngLat[]
  /** Per vertex: part of a switchback, where no stop sign should stand (a bend is no place to wait). */
  onClimb: boolean[]
}

class Walker {
  readonly pts: Xy[]
  readonly climb: boolean[]
  pos: Xy
  heading: number
  constructor(start: Xy, heading: number) {
    this.pos = start
    this.heading = heading
    this.pts = [start]
    this.climb = [false]
  }
  step(lengthM: number, onClimb: boolean): void {
    this.pos = [this.pos[0] + lengthM * Math.cos(this.heading), this.pos[1] + lengthM * Math.sin(this.heading)]
    this.pts.push(this.pos)
    this.climb.push(onClimb)
  }
}

/** A zigzag up a slope: legs across the fall line joined by hairpin bends of ~60 m radius. */
function switchbacks(rng: Rng, w: Walker, towards: Xy): void {
  const course = bearing(w.pos, towards)
  w.climb[w.climb.length - 1] = true
  let side = rng.chance(0.5) ? 1 : -1
  const legs = rng.int(3, 7)
  for (let leg = 0; leg < legs; leg++) {
    const legHeading = course + side * rng.range(1.0, 1.25)
    for (let guard = 0; Math.abs(wrap(legHeading - w.heading)) > 0.25 && guard < 12; guard++) {
      w.heading += clamp(wrap(legHeading - w.heading), 0.55)
      w.step(35, true)
    }
    const legM = rng.range(250, 550)
    const steps = Math.ceil(legM / 140)
    for (let k = 0; k < steps; k++) {
      w.heading = legHeading + rng.normal() * 0.05
      w.step(legM / steps, true)
    }
    side = -side
  }
}

/** One Chaikin corner-cutting pass; keeps both ends. A new vertex is on a climb if either parent is. */
function chaikin(pts: readonly Xy[], climb: readonly boolean[]): { pts: Xy[]; climb: boolean[] } {
  const out: Xy[] = [pts[0] as Xy]
  const flags: boolean[] = [climb[0] ?? false]
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i] as Xy
    const b = pts[i + 1] as Xy
    const flag = (climb[i] ?? false) || (climb[i + 1] ?? false)
    out.push(
      [0.75 * a[0] + 0.25 * b[0], 0.75 * a[1] + 0.25 * b[1]],
      [0.25 * a[0] + 0.75 * b[0], 0.25 * a[1] + 0.75 * b[1]],
    )
    flags.push(flag, flag)
  }
  out.push(pts.at(-1) as Xy)
  flags.push(climb.at(-1) ?? false)
  return { pts: out, climb: flags }
}

/** Road length over straight distance that a road of the style must at least reach. */
const MIN_WINDING: Record<RoadStyle, number> = { urban: 1.02, valley: 1.15, mountain: 1.2 }

const pathLengthM = (pts: readonly Xy[]): number => pts.slice(1).reduce((sum, p, i) => sum + dist(pts[i] as Xy, p), 0)

/**
 * A winding road from `from` to `to` (both kept exactly as the first and last vertex). A draw
 * that came out too straight is drawn again (deterministically, from the same stream).
 */
export function windingRoad(rng: Rng, from: LngLat, to: LngLat, style: RoadStyle): RoadShape {
  let best: { pts: Xy[]; climb: boolean[]; winding: number } | null = null
  const straightM = dist(toXy(from), toXy(to))
  for (let attempt = 0; attempt < 8 && (!best || best.winding < MIN_WINDING[style]); attempt++) {
    const walk = walkRoad(rng, toXy(from), toXy(to), STYLES[style], style === 'mountain')
    const winding = pathLengthM(walk.pts) / straightM
    if (!best || winding > best.winding) best = { ...walk, winding }
  }
  const smooth = chaikin(best?.pts ?? [], best?.climb ?? [])
  const points = smooth.pts.map(toLngLat)
  points[0] = [...from]
  points[points.length - 1] = [...to]
  return { points, onClimb: smooth.climb }
}

function walkRoad(rng: Rng, start: Xy, end: Xy, p: StyleParams, mountain: boolean): { pts: Xy[]; climb: boolean[] } {
  const totalM = dist(start, end)
  const climbCount = rng.int(p.climbs[0], p.climbs[1]) + (mountain && totalM > 15_000 ? 1 : 0)
  const climbAt = Array.from({ length: climbCount }, () => rng.range(0.12, 0.75)).sort((a, b) => a - b)

  const w = new Walker(start, bearing(start, end) + rng.range(-0.2, 0.2))
  let offset = 0
  for (let guard = 0; guard < 5_000; guard++) {
    const remM = dist(w.pos, end)
    if (remM < p.stepM[1] * 1.3) break
    const nextClimb = climbAt[0]
    if (nextClimb !== undefined && 1 - remM / totalM >= nextClimb) {
      climbAt.shift()
      if (remM > Math.min(2_500, 0.3 * totalM)) switchbacks(rng, w, end)
      continue
    }
    // An Ornstein–Uhlenbeck meander around the straight line; roads leave and enter a place
    // nearly straight, so that two roads out of one town do not run side by side.
    const spread = Math.min(
      1,
      remM / Math.min(3_000, 0.2 * totalM),
      0.1 + dist(start, w.pos) / Math.min(2_000, 0.15 * totalM),
    )
    offset = clamp(0.93 * offset + p.sigma * rng.normal(), p.maxOffset * spread)
    const turnLimit = p.maxTurn * (remM < 2_000 ? 2 : 1)
    w.heading += clamp(wrap(bearing(w.pos, end) + offset - w.heading), turnLimit)
    w.step(rng.range(p.stepM[0], p.stepM[1]), false)
  }
  w.pts.push(end)
  w.climb.push(false)
  return { pts: w.pts, climb: w.climb }
}

/**
 * The point `alongM` metres along the line (cumulative distances `cumM`), moved `sideM` metres
 * to the right of the direction of travel (negative: left).
 */
export function pointAlong(coords: readonly LngLat[], cumM: readonly number[], alongM: number, sideM = 0): LngLat {
  let i = 0
  while (i + 2 < coords.length && (cumM[i + 1] as number) < alongM) i++
  const a = toXy(coords[i] as LngLat)
  const b = toXy(coords[i + 1] as LngLat)
  const segM = (cumM[i + 1] as number) - (cumM[i] as number)
  const t = segM === 0 ? 0 : Math.max(0, Math.min(1, (alongM - (cumM[i] as number)) / segM))
  const h = bearing(a, b)
  const x = a[0] + t * (b[0] - a[0]) + sideM * Math.sin(h)
  const y = a[1] + t * (b[1] - a[1]) - sideM * Math.cos(h)
  return toLngLat([x, y])
}

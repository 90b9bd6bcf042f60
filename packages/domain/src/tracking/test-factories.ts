/**
 * Test factories for the tracker: a synthetic trip on a simple route and the fixes of a bus driven
 * along it at a given speed with given dwells. Deterministic (seeded jitter).
 */
import type { Position } from '@rb/protocol'
import { bearingDeg, cumulativeDistancesM } from '@rb/geo'
import type { InstanceStop, TripInstance } from '../network/timetable.js'
import type { LngLat } from '../network/types.js'

/** 06:30 on 2026-03-02 in Asia/Shanghai. */
export const T0 = Date.UTC(2026, 2, 1, 22, 30)
const ORIGIN: LngLat = [105.44, 28.16]
const M_PER_DEG = 6_371_008.8 * (Math.PI / 180)

/** The point `eastM` east and `northM` north of `from`. */
export function offsetPoint(from: LngLat, eastM: number, northM: number): LngLat {
  return [from[0] + eastM / (M_PER_DEG * Math.cos((from[1] * Math.PI) / 180)), from[1] + northM / M_PER_DEG]
}

/** L-shaped route: 3 km east, then 3 km north. */
export function lRoute(): LngLat[] {
  return [ORIGIN, offsetPoint(ORIGIN, 3000, 0), offsetPoint(ORIGIN, 3000, 3000)]
}

/** Out 2 km east along a road and back on the same road to a point 30 m from the start. */
export function outAndBackRoute(): LngLat[] {
  return [ORIGIN, offsetPoint(ORIGIN, 2000, 0), offsetPoint(ORIGIN, 30, 0)]
}

export function pointAtM(coords: readonly LngLat[], distM: number): LngLat {
  const cum = cumulativeDistancesM(coords)
  for (let i = 1; i < coords.length; i++) {
    const endM = cum[i] as number
    if (distM <= endM || i === coords.length - 1) {
      const startM = cum[i - 1] as number
      const a = coords[i - 1] as LngLat
      const b = coords[i] as LngLat
      const f = endM === startM ? 0 : Math.min(1, Math.max(0, (distM - startM) / (endM - startM)))
      return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
    }
  }
  return coords[0] as LngLat
}

export interface InstanceOptions {
  coords?: LngLat[]
  /** Stop distances along the route, metres. */
  stopDistsM?: number[]
  departureTs?: number
  /** The timetable assumes this constant speed between stops and no dwell, km/h. */
  scheduleSpeedKmh?: number
}

export function makeInstance(opts: InstanceOptions = {}): { instance: TripInstance; coords: LngLat[] } {
  const coords = opts.coords ?? lRoute()
  const dists = opts.stopDistsM ?? [0, 1000, 2500, 4000, 6000]
  const departureTs = opts.departureTs ?? T0
  const speedMs = (opts.scheduleSpeedKmh ?? 30) / 3.6
  const stops: InstanceStop[] = dists.map((distM, i) => ({
    seq: i + 1,
    stopCode: `XY-${String(i + 1).padStart(4, '0')}`,
    distM,
    arrivalTs: departureTs + Math.round((distM - (dists[0] ?? 0)) / speedMs) * 1000,
  }))
  const instance: TripInstance = {
    id: 'T1_20260302',
    tripId: 'T1',
    routeId: 'XY-R01',
    kind: 'market',
    serviceDate: '2026-03-02' as TripInstance['serviceDate'],
    direction: 0,
    headsign: 'end',
    departureTs,
    stops,
    seats: 30,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 60,
  }
  return { instance, coords }
}

export interface TrackOptions {
  coords: LngLat[]
  startTs: number
  speedKmh?: number
  intervalS?: number
  fromM?: number
  toM?: number
  /** Stand still at these distances for so many seconds (at fromM: before leaving). */
  dwells?: { atM: number; dwellS: number }[]
  /** Uniform noise in each axis, metres. */
  jitterM?: number
  seed?: number
  vehicleId?: string
}

/** Fixes of a bus driven along `coords`, one every intervalS, from startTs until it reaches toM. */
export function makeTrack(opts: TrackOptions): Position[] {
  const speedMs = (opts.speedKmh ?? 30) / 3.6
  const intervalMs = (opts.intervalS ?? 5) * 1000
  const cum = cumulativeDistancesM(opts.coords)
  const fromM = opts.fromM ?? 0
  const toM = opts.toM ?? (cum.at(-1) as number)
  // Knots of (time, distance); the bus moves linearly between them.
  const knots: [number, number][] = [[opts.startTs, fromM]]
  for (const d of [...(opts.dwells ?? [])].sort((a, b) => a.atM - b.atM)) {
    const [t, m] = knots.at(-1) as [number, number]
    const arriveTs = t + ((d.atM - m) / speedMs) * 1000
    knots.push([arriveTs, d.atM], [arriveTs + d.dwellS * 1000, d.atM])
  }
  const [lastT, lastM] = knots.at(-1) as [number, number]
  knots.push([lastT + ((toM - lastM) / speedMs) * 1000, toM])
  const endTs = (knots.at(-1) as [number, number])[0]
  const rand = mulberry32(opts.seed ?? 1)
  const jitter = () => (opts.jitterM ? (rand() * 2 - 1) * opts.jitterM : 0)
  const out: Position[] = []
  for (let ts = opts.startTs; ; ts += intervalMs) {
    const at = Math.min(ts, endTs)
    const k = knots.findIndex(([t]) => t >= at)
    const [t1, m1] = knots[Math.max(0, k)] as [number, number]
    const [t0, m0] = knots[Math.max(0, k - 1)] as [number, number]
    const distM = t1 === t0 ? m1 : m0 + ((at - t0) / (t1 - t0)) * (m1 - m0)
    const moving = t1 !== t0 && m1 !== m0
    const p = offsetPoint(pointAtM(opts.coords, distM), jitter(), jitter())
    const headingDeg = Math.round(
      bearingDeg(pointAtM(opts.coords, Math.max(0, distM - 5)), pointAtM(opts.coords, distM + 5)),
    )
    out.push(
      makePosition({
        ts: Math.round(at),
        lng: p[0],
        lat: p[1],
        speedKmh: moving ? speedMs * 3.6 : 0,
        headingDeg,
        ...(opts.vehicleId ? { vehicleId: opts.vehicleId } : {}),
      }),
    )
    if (ts >= endTs) break
  }
  return out
}

export function makePosition(over: Partial<Position> = {}): Position {
  return {
    vehicleId: 'XY-V001',
    ts: T0,
    lng: ORIGIN[0],
    lat: ORIGIN[1],
    speedKmh: 0,
    headingDeg: 0,
    accM: null,
    odoM: null,
    source: 'mqtt',
    ...over,
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

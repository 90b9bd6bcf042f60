/** Small valid networks for tests: a road that runs straight, then climbs in switchbacks. */
import { locateStops } from '@rb/geo'
import { serviceDayStartMs, serviceDate } from '@rb/domain'
import {
  merge,
  DEFAULT_BEHAVIOUR,
  faultProfile,
  type DeepPartial,
  type FaultConfig,
  type ModelConfig,
} from './config.js'
import { offsetPoint } from './path.js'
import type { LngLat, SimNetwork, SimRoute, SimTrip, SimVehicle } from './types.js'

export const TEST_DATE = '2026-11-30'

/** ~3 km due east, then ~3 km of zig-zags north: straight valley road, then a mountain climb. */
export function makeGeometry(origin: LngLat = [105.44, 28.16]): LngLat[] {
  const pts: LngLat[] = [origin]
  let p = origin
  for (let i = 0; i < 30; i++) pts.push((p = offsetPoint(p, 100, 0)))
  for (let i = 0; i < 20; i++) pts.push((p = offsetPoint(p, i % 2 === 0 ? 60 : -60, 150)))
  return pts
}

export function makeRoute(overrides: Partial<SimRoute> = {}): SimRoute {
  return { id: 'R1', kind: 'regular', geometry: makeGeometry(), speedLimitKmh: 50, ...overrides }
}

export interface TripSpec {
  id?: string
  direction?: 0 | 1
  /** Seconds after local midnight. */
  departureS?: number
  vehicleId?: string | null
  /** Share of the route where stops stand (0..1), in route (direction-0) order. */
  stopAt?: number[]
  /** Scheduled minutes from departure to each stop; defaults to ~25 km/h. */
  offsetsMin?: number[]
}

export function makeNetwork(
  opts: {
    date?: string
    route?: Partial<SimRoute>
    trips?: TripSpec[]
    vehicles?: Partial<SimVehicle>[]
    townshipStops?: number[]
  } = {},
): SimNetwork {
  const date = opts.date ?? TEST_DATE
  const route = makeRoute(opts.route)
  const share = [0, 0.2, 0.45, 0.7, 1]
  const points = share.map((s) => pointAlong(route.geometry, s))
  const stops = points.map((point, i) => ({
    code: `XY-${String(i + 1).padStart(4, '0')}`,
    point,
    townshipCentre: (opts.townshipStops ?? [0, 4]).includes(i),
  }))
  const located = locateStops(
    route.geometry,
    stops.map((s) => ({ code: s.code, point: s.point })),
    30,
  )
  if (!located.ok) throw new Error(located.message)
  const lengthM = located.lengthM
  const dayStart = serviceDayStartMs(serviceDate(date))
  const trips: SimTrip[] = (opts.trips ?? [{}]).map((spec, k) => {
    const direction = spec.direction ?? 0
    const order = direction === 0 ? stops.map((_, i) => i) : stops.map((_, i) => stops.length - 1 - i)
    const dist = order.map((i) =>
      direction === 0 ? (located.distancesM[i] as number) : lengthM - (located.distancesM[i] as number),
    )
    const departureTs = dayStart + (spec.departureS ?? 7 * 3600 + k * 3600) * 1000
    const offsets = spec.offsetsMin ?? dist.map((d) => (d / 1000 / 25) * 60)
    return {
      id: `${spec.id ?? `T${k + 1}`}_${date.replaceAll('-', '')}`,
      routeId: route.id,
      kind: route.kind,
      direction,
      departureTs,
      stops: order.map((i, j) => ({
        seq: j + 1,
        stopCode: (stops[i] as (typeof stops)[0]).code,
        distM: dist[j] as number,
        arrivalTs: departureTs + Math.round((offsets[j] as number) * 60_000),
      })),
      vehicleId: spec.vehicleId === undefined ? 'XY-V001' : spec.vehicleId,
    }
  })
  const vehicles = (opts.vehicles ?? [{}]).map((v, i) => ({
    id: `XY-V${String(i + 1).padStart(3, '0')}`,
    plate: null,
    jt808Phone: `0139000000${String(i + 1).padStart(2, '0')}`,
    ...v,
  }))
  return { date, stops, routes: [route], trips, vehicles }
}

export function makeConfig(
  seed: string | number = 1,
  faults: DeepPartial<FaultConfig> = {},
  profile: 'none' | 'realistic' | 'heavy' = 'none',
): ModelConfig {
  return { seed, faults: merge(faultProfile(profile), faults), behaviour: { ...DEFAULT_BEHAVIOUR, intervalS: 2 } }
}

function pointAlong(coords: readonly LngLat[], share: number): LngLat {
  const seg: number[] = []
  let total = 0
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1] as LngLat
    const b = coords[i] as LngLat
    const d = Math.hypot((b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180), b[1] - a[1])
    seg.push(d)
    total += d
  }
  let want = share * total
  for (let i = 0; i < seg.length; i++) {
    const d = seg[i] as number
    if (want <= d || i === seg.length - 1) {
      const a = coords[i] as LngLat
      const b = coords[i + 1] as LngLat
      const f = d === 0 ? 0 : Math.min(1, want / d)
      return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])]
    }
    want -= d
  }
  return coords.at(-1) as LngLat
}

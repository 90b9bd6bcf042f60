/**
 * Geofences: polygons and circles (a depot, a school, a hospital, a market town, a dangerous road
 * section, a student bus's corridor) and what a vehicle does with them — enters, leaves, stays
 * (dwell) — plus the rules that raise an alert: a bus of the given service kinds leaving a fence
 * it must keep to, or going faster than the fence's speed limit inside it. Pure: times are
 * parameters; the server feeds it every accepted fix and stores what it says.
 */
import type { LngLat } from '../network/types.js'
import type { ServiceKind } from '../network/types.js'

export type FenceShape = { kind: 'circle'; center: LngLat; radiusM: number } | { kind: 'polygon'; rings: LngLat[][] }

export const FENCE_CATEGORIES = ['depot', 'school', 'hospital', 'market', 'danger', 'corridor', 'other'] as const
export type FenceCategory = (typeof FENCE_CATEGORIES)[number]

export interface Geofence {
  id: string
  name: string
  category: FenceCategory
  shape: FenceShape
  /** Inside, faster than this raises an alert; null: no limit of its own. */
  speedLimitKmh: number | null
  /** Leaving it raises an alert for buses of `routeKinds` (a student bus leaving its corridor). */
  alertOnExit: boolean
  /** The service kinds the exit rule is for; empty: every bus. */
  routeKinds: readonly ServiceKind[]
  /** A dwell event after this long inside (seconds); null: none. */
  dwellS: number | null
  active: boolean
}

export type FenceEventType = 'enter' | 'exit' | 'dwell'

export interface FenceEvent {
  vehicleId: string
  ts: number
  fenceId: string
  type: FenceEventType
}

export type FenceAlertRule = 'left_fence' | 'speeding'

export interface FenceAlert {
  vehicleId: string
  ts: number
  fenceId: string
  rule: FenceAlertRule
  /** Speeding: the speed and the limit. */
  speedKmh?: number
  limitKmh?: number
  /** True when the condition ended (the bus came back inside, or slowed down / left). */
  cleared: boolean
}

const EARTH_M = 6_371_008.8
const rad = (d: number): number => (d * Math.PI) / 180

function distanceM(a: LngLat, b: LngLat): number {
  const dLat = rad(b[1] - a[1])
  const dLng = rad(b[0] - a[0])
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(s)))
}

function inRing(ring: readonly LngLat[], p: LngLat): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Whether the point is inside the shape (a polygon's holes are outside). */
export function contains(shape: FenceShape, p: LngLat): boolean {
  if (shape.kind === 'circle') return distanceM(shape.center, p) <= shape.radiusM
  const [outer, ...holes] = shape.rings
  return !!outer && inRing(outer, p) && !holes.some((h) => inRing(h, p))
}

/** Why a fence is not acceptable, or null: a clear sentence naming the part. */
export function fenceProblem(
  f: Pick<Geofence, 'shape' | 'speedLimitKmh' | 'dwellS'>,
): { field: string; message: string } | null {
  const ok = (p: unknown): p is LngLat =>
    Array.isArray(p) && p.length >= 2 && Math.abs(Number(p[0])) <= 180 && Math.abs(Number(p[1])) <= 90
  if (f.shape.kind === 'circle') {
    if (!ok(f.shape.center)) return { field: 'shape.center', message: 'the centre is [longitude, latitude] in WGS-84' }
    if (!(f.shape.radiusM >= 10 && f.shape.radiusM <= 50_000))
      return { field: 'shape.radiusM', message: 'the radius is 10 m to 50 km' }
  } else {
    const outer = f.shape.rings[0]
    if (!outer || outer.length < 4)
      return {
        field: 'shape.rings',
        message: 'a polygon needs a closed ring of at least 3 corners (4 positions, the last equal to the first)',
      }
    if (!f.shape.rings.every((r) => r.every(ok)))
      return { field: 'shape.rings', message: 'every position is [longitude, latitude] in WGS-84' }
  }
  if (f.speedLimitKmh !== null && !(f.speedLimitKmh >= 5 && f.speedLimitKmh <= 120))
    return { field: 'speedLimitKmh', message: 'a speed limit is 5 to 120 km/h' }
  if (f.dwellS !== null && !(f.dwellS >= 30 && f.dwellS <= 86_400))
    return { field: 'dwellS', message: 'a dwell time is 30 s to a day' }
  return null
}

/**
 * Fences from GeoJSON: a Polygon or MultiPolygon (each part a fence), a Point with a `radius`
 * (metres) property as a circle, in a Feature or a FeatureCollection; the name from `name`.
 */
export function fencesFromGeoJson(input: unknown): { name: string; shape: FenceShape }[] {
  const out: { name: string; shape: FenceShape }[] = []
  const walk = (g: unknown, props: Record<string, unknown>): void => {
    if (!g || typeof g !== 'object') return
    const o = g as {
      type?: string
      coordinates?: unknown
      geometry?: unknown
      features?: unknown[]
      properties?: Record<string, unknown> | null
    }
    const name = typeof props.name === 'string' ? props.name : ''
    if (o.type === 'FeatureCollection') for (const f of o.features ?? []) walk(f, {})
    else if (o.type === 'Feature') walk(o.geometry, o.properties ?? {})
    else if (o.type === 'Polygon') out.push({ name, shape: { kind: 'polygon', rings: o.coordinates as LngLat[][] } })
    else if (o.type === 'MultiPolygon')
      for (const [i, rings] of (o.coordinates as LngLat[][][]).entries())
        out.push({ name: name && i > 0 ? `${name} ${i + 1}` : name, shape: { kind: 'polygon', rings } })
    else if (o.type === 'Point') {
      const r = Number(props.radius ?? props.radiusM)
      if (Number.isFinite(r) && r > 0)
        out.push({ name, shape: { kind: 'circle', center: o.coordinates as LngLat, radiusM: r } })
    }
  }
  walk(input, {})
  return out
}

interface Inside {
  since: number
  dwellSent: boolean
  speeding: boolean
}

/** A fix as the watch takes it. */
export interface FenceFix {
  vehicleId: string
  ts: number
  point: LngLat
  speedKmh: number
  /** The service kind of the route the bus runs now, if any. */
  kind: ServiceKind | null
}

/**
 * Follows every vehicle against every active fence: enter and exit on crossing (the first fix
 * only sets where a bus is: no event), dwell once per stay, alerts by the fences' rules. A fix
 * older than the vehicle's last is ignored.
 */
export class GeofenceWatch {
  #fences: Geofence[] = []
  readonly #inside = new Map<string, Map<string, Inside>>()
  readonly #last = new Map<string, number>()
  /** Vehicles that left a fence they must keep to, still outside: fence ids. */
  readonly #outside = new Map<string, Set<string>>()

  setFences(fences: readonly Geofence[]): void {
    this.#fences = fences.filter((f) => f.active)
    const ids = new Set(this.#fences.map((f) => f.id))
    for (const m of this.#inside.values()) for (const id of [...m.keys()]) if (!ids.has(id)) m.delete(id)
  }

  get fences(): readonly Geofence[] {
    return this.#fences
  }

  step(fix: FenceFix): { events: FenceEvent[]; alerts: FenceAlert[] } {
    const events: FenceEvent[] = []
    const alerts: FenceAlert[] = []
    const last = this.#last.get(fix.vehicleId)
    if (last !== undefined && fix.ts <= last) return { events, alerts }
    this.#last.set(fix.vehicleId, fix.ts)
    const first = last === undefined
    let inside = this.#inside.get(fix.vehicleId)
    if (!inside) this.#inside.set(fix.vehicleId, (inside = new Map<string, Inside>()))
    let away = this.#outside.get(fix.vehicleId)
    for (const f of this.#fences) {
      const now = contains(f.shape, fix.point)
      const was = inside.get(f.id)
      const ruled =
        f.alertOnExit && (f.routeKinds.length === 0 || (fix.kind !== null && f.routeKinds.includes(fix.kind)))
      if (now && !was) {
        inside.set(f.id, { since: fix.ts, dwellSent: false, speeding: false })
        if (!first) events.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, type: 'enter' })
        if (away?.delete(f.id))
          alerts.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, rule: 'left_fence', cleared: true })
      } else if (!now && was) {
        inside.delete(f.id)
        events.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, type: 'exit' })
        if (was.speeding)
          alerts.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, rule: 'speeding', cleared: true })
        if (ruled) {
          if (!away) this.#outside.set(fix.vehicleId, (away = new Set()))
          away.add(f.id)
          alerts.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, rule: 'left_fence', cleared: false })
        }
      }
      const cur = inside.get(f.id)
      if (!cur) continue
      if (f.dwellS !== null && !cur.dwellSent && fix.ts - cur.since >= f.dwellS * 1000) {
        cur.dwellSent = true
        events.push({ vehicleId: fix.vehicleId, ts: fix.ts, fenceId: f.id, type: 'dwell' })
      }
      if (f.speedLimitKmh !== null) {
        const over = fix.speedKmh > f.speedLimitKmh
        if (over !== cur.speeding) {
          cur.speeding = over
          alerts.push({
            vehicleId: fix.vehicleId,
            ts: fix.ts,
            fenceId: f.id,
            rule: 'speeding',
            speedKmh: fix.speedKmh,
            limitKmh: f.speedLimitKmh,
            cleared: !over,
          })
        }
      }
    }
    return { events, alerts }
  }
}

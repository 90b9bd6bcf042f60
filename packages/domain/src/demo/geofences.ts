/**
 * The demo county's geofences, on its own places: the bus station (depot), the county hospital,
 * the middle school, one market town, a winding stretch of the road to 江门 (a speed limit), and
 * the corridor of the 马塘—落卜 student bus (an exit alert for student buses). Built from the
 * network, so they stay where its stops and routes are.
 */
import type { Geofence } from '../geofence/index.js'
import type { LngLat, NetworkSnapshot } from '../network/types.js'

const M_PER_DEG_LAT = 111_320

/** A band `halfWidthM` either side of a line, as a closed ring (every `step`-th corner of the line). */
export function corridorRing(line: readonly LngLat[], halfWidthM: number, step = 6): LngLat[] {
  const pts = line.filter((_, i) => i % step === 0 || i === line.length - 1)
  const kx = (lat: number): number => M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180)
  const left: LngLat[] = []
  const right: LngLat[] = []
  pts.forEach((p, i) => {
    const a = pts[Math.max(0, i - 1)]!
    const b = pts[Math.min(pts.length - 1, i + 1)]!
    const k = kx(p[1])
    const dx = (b[0] - a[0]) * k
    const dy = (b[1] - a[1]) * M_PER_DEG_LAT
    const len = Math.hypot(dx, dy) || 1
    // The normal to the line here, in metres, back to degrees.
    const nx = (-dy / len) * halfWidthM
    const ny = (dx / len) * halfWidthM
    left.push([p[0] + nx / k, p[1] + ny / M_PER_DEG_LAT])
    right.push([p[0] - nx / k, p[1] - ny / M_PER_DEG_LAT])
  })
  const ring = [...left, ...right.reverse()]
  return [...ring, ring[0]!]
}

/** Douglas–Peucker: the line with the corners that stray less than `toleranceM` from it dropped. */
export function simplifyLine(line: readonly LngLat[], toleranceM: number): LngLat[] {
  if (line.length < 3) return [...line]
  const a = line[0]!
  const b = line[line.length - 1]!
  const k = M_PER_DEG_LAT * Math.cos((a[1] * Math.PI) / 180)
  const bx = (b[0] - a[0]) * k
  const by = (b[1] - a[1]) * M_PER_DEG_LAT
  const len = Math.hypot(bx, by) || 1
  let worst = 0
  let at = 0
  for (let i = 1; i < line.length - 1; i++) {
    const p = line[i]!
    const d = Math.abs((p[0] - a[0]) * k * by - (p[1] - a[1]) * M_PER_DEG_LAT * bx) / len
    if (d > worst) [worst, at] = [d, i]
  }
  if (worst <= toleranceM) return [a, b]
  return [...simplifyLine(line.slice(0, at + 1), toleranceM).slice(0, -1), ...simplifyLine(line.slice(at), toleranceM)]
}

/** The convex hull (closed, counter-clockwise) of the points `marginM` around each of these. */
export function hullRing(points: readonly LngLat[], marginM: number): LngLat[] {
  const around: LngLat[] = points.flatMap((p) => {
    const k = M_PER_DEG_LAT * Math.cos((p[1] * Math.PI) / 180)
    return Array.from({ length: 8 }, (_, i): LngLat => {
      const a = (i * Math.PI) / 4
      return [p[0] + (Math.cos(a) * marginM) / k, p[1] + (Math.sin(a) * marginM) / M_PER_DEG_LAT]
    })
  })
  const sorted = [...around].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const cross = (o: LngLat, a: LngLat, b: LngLat): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
  const half = (pts: LngLat[]): LngLat[] => {
    const h: LngLat[] = []
    for (const p of pts) {
      while (h.length >= 2 && cross(h[h.length - 2]!, h[h.length - 1]!, p) <= 0) h.pop()
      h.push(p)
    }
    return h.slice(0, -1)
  }
  const ring = [...half(sorted), ...half([...sorted].reverse())]
  return [...ring, ring[0]!]
}

const round = (p: LngLat): LngLat => [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]

export function demoGeofences(net: Pick<NetworkSnapshot, 'stops' | 'routes'>): Geofence[] {
  const stop = (name: string): LngLat | null => net.stops.find((s) => s.name === name)?.point ?? null
  const route = (id: string): LngLat[] => net.routes.find((r) => r.id === id)?.geometry ?? []
  const base = { speedLimitKmh: null, alertOnExit: false, routeKinds: [], dwellS: null, active: true } as const
  const out: Geofence[] = []
  const circle = (
    id: string,
    name: string,
    category: Geofence['category'],
    at: LngLat | null,
    radiusM: number,
    more: Partial<Geofence> = {},
  ): void => {
    if (at) out.push({ ...base, id, name, category, shape: { kind: 'circle', center: at, radiusM }, ...more })
  }
  circle('XY-G01', '叙永汽车站 车场', 'depot', stop('叙永汽车站'), 150, { dwellS: 1800 })
  circle('XY-G02', '县人民医院', 'hospital', stop('县人民医院'), 200, { dwellS: 600 })
  circle('XY-G03', '叙永一中', 'school', stop('叙永一中'), 250, { speedLimitKmh: 30, dwellS: 600 })
  circle('XY-G04', '江门场镇', 'market', stop('江门场镇'), 400, { dwellS: 900 })
  // A winding stretch of the road to 江门: a speed limit on its bends.
  const road = route('XY-R16')
  if (road.length > 80)
    out.push({
      ...base,
      id: 'XY-G05',
      name: '江门公路 急弯路段',
      category: 'danger',
      shape: { kind: 'polygon', rings: [hullRing(road.slice(40, 80), 120).map(round)] },
      speedLimitKmh: 30,
    })
  // The 马塘—落卜 school run's corridor: a student bus leaving it raises an alert.
  const corridor = route('XY-R18')
  if (corridor.length > 1)
    out.push({
      ...base,
      id: 'XY-G06',
      name: '马塘—落卜 学生车走廊',
      category: 'corridor',
      shape: { kind: 'polygon', rings: [corridorRing(simplifyLine(corridor, 100), 400, 1).map(round)] },
      alertOnExit: true,
      routeKinds: ['student'],
    })
  return out
}

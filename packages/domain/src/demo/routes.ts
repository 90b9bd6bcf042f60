/**
 * The demo county's routes: paths through the road tree, named the way the county names them
 * ("叙永—江门 民心专线"), stops located on the geometry by `prepareRoute` (the server's own check).
 */
import { prepareRoute } from '../network/route-input.js'
import type { LngLat, Route, ServiceKind, Stop } from '../network/types.js'
import { HOSPITAL, MIDDLE_SCHOOL, spurKey, type RoadNet } from './network.js'
import type { Rng } from './rng.js'
import type { StopLayout } from './stops.js'
import { OPERATOR_BUS, OPERATOR_VILLAGE } from './townships.js'

/** How a route is timetabled (see timetables.ts). */
export type Plan = 'trunk' | 'village' | 'market' | 'boarding' | 'school-run' | 'medical-required' | 'medical-optional'

export interface RouteSpec {
  id: string
  kind: ServiceKind
  plan: Plan
  /** Place keys in the direction of travel of direction-0 trips. */
  path: string[]
  /** For market routes: the township whose market days it runs on. */
  market?: string
}

const v0 = (t: string): string => spurKey(t, 0)

export const ROUTE_SPECS: readonly RouteSpec[] = [
  { id: 'XY-R01', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T02'] },
  { id: 'XY-R02', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T03'] },
  { id: 'XY-R03', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T04', 'XY-T05'] },
  { id: 'XY-R04', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T06', 'XY-T07', 'XY-T08'] },
  { id: 'XY-R05', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T09', 'XY-T10', 'XY-T11'] },
  { id: 'XY-R06', kind: 'regular', plan: 'trunk', path: ['XY-T01', 'XY-T12', 'XY-T13', 'XY-T14'] },
  { id: 'XY-R07', kind: 'regular', plan: 'village', path: [v0('XY-T11'), 'XY-T11'] },
  { id: 'XY-R08', kind: 'regular', plan: 'village', path: [v0('XY-T06'), 'XY-T06'] },
  { id: 'XY-R09', kind: 'market', plan: 'market', path: ['XY-T01', 'XY-T02'], market: 'XY-T02' },
  { id: 'XY-R10', kind: 'market', plan: 'market', path: [v0('XY-T03'), 'XY-T03'], market: 'XY-T03' },
  { id: 'XY-R11', kind: 'market', plan: 'market', path: [v0('XY-T12'), 'XY-T12'], market: 'XY-T12' },
  { id: 'XY-R12', kind: 'market', plan: 'market', path: [v0('XY-T09'), 'XY-T09'], market: 'XY-T09' },
  { id: 'XY-R13', kind: 'market', plan: 'market', path: ['XY-T13', 'XY-T14'], market: 'XY-T14' },
  { id: 'XY-R14', kind: 'market', plan: 'market', path: ['XY-T07', 'XY-T08'], market: 'XY-T08' },
  { id: 'XY-R15', kind: 'market', plan: 'market', path: [v0('XY-T05'), 'XY-T05'], market: 'XY-T05' },
  { id: 'XY-R16', kind: 'student', plan: 'boarding', path: ['XY-T02', 'XY-T01', MIDDLE_SCHOOL] },
  { id: 'XY-R17', kind: 'student', plan: 'boarding', path: ['XY-T10', 'XY-T09', 'XY-T01', MIDDLE_SCHOOL] },
  { id: 'XY-R18', kind: 'student', plan: 'school-run', path: [v0('XY-T06'), 'XY-T06'] },
  { id: 'XY-R19', kind: 'student', plan: 'school-run', path: [v0('XY-T13'), 'XY-T13'] },
  { id: 'XY-R20', kind: 'student', plan: 'school-run', path: [v0('XY-T04'), 'XY-T04'] },
  { id: 'XY-R21', kind: 'medical', plan: 'medical-required', path: ['XY-T12', 'XY-T01', HOSPITAL] },
  { id: 'XY-R22', kind: 'medical', plan: 'medical-optional', path: ['XY-T05', 'XY-T04', 'XY-T01', HOSPITAL] },
  { id: 'XY-R23', kind: 'medical', plan: 'medical-required', path: [v0('XY-T11'), 'XY-T11'] },
  { id: 'XY-R24', kind: 'medical', plan: 'medical-optional', path: [v0('XY-T07'), 'XY-T07'] },
  { id: 'XY-R25', kind: 'regular', plan: 'village', path: [spurKey('XY-T08', 1), 'XY-T08'] },
  { id: 'XY-R26', kind: 'regular', plan: 'village', path: [spurKey('XY-T14', 1), 'XY-T14'] },
  { id: 'XY-R27', kind: 'regular', plan: 'village', path: [spurKey('XY-T03', 1), 'XY-T03'] },
  { id: 'XY-R28', kind: 'regular', plan: 'village', path: [v0('XY-T02'), 'XY-T02'] },
  { id: 'XY-R29', kind: 'market', plan: 'market', path: [v0('XY-T10'), 'XY-T10'], market: 'XY-T10' },
  { id: 'XY-R30', kind: 'regular', plan: 'village', path: [spurKey('XY-T11', 1), 'XY-T11'] },
  { id: 'XY-R31', kind: 'student', plan: 'school-run', path: [v0('XY-T08'), 'XY-T08'] },
  { id: 'XY-R32', kind: 'medical', plan: 'medical-optional', path: [v0('XY-T14'), 'XY-T14'] },
]

const KIND_LABEL: Record<ServiceKind, { zh: string; en: string; hue: [number, number] }> = {
  market: { zh: '赶场车', en: 'Market Bus', hue: [18, 42] },
  student: { zh: '学生车', en: 'Student Bus', hue: [200, 235] },
  medical: { zh: '就医出行车', en: 'Medical Trip Bus', hue: [335, 358] },
  regular: { zh: '民心专线', en: "People's Line", hue: [95, 175] },
}

/** `#rrggbb` from hue (degrees), saturation and lightness (0–1). */
function hslHex(h: number, s: number, l: number): string {
  const f = (n: number): string => {
    const k = (n + h / 30) % 12
    const v = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0')
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

/** The geometry and stop codes along a path of places, in the direction of travel. */
function walkPath(layout: StopLayout, path: readonly string[]): { geometry: LngLat[]; stopCodes: string[] } {
  const stopAt = (key: string): string => {
    const code = layout.placeStop.get(key)
    if (!code) throw new RangeError(`no stop at place ${key}`)
    return code
  }
  const geometry: LngLat[] = []
  const stopCodes = [stopAt(path[0] as string)]
  for (let i = 0; i + 1 < path.length; i++) {
    const [a, b] = [path[i] as string, path[i + 1] as string]
    const forward = layout.roads.find((r) => r.from === a && r.to === b)
    const road = forward ?? layout.roads.find((r) => r.from === b && r.to === a)
    if (!road) throw new RangeError(`no road between ${a} and ${b}`)
    const points = forward ? road.points : [...road.points].reverse()
    const codes = road.stops.map((s) => s.code)
    geometry.push(...(i === 0 ? points : points.slice(1)).map((p): LngLat => [...p]))
    stopCodes.push(...(forward ? codes : codes.reverse()), stopAt(b))
  }
  return { geometry, stopCodes }
}

export const STOP_TOLERANCE_M = 30

export function buildRoutes(rng: Rng, net: RoadNet, layout: StopLayout): Route[] {
  const stopsByCode = new Map<string, Stop>(layout.stops.map((s) => [s.code, s]))
  return ROUTE_SPECS.map((spec) => {
    const first = net.places.get(spec.path[0] as string)
    const last = net.places.get(spec.path.at(-1) as string)
    if (!first || !last) throw new RangeError(`route ${spec.id} names an unknown place`)
    const label = KIND_LABEL[spec.kind]
    const village = spec.path.some((key) => key.includes('/'))
    const { geometry, stopCodes } = walkPath(layout, spec.path)
    return prepareRoute(
      {
        id: spec.id,
        name: `${first.short.zh}—${last.short.zh} ${label.zh}`,
        nameEn: `${first.short.en}–${last.short.en} ${label.en}`,
        kind: spec.kind,
        operatorId: village ? OPERATOR_VILLAGE : OPERATOR_BUS,
        geometry,
        stopCodes,
        color: hslHex(rng.range(label.hue[0], label.hue[1]), rng.range(0.6, 0.8), rng.range(0.38, 0.5)),
        speedLimitKmh: village ? 40 : rng.pick([50, 60]),
        active: true,
      },
      stopsByCode,
      STOP_TOLERANCE_M,
    )
  })
}

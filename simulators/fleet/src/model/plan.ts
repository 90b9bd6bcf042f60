/**
 * One trip's movement, planned up front from the timetable and seeded draws: a time → distance
 * curve (knots), the stop visits it produces, and the faults injected into it. Pure.
 */
import type { ModelConfig, Range } from './config.js'
import { naturalSpeedKmh, type Path } from './path.js'
import type { Rng } from './rng.js'
import type { FaultRecord, LngLat, Phase, SimRoute, SimStop, SimTrip, StopVisitRecord, TruthRecord } from './types.js'

/** From `t` on, the vehicle is at distance `d` (path metres) doing `phase`, until the next knot. */
export interface Knot {
  t: number
  d: number
  phase: Phase
}

/** A stretch driven off the route: lateral offset grows to `offsetM` mid-way and back to 0. */
export interface Detour {
  fromD: number
  toD: number
  offsetM: number
}

export interface TripPlan {
  trip: SimTrip
  route: SimRoute
  path: Path
  knots: Knot[]
  startTs: number
  endTs: number
  detour: Detour | null
  reboot: { fromTs: number; toTs: number } | null
  /** Broke down for good: the plan ends where it stood, and the vehicle's day ends with it. */
  stranded: boolean
  /** Truth known from the plan, with the instant it becomes true (when to write it). */
  records: { ts: number; record: TruthRecord }[]
}

export interface PlanContext {
  vehicleId: string
  rng: Rng
  config: ModelConfig
  route: SimRoute
  path: Path
  stops: ReadonlyMap<string, SimStop>
  /** The vehicle is busy until then (previous trip). */
  notBefore: number
}

const ACCEL_MS2 = 0.7
const CREEP_MS = 2
const CHUNK_M = 50
const draw = (rng: Rng, r: Range): number => rng.range(r.min, r.max)
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x))
const mean = (r: Range): number => (r.min + r.max) / 2

/** Lateral offset of the detour at `d`, metres (0 outside it). */
export function detourOffsetM(detour: Detour | null, d: number): number {
  if (!detour || d <= detour.fromD || d >= detour.toD) return 0
  return detour.offsetM * Math.sin((Math.PI * (d - detour.fromD)) / (detour.toD - detour.fromD))
}

export function truePointAt(path: Path, detour: Detour | null, d: number): LngLat {
  return path.offsetAt(d, detourOffsetM(detour, d))
}

export function planTrip(trip: SimTrip, ctx: PlanContext): TripPlan {
  const { rng, path, route, config, vehicleId } = ctx
  const { behaviour: b, faults: f } = config
  const stops = trip.stops
  const n = stops.length
  if (n < 2) throw new RangeError(`trip ${trip.id} has fewer than two stops`)
  const market = b.marketDay || trip.kind === 'market'
  const dwellFactor = market ? b.marketDayDwellFactor : 1
  const isTownship = (code: string): boolean => ctx.stops.get(code)?.townshipCentre ?? false
  const dwellRange = (code: string): Range => (isTownship(code) ? b.dwellS.township : b.dwellS.village)
  const driver = clamp(rng.normal(1, 0.06), 0.85, 1.15)
  const topKmh = Math.min(b.maxSpeedKmh, route.speedLimitKmh)
  const routeDist = (d: number): number => Math.round(trip.direction === 0 ? d : path.lengthM - d)

  const skip = stops.map(
    (s, i) => i > 0 && i < n - 1 && !isTownship(s.stopCode) && rng.chance(b.skipStopProbability * (market ? 0.4 : 1)),
  )
  const legLen = (i: number): number =>
    (stops[i + 1] as (typeof stops)[0]).distM - (stops[i] as (typeof stops)[0]).distM
  const legs = Array.from({ length: n - 1 }, (_, i) => i)

  const records: TripPlan['records'] = []
  const fault = (type: FaultRecord['type'], fromTs: number, toTs: number, details: FaultRecord['details']): void => {
    records.push({
      ts: toTs,
      record: { kind: 'fault', type, vehicleId, tripInstanceId: trip.id, fromTs, toTs, details },
    })
  }

  // Faults of this trip, drawn before any movement so the draws do not depend on the timetable.
  const slow = b.slowDrivers?.find((x) => x.vehicleId === vehicleId)
  let lateS = rng.chance(f.lateStart.probability) ? draw(rng, f.lateStart.delayS) : 0
  if (slow) lateS = Math.max(lateS, draw(rng, slow.lateStartS))
  let breakdown: { leg: number; d: number; durS: number } | null = null
  if (rng.chance(f.breakdown.probability)) {
    const candidates = legs.filter((i) => legLen(i) >= 600)
    if (candidates.length > 0) {
      const leg = rng.pick(candidates)
      const a = (stops[leg] as (typeof stops)[0]).distM
      breakdown = { leg, d: a + rng.range(200, legLen(leg) - 200), durS: draw(rng, f.breakdown.durationS) }
    }
  }
  let detour: Detour | null = null
  if (rng.chance(f.detour.probability)) {
    const candidates = legs.filter((i) => legLen(i) >= f.detour.lengthM.min + 400)
    if (candidates.length > 0) {
      const leg = rng.pick(candidates)
      const len = Math.min(draw(rng, f.detour.lengthM), legLen(leg) - 400)
      const from = (stops[leg] as (typeof stops)[0]).distM + 200 + rng.range(0, legLen(leg) - 400 - len)
      detour = { fromD: from, toD: from + len, offsetM: draw(rng, f.detour.offsetM) * (rng.chance(0.5) ? 1 : -1) }
    }
  }
  const rebootDraw = rng.chance(f.reboot.probability) ? { at: rng.next(), durS: draw(rng, f.reboot.durationS) } : null

  const first = stops[0] as (typeof stops)[0]
  // A breakdown for good (scenario, not drawn): a detour it cuts short or comes before never happens.
  const strandSpec = f.strandings?.find((s) => s.tripInstanceId === trip.id)
  const strandD = strandSpec
    ? Math.round(first.distM + strandSpec.atShare * ((stops[n - 1] as (typeof stops)[0]).distM - first.distM))
    : null
  if (strandD !== null && detour && detour.toD > strandD) detour = null
  let stranded = false
  const appear = Math.max(ctx.notBefore, trip.departureTs - Math.round(rng.range(120, 360)) * 1000)
  const depart0 = Math.max(appear, trip.departureTs + Math.round(lateS) * 1000)
  const knots: Knot[] = [{ t: appear, d: first.distM, phase: 'dwell' }]
  const visits: StopVisitRecord[] = []
  const visit = (i: number, arrivalTs: number, departureTs: number, passedWithoutStopping = false): void => {
    const s = stops[i] as (typeof stops)[0]
    visits.push({
      kind: 'stop_visit',
      vehicleId,
      tripInstanceId: trip.id,
      routeId: trip.routeId,
      stopCode: s.stopCode,
      seq: s.seq,
      scheduledArrivalTs: s.arrivalTs,
      arrivalTs,
      departureTs,
      passedWithoutStopping,
    })
  }
  visit(0, appear, depart0)
  if (lateS > 0)
    fault('late_start', trip.departureTs, depart0, { delayS: Math.round((depart0 - trip.departureTs) / 1000) })

  let t = depart0
  let endTs = depart0
  for (const i of legs) {
    const a = stops[i] as (typeof stops)[0]
    const z = stops[i + 1] as (typeof stops)[0]
    const stopAtStart = i === 0 || !skip[i]
    const stopAtEnd = i + 1 === n - 1 || !skip[i + 1]
    // Chunk edges: a regular grid plus the points where something happens.
    const edges = new Set<number>([a.distM, z.distM])
    for (let d = a.distM + CHUNK_M; d < z.distM - 1; d += CHUNK_M) edges.add(d)
    if (breakdown?.leg === i) edges.add(breakdown.d)
    if (strandD !== null && strandD > a.distM && strandD < z.distM) edges.add(strandD)
    if (detour && detour.fromD > a.distM && detour.toD < z.distM)
      for (let d = detour.fromD; d < detour.toD; d += 25) edges.add(d)
    const cuts = [...edges].sort((x, y) => x - y)
    let ar = 1
    const chunks = cuts.slice(0, -1).map((from, k) => {
      const to = cuts[k + 1] as number
      const mid = (from + to) / 2
      ar = clamp(0.8 * ar + 0.2 * rng.normal(1, 0.25), 0.7, 1.3)
      let v = Math.min(naturalSpeedKmh(path.windingAt(mid), b.minSpeedKmh, topKmh) * driver * ar, topKmh * 1.05) / 3.6
      if (stopAtStart) v = Math.min(v, Math.sqrt(CREEP_MS ** 2 + 2 * ACCEL_MS2 * (mid - a.distM)))
      if (stopAtEnd) v = Math.min(v, Math.sqrt(CREEP_MS ** 2 + 2 * ACCEL_MS2 * (z.distM - mid)))
      const inDetour = detour !== null && mid > detour.fromD && mid < detour.toD
      const extra = inDetour ? pathLenM(path, detour, from, to) / (to - from) : 1
      return { from, to, baseS: (to - from) / v, extra, phase: (inDetour ? 'detour' : 'drive') as Phase }
    })
    const naturalS = chunks.reduce((s, c) => s + c.baseS, 0)
    const nominalDwellS = i === 0 || skip[i] ? 0 : mean(dwellRange(a.stopCode)) * dwellFactor
    let allowanceS = (z.arrivalTs - a.arrivalTs) / 1000 - nominalDwellS
    if (!(allowanceS > 0)) allowanceS = naturalS
    const spread = rng.normal(1, 0.04)
    let legS = b.ownPace ? naturalS * spread : clamp(allowanceS * spread, 0.85 * naturalS, 1.5 * naturalS)
    const scheduledDepart = i === 0 ? trip.departureTs : a.arrivalTs + nominalDwellS * 1000
    const delayS = (t - scheduledDepart) / 1000
    // A late bus makes up time where it can — unless it keeps its own pace.
    if (delayS > 60 && !b.ownPace && !slow) legS = Math.max(0.85 * naturalS, Math.min(legS, allowanceS - delayS))
    if (slow) legS *= slow.paceFactor
    const scale = legS / naturalS
    for (const c of chunks) {
      if (breakdown?.leg === i && c.from === breakdown.d) {
        knots.push({ t, d: c.from, phase: 'breakdown' })
        const until = t + Math.round(breakdown.durS) * 1000
        const p = truePointAt(path, detour, c.from)
        fault('breakdown', t, until, {
          distM: Math.round(c.from),
          routeDistM: routeDist(c.from),
          lng: round6(p[0]),
          lat: round6(p[1]),
        })
        t = until
      }
      if (c.from === strandD && strandSpec) {
        endTs = t + Math.round(strandSpec.standS) * 1000
        knots.push({ t, d: c.from, phase: 'breakdown' }, { t: endTs, d: c.from, phase: 'breakdown' })
        const p = truePointAt(path, detour, c.from)
        fault('breakdown', t, endTs, {
          distM: Math.round(c.from),
          routeDistM: routeDist(c.from),
          lng: round6(p[0]),
          lat: round6(p[1]),
          final: true,
        })
        stranded = true
        break
      }
      knots.push({ t, d: c.from, phase: c.phase })
      t = Math.round(t + c.baseS * scale * c.extra * 1000)
    }
    if (stranded) break
    const arrive = Math.round(t)
    if (i + 1 === n - 1) {
      const dwellS = draw(rng, b.dwellS.village) * 1.5
      endTs = arrive + Math.round(dwellS * 1000)
      knots.push({ t: arrive, d: z.distM, phase: 'dwell' }, { t: endTs, d: z.distM, phase: 'dwell' })
      visit(i + 1, arrive, endTs)
    } else if (!stopAtEnd) {
      visit(i + 1, arrive, arrive, true)
      t = arrive
    } else {
      let dwellS = draw(rng, dwellRange(z.stopCode)) * dwellFactor * (slow?.dwellFactor ?? 1)
      if (arrive - z.arrivalTs > 60_000 && !slow) dwellS = Math.max(8, dwellS * 0.6)
      const depart = Math.max(arrive + Math.round(dwellS * 1000), z.arrivalTs)
      knots.push({ t: arrive, d: z.distM, phase: 'dwell' })
      visit(i + 1, arrive, depart)
      t = depart
    }
  }
  if (detour) {
    const fromTs = timeAtDist(knots, detour.fromD)
    const toTs = timeAtDist(knots, detour.toD)
    fault('detour', fromTs, toTs, {
      fromRouteM: routeDist(detour.fromD),
      toRouteM: routeDist(detour.toD),
      offsetM: Math.round(Math.abs(detour.offsetM)),
    })
  }
  let reboot: TripPlan['reboot'] = null
  if (rebootDraw) {
    const fromTs = Math.round(depart0 + rebootDraw.at * (endTs - depart0))
    // Back up before the bus reaches its last stop: a device that restarts reports the bus there
    // (the fixes stop at the trip's end, as when the driver switches off at the terminus).
    const backBy = stranded ? endTs : (visits.at(-1) as StopVisitRecord).arrivalTs
    reboot = { fromTs, toTs: Math.min(backBy - 1000, fromTs + Math.round(rebootDraw.durS * 1000)) }
    if (reboot.toTs <= reboot.fromTs) reboot = null
  }
  for (const v of visits) records.push({ ts: v.departureTs, record: v })
  records.sort((x, y) => x.ts - y.ts)
  return { trip, route, path, knots, startTs: appear, endTs, detour, reboot, stranded, records }
}

/** True length of the detoured path between two distances, metres. */
function pathLenM(path: Path, detour: Detour | null, from: number, to: number): number {
  const p = truePointAt(path, detour, from)
  const q = truePointAt(path, detour, to)
  const dx = (q[0] - p[0]) * 111_320 * Math.cos((p[1] * Math.PI) / 180)
  const dy = (q[1] - p[1]) * 111_320
  return Math.max(to - from, Math.hypot(dx, dy))
}

/** First instant the plan reaches distance `d`. */
export function timeAtDist(knots: readonly Knot[], d: number): number {
  for (let k = 0; k + 1 < knots.length; k++) {
    const a = knots[k] as Knot
    const b = knots[k + 1] as Knot
    if (b.d >= d && b.d > a.d) return Math.round(a.t + ((d - a.d) / (b.d - a.d)) * (b.t - a.t))
  }
  return knots.at(-1)?.t ?? 0
}

export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6

/**
 * One vehicle's day as a time-ordered stream of events: fixes on a fixed grid of whole seconds,
 * coverage lost and regained, device reboots, stop visits and faults. Pure: a generator the
 * caller pulls as its virtual clock advances.
 */
import type { ModelConfig } from './config.js'
import { bearingDeg, distanceM, offsetPoint, type Path } from './path.js'
import { planTrip, round6, truePointAt, type Knot, type TripPlan } from './plan.js'
import type { Rng } from './rng.js'
import type {
  DeadZone,
  FaultRecord,
  LngLat,
  Phase,
  SimEvent,
  SimFix,
  SimRoute,
  SimStop,
  SimTrip,
  SimVehicle,
} from './types.js'

export interface World {
  routes: ReadonlyMap<string, SimRoute>
  stops: ReadonlyMap<string, SimStop>
  deadZones: ReadonlyMap<string, readonly DeadZone[]>
  path(routeId: string, direction: 0 | 1): Path
}

interface State {
  point: LngLat
  d: number
  phase: Phase
  speedKmh: number
  headingDeg: number
}

/** Where the plan puts the vehicle at `t` (before any GPS error). */
export function stateAt(plan: TripPlan, t: number): State {
  const { knots, path, detour } = plan
  let lo = 0
  let hi = knots.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((knots[mid] as Knot).t <= t) lo = mid
    else hi = mid - 1
  }
  const distAt = (x: number): number => {
    let k = lo
    while (k > 0 && (knots[k] as Knot).t > x) k--
    while (k + 1 < knots.length && (knots[k + 1] as Knot).t <= x) k++
    const a = knots[k] as Knot
    const b = knots[k + 1]
    if (!b || b.t <= a.t || x <= a.t) return a.d
    return a.d + ((Math.min(x, b.t) - a.t) / (b.t - a.t)) * (b.d - a.d)
  }
  const knot = knots[lo] as Knot
  const d = distAt(t)
  const point = truePointAt(path, detour, d)
  const moving = knot.phase === 'drive' || knot.phase === 'detour'
  if (!moving) return { point, d, phase: knot.phase, speedKmh: 0, headingDeg: path.headingAt(d) }
  const before = truePointAt(path, detour, distAt(t - 1000))
  const after = truePointAt(path, detour, distAt(t + 1000))
  const speedKmh = (distanceM(before, after) / 2) * 3.6
  return {
    point,
    d,
    phase: knot.phase,
    speedKmh,
    headingDeg: speedKmh > 0.5 ? bearingDeg(before, after) : path.headingAt(d),
  }
}

const PARK_GAP_MS = 30 * 60_000

interface Outage {
  since: number
  buffer: SimFix[]
  zone: DeadZone
}

export function* vehicleEvents(
  vehicle: SimVehicle,
  block: readonly SimTrip[],
  world: World,
  config: ModelConfig,
  root: Rng,
): Generator<SimEvent, void, undefined> {
  const vehicleId = vehicle.id
  const b = config.behaviour
  const f = config.faults
  const vrng = root.fork(`vehicle:${vehicleId}`)
  const fixRng = vrng.fork('fixes')
  const stepMs = b.intervalS * 1000
  const gridPhaseMs = vrng.int(0, b.intervalS - 1) * 1000
  let odoM = Math.round(vrng.range(30_000_000, 400_000_000))
  let lastTrue: LngLat | null = null
  /** Out of coverage since `since`, keeping fixes for the upload on the way out. */
  let down: Outage | null = null
  const firstGridAtOrAfter = (t: number): number => Math.ceil((t - gridPhaseMs) / stepMs) * stepMs + gridPhaseMs
  const faultEvent = (
    type: FaultRecord['type'],
    tripInstanceId: string | null,
    fromTs: number,
    toTs: number,
    details: FaultRecord['details'],
  ): SimEvent => ({
    type: 'truth',
    ts: toTs,
    vehicleId,
    record: { kind: 'fault', type, vehicleId, tripInstanceId, fromTs, toTs, details },
  })

  /** Turns the true state at `t` into what the device reports, and what happens to it. */
  function* fixAt(
    t: number,
    st: State,
    trip: SimTrip | null,
    routeId: string | null,
    exactDistM: number | null,
  ): Generator<SimEvent> {
    // Rounded once, so the zone test and the truth carried with the fix agree at the edges.
    const routeDistM = exactDistM === null ? null : Math.round(exactDistM)
    if (lastTrue) odoM += Math.round(distanceM(lastTrue, st.point))
    lastTrue = st.point
    const zones = routeId !== null && routeDistM !== null ? (world.deadZones.get(routeId) ?? []) : []
    const zone = zones.find((z) => routeDistM !== null && routeDistM >= z.fromM && routeDistM <= z.toM) ?? null
    if (zone && !down) {
      down = { since: t, buffer: [], zone }
      yield { type: 'link_down', ts: t, vehicleId, reason: 'dead_zone' }
    } else if (!zone && down) {
      yield* flushDeadZone(t, trip?.id ?? null)
    }
    let reported = offsetPoint(st.point, fixRng.normal(0, b.gpsNoiseM), fixRng.normal(0, b.gpsNoiseM))
    const jumpRoll = fixRng.next()
    const jumpDist = fixRng.range(f.gpsJump.distanceM.min, f.gpsJump.distanceM.max)
    const jumpAngle = fixRng.range(0, 2 * Math.PI)
    const dupRoll = fixRng.next()
    const accM = Math.round(Math.max(1, b.gpsNoiseM) * fixRng.range(1, 2))
    const speedNoise = fixRng.normal(0, 0.8)
    const jumped = f.gpsJump.probability > 0 && jumpRoll < f.gpsJump.probability
    if (jumped) reported = offsetPoint(st.point, jumpDist * Math.sin(jumpAngle), jumpDist * Math.cos(jumpAngle))
    const moving = st.phase === 'drive' || st.phase === 'detour'
    const fix: SimFix = {
      ts: t,
      lng: round6(reported[0]),
      lat: round6(reported[1]),
      speedKmh: moving ? Math.round(Math.max(0, st.speedKmh + speedNoise) * 10) / 10 : 0,
      headingDeg: Math.round(st.headingDeg) % 360,
      accM,
      odoM,
      meta: { tripInstanceId: trip?.id ?? null, routeId, routeDistM, truePoint: st.point, phase: st.phase },
    }
    if (jumped)
      yield faultEvent('gps_jump', trip?.id ?? null, t, t, {
        distanceM: Math.round(jumpDist),
        lng: fix.lng,
        lat: fix.lat,
      })
    if (down) {
      down.buffer.push(fix)
      return
    }
    const duplicate = f.duplicate.probability > 0 && dupRoll < f.duplicate.probability
    if (duplicate) yield faultEvent('duplicate', trip?.id ?? null, t, t, {})
    yield { type: 'fix', ts: t, vehicleId, fix, duplicate }
  }

  function* flushDeadZone(t: number, tripInstanceId: string | null): Generator<SimEvent> {
    if (!down) return
    const { since, buffer, zone } = down
    down = null
    yield { type: 'link_up', ts: t, vehicleId, reason: 'dead_zone' }
    if (buffer.length > 0) yield { type: 'batch', ts: t, vehicleId, fixes: buffer }
    yield faultEvent('dead_zone', tripInstanceId, since, t, {
      routeId: zone.routeId,
      fromM: zone.fromM,
      toM: zone.toM,
      points: buffer.length,
    })
  }

  let prev: TripPlan | null = null
  let lastFixTs = -Infinity
  /** The driver the bus last announced: a trip with the same driver says nothing. */
  let announced: string | null = null
  for (const trip of block) {
    const route = world.routes.get(trip.routeId)
    if (!route) continue
    const path = world.path(trip.routeId, trip.direction)
    const plan = planTrip(trip, {
      vehicleId,
      rng: root.fork(`trip:${trip.id}:${vehicleId}`),
      config,
      route,
      path,
      stops: world.stops,
      notBefore: (prev?.endTs ?? -Infinity) + 60_000,
    })
    // Waiting at the same terminus for the next trip: the device stays on, parked.
    if (
      prev &&
      plan.startTs - prev.endTs < PARK_GAP_MS &&
      prev.trip.stops.at(-1)?.stopCode === trip.stops[0]?.stopCode
    ) {
      const end = stateAt(prev, prev.endTs)
      const routeDistM = prev.trip.direction === 0 ? end.d : prev.path.lengthM - end.d
      for (let t = firstGridAtOrAfter(Math.max(prev.endTs + 1, lastFixTs + 1)); t < plan.startTs; t += stepMs) {
        yield* fixAt(t, { ...end, phase: 'parked' }, null, prev.trip.routeId, routeDistM)
        lastFixTs = t
      }
    }
    if (trip.driver && trip.driver.id !== announced) {
      announced = trip.driver.id
      yield { type: 'driver', ts: plan.startTs, vehicleId, driver: trip.driver }
    }
    yield { type: 'trip_start', ts: plan.startTs, vehicleId, tripInstanceId: trip.id }
    // Everything timed in this trip, in time order: truth from the plan, the reboot's edges.
    type Timed = { ts: number; run: () => SimEvent[] }
    const queue: Timed[] = plan.records.map((r) => ({
      ts: r.ts,
      run: () => [{ type: 'truth', ts: r.ts, vehicleId, record: r.record }],
    }))
    let rebooting = false
    const reboot = plan.reboot
    if (reboot) {
      queue.push({
        ts: reboot.fromTs,
        run: () => {
          if (down) return []
          rebooting = true
          return [{ type: 'link_down', ts: reboot.fromTs, vehicleId, reason: 'reboot' }]
        },
      })
      queue.push({
        ts: reboot.toTs,
        run: () => {
          if (!rebooting) return []
          rebooting = false
          const durationS = Math.round((reboot.toTs - reboot.fromTs) / 1000)
          return [
            { type: 'link_up', ts: reboot.toTs, vehicleId, reason: 'reboot' },
            faultEvent('reboot', trip.id, reboot.fromTs, reboot.toTs, { durationS }),
          ]
        },
      })
    }
    queue.sort((x, y) => x.ts - y.ts)
    const flushUntil = function* (t: number): Generator<SimEvent> {
      while (queue.length > 0 && (queue[0] as Timed).ts <= t) yield* (queue.shift() as Timed).run()
    }
    for (let t = firstGridAtOrAfter(Math.max(plan.startTs, lastFixTs + 1)); t <= plan.endTs; t += stepMs) {
      yield* flushUntil(t)
      if (rebooting) continue
      const st = stateAt(plan, t)
      yield* fixAt(t, st, trip, trip.routeId, trip.direction === 0 ? st.d : path.lengthM - st.d)
      lastFixTs = t
    }
    yield* flushUntil(plan.endTs)
    yield { type: 'trip_end', ts: plan.endTs, vehicleId, tripInstanceId: trip.id }
    prev = plan
    // Broken down for good, then switched off: the rest of its day is not run.
    if (plan.stranded) break
  }
  // Out of the valley at the end of the day: upload what was kept. (The cast undoes TypeScript's
  // narrowing to null: `down` is set inside the nested generators.)
  if ((down as Outage | null) !== null) yield* flushDeadZone(Math.max(lastFixTs, prev?.endTs ?? 0) + 1000, null)
}

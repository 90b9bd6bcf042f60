/**
 * Which trip a vehicle runs: the network as the engine indexes it (instances, routes, each
 * vehicle's roster, trip lines by route and direction), the rostered trip a fix belongs to, and
 * the candidates offered to the matcher for a bus nobody rostered. Pure.
 */
import { nearbyProjections } from '@rb/geo'
import type { EngineConfig } from './config.js'
import type { EngineFix, EngineInstance, EngineNetwork, EngineRoute } from './engine-types.js'
import { tripGeometry, type TripGeometry } from './geometry.js'
import type { MatchCandidate } from './matcher.js'
import { endTs, type InstanceProgress, type Run } from './run.js'
import { scheduledTsAt } from './schedule.js'

/** The network of the served days, indexed for the engine. */
export class NetworkIndex {
  readonly net: EngineNetwork
  readonly routes: ReadonlyMap<string, EngineRoute>
  readonly instances: ReadonlyMap<string, EngineInstance>
  readonly operatorOf: ReadonlyMap<string, string>
  /** Each vehicle's rostered instances (not cancelled), in departure order. */
  readonly rostered: ReadonlyMap<string, readonly EngineInstance[]>
  #geometry = new Map<string, TripGeometry>()

  constructor(net: EngineNetwork) {
    this.net = net
    this.routes = new Map(net.routes.map((r) => [r.id, r]))
    this.instances = new Map(net.instances.map((i) => [i.id, i]))
    this.operatorOf = new Map(net.vehicles.map((v) => [v.id, v.operatorId]))
    const rostered = new Map<string, EngineInstance[]>()
    for (const i of net.instances) {
      if (!i.vehicleId || i.status === 'cancelled') continue
      const list = rostered.get(i.vehicleId) ?? []
      list.push(i)
      rostered.set(i.vehicleId, list)
    }
    for (const list of rostered.values()) list.sort((a, b) => a.departureTs - b.departureTs)
    this.rostered = rostered
  }

  /** The instance's line in its direction of travel (cached per route and direction); null without a route line. */
  geometryOf(inst: Pick<EngineInstance, 'routeId' | 'direction'>): TripGeometry | null {
    const key = `${inst.routeId}:${inst.direction}`
    let g = this.#geometry.get(key)
    if (!g) {
      const route = this.routes.get(inst.routeId)
      if (!route || route.geometry.length < 2) return null
      g = tripGeometry(route, inst.direction)
      this.#geometry.set(key, g)
    }
    return g
  }
}

/** What the trip choice reads of the engine's state. */
export interface TripChoiceState {
  index: NetworkIndex
  config: EngineConfig
  progress: ReadonlyMap<string, InstanceProgress>
  /** Whether a vehicle is online now. */
  isOnline(vehicleId: string): boolean
}

/**
 * The vehicle's rostered instance for this fix: of those not finished whose window holds it, the
 * one whose line the bus is on and whose timetable expects it there soonest; off every line (at the
 * depot), the one due first.
 */
export function rosteredFor(
  s: TripChoiceState,
  vehicleId: string,
  fix: Pick<EngineFix, 'ts' | 'lng' | 'lat'>,
): EngineInstance | undefined {
  const ts = fix.ts
  const open = (s.index.rostered.get(vehicleId) ?? []).filter((inst) => {
    const p = s.progress.get(inst.id)
    if (p && (p.completedTs || p.endedTs || p.vehicleId !== vehicleId)) return false
    return ts >= inst.departureTs - s.config.match.earlyS * 1000 && ts <= endTs(inst) + s.config.abandonAfterS * 1000
  })
  if (open.length <= 1) return open[0]
  let best: { inst: EngineInstance; score: number } | undefined
  for (const inst of open) {
    const g = s.index.geometryOf(inst)
    const here = g ? nearbyProjections(g.coords, g.cumM, [fix.lng, fix.lat], s.config.match.spatialM)[0] : undefined
    const score = here ? Math.abs(ts - scheduledTsAt(inst.stops, here.alongM)) : Infinity
    if (!best || score < best.score) best = { inst, score }
  }
  if (best && best.score !== Infinity) return best.inst
  return open.find((i) => ts <= endTs(i)) ?? open.at(-1)
}

/** The vehicle's next rostered instance not finished (or the one it runs, when rostered on it). */
export function nextRostered(
  s: TripChoiceState,
  vehicleId: string,
  run: Run | null,
  now: number,
): EngineInstance | undefined {
  if (run?.match === 'assigned') return run.instance
  return (s.index.rostered.get(vehicleId) ?? []).find((inst) => {
    const p = s.progress.get(inst.id)
    return !(p && (p.completedTs || p.endedTs)) && endTs(inst) >= now
  })
}

/**
 * The trips a bus nobody rostered may be running now: whatever route it drives — a lent bus runs
 * another operator's trips (behind a penalty), a stand-in another bus's while that bus is not
 * online (behind a larger one) — within the timetable's early/late window, not yet run, and not
 * refused to this bus as a bad match.
 */
export function matchCandidates(
  s: TripChoiceState,
  vehicleId: string,
  refused: ReadonlySet<string>,
  now: number,
): MatchCandidate[] {
  const operator = s.index.operatorOf.get(vehicleId)
  const { earlyS, lateS, foreignOperatorPenaltyS, otherVehiclePenaltyS } = s.config.match
  const out: MatchCandidate[] = []
  for (const inst of s.index.net.instances) {
    if (inst.status === 'cancelled' || s.progress.has(inst.id) || refused.has(inst.id)) continue
    if (now < inst.departureTs - earlyS * 1000 || now > endTs(inst) + lateS * 1000) continue
    const route = s.index.routes.get(inst.routeId)
    if (!route) continue
    // The rostered bus, if online and near, will claim its own trip; a stand-in waits behind a penalty.
    const other = inst.vehicleId && inst.vehicleId !== vehicleId
    if (other && s.isOnline(inst.vehicleId as string)) continue
    const geometry = s.index.geometryOf(inst)
    const penaltyS =
      (operator !== undefined && route.operatorId !== operator ? foreignOperatorPenaltyS : 0) +
      (other ? otherVehiclePenaltyS : 0)
    if (geometry) out.push({ instance: inst, geometry, penaltyS })
  }
  return out
}

/**
 * The whole simulated fleet: picks trips and vehicles, assigns blocks, places dead zones and
 * merges every vehicle's stream into one, ordered by (time, vehicle). Pure: `advance(untilTs)`
 * is the only way time moves, and the same seed gives the same events however it is called.
 */
import { assignBlocks } from './blocks.js'
import { configProblems, type ModelConfig } from './config.js'
import { Path } from './path.js'
import { Rng } from './rng.js'
import type { DeadZone, SimEvent, SimNetwork, SimRoute, SimTrip, SimVehicle } from './types.js'
import { vehicleEvents, type World } from './vehicle.js'

export interface Selection {
  /** Only these routes' trips. */
  routeIds?: readonly string[]
  /** Only these vehicles. */
  vehicleIds?: readonly string[]
  /** At most this many vehicles (those with assigned trips first, then by id). */
  maxVehicles?: number
  /** Only the vehicles with trips assigned (the day's roster), each running exactly those. */
  rosteredOnly?: boolean
}

export interface FleetVehicle {
  vehicle: SimVehicle
  trips: SimTrip[]
}

export interface Fleet {
  vehicles: FleetVehicle[]
  /** Trips of the day no selected vehicle could run. */
  unassigned: SimTrip[]
  /**
   * Trips assigned to a vehicle that is not simulated: left to it. Another simulated bus driving
   * one would run a trip the tracker attributes to someone else.
   */
  notSimulated: SimTrip[]
  /** Explicit and seeded dead zones in force. */
  deadZones: DeadZone[]
  /** First and last scheduled instant of the selected trips (null without trips). */
  window: { fromTs: number; toTs: number } | null
  /** Every event with `ts ≤ untilTs` not handed out yet, ordered by (ts, vehicle). */
  advance(untilTs: number): SimEvent[]
  /** Earliest instant of an event not handed out yet, or null when the day is over. */
  nextTs(): number | null
}

export function createFleet(network: SimNetwork, config: ModelConfig, selection: Selection = {}): Fleet {
  const problems = configProblems(config)
  if (problems.length > 0) throw new RangeError(`invalid simulation settings: ${problems.join('; ')}`)
  const root = new Rng(config.seed)
  const routes = new Map(network.routes.map((r) => [r.id, r]))
  const routeFilter = selection.routeIds ? new Set(selection.routeIds) : null
  let trips = network.trips.filter(
    (t) => routes.has(t.routeId) && t.stops.length >= 2 && (!routeFilter || routeFilter.has(t.routeId)),
  )
  if (selection.rosteredOnly) trips = trips.filter((t) => t.vehicleId !== null)

  let pool = network.vehicles
  if (selection.rosteredOnly) {
    const rostered = new Set(trips.map((t) => t.vehicleId))
    pool = pool.filter((v) => rostered.has(v.id))
  }
  if (selection.vehicleIds) {
    const wanted = new Set(selection.vehicleIds)
    pool = pool.filter((v) => wanted.has(v.id))
  }
  const assignedFirst = new Map<string, number>()
  for (const t of trips)
    if (t.vehicleId !== null)
      assignedFirst.set(t.vehicleId, Math.min(assignedFirst.get(t.vehicleId) ?? Infinity, t.departureTs))
  pool = [...pool].sort(
    (a, b) => (assignedFirst.get(a.id) ?? Infinity) - (assignedFirst.get(b.id) ?? Infinity) || a.id.localeCompare(b.id),
  )
  if (selection.maxVehicles !== undefined) pool = pool.slice(0, Math.max(0, selection.maxVehicles))
  const simulated = new Set(pool.map((v) => v.id))
  const notSimulated = trips.filter((t) => t.vehicleId !== null && !simulated.has(t.vehicleId))
  const runnable = trips.filter((t) => t.vehicleId === null || simulated.has(t.vehicleId))
  const { blocks, unassigned } = assignBlocks(runnable, pool, (routeId) => routes.get(routeId)?.operatorId ?? null)

  const paths = new Map<string, Path>()
  const pathOf = (routeId: string, direction: 0 | 1): Path => {
    const key = `${routeId}/${direction}`
    let p = paths.get(key)
    if (!p) {
      p = new Path((routes.get(routeId) as SimRoute).geometry, direction === 1)
      paths.set(key, p)
    }
    return p
  }
  const deadZones = placeDeadZones(network.routes, config, root, (id) => pathOf(id, 0).lengthM)
  const zonesByRoute = new Map<string, DeadZone[]>()
  for (const z of deadZones) zonesByRoute.set(z.routeId, [...(zonesByRoute.get(z.routeId) ?? []), z])
  const world: World = {
    routes,
    stops: new Map(network.stops.map((s) => [s.code, s])),
    deadZones: zonesByRoute,
    path: pathOf,
  }

  const vehicles: FleetVehicle[] = pool
    .filter((v) => blocks.has(v.id))
    .map((v) => ({ vehicle: v, trips: blocks.get(v.id) as SimTrip[] }))
  const streams = vehicles.map((v) => ({
    it: vehicleEvents(v.vehicle, v.trips, world, config, root),
    head: null as SimEvent | null,
    done: false,
  }))
  const peek = (s: (typeof streams)[0]): SimEvent | null => {
    if (s.head === null && !s.done) {
      const r = s.it.next()
      if (r.done) s.done = true
      else s.head = r.value
    }
    return s.head
  }
  const selected = vehicles.flatMap((v) => v.trips)
  const window =
    selected.length === 0
      ? null
      : {
          fromTs: Math.min(...selected.map((t) => t.departureTs)),
          toTs: Math.max(...selected.map((t) => t.stops.at(-1)?.arrivalTs ?? t.departureTs)),
        }

  return {
    vehicles,
    unassigned,
    notSimulated,
    deadZones,
    window,
    advance(untilTs) {
      const out: SimEvent[] = []
      for (const s of streams) {
        for (let e = peek(s); e !== null && e.ts <= untilTs; e = peek(s)) {
          out.push(e)
          s.head = null
        }
      }
      // Stable: events of one vehicle keep their order, ties between vehicles go by vehicle order.
      return out.sort((a, b) => a.ts - b.ts)
    },
    nextTs() {
      let min: number | null = null
      for (const s of streams) {
        const e = peek(s)
        if (e !== null && (min === null || e.ts < min)) min = e.ts
      }
      return min
    },
  }
}

/** The scenario's dead zones (clipped to the route) plus seeded ones. */
function placeDeadZones(
  routes: readonly SimRoute[],
  config: ModelConfig,
  root: Rng,
  lengthOf: (routeId: string) => number,
): DeadZone[] {
  const out: DeadZone[] = []
  const known = new Set(routes.map((r) => r.id))
  for (const z of config.faults.deadZones) {
    if (!known.has(z.routeId)) continue
    const len = lengthOf(z.routeId)
    const fromM = Math.max(0, z.fromM)
    const toM = Math.min(len, z.toM)
    if (toM > fromM) out.push({ ...z, fromM, toM })
  }
  const random = config.faults.randomDeadZones
  for (const r of routes) {
    const rng = root.fork(`dead-zone:${r.id}`)
    if (!rng.chance(random.probability)) continue
    const len = lengthOf(r.id)
    const zoneM = Math.min(rng.range(random.lengthM.min, random.lengthM.max), len * 0.4)
    if (zoneM < 200) continue
    const fromM = Math.round(rng.range(len * 0.1, len * 0.9 - zoneM))
    out.push({ routeId: r.id, fromM, toM: Math.round(fromM + zoneM), note: 'seeded' })
  }
  return out
}

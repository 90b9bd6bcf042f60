/**
 * Which trips a parcel can ride: the next trips that serve both post points in order (direct),
 * else one change at a township station (a `station` post point whose keeper holds it between
 * the two trips). Each option says whether the buses have room for it on every segment it rides;
 * a bus's parcel room is its own (slots and kg): passengers never compete with it.
 */
import type { ParcelLeg } from './types.js'

export interface RoutingStop {
  seq: number
  stopCode: string
  distM: number
  arrivalTs: number
}

/** A trip instance as routing sees it: its stops, its bus's parcel room and what rides on it already. */
export interface RoutingTrip {
  id: string
  routeId: string
  status: 'scheduled' | 'cancelled'
  stops: readonly RoutingStop[]
  capacity: ParcelCapacity
  /** Legs of parcels already on this trip (not unloaded yet). */
  riding: readonly RidingLeg[]
}

export interface ParcelCapacity {
  slots: number
  kg: number
}

/** A vehicle without its own figures carries this much (a rear shelf and the luggage hold). */
export const DEFAULT_PARCEL_CAPACITY: ParcelCapacity = { slots: 12, kg: 150 }

export interface RidingLeg {
  fromSeq: number
  toSeq: number
  slots: number
  kg: number
}

export interface Need {
  slots: number
  kg: number
}

/** A leg as routing proposes it (no bus or scan times yet). */
export type PlannedLeg = Omit<ParcelLeg, 'idx' | 'vehicleId' | 'loadedTs' | 'unloadedTs'>

export interface RouteOption {
  legs: PlannedLeg[]
  /** Arrival at the receiving post point. */
  arrivalTs: number
  direct: boolean
  /** Room for the parcel on every leg. */
  fits: boolean
  distanceM: number
}

/** The most a trip carries between `fromSeq` and `toSeq` (parcels come and go on the way). */
export function loadBetween(riding: readonly RidingLeg[], fromSeq: number, toSeq: number): Need {
  let slots = 0
  let kg = 0
  for (let seg = fromSeq; seg < toSeq; seg++) {
    let s = 0
    let k = 0
    for (const r of riding) {
      if (r.fromSeq <= seg && seg < r.toSeq) {
        s += r.slots
        k += r.kg
      }
    }
    slots = Math.max(slots, s)
    kg = Math.max(kg, k)
  }
  return { slots, kg }
}

/** Whether `need` still fits on `trip` between the two seqs. */
export function fitsOn(
  trip: Pick<RoutingTrip, 'capacity' | 'riding'>,
  fromSeq: number,
  toSeq: number,
  need: Need,
): boolean {
  const used = loadBetween(trip.riding, fromSeq, toSeq)
  return used.slots + need.slots <= trip.capacity.slots && used.kg + need.kg <= trip.capacity.kg + 1e-9
}

function leg(trip: RoutingTrip, a: RoutingStop, b: RoutingStop): PlannedLeg {
  return {
    tripInstanceId: trip.id,
    routeId: trip.routeId,
    fromStop: a.stopCode,
    toStop: b.stopCode,
    fromSeq: a.seq,
    toSeq: b.seq,
    departureTs: a.arrivalTs,
    arrivalTs: b.arrivalTs,
  }
}

const stopOf = (trip: RoutingTrip, code: string, afterSeq = 0): RoutingStop | undefined =>
  trip.stops.find((s) => s.stopCode === code && s.seq > afterSeq)

export interface RoutingQuery {
  from: string
  to: string
  trips: readonly RoutingTrip[]
  /** Stop codes of township stations where a parcel may change buses. */
  transferPoints: ReadonlySet<string>
  /** Only trips leaving the sending post point at or after this. */
  notBeforeTs: number
  /** The time a keeper needs between unloading and loading at a station. */
  minTransferMs: number
  need: Need
  limit?: number
}

/**
 * Options in the order they are proposed: direct trips by arrival; only when there is no direct
 * trip, trips with one change at a township station, by arrival. Options without room are kept
 * (a dispatcher sees why) but come after those with room.
 */
export function proposeRoutes(q: RoutingQuery): RouteOption[] {
  const limit = q.limit ?? 5
  const live = q.trips.filter((t) => t.status === 'scheduled')
  const direct: RouteOption[] = []
  for (const t of live) {
    const a = stopOf(t, q.from)
    const b = a && stopOf(t, q.to, a.seq)
    if (!a || !b || a.arrivalTs < q.notBeforeTs) continue
    direct.push({
      legs: [leg(t, a, b)],
      arrivalTs: b.arrivalTs,
      direct: true,
      fits: fitsOn(t, a.seq, b.seq, q.need),
      distanceM: Math.max(0, b.distM - a.distM),
    })
  }
  const order = (x: RouteOption, y: RouteOption): number =>
    Number(y.fits) - Number(x.fits) ||
    x.arrivalTs - y.arrivalTs ||
    (x.legs[0]?.departureTs ?? 0) - (y.legs[0]?.departureTs ?? 0)
  if (direct.length > 0) return direct.sort(order).slice(0, limit)

  const changes: RouteOption[] = []
  for (const t1 of live) {
    const a = stopOf(t1, q.from)
    if (!a || a.arrivalTs < q.notBeforeTs) continue
    let best: RouteOption | undefined
    for (const x of t1.stops) {
      if (x.seq <= a.seq || !q.transferPoints.has(x.stopCode) || x.stopCode === q.to) continue
      for (const t2 of live) {
        if (t2.id === t1.id) continue
        const x2 = stopOf(t2, x.stopCode)
        const b = x2 && stopOf(t2, q.to, x2.seq)
        if (!x2 || !b || x2.arrivalTs < x.arrivalTs + q.minTransferMs) continue
        const option: RouteOption = {
          legs: [leg(t1, a, x), leg(t2, x2, b)],
          arrivalTs: b.arrivalTs,
          direct: false,
          fits: fitsOn(t1, a.seq, x.seq, q.need) && fitsOn(t2, x2.seq, b.seq, q.need),
          distanceM: Math.max(0, x.distM - a.distM) + Math.max(0, b.distM - x2.distM),
        }
        if (!best || order(option, best) < 0) best = option
      }
    }
    if (best) changes.push(best)
  }
  return changes.sort(order).slice(0, limit)
}

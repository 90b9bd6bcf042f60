/**
 * Which vehicle runs which trips (a vehicle's day is its block). Assigned trips keep their
 * vehicle; the rest go, in departure order, to a free vehicle of the route's operator (when both
 * are known) — preferably one waiting at the trip's first stop, then one not out yet, then the
 * one free longest.
 */
import type { SimTrip, SimVehicle } from './types.js'

/** Time between a trip's scheduled end and the vehicle's next departure. */
const TURNAROUND_MS = 10 * 60_000

export interface BlockAssignment {
  /** Vehicle id → its trips in departure order (only vehicles with trips). */
  blocks: Map<string, SimTrip[]>
  /** Trips no vehicle in the pool could take. */
  unassigned: SimTrip[]
}

const endOf = (t: SimTrip): number => t.stops.at(-1)?.arrivalTs ?? t.departureTs

export function assignBlocks(
  trips: readonly SimTrip[],
  pool: readonly SimVehicle[],
  operatorOf: (routeId: string) => string | null = () => null,
): BlockAssignment {
  const ids = new Set(pool.map((v) => v.id))
  const blocks = new Map<string, SimTrip[]>(pool.map((v) => [v.id, []]))
  const sorted = [...trips].sort((a, b) => a.departureTs - b.departureTs || a.id.localeCompare(b.id))
  const fits = (block: readonly SimTrip[], trip: SimTrip): boolean =>
    block.every((o) => endOf(o) + TURNAROUND_MS <= trip.departureTs || endOf(trip) + TURNAROUND_MS <= o.departureTs)
  const open: SimTrip[] = []
  for (const trip of sorted) {
    const block = trip.vehicleId !== null && ids.has(trip.vehicleId) ? blocks.get(trip.vehicleId) : undefined
    if (block && fits(block, trip)) block.push(trip)
    else open.push(trip)
  }
  const unassigned: SimTrip[] = []
  for (const trip of open) {
    let best: { id: string; rank: number; free: number } | null = null
    const operator = operatorOf(trip.routeId)
    for (const v of pool) {
      if (operator && v.operatorId && v.operatorId !== operator) continue
      const block = blocks.get(v.id) as SimTrip[]
      if (!fits(block, trip)) continue
      const before = block.filter((o) => o.departureTs < trip.departureTs).at(-1)
      const free = before ? endOf(before) : -Infinity
      const rank =
        before?.stops.at(-1)?.stopCode === trip.stops[0]?.stopCode
          ? 0
          : before === undefined && block.length === 0
            ? 1
            : 2
      if (!best || rank < best.rank || (rank === best.rank && rank !== 1 && free < best.free))
        best = { id: v.id, rank, free }
    }
    if (best) (blocks.get(best.id) as SimTrip[]).push(trip)
    else unassigned.push(trip)
  }
  for (const [id, block] of blocks) {
    if (block.length === 0) blocks.delete(id)
    else block.sort((a, b) => a.departureTs - b.departureTs)
  }
  return { blocks, unassigned }
}

/**
 * Field cases the bench adds to the measured day, on top of the simulator's random faults, so the
 * live picture is tested where it is hardest: a bus kept in the depot (its trips not run, or run
 * by a bus of another operator the roster does not name), a bus that breaks down for good (its
 * trip stops half-way, its next trip is not run), terminals switched on late (the bus is first
 * seen mid-route) and a cancelled trip. Chosen by rule from the day's blocks, so one seed gives
 * one day. Pure.
 */
import type { FleetVehicle, SimNetwork, SimTrip, Stranding } from '@rb/sim'

export interface FieldCases {
  /** Kept in the depot all day. */
  withheld: string | null
  /** Trips of the withheld bus run by a bus of another operator (a stand-in the roster does not name). */
  lent: { tripInstanceId: string; vehicleId: string }[]
  /** Trips of the withheld bus nobody runs. */
  unrun: string[]
  strandings: (Stranding & { vehicleId: string })[]
  /** Terminals switched on late: the server receives nothing of the bus before `fromTs`. */
  lateTerminals: { vehicleId: string; tripInstanceId: string; fromTs: number }[]
  cancelled: string[]
}

export interface CasedDay {
  /** What the simulator runs: every trip with the bus that truly runs it; the withheld bus's unrun and the cancelled trips left out. */
  network: SimNetwork
  /** Trip → bus as the dispatcher planned it the day before (the roster `--assigned` gives the engine). */
  roster: Map<string, string>
  cases: FieldCases
}

/** Between a trip's scheduled end and the same bus's next departure, with room for a late run. */
const GAP_MS = 20 * 60_000
const endOf = (t: SimTrip): number => t.stops.at(-1)?.arrivalTs ?? t.departureTs
const fits = (block: readonly SimTrip[], trip: SimTrip): boolean =>
  block.every((o) => endOf(o) + GAP_MS <= trip.departureTs || endOf(trip) + GAP_MS <= o.departureTs)

/** Shares of the first trip's scheduled time after which the late terminals come on. */
const LATE_TERMINAL_SHARES = [0.2, 0.45, 0.7]

export function fieldCases(net: SimNetwork, planned: readonly FleetVehicle[]): CasedDay {
  const operatorOf = new Map(net.vehicles.map((v) => [v.id, v.operatorId ?? null]))
  const blocks = new Map(planned.map((v) => [v.vehicle.id, [...v.trips]]))
  const roster = new Map(planned.flatMap((v) => v.trips.map((t) => [t.id, v.vehicle.id] as const)))
  const runBy = new Map(roster)
  const ids = [...blocks.keys()].sort()
  const used = new Set<string>()
  const cases: FieldCases = { withheld: null, lent: [], unrun: [], strandings: [], lateTerminals: [], cancelled: [] }

  // The bus with three trips or more of which buses of another operator can run the most (two at most).
  let best: { id: string; lent: FieldCases['lent'] } | null = null
  for (const id of ids) {
    const block = blocks.get(id) as SimTrip[]
    const op = operatorOf.get(id)
    if (block.length < 3 || !op) continue
    const lent: FieldCases['lent'] = []
    for (const trip of block) {
      if (lent.length === 2) break
      const other = ids.find(
        (o) =>
          o !== id &&
          operatorOf.get(o) &&
          operatorOf.get(o) !== op &&
          !lent.some((l) => l.vehicleId === o) &&
          fits(blocks.get(o) as SimTrip[], trip),
      )
      if (other) lent.push({ tripInstanceId: trip.id, vehicleId: other })
    }
    if (lent.length > (best?.lent.length ?? 0)) best = { id, lent }
  }
  if (best) {
    const block = blocks.get(best.id) as SimTrip[]
    cases.withheld = best.id
    cases.lent = best.lent
    cases.unrun = block.filter((t) => !best.lent.some((l) => l.tripInstanceId === t.id)).map((t) => t.id)
    for (const l of best.lent) {
      runBy.set(l.tripInstanceId, l.vehicleId)
      used.add(l.vehicleId)
    }
    used.add(best.id)
  }
  const free = (minTrips: number): string | undefined =>
    ids.find((id) => !used.has(id) && (blocks.get(id) as SimTrip[]).length >= minTrips)

  // A breakdown for good half-way through the second-to-last trip: that trip is partial, the last one not run.
  const stranded = free(3)
  if (stranded) {
    used.add(stranded)
    const block = blocks.get(stranded) as SimTrip[]
    cases.strandings.push({
      vehicleId: stranded,
      tripInstanceId: (block.at(-2) as SimTrip).id,
      atShare: 0.55,
      standS: 1800,
    })
  }
  for (const share of LATE_TERMINAL_SHARES) {
    const id = free(1)
    if (!id) break
    used.add(id)
    const first = (blocks.get(id) as SimTrip[])[0] as SimTrip
    cases.lateTerminals.push({
      vehicleId: id,
      tripInstanceId: first.id,
      fromTs: Math.round(first.departureTs + share * (endOf(first) - first.departureTs)),
    })
  }
  const cancelFrom = free(3)
  if (cancelFrom) cases.cancelled.push(((blocks.get(cancelFrom) as SimTrip[])[1] as SimTrip).id)

  const out = new Set([...cases.unrun, ...cases.cancelled])
  const trips = net.trips.filter((t) => !out.has(t.id)).map((t) => ({ ...t, vehicleId: runBy.get(t.id) ?? null }))
  return { network: { ...net, trips }, roster, cases }
}

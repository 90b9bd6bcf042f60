/**
 * A vehicle running a trip instance, and what the trip board keeps of every instance someone ran:
 * the shapes the engine's parts share, and the leg a run hands to the ETA history. Pure.
 */
import type { EngineInstance, SegmentObservation } from './engine-types.js'
import type { TripGeometry } from './geometry.js'
import { HOLD_MS } from './pace.js'
import type { VehicleTracker } from './tracker.js'
import type { TripMatchKind } from './views.js'

/** A vehicle running a trip instance. */
export interface Run {
  instance: EngineInstance
  match: TripMatchKind
  tracker: VehicleTracker
  geometry: TripGeometry
  startedTs: number
  /** Since when an inferred match has been off route without a break, epoch ms. */
  offRouteSince: number | null
  /** Arrival at the last stop, epoch ms. */
  lastStopTs: number | null
}

/** What the trip board knows about an instance someone ran (or runs). */
export interface InstanceProgress {
  vehicleId: string
  match: TripMatchKind
  departedTs: number | null
  completedTs: number | null
  /** The run ended without reaching the last stop (abandoned, dropped, cancelled). */
  endedTs: number | null
  endReason: RunEndReason | null
  delayS: number | null
  nextStopSeq: number | null
  /** First seen beyond the first stop (terminal switched on late, dead zone, restart): departed, not late to start. */
  joinedMidRoute: boolean
}

export type RunEndReason = 'completed' | 'abandoned' | 'bad_match' | 'cancelled' | 'removed' | 'assigned_elsewhere'

/** Scheduled arrival at the last stop, epoch ms. */
export function endTs(inst: Pick<EngineInstance, 'stops' | 'departureTs'>): number {
  return inst.stops.at(-1)?.arrivalTs ?? inst.departureTs
}

/** The seq of the stop after `seq` on the instance. */
export function nextSeq(inst: Pick<EngineInstance, 'stops'>, seq: number): number | undefined {
  const i = inst.stops.findIndex((s) => s.seq === seq)
  return inst.stops[i + 1]?.seq
}

/** A new board entry: the instance is run by `vehicleId`, nothing achieved yet. */
export function freshProgress(vehicleId: string, match: TripMatchKind): InstanceProgress {
  return {
    vehicleId,
    match,
    departedTs: null,
    completedTs: null,
    endedTs: null,
    endReason: null,
    delayS: null,
    nextStopSeq: null,
    joinedMidRoute: false,
  }
}

/** The leg from one stop (left at `from.departureTs`) to the next (reached at `arrivalTs`), as the ETA history stores it. */
export function legDriven(
  inst: EngineInstance,
  from: { seq: number; arrivalTs: number; departureTs: number | null; scheduledTs: number },
  arrivalTs: number,
  firstSeq: number,
): SegmentObservation {
  const dep = from.departureTs as number
  // A bus that left at its scheduled time may have been holding for it: the ETA holds buses by
  // itself, so such a wait is not dwell (nor is waiting at the first stop).
  const held = dep <= from.scheduledTs + HOLD_MS
  return {
    ts: arrivalTs,
    routeId: inst.routeId,
    direction: inst.direction,
    fromSeq: from.seq,
    travelS: Math.round((arrivalTs - dep) / 100) / 10,
    dwellS: from.seq === firstSeq || held ? null : Math.round((dep - from.arrivalTs) / 100) / 10,
  }
}

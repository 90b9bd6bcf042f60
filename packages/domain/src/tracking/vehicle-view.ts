/**
 * The state view of one vehicle, as the console, the API and GTFS-RT read it: its service status
 * (on a trip: its punctuality, offline or off route; off a trip: layover, not in service, off
 * duty), its trip, delay, freshness, driver and next stop with the ETA that stands. Pure.
 */
import { punctualityOf, type EngineConfig } from './config.js'
import { shownDriver } from './crew.js'
import type { EngineInstance } from './engine-types.js'
import type { Freshness } from './freshness.js'
import type { TrackerState } from './types.js'
import type { Slot } from './vehicle-slot.js'
import type { VehicleServiceStatus, VehicleStateView } from './views.js'

export interface ViewContext {
  config: EngineConfig
  /** The engine's clock, epoch ms. */
  now: number
  freshness: Freshness
  /** The vehicle's next rostered instance not finished (or the one it runs). */
  nextRostered: EngineInstance | undefined
  /** The rostered driver: of the trip it runs, else of its next rostered one. */
  rosteredDriver: string | null
  /** The ETA standing for a stop of its trip (none past the grace), epoch ms. */
  etaTs(seq: number): number | null
}

export function vehicleStateView(slot: Slot, c: ViewContext): VehicleStateView {
  const run = slot.run
  const st = run?.tracker.view() ?? null
  const next =
    run && st && st.nextStopSeq !== null ? run.instance.stops.find((s) => s.seq === st.nextStopSeq) : undefined
  const delayS = st?.delayS ?? null
  return {
    vehicleId: slot.vehicleId,
    status: serviceStatus(slot, st, c),
    online: slot.online,
    lastTs: slot.lastFix?.ts ?? null,
    freshness: c.freshness,
    tripInstanceId: run?.instance.id ?? null,
    routeId: run?.instance.routeId ?? null,
    match: run?.match ?? null,
    ...shownDriver(slot.crew.onBoard, c.rosteredDriver),
    rosteredDriverCode: c.rosteredDriver,
    delayS,
    punctuality: run && !run.lastStopTs ? punctualityOf(delayS, c.config) : null,
    progressM: st?.progressM === null || st?.progressM === undefined ? null : Math.round(st.progressM),
    offsetM: st?.offsetM ?? null,
    offRoute: slot.alerts.isOffRoute(),
    nextStop: next
      ? { seq: next.seq, stopCode: next.stopCode, scheduledTs: next.arrivalTs, etaTs: c.etaTs(next.seq) }
      : null,
  }
}

function serviceStatus(slot: Slot, st: Readonly<TrackerState> | null, c: ViewContext): VehicleServiceStatus {
  const run = slot.run
  if (run && st && !run.lastStopTs) {
    if (!slot.online) return 'offline'
    if (slot.alerts.isOffRoute()) return 'off_route'
    return punctualityOf(st.delayS, c.config) ?? 'on_time'
  }
  // At the last stop, or between trips with more of its duty due soon: layover; else off duty.
  if (run?.lastStopTs) return 'layover'
  const next = c.nextRostered
  if (next && next.departureTs - c.now <= c.config.layoverAheadS * 1000) return 'layover'
  if (slot.online && (slot.lastFix?.speedKmh ?? 0) >= c.config.match.minSpeedKmh) return 'not_in_service'
  return 'off_duty'
}

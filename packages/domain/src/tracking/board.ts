/**
 * Read models over the engine: the trip board of the service day and the next departures at a
 * stop (what a villager at the sign wants to know). Pure; `now` is a parameter.
 */
import type { TrackingEngine } from './engine.js'
import { endTs } from './engine.js'
import type { EngineInstance } from './engine-types.js'
import type { DepartureStatus, StopArrival, TripBoardRow, TripRunStatus } from './views.js'

export function tripBoardRow(engine: TrackingEngine, inst: EngineInstance, now: number): TripBoardRow {
  const p = engine.progressOf(inst.id)
  const cfg = engine.config
  let status: TripRunStatus
  if (inst.status === 'cancelled') status = 'cancelled'
  else if (p?.completedTs) status = 'completed'
  else if (p && !p.endedTs) status = p.delayS !== null && p.delayS > cfg.lateThresholdS ? 'late' : 'running'
  // Not started (or its run was abandoned): late once the departure is well past.
  else status = now > inst.departureTs + cfg.alerts.lateStartS * 1000 || p?.endedTs ? 'late' : 'scheduled'
  const running = p && !p.completedTs && !p.endedTs
  const next = running && p.nextStopSeq !== null ? inst.stops.find((s) => s.seq === p.nextStopSeq) : undefined
  return {
    instanceId: inst.id,
    tripId: inst.tripId,
    routeId: inst.routeId,
    kind: inst.kind,
    headsign: inst.headsign,
    departureTs: inst.departureTs,
    endTs: endTs(inst),
    status,
    delayS: p?.delayS ?? null,
    vehicleId: p?.vehicleId ?? inst.vehicleId,
    driverCode: inst.driverId,
    match: p?.match ?? (inst.vehicleId ? 'assigned' : null),
    departedTs: p?.departedTs ?? null,
    completedTs: p?.completedTs ?? null,
    nextStopCode: next?.stopCode ?? null,
    cancelReason: inst.cancelReason,
  }
}

export function tripBoard(engine: TrackingEngine, now: number): TripBoardRow[] {
  return engine.instances().map((i) => tripBoardRow(engine, i, now))
}

export interface RouteNames {
  name: string
  nameEn: string
}

export interface ArrivalsQuery {
  stopCode: string
  now: number
  /** Departures scheduled up to this far ahead, ms. */
  horizonMs: number
  limit: number
  routeNames: (routeId: string) => RouteNames | undefined
}

/** Upcoming departures at a stop: tracked buses with live ETA first by time, then the timetable. */
export function arrivalsAt(engine: TrackingEngine, q: ArrivalsQuery): StopArrival[] {
  const cfg = engine.config
  const out: StopArrival[] = []
  for (const inst of engine.instances()) {
    const idx = inst.stops.findIndex((s) => s.stopCode === q.stopCode)
    if (idx < 0 || idx === inst.stops.length - 1) continue // nobody boards at the last stop
    const stop = inst.stops[idx] as EngineInstance['stops'][number]
    const p = engine.progressOf(inst.id)
    if (p?.completedTs) continue
    const names = q.routeNames(inst.routeId)
    const base = {
      tripInstanceId: inst.id,
      routeId: inst.routeId,
      routeName: names?.name ?? inst.routeId,
      routeNameEn: names?.nameEn ?? inst.routeId,
      kind: inst.kind,
      headsign: inst.headsign,
      scheduledTs: stop.arrivalTs,
      driverCode: inst.driverId,
    }
    const running = p && !p.endedTs ? engine.runOf(p.vehicleId) : null
    if (inst.status === 'cancelled') {
      if (stop.arrivalTs >= q.now - 10 * 60_000 && stop.arrivalTs <= q.now + q.horizonMs) out.push({ ...base, etaTs: null, status: 'cancelled', delayS: null, vehicleId: null, stopsAway: null })
      continue
    }
    if (running && running.instance.id === inst.id && p) {
      const st = engine.trackerState(p.vehicleId)
      const visit = st?.visits.find((v) => v.seq === stop.seq)
      if (visit?.departureTs) continue // already left this stop
      const nextIdx = st?.nextStopSeq == null ? -1 : inst.stops.findIndex((s) => s.seq === st.nextStopSeq)
      if (nextIdx > idx) continue
      const eta = engine.etas(p.vehicleId).find((e) => e.seq === stop.seq)
      const atStop = visit !== undefined && visit.departureTs === null
      const delayS = st?.delayS ?? null
      let status: DepartureStatus = 'on_the_way'
      if (atStop) status = 'at_stop'
      else if (!p.departedTs) status = q.now > inst.departureTs + cfg.alerts.lateStartS * 1000 ? 'late' : 'scheduled'
      else if (delayS !== null && delayS > cfg.lateThresholdS) status = 'late'
      out.push({ ...base, etaTs: atStop ? (st?.lastTs ?? q.now) : (eta?.etaTs ?? null), status, delayS, vehicleId: p.vehicleId, stopsAway: nextIdx < 0 ? null : idx - nextIdx, driverCode: inst.driverId })
      continue
    }
    // Not tracked: the timetable says when; late once its departure is well past.
    if (stop.arrivalTs < q.now - 30 * 60_000 || stop.arrivalTs > q.now + q.horizonMs) continue
    if (p?.endedTs) continue
    const notStarted = q.now > inst.departureTs + cfg.alerts.lateStartS * 1000
    if (notStarted && stop.arrivalTs < q.now) continue
    out.push({ ...base, etaTs: null, status: notStarted ? 'late' : 'scheduled', delayS: null, vehicleId: inst.vehicleId, stopsAway: null })
  }
  out.sort((a, b) => (a.etaTs ?? a.scheduledTs) - (b.etaTs ?? b.scheduledTs) || a.tripInstanceId.localeCompare(b.tripInstanceId))
  return out.slice(0, q.limit)
}

/**
 * Read models over the engine: the trip board of the service day and the next departures at a
 * stop (what a villager at the sign wants to know). Pure; `now` is a parameter.
 */
import type { InstanceProgress, TrackingEngine } from './engine.js'
import { endTs } from './engine.js'
import { punctualityOf } from './config.js'
import type { EngineInstance } from './engine-types.js'
import type { DepartureStatus, StopArrival, TripBoardRow, TripRunStatus } from './views.js'

/** A trip's state from what the engine saw: never "late" for a trip nobody ran (see TripRunStatus). */
export function tripRunStatus(
  engine: TrackingEngine,
  inst: EngineInstance,
  p: InstanceProgress | undefined,
): TripRunStatus {
  if (inst.status === 'cancelled') return 'cancelled'
  if (p?.completedTs) return 'completed'
  // Running, but its bus silent for lostAfterS (as of the engine's clock): lost until it speaks again.
  if (p && !p.endedTs) return engine.freshness(p.vehicleId).freshness === 'lost' ? 'lost' : 'in_progress'
  if (p?.endedTs) return 'partial'
  // The engine's clock rules decide (a bus standing at the first stop holds it off).
  if (engine.isMissed(inst.id)) return 'missed'
  return inst.vehicleId ? 'assigned' : 'scheduled'
}

export function tripBoardRow(engine: TrackingEngine, inst: EngineInstance): TripBoardRow {
  const p = engine.progressOf(inst.id)
  const status = tripRunStatus(engine, inst, p)
  const running = (status === 'in_progress' || status === 'lost') && p
  const next = running && p.nextStopSeq !== null ? inst.stops.find((s) => s.seq === p.nextStopSeq) : undefined
  const vehicleId = p?.vehicleId ?? inst.vehicleId
  // The driver on board the bus running it, else the rostered one.
  const driverCode = running ? (engine.driverOf(p.vehicleId) ?? inst.driverId) : inst.driverId
  const delayS =
    status === 'in_progress' || status === 'lost' || status === 'completed' || status === 'partial'
      ? (p?.delayS ?? null)
      : null
  return {
    instanceId: inst.id,
    tripId: inst.tripId,
    routeId: inst.routeId,
    kind: inst.kind,
    headsign: inst.headsign,
    departureTs: inst.departureTs,
    endTs: endTs(inst),
    status,
    delayS,
    punctuality: punctualityOf(delayS, engine.config),
    vehicleId,
    driverCode,
    match: p?.match ?? (inst.vehicleId ? 'assigned' : null),
    departedTs: p?.departedTs ?? null,
    completedTs: p?.completedTs ?? null,
    nextStopCode: next?.stopCode ?? null,
    cancelReason: inst.cancelReason,
    lastFixTs: running ? engine.freshness(p.vehicleId).lastFixTs : null,
  }
}

/** The board as of the engine's last clock tick (its rules decide missed; nothing here reads a clock). */
export function tripBoard(engine: TrackingEngine): TripBoardRow[] {
  return engine.instances().map((i) => tripBoardRow(engine, i))
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

/**
 * Upcoming departures at a stop: tracked buses with live ETA first by time, then the timetable.
 * Every row a bus runs carries that bus's freshness (`lastFixTs`, `online`, `freshness`); once its
 * last fix is older than the ETA grace the row has no ETA and says `no_position`: the timetable
 * stands, never a frozen ETA turning into "due now".
 */
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
      punctuality: null,
      lastFixTs: null,
      online: null,
      freshness: null,
    }
    const running = p && !p.endedTs ? engine.runOf(p.vehicleId) : null
    if (inst.status === 'cancelled') {
      if (stop.arrivalTs >= q.now - 10 * 60_000 && stop.arrivalTs <= q.now + q.horizonMs)
        out.push({ ...base, etaTs: null, status: 'cancelled', delayS: null, vehicleId: null, stopsAway: null })
      continue
    }
    if (running && running.instance.id === inst.id && p) {
      const st = engine.trackerState(p.vehicleId)
      const visit = st?.visits.find((v) => v.seq === stop.seq)
      if (visit?.departureTs) continue // already left this stop
      const nextIdx = st?.nextStopSeq == null ? -1 : inst.stops.findIndex((s) => s.seq === st.nextStopSeq)
      if (nextIdx > idx) continue
      const fresh = engine.freshness(p.vehicleId, q.now)
      const live = fresh.freshness === 'live'
      const eta = live ? engine.etas(p.vehicleId, q.now).find((e) => e.seq === stop.seq) : undefined
      const atStop = visit !== undefined && visit.departureTs === null
      const delayS = st?.delayS ?? null
      let status: DepartureStatus = 'on_the_way'
      if (atStop) status = 'at_stop'
      else if (!p.departedTs) status = engine.activeLateStart(inst.id) ? 'late' : 'scheduled'
      const punctuality = punctualityOf(delayS, cfg)
      if (p.departedTs && punctuality === 'late') status = 'late'
      // Silent past the grace: where it is now nobody knows — the timetable, and how old the last position is.
      if (!live) status = 'no_position'
      const etaTs = !live ? null : atStop ? Math.max(st?.lastTs ?? q.now, q.now) : (eta?.etaTs ?? null)
      out.push({
        ...base,
        etaTs,
        status,
        delayS,
        punctuality,
        vehicleId: p.vehicleId,
        stopsAway: nextIdx < 0 ? null : idx - nextIdx,
        driverCode: engine.driverOf(p.vehicleId) ?? inst.driverId,
        ...fresh,
      })
      continue
    }
    // Not tracked: the timetable says when; past its departure it is "not started yet" (a bus with a
    // dead terminal may still come), and gone once its time at this stop has passed.
    if (stop.arrivalTs < q.now - 30 * 60_000 || stop.arrivalTs > q.now + q.horizonMs) continue
    if (p?.endedTs) continue
    const notStarted = q.now > inst.departureTs + cfg.alerts.lateStartS * 1000
    if (notStarted && stop.arrivalTs < q.now) continue
    out.push({
      ...base,
      etaTs: null,
      status: notStarted ? 'late' : 'scheduled',
      delayS: null,
      vehicleId: inst.vehicleId,
      stopsAway: null,
    })
  }
  out.sort(
    (a, b) =>
      (a.etaTs ?? a.scheduledTs) - (b.etaTs ?? b.scheduledTs) || a.tripInstanceId.localeCompare(b.tripInstanceId),
  )
  return out.slice(0, q.limit)
}

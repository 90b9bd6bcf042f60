/**
 * The tracking engine: every vehicle's state machine, fed each accepted position in timestamp
 * order. A vehicle is matched to a trip instance (the dispatcher's assignment, or inferred from
 * where and when it drives), tracked along it by the per-trip tracker (progress, stop visits,
 * delay), watched by the alert rules, and its ETAs predicted. Pure: no I/O, no clock — `now`
 * and every instant are parameters; outputs are collected until `drain()`.
 */
import { distanceM } from '@rb/geo'
import type { InstanceStop } from '../network/timetable.js'
import { engineConfig, type EngineConfig, type EngineConfigInput } from './config.js'
import type { EngineCounters, EngineEvent, EngineFix, EngineInstance, EngineNetwork, EngineOutput, EngineRoute, SegmentObservation } from './engine-types.js'
import { noSegmentStats, predictArrivals, type SegmentStats, type StopEta } from './eta.js'
import { tripGeometry, type TripGeometry } from './geometry.js'
import { matchTrip, type MatchCandidate, type MatchFix } from './matcher.js'
import { createVehicleTracker, type VehicleTracker } from './tracker.js'
import type { StopVisitEvent, TrackerState } from './types.js'
import { VehicleAlerts, type AlertSink } from './vehicle-alerts.js'
import type { LiveAlert, TripMatchKind, VehicleServiceStatus, VehicleStateView } from './views.js'

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
  delayS: number | null
  nextStopSeq: number | null
}

interface Slot {
  vehicleId: string
  lastFix: EngineFix | null
  /** When the server last heard from the vehicle, epoch ms. */
  lastHeardAt: number | null
  online: boolean
  /** Recent fixes (thinned) for matching; replayed into a new run. */
  recent: MatchFix[]
  run: Run | null
  alerts: VehicleAlerts
  badMatchTs: number[]
  /** Consecutive rejected jumps consistent with each other. */
  jumpRun: number
  jumpRunEnd: EngineFix | null
  /** Instances this vehicle must not be inferred onto again today (dropped as bad matches). */
  refused: Set<string>
}

export class TrackingEngine {
  readonly config: EngineConfig
  #net: EngineNetwork = { instances: [], routes: [], vehicles: [] }
  #routes = new Map<string, EngineRoute>()
  #instances = new Map<string, EngineInstance>()
  #operatorOf = new Map<string, string>()
  #geometry = new Map<string, TripGeometry>()
  #slots = new Map<string, Slot>()
  #progress = new Map<string, InstanceProgress>()
  #lateStarts = new Map<string, LiveAlert>()
  #stats: SegmentStats = noSegmentStats
  #out: EngineOutput = emptyOutput()
  readonly counters: EngineCounters = { fixes: 0, stale: 0, jumps: 0, matched: 0, badMatches: 0 }

  constructor(config: EngineConfigInput = {}) {
    this.config = engineConfig(config)
  }

  // ── inputs ──

  setNetwork(net: EngineNetwork): void {
    this.#net = net
    this.#routes = new Map(net.routes.map((r) => [r.id, r]))
    this.#instances = new Map(net.instances.map((i) => [i.id, i]))
    this.#operatorOf = new Map(net.vehicles.map((v) => [v.id, v.operatorId]))
    this.#geometry.clear()
    for (const slot of this.#slots.values()) {
      const run = slot.run
      if (!run) continue
      const fresh = this.#instances.get(run.instance.id)
      if (!fresh || fresh.status === 'cancelled') this.#endRun(slot, run.lastStopTs ?? slot.lastFix?.ts ?? run.startedTs, fresh ? 'cancelled' : 'removed')
      else if (run.match === 'inferred' && fresh.vehicleId && fresh.vehicleId !== slot.vehicleId) this.#endRun(slot, slot.lastFix?.ts ?? run.startedTs, 'assigned_elsewhere')
      else {
        run.instance = fresh
        if (fresh.vehicleId === slot.vehicleId) run.match = 'assigned'
      }
    }
  }

  setSegmentStats(stats: SegmentStats): void {
    this.#stats = stats
  }

  /** One accepted position; `now` is when the server received it. */
  onPosition(fix: EngineFix, now: number): void {
    const slot = this.#slot(fix.vehicleId)
    slot.lastHeardAt = Math.max(slot.lastHeardAt ?? 0, now)
    this.#comeOnline(slot, fix.ts)
    this.counters.fixes++
    const last = slot.lastFix
    if (last && fix.ts <= last.ts) {
      // Older than the state: history only (it is stored; live state does not go back).
      this.counters.stale++
      return
    }
    if (last && this.#isJump(slot, last, fix)) return
    slot.lastFix = fix
    this.#remember(slot, fix)
    this.#changed(slot.vehicleId)

    if (!slot.run) this.#startRun(slot, fix)
    else this.#feed(slot, slot.run, fix)
    const run = slot.run as Run | null
    const limit = run ? (this.#routes.get(run.instance.routeId)?.speedLimitKmh ?? this.config.alerts.defaultSpeedLimitKmh) : this.config.alerts.defaultSpeedLimitKmh
    slot.alerts.onFix(fix, run ? run.tracker.view() : null, run?.instance.id ?? null, limit)
  }

  /** A link status (`offline` is also the MQTT last will); `ts` is when it was learned. */
  onLink(vehicleId: string, online: boolean, ts: number): void {
    const slot = this.#slot(vehicleId)
    if (online) return this.#comeOnline(slot, ts)
    if (!slot.online) return
    slot.online = false
    slot.alerts.offline(ts, slot.run?.instance.id ?? null, 'last will or device said offline')
    this.#changed(vehicleId)
  }

  /** A driver alarm from the device (MQTT event or JT/T 808 alarm bit). */
  onAlarm(vehicleId: string, ts: number, alarm: string, data: Record<string, unknown>): void {
    const slot = this.#slot(vehicleId)
    slot.alerts.alarm(ts, slot.run?.instance.id ?? null, alarm, data)
  }

  /** Time-driven rules: offline, late start, abandoned trips. Call every few seconds. */
  tick(now: number): void {
    const { alerts: a } = this.config
    for (const slot of this.#slots.values()) {
      if (slot.online && slot.lastHeardAt !== null && now - slot.lastHeardAt >= a.offlineAfterS * 1000 && this.#inService(slot, now)) {
        slot.online = false
        slot.alerts.offline(slot.lastHeardAt, slot.run?.instance.id ?? null, `no data for ${Math.round((now - slot.lastHeardAt) / 1000)} s`)
        this.#changed(slot.vehicleId)
      }
      const run = slot.run
      if (run && !run.lastStopTs && now > endTs(run.instance) + this.config.abandonAfterS * 1000) this.#endRun(slot, slot.lastFix?.ts ?? now, 'abandoned')
    }
    for (const inst of this.#instances.values()) {
      if (inst.status === 'cancelled' || this.#lateStarts.has(inst.id)) continue
      if (now < inst.departureTs + a.lateStartS * 1000 || now > endTs(inst)) continue
      const p = this.#progress.get(inst.id)
      if (p?.departedTs) continue
      const vehicleId = p?.vehicleId ?? inst.vehicleId
      // An unassigned trip nobody has started is "not started" on the board, not an alert.
      if (!vehicleId) continue
      const alert = makeAlert('late_start', 'warning', inst.departureTs + a.lateStartS * 1000, vehicleId, inst.id, (inst.stops[0] as InstanceStop).stopCode, `has not left the first stop ${a.lateStartS / 60} min after the scheduled departure`, {
        scheduledTs: inst.departureTs,
      })
      this.#lateStarts.set(inst.id, alert)
      this.#out.alerts.push(alert)
      this.#event(vehicleId, alert.ts, 'late_start', inst.id, alert.stopCode, { scheduledTs: inst.departureTs })
      this.#instanceChanged(inst.id)
    }
  }

  /** What happened since the last drain. */
  drain(): EngineOutput {
    for (const slot of this.#slots.values()) this.#out.alerts.push(...slot.alerts.drain())
    const out = this.#out
    this.#out = emptyOutput()
    out.changedVehicles = [...new Set(out.changedVehicles)]
    out.changedInstances = [...new Set(out.changedInstances)]
    return out
  }

  // ── views ──

  vehicleIds(): string[] {
    return [...this.#slots.keys()]
  }

  instance(id: string): EngineInstance | undefined {
    return this.#instances.get(id)
  }

  instances(): EngineInstance[] {
    return this.#net.instances
  }

  progressOf(instanceId: string): InstanceProgress | undefined {
    return this.#progress.get(instanceId)
  }

  /** The run of a vehicle, if it is on a trip. */
  runOf(vehicleId: string): Readonly<Run> | null {
    return this.#slots.get(vehicleId)?.run ?? null
  }

  trackerState(vehicleId: string): TrackerState | null {
    return this.#slots.get(vehicleId)?.run?.tracker.state() ?? null
  }

  /** Predicted arrivals at the stops ahead of a vehicle on a trip. */
  etas(vehicleId: string): StopEta[] {
    const run = this.#slots.get(vehicleId)?.run
    if (!run || run.lastStopTs) return []
    const { defaultDwellS, holdAtStops } = this.config
    return predictArrivals({ instance: run.instance, state: run.tracker.view(), stats: this.#stats, defaultDwellS, holdAtStops })
  }

  state(vehicleId: string): VehicleStateView | null {
    const slot = this.#slots.get(vehicleId)
    if (!slot) return null
    const run = slot.run
    const st = run?.tracker.view() ?? null
    const next = run && st && st.nextStopSeq !== null ? run.instance.stops.find((s) => s.seq === st.nextStopSeq) : undefined
    const eta = next ? this.etas(vehicleId).find((e) => e.seq === next.seq) : undefined
    return {
      vehicleId,
      status: this.#status(slot, st),
      online: slot.online,
      lastTs: slot.lastFix?.ts ?? null,
      tripInstanceId: run?.instance.id ?? null,
      routeId: run?.instance.routeId ?? null,
      match: run?.match ?? null,
      driverCode: run?.instance.driverId ?? null,
      delayS: st?.delayS ?? null,
      progressM: st?.progressM === null || st?.progressM === undefined ? null : Math.round(st.progressM),
      offsetM: st?.offsetM ?? null,
      offRoute: slot.alerts.isOffRoute(),
      nextStop: next ? { seq: next.seq, stopCode: next.stopCode, scheduledTs: next.arrivalTs, etaTs: eta?.etaTs ?? null } : null,
    }
  }

  activeLateStart(instanceId: string): boolean {
    const a = this.#lateStarts.get(instanceId)
    return a !== undefined && a.state === 'active'
  }

  // ── internals ──

  #slot(vehicleId: string): Slot {
    let s = this.#slots.get(vehicleId)
    if (!s) {
      const sink: AlertSink = { event: (ts, type, tripInstanceId, stopCode, data) => this.#event(vehicleId, ts, type, tripInstanceId, stopCode, data), changed: () => this.#changed(vehicleId) }
      s = { vehicleId, lastFix: null, lastHeardAt: null, online: true, recent: [], run: null, alerts: new VehicleAlerts(vehicleId, this.config.alerts, this.config.tracker.offRouteM, sink), badMatchTs: [], jumpRun: 0, jumpRunEnd: null, refused: new Set() }
      this.#slots.set(vehicleId, s)
    }
    return s
  }

  #comeOnline(slot: Slot, ts: number): void {
    if (slot.online) return
    slot.online = true
    slot.alerts.online(ts)
    this.#changed(slot.vehicleId)
  }

  /** A fix implying an impossible speed is ignored — unless several agree: then the reference was wrong. */
  #isJump(slot: Slot, last: EngineFix, fix: EngineFix): boolean {
    const max = this.config.tracker.maxSpeedKmh
    if (impliedKmh(last, fix) <= max) {
      slot.jumpRun = 0
      slot.jumpRunEnd = null
      return false
    }
    slot.jumpRun = slot.jumpRunEnd && impliedKmh(slot.jumpRunEnd, fix) <= max ? slot.jumpRun + 1 : 1
    slot.jumpRunEnd = fix
    if (slot.jumpRun >= this.config.tracker.jumpResetFixes) {
      slot.jumpRun = 0
      slot.jumpRunEnd = null
      slot.recent = []
      return false
    }
    this.counters.jumps++
    return true
  }

  /** Keeps recent fixes for matching, thinned: a standing bus adds one every 30 s. */
  #remember(slot: Slot, fix: EngineFix): void {
    const r = slot.recent
    const prev = r.at(-1)
    if (!prev || fix.ts - prev.ts >= 30_000 || distanceM([prev.lng, prev.lat], [fix.lng, fix.lat]) >= 10) {
      r.push({ ts: fix.ts, lng: fix.lng, lat: fix.lat, speedKmh: fix.speedKmh, headingDeg: fix.headingDeg })
    }
    const from = fix.ts - this.config.match.recentWindowS * 1000
    let drop = 0
    while (drop < r.length - 1 && (r[drop] as MatchFix).ts < from) drop++
    if (drop > 0) r.splice(0, drop)
  }

  #geometryOf(inst: EngineInstance): TripGeometry | null {
    const key = `${inst.routeId}:${inst.direction}`
    let g = this.#geometry.get(key)
    if (!g) {
      const route = this.#routes.get(inst.routeId)
      if (!route || route.geometry.length < 2) return null
      g = tripGeometry(route, inst.direction)
      this.#geometry.set(key, g)
    }
    return g
  }

  #startRun(slot: Slot, fix: EngineFix): void {
    const assigned = this.#assignedFor(slot.vehicleId, fix.ts)
    if (assigned) return this.#begin(slot, assigned, 'assigned', fix)
    const m = this.config.match
    const now = fix.ts
    const recentBad = slot.badMatchTs.filter((t) => now - t < m.badMatchWindowS * 1000)
    slot.badMatchTs = recentBad
    if (recentBad.length >= m.maxBadMatches && now - (recentBad.at(-1) as number) < m.badMatchPauseS * 1000) return
    const candidates = this.#candidates(slot, now)
    if (candidates.length === 0) return
    const match = matchTrip(slot.recent, candidates, m)
    if (!match) return
    this.#begin(slot, this.#instances.get(match.instanceId) as EngineInstance, 'inferred', fix)
  }

  /** The vehicle's assigned instance for now: the first not finished whose window holds `ts`. */
  #assignedFor(vehicleId: string, ts: number): EngineInstance | undefined {
    for (const inst of this.#net.instances) {
      if (inst.vehicleId !== vehicleId || inst.status === 'cancelled') continue
      const p = this.#progress.get(inst.id)
      if (p && (p.completedTs || p.endedTs)) continue
      if (p && p.vehicleId !== vehicleId) continue
      if (ts >= inst.departureTs - this.config.match.earlyS * 1000 && ts <= endTs(inst) + this.config.abandonAfterS * 1000) return inst
    }
    return undefined
  }

  #candidates(slot: Slot, now: number): MatchCandidate[] {
    const operator = this.#operatorOf.get(slot.vehicleId)
    const { earlyS, lateS } = this.config.match
    const out: MatchCandidate[] = []
    for (const inst of this.#net.instances) {
      if (inst.status === 'cancelled' || this.#progress.has(inst.id) || slot.refused.has(inst.id)) continue
      if (inst.vehicleId && inst.vehicleId !== slot.vehicleId) continue
      if (now < inst.departureTs - earlyS * 1000 || now > endTs(inst) + lateS * 1000) continue
      const route = this.#routes.get(inst.routeId)
      if (!route || (operator !== undefined && route.operatorId !== operator)) continue
      const geometry = this.#geometryOf(inst)
      if (geometry) out.push({ instance: inst, geometry })
    }
    return out
  }

  #begin(slot: Slot, inst: EngineInstance, match: TripMatchKind, fix: EngineFix): void {
    const ts = fix.ts
    const geometry = this.#geometryOf(inst)
    if (!geometry) return
    const tracker = createVehicleTracker({ instance: inst, coords: geometry.coords, config: this.config.tracker })
    const run: Run = { instance: inst, match, tracker, geometry, startedTs: ts, offRouteSince: null, lastStopTs: null }
    slot.run = run
    this.#progress.set(inst.id, { vehicleId: slot.vehicleId, match, departedTs: null, completedTs: null, endedTs: null, delayS: null, nextStopSeq: null })
    if (match === 'inferred') this.counters.matched++
    this.#event(slot.vehicleId, ts, 'trip_start', inst.id, null, { match })
    this.#instanceChanged(inst.id)
    // The fixes that led to the match (the wait at the first stop among them) belong to the run.
    const replay: EngineFix[] = slot.recent.filter((f) => f.ts < ts).map((f) => ({ vehicleId: slot.vehicleId, ...f }))
    for (const f of [...replay, fix]) {
      if (slot.run !== run) break
      this.#feed(slot, run, f)
    }
  }

  #feed(slot: Slot, run: Run, fix: EngineFix): void {
    const events = run.tracker.update(fix)
    const st = run.tracker.view()
    const inst = run.instance
    const progress = this.#progress.get(inst.id)
    for (const e of events) {
      if (e.type === 'delay') continue
      this.#visit(slot, run, e, st)
    }
    // Once at the last stop the trip's delay is its arrival delay there; standing on adds nothing.
    if (progress && !progress.completedTs) {
      progress.delayS = st.delayS
      progress.nextStopSeq = st.nextStopSeq
      this.#instanceChanged(inst.id)
    }
    if (run.match === 'inferred') {
      run.offRouteSince = st.offRoute ? (run.offRouteSince ?? fix.ts) : null
      if (run.offRouteSince !== null && fix.ts - run.offRouteSince >= this.config.match.badMatchOffRouteS * 1000) {
        this.counters.badMatches++
        slot.badMatchTs.push(fix.ts)
        slot.refused.add(inst.id)
        this.#endRun(slot, fix.ts, 'bad_match')
        this.#progress.delete(inst.id)
        return
      }
    }
    if (run.lastStopTs !== null && fix.ts - run.lastStopTs >= this.config.endAfterLastStopS * 1000) this.#endRun(slot, fix.ts, 'completed')
  }

  #visit(slot: Slot, run: Run, e: StopVisitEvent, st: Readonly<TrackerState>): void {
    const inst = run.instance
    const progress = this.#progress.get(inst.id)
    const first = (inst.stops[0] as InstanceStop).seq
    const lastSeq = (inst.stops.at(-1) as InstanceStop).seq
    this.#event(slot.vehicleId, e.ts, e.type, inst.id, e.stopCode, { seq: e.seq, scheduledTs: e.scheduledTs, delayS: e.delayS, passedWithoutStopping: e.passedWithoutStopping })
    if (e.type === 'departure') {
      if (e.seq === first && progress && !progress.departedTs) {
        progress.departedTs = e.ts
        this.#clearLateStart(inst.id, e.ts)
      }
      if (e.seq !== lastSeq) slot.alerts.departure(e, inst.id, e.seq === first ? inst.departureTs : e.scheduledTs)
      return
    }
    // Arrival: the leg just driven feeds ETA history.
    const visits = st.visits
    const here = visits.at(-1)
    const before = visits.at(-2)
    if (here && before && before.departureTs !== null && here.seq === nextSeq(inst, before.seq)) {
      this.#out.segments.push(segment(inst, before, here.arrivalTs, first))
    }
    if (e.seq === lastSeq) {
      run.lastStopTs = e.ts
      if (progress) Object.assign(progress, { completedTs: e.ts, delayS: e.delayS, nextStopSeq: null })
    }
  }

  #clearLateStart(instanceId: string, ts: number): void {
    const a = this.#lateStarts.get(instanceId)
    if (!a || a.state !== 'active') return
    const cleared: LiveAlert = { ...a, state: 'cleared', clearedTs: ts }
    this.#lateStarts.set(instanceId, cleared)
    this.#out.alerts.push(cleared)
  }

  #endRun(slot: Slot, ts: number, reason: 'completed' | 'abandoned' | 'bad_match' | 'cancelled' | 'removed' | 'assigned_elsewhere'): void {
    const run = slot.run
    if (!run) return
    slot.run = null
    const progress = this.#progress.get(run.instance.id)
    if (progress && !progress.completedTs) progress.endedTs = ts
    slot.alerts.tripEnded(ts)
    this.#event(slot.vehicleId, ts, 'trip_end', run.instance.id, null, { reason, match: run.match })
    this.#instanceChanged(run.instance.id)
    this.#changed(slot.vehicleId)
    // Matching starts afresh from here: fixes of the finished trip must not support the next one.
    if (reason !== 'bad_match') slot.recent = slot.recent.filter((f) => f.ts >= ts)
  }

  #inService(slot: Slot, now: number): boolean {
    return slot.run !== null || this.#assignedFor(slot.vehicleId, now) !== undefined
  }

  #status(slot: Slot, st: Readonly<TrackerState> | null): VehicleServiceStatus {
    if (!slot.online) return 'offline'
    if (!slot.run || !st) return 'not_in_service'
    if (slot.alerts.isOffRoute()) return 'off_route'
    const d = st.delayS
    if (d !== null && d > this.config.lateThresholdS) return 'late'
    if (d !== null && d < -this.config.earlyThresholdS) return 'early'
    return 'on_time'
  }

  #event(vehicleId: string, ts: number, type: EngineEvent['type'], tripInstanceId: string | null, stopCode: string | null, data: Record<string, unknown>): void {
    this.#out.events.push({ vehicleId, ts: Math.round(ts), type, tripInstanceId, stopCode, data })
  }

  #changed(vehicleId: string): void {
    this.#out.changedVehicles.push(vehicleId)
  }

  #instanceChanged(id: string): void {
    this.#out.changedInstances.push(id)
  }
}

export function makeAlert(
  type: LiveAlert['type'],
  severity: LiveAlert['severity'],
  ts: number,
  vehicleId: string | null,
  tripInstanceId: string | null,
  stopCode: string | null,
  message: string,
  data: Record<string, unknown>,
): LiveAlert {
  const subject = vehicleId ?? tripInstanceId ?? stopCode ?? 'network'
  const at = Math.round(ts)
  return { id: `${type}:${subject}:${at}`, type, severity, state: 'active', ts: at, clearedTs: null, vehicleId, tripInstanceId, stopCode, message, data, ackBy: null, ackTs: null }
}

/** Scheduled arrival at the last stop, epoch ms. */
export function endTs(inst: Pick<EngineInstance, 'stops' | 'departureTs'>): number {
  return inst.stops.at(-1)?.arrivalTs ?? inst.departureTs
}

function nextSeq(inst: EngineInstance, seq: number): number | undefined {
  const i = inst.stops.findIndex((s) => s.seq === seq)
  return inst.stops[i + 1]?.seq
}

function segment(inst: EngineInstance, from: { seq: number; arrivalTs: number; departureTs: number | null }, arrivalTs: number, firstSeq: number): SegmentObservation {
  const dep = from.departureTs as number
  return {
    ts: arrivalTs,
    routeId: inst.routeId,
    direction: inst.direction,
    fromSeq: from.seq,
    travelS: Math.round((arrivalTs - dep) / 100) / 10,
    dwellS: from.seq === firstSeq ? null : Math.round((dep - from.arrivalTs) / 100) / 10,
  }
}

function impliedKmh(a: EngineFix, b: EngineFix): number {
  const dtS = (b.ts - a.ts) / 1000
  return (distanceM([a.lng, a.lat], [b.lng, b.lat]) / dtS) * 3.6
}

function emptyOutput(): EngineOutput {
  return { events: [], alerts: [], segments: [], changedVehicles: [], changedInstances: [] }
}

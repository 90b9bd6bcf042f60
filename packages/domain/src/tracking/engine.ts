/**
 * The tracking engine: every vehicle's state machine, fed each accepted position in timestamp
 * order. A vehicle is matched to a trip instance (the dispatcher's assignment, or inferred from
 * where and when it drives), tracked along it by the per-trip tracker (progress, stop visits,
 * delay), watched by the alert rules, and its ETAs predicted. Pure: no I/O, no clock — `now`
 * and every instant are parameters; outputs are collected until `drain()`.
 */
import type { InstanceStop } from '../network/timetable.js'
import { engineConfig, type EngineConfig, type EngineConfigInput, type LatenessPolicy } from './config.js'
import { shownDriver, type DriverReport } from './crew.js'
import type {
  EngineCounters,
  EngineEvent,
  EngineFix,
  EngineInstance,
  EngineNetwork,
  EngineOutput,
} from './engine-types.js'
import type { SegmentStats, StartStats, StopEta } from './eta.js'
import { freshnessOf, type BusFreshness } from './freshness.js'
import { matchTrip } from './matcher.js'
import { EtaModel } from './predictions.js'
import { endTs, freshProgress, legDriven, nextSeq, type InstanceProgress, type Run, type RunEndReason } from './run.js'
import { createVehicleTracker } from './tracker.js'
import { matchCandidates, nextRostered, NetworkIndex, rosteredFor, type TripChoiceState } from './trip-choice.js'
import { TripDeadlines } from './trip-deadlines.js'
import type { StopVisitEvent, TrackerState } from './types.js'
import { isJump, newSlot, rememberFix, type Slot } from './vehicle-slot.js'
import type { AlertSink } from './vehicle-alerts.js'
import { vehicleStateView } from './vehicle-view.js'
import type { TripMatchKind, VehicleStateView } from './views.js'

export { endTs, type InstanceProgress, type Run, type RunEndReason } from './run.js'

export class TrackingEngine {
  readonly config: EngineConfig
  #index = new NetworkIndex({ instances: [], routes: [], vehicles: [] })
  #slots = new Map<string, Slot>()
  #progress = new Map<string, InstanceProgress>()
  readonly #eta: EtaModel
  readonly #deadlines: TripDeadlines
  /** The newest instant the engine was told (tick, receipt, report), epoch ms: the clock of the state views. */
  #clock = 0
  #out: EngineOutput = emptyOutput()
  readonly counters: EngineCounters = { fixes: 0, stale: 0, jumps: 0, matched: 0, badMatches: 0 }

  constructor(config: EngineConfigInput = {}) {
    this.config = engineConfig(config)
    this.#eta = new EtaModel(this.config)
    this.#deadlines = new TripDeadlines(this.config, {
      alert: (a) => this.#out.alerts.push(a),
      event: (vehicleId, ts, type, tripInstanceId, stopCode, data) =>
        this.#event(vehicleId, ts, type, tripInstanceId, stopCode, data),
      instanceChanged: (id) => this.#instanceChanged(id),
    })
  }

  // ── inputs ──

  setNetwork(net: EngineNetwork): void {
    this.#index = new NetworkIndex(net)
    this.#deadlines.networkChanged(this.#index)
    for (const slot of this.#slots.values()) {
      const run = slot.run
      if (!run) continue
      const fresh = this.#index.instances.get(run.instance.id)
      if (!fresh || fresh.status === 'cancelled')
        this.#endRun(slot, run.lastStopTs ?? slot.lastFix?.ts ?? run.startedTs, fresh ? 'cancelled' : 'removed')
      else if (run.match === 'inferred' && fresh.vehicleId && fresh.vehicleId !== slot.vehicleId)
        this.#endRun(slot, slot.lastFix?.ts ?? run.startedTs, 'assigned_elsewhere')
      else {
        run.instance = fresh
        if (fresh.vehicleId === slot.vehicleId) run.match = 'assigned'
      }
      this.#checkCrew(slot, slot.lastFix?.ts ?? run.startedTs)
      this.#changed(slot.vehicleId)
    }
  }

  /** The county's lateness policy (settings): one rule for the console, villager page, reports and GTFS-RT. */
  setPolicy(p: LatenessPolicy): void {
    this.config.earlyThresholdS = p.earlyS
    this.config.lateThresholdS = p.lateS
    this.config.missedGraceS = p.missedGraceS
    for (const id of this.#slots.keys()) this.#changed(id)
  }

  setSegmentStats(stats: SegmentStats): void {
    this.#eta.setSegmentStats(stats)
  }

  /** When buses of a route, and a driver's, typically leave their first stop (ETA of a bus waiting there). */
  setStartStats(stats: StartStats): void {
    this.#eta.setStartStats(stats)
  }

  /** One accepted position; `now` is when the server received it. */
  onPosition(fix: EngineFix, now: number): void {
    this.#clock = Math.max(this.#clock, now)
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
    if (last && isJump(slot, last, fix, this.config.tracker)) {
      this.counters.jumps++
      return
    }
    slot.lastFix = fix
    rememberFix(slot, fix, this.config.match.recentWindowS)
    this.#changed(slot.vehicleId)

    if (!slot.run) this.#startRun(slot, fix)
    else this.#feed(slot, slot.run, fix)
    const run = slot.run as Run | null
    const limit = run
      ? (this.#index.routes.get(run.instance.routeId)?.speedLimitKmh ?? this.config.alerts.defaultSpeedLimitKmh)
      : this.config.alerts.defaultSpeedLimitKmh
    slot.alerts.onFix(fix, run ? run.tracker.view() : null, run?.instance.id ?? null, limit)
  }

  /** A driver reported on board or off (IC card, driver page, device). */
  onDriver(vehicleId: string, r: DriverReport): void {
    this.#clock = Math.max(this.#clock, r.ts)
    const slot = this.#slot(vehicleId)
    if (!slot.crew.report(r)) return
    this.#checkCrew(slot, r.ts)
    this.#changed(vehicleId)
  }

  /** A link status (`offline` is also the MQTT last will); `ts` is when it was learned. */
  onLink(vehicleId: string, online: boolean, ts: number): void {
    const slot = this.#slot(vehicleId)
    if (online) return this.#comeOnline(slot, ts)
    if (!slot.online) return
    slot.online = false
    // A bus switched off at its terminus or between trips is parked, not lost.
    if (this.#onTrip(slot)) slot.alerts.offline(ts, slot.run?.instance.id ?? null, 'last will or device said offline')
    this.#changed(vehicleId)
  }

  /** A driver alarm from the device (MQTT event or JT/T 808 alarm bit). */
  onAlarm(vehicleId: string, ts: number, alarm: string, data: Record<string, unknown>): void {
    const slot = this.#slot(vehicleId)
    slot.alerts.alarm(ts, slot.run?.instance.id ?? null, alarm, data)
  }

  /** Time-driven rules: trip end at the last stop, offline, late start, abandoned and missed trips. Call every few seconds. */
  tick(now: number): void {
    this.#clock = Math.max(this.#clock, now)
    const { alerts: a } = this.config
    for (const slot of this.#slots.values()) {
      const run = slot.run
      // A bus that reached its last stop and went quiet there has finished its trip all the same.
      if (run?.lastStopTs && now - run.lastStopTs >= this.config.endAfterLastStopS * 1000)
        this.#endRun(slot, run.lastStopTs + this.config.endAfterLastStopS * 1000, 'completed')
      else if (run && !run.lastStopTs && now > endTs(run.instance) + this.config.abandonAfterS * 1000)
        this.#endRun(slot, slot.lastFix?.ts ?? now, 'abandoned')
      if (slot.online && slot.lastHeardAt !== null && now - slot.lastHeardAt >= a.offlineAfterS * 1000) {
        slot.online = false
        // Silent on a trip is an alert; silent parked (terminus, layover, off duty) is just switched off.
        if (this.#onTrip(slot))
          slot.alerts.offline(
            slot.lastHeardAt,
            slot.run?.instance.id ?? null,
            `no data for ${Math.round((now - slot.lastHeardAt) / 1000)} s`,
          )
        this.#changed(slot.vehicleId)
      }
      if (slot.run) this.#deadlines.lateStartRule(slot, slot.run, this.#progress.get(slot.run.instance.id), now)
      // Past the ETA grace, and later lost: the state and the trip's row change with it.
      const freshness = freshnessOf(slot.lastFix?.ts ?? null, now, this.config)
      if (freshness !== slot.freshness) {
        slot.freshness = freshness
        this.#changed(slot.vehicleId)
        if (slot.run) this.#instanceChanged(slot.run.instance.id)
      }
    }
    this.#deadlines.missedRule(this.#index, this.#slots.values(), this.#progress, now)
  }

  /**
   * From when the engine has seen the fleet (the start of the replayed positions, or its first
   * start): a trip whose deadline passed before then is classified missed without an alert.
   */
  watchFrom(ts: number): void {
    this.#deadlines.watchFrom(ts)
  }

  /** Restores what earlier runs of the served days achieved (stored outcomes), so a restart keeps them. */
  restoreProgress(rows: readonly (InstanceProgress & { instanceId: string })[]): void {
    for (const { instanceId, ...p } of rows) {
      if (!this.#index.instances.has(instanceId) || this.#progress.has(instanceId)) continue
      this.#progress.set(instanceId, { ...p })
      this.#instanceChanged(instanceId)
    }
  }

  /** Whether the board should call the instance missed now. */
  isMissed(instanceId: string): boolean {
    return this.#deadlines.isMissed(instanceId) && !this.#progress.has(instanceId)
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
    return this.#index.instances.get(id)
  }

  instances(): EngineInstance[] {
    return this.#index.net.instances
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

  /** The engine's clock: the newest instant it was told (tick, receipt, report), epoch ms. */
  clockTs(): number {
    return this.#clock
  }

  /** How fresh a vehicle's position is at `now` (default the engine's clock): one rule for every prediction shown. */
  freshness(vehicleId: string, now = this.#clock): BusFreshness {
    const slot = this.#slots.get(vehicleId)
    const lastFixTs = slot?.lastFix?.ts ?? null
    return { lastFixTs, online: slot?.online ?? false, freshness: freshnessOf(lastFixTs, now, this.config) }
  }

  /**
   * Predicted arrivals at the stops ahead of a vehicle on a trip, none earlier than `now` (the
   * host's clock; default the engine's). Empty once the bus's last fix is older than the ETA grace:
   * then no prediction stands, the timetable does.
   */
  etas(vehicleId: string, now = this.#clock): StopEta[] {
    const slot = this.#slots.get(vehicleId)
    const run = slot?.run
    if (!slot || !run || run.lastStopTs) return []
    if (this.freshness(vehicleId, now).freshness !== 'live') return []
    return this.#eta.etas(run.instance, run.tracker.view(), now, this.driverOf(vehicleId))
  }

  /** When a bus at (or on the way to) its first stop is expected to leave it, as its ETAs assume, epoch ms; null when it has left. */
  expectedStartTs(vehicleId: string, now = this.#clock): number | null {
    const run = this.#slots.get(vehicleId)?.run
    if (!run || this.#progress.get(run.instance.id)?.departedTs) return null
    return Math.max(
      now,
      run.instance.departureTs + this.#eta.startDelayS(run.instance, this.driverOf(vehicleId)) * 1000,
    )
  }

  /** A vehicle's state as of `now` (the engine's clock unless told: an API answer passes the real time, as its ETAs do). */
  state(vehicleId: string, now = this.#clock): VehicleStateView | null {
    const slot = this.#slots.get(vehicleId)
    if (!slot) return null
    const etas = this.etas(vehicleId, now)
    return vehicleStateView(slot, {
      config: this.config,
      now,
      freshness: this.freshness(vehicleId, now).freshness,
      nextRostered: this.#nextRostered(slot, now),
      rosteredDriver: this.#rosteredDriver(slot),
      etaTs: (seq) => etas.find((e) => e.seq === seq)?.etaTs ?? null,
    })
  }

  /** The driver to show for a vehicle: on board, else rostered (the villager card, GTFS-RT label). */
  driverOf(vehicleId: string): string | null {
    const slot = this.#slots.get(vehicleId)
    if (!slot) return null
    return shownDriver(slot.crew.onBoard, this.#rosteredDriver(slot)).driverCode
  }

  activeLateStart(instanceId: string): boolean {
    return this.#deadlines.activeLateStart(instanceId)
  }

  // ── internals ──

  #slot(vehicleId: string): Slot {
    let s = this.#slots.get(vehicleId)
    if (!s) {
      const sink: AlertSink = {
        event: (ts, type, tripInstanceId, stopCode, data) =>
          this.#event(vehicleId, ts, type, tripInstanceId, stopCode, data),
        changed: () => this.#changed(vehicleId),
      }
      s = newSlot(vehicleId, this.config, sink)
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

  #startRun(slot: Slot, fix: EngineFix): void {
    const assigned = rosteredFor(this.#choice, slot.vehicleId, fix)
    if (assigned) return this.#begin(slot, assigned, 'assigned', fix)
    const m = this.config.match
    const now = fix.ts
    const recentBad = slot.badMatchTs.filter((t) => now - t < m.badMatchWindowS * 1000)
    slot.badMatchTs = recentBad
    if (recentBad.length >= m.maxBadMatches && now - (recentBad.at(-1) as number) < m.badMatchPauseS * 1000) return
    const candidates = matchCandidates(this.#choice, slot.vehicleId, slot.refused, now)
    if (candidates.length === 0) return
    const match = matchTrip(slot.recent, candidates, m)
    if (!match) return
    this.#begin(slot, this.#index.instances.get(match.instanceId) as EngineInstance, 'inferred', fix)
  }

  /** What the trip choice reads of the engine. */
  get #choice(): TripChoiceState {
    return {
      index: this.#index,
      config: this.config,
      progress: this.#progress,
      isOnline: (id) => this.#slots.get(id)?.online ?? false,
    }
  }

  /** The vehicle's next rostered instance not finished (or the one it runs). */
  #nextRostered(slot: Slot, now: number): EngineInstance | undefined {
    return nextRostered(this.#choice, slot.vehicleId, slot.run, now)
  }

  #rosteredDriver(slot: Slot): string | null {
    if (slot.run) return slot.run.instance.driverId
    return this.#nextRostered(slot, this.#clock)?.driverId ?? null
  }

  #checkCrew(slot: Slot, ts: number): void {
    const run = slot.run
    this.#out.alerts.push(...slot.crew.check(ts, run?.instance.id ?? null, run?.instance.driverId ?? null))
  }

  #begin(slot: Slot, inst: EngineInstance, match: TripMatchKind, fix: EngineFix): void {
    const ts = fix.ts
    const geometry = this.#index.geometryOf(inst)
    if (!geometry) return
    const tracker = createVehicleTracker({ instance: inst, coords: geometry.coords, config: this.config.tracker })
    const run: Run = { instance: inst, match, tracker, geometry, startedTs: ts, offRouteSince: null, lastStopTs: null }
    slot.run = run
    this.#progress.set(inst.id, freshProgress(slot.vehicleId, match))
    this.#deadlines.taken(inst.id, slot.vehicleId, ts)
    if (match === 'inferred') this.counters.matched++
    this.#event(slot.vehicleId, ts, 'trip_start', inst.id, null, { match })
    this.#instanceChanged(inst.id)
    // The fixes that led to the match (the wait at the first stop among them) belong to the run.
    const replay: EngineFix[] = slot.recent.filter((f) => f.ts < ts).map((f) => ({ vehicleId: slot.vehicleId, ...f }))
    for (const f of [...replay, fix]) {
      if (slot.run !== run) break
      this.#feed(slot, run, f)
    }
    this.#checkCrew(slot, ts)
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
    // First seen beyond the first stop: it has left, whenever that was — never "late to start".
    const first = inst.stops[0] as InstanceStop
    if (
      progress &&
      !progress.departedTs &&
      st.progressM !== null &&
      st.progressM > first.distM + this.config.tracker.stopZoneM
    ) {
      progress.departedTs = fix.ts
      progress.joinedMidRoute = !st.visits.some((v) => v.seq === first.seq)
      this.#deadlines.clearLateStart(inst.id, fix.ts)
    }
    // Once at the last stop the trip's delay is its arrival delay there; standing on adds nothing.
    if (progress && !progress.completedTs) {
      progress.delayS = st.delayS
      progress.nextStopSeq = st.nextStopSeq
      this.#instanceChanged(inst.id)
    }
    if (run.match === 'inferred') {
      run.offRouteSince = st.offRoute ? (run.offRouteSince ?? fix.ts) : null
      // A run that has followed its trip through several stops is right: off route now is a detour.
      const trusted = st.visits.length >= this.config.match.trustedAfterStops
      if (
        !trusted &&
        run.offRouteSince !== null &&
        fix.ts - run.offRouteSince >= this.config.match.badMatchOffRouteS * 1000
      ) {
        this.counters.badMatches++
        slot.badMatchTs.push(fix.ts)
        slot.refused.add(inst.id)
        this.#endRun(slot, fix.ts, 'bad_match')
        this.#progress.delete(inst.id)
        return
      }
    }
    if (run.lastStopTs !== null && fix.ts - run.lastStopTs >= this.config.endAfterLastStopS * 1000)
      this.#endRun(slot, fix.ts, 'completed')
  }

  #visit(slot: Slot, run: Run, e: StopVisitEvent, st: Readonly<TrackerState>): void {
    const inst = run.instance
    const progress = this.#progress.get(inst.id)
    const first = (inst.stops[0] as InstanceStop).seq
    const lastSeq = (inst.stops.at(-1) as InstanceStop).seq
    const data: Record<string, unknown> = {
      seq: e.seq,
      scheduledTs: e.scheduledTs,
      delayS: e.delayS,
      passedWithoutStopping: e.passedWithoutStopping,
      serviceConfidence: e.serviceConfidence,
    }
    // Leaving the first stop: the start history (when this route's and this driver's buses leave) reads these.
    if (e.type === 'departure' && e.seq === first)
      Object.assign(data, {
        startDelayS: Math.round((e.ts - inst.departureTs) / 1000),
        routeId: inst.routeId,
        direction: inst.direction,
        driverId: this.driverOf(slot.vehicleId),
      })
    this.#event(slot.vehicleId, e.ts, e.type, inst.id, e.stopCode, data)
    if (e.type === 'departure') {
      if (e.seq === first && progress && !progress.departedTs) {
        progress.departedTs = e.ts
        this.#deadlines.clearLateStart(inst.id, e.ts)
      }
      if (e.seq !== lastSeq) slot.alerts.departure(e, inst.id, e.seq === first ? inst.departureTs : e.scheduledTs)
      if (e.seq !== first && e.seq !== lastSeq) this.#eta.stopLeft(e.stopCode, e.passedWithoutStopping)
      return
    }
    // Arrival: the leg just driven feeds ETA history.
    const visits = st.visits
    const here = visits.at(-1)
    const before = visits.at(-2)
    if (here && before && before.departureTs !== null && here.seq === nextSeq(inst, before.seq)) {
      const leg = legDriven(inst, before, here.arrivalTs, first)
      this.#out.segments.push(leg)
      this.#eta.legDriven(inst, leg)
    }
    if (e.seq === lastSeq) {
      run.lastStopTs = e.ts
      this.#changed(slot.vehicleId)
      if (progress) Object.assign(progress, { completedTs: e.ts, delayS: e.delayS, nextStopSeq: null })
    }
  }

  #endRun(slot: Slot, ts: number, reason: RunEndReason): void {
    const run = slot.run
    if (!run) return
    slot.run = null
    const progress = this.#progress.get(run.instance.id)
    if (progress && !progress.completedTs) progress.endedTs = ts
    if (progress) progress.endReason = reason
    slot.alerts.tripEnded(ts)
    // Alerts about this trip end with it (a late start that never cleared, a driver mismatch).
    this.#deadlines.clearLateStart(run.instance.id, ts)
    this.#checkCrew(slot, ts)
    this.#event(slot.vehicleId, ts, 'trip_end', run.instance.id, null, { reason, match: run.match })
    this.#instanceChanged(run.instance.id)
    this.#changed(slot.vehicleId)
    // Matching starts afresh from here: fixes of the finished trip must not support the next one.
    if (reason !== 'bad_match') slot.recent = slot.recent.filter((f) => f.ts >= ts)
  }

  /** On a trip, left its first stop and not yet at its last: the bus should be reporting (waiting at a terminus it may be switched off). */
  #onTrip(slot: Slot): boolean {
    const run = slot.run
    return run !== null && run.lastStopTs === null && Boolean(this.#progress.get(run.instance.id)?.departedTs)
  }

  #event(
    vehicleId: string,
    ts: number,
    type: EngineEvent['type'],
    tripInstanceId: string | null,
    stopCode: string | null,
    data: Record<string, unknown>,
  ): void {
    this.#out.events.push({ vehicleId, ts: Math.round(ts), type, tripInstanceId, stopCode, data })
  }

  #changed(vehicleId: string): void {
    this.#out.changedVehicles.push(vehicleId)
  }

  #instanceChanged(id: string): void {
    this.#out.changedInstances.push(id)
  }
}

function emptyOutput(): EngineOutput {
  return { events: [], alerts: [], segments: [], changedVehicles: [], changedInstances: [] }
}

/**
 * The tracking engine: every vehicle's state machine, fed each accepted position in timestamp
 * order. A vehicle is matched to a trip instance (the dispatcher's assignment, or inferred from
 * where and when it drives), tracked along it by the per-trip tracker (progress, stop visits,
 * delay), watched by the alert rules, and its ETAs predicted. Pure: no I/O, no clock — `now`
 * and every instant are parameters; outputs are collected until `drain()`.
 */
import { distanceM } from '@rb/geo'
import type { InstanceStop } from '../network/timetable.js'
import { engineConfig, punctualityOf, type EngineConfig, type EngineConfigInput, type LatenessPolicy } from './config.js'
import { shownDriver, VehicleCrew, type DriverReport } from './crew.js'
import type { EngineCounters, EngineEvent, EngineFix, EngineInstance, EngineNetwork, EngineOutput, EngineRoute, SegmentObservation } from './engine-types.js'
import { expectedStartDelayS, noSegmentStats, noStartStats, predictArrivals, timetableEdgeLegS, type SegmentStats, type StartStats, type StopEta } from './eta.js'
import { freshnessOf, type BusFreshness, type Freshness } from './freshness.js'
import { HOLD_MS, TimetablePace } from './pace.js'
import { tripGeometry, type TripGeometry } from './geometry.js'
import { matchTrip, type MatchCandidate, type MatchFix } from './matcher.js'
import { scheduledTsAt } from './schedule.js'
import { nearbyProjections } from '@rb/geo'
import { createVehicleTracker, type VehicleTracker } from './tracker.js'
import type { StopVisitEvent, TrackerState } from './types.js'
import { VehicleAlerts, type AlertSink } from './vehicle-alerts.js'
import { clearedAlert, makeAlert } from './alert-life.js'
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
  endReason: RunEndReason | null
  delayS: number | null
  nextStopSeq: number | null
  /** First seen beyond the first stop (terminal switched on late, dead zone, restart): departed, not late to start. */
  joinedMidRoute: boolean
}

export type RunEndReason = 'completed' | 'abandoned' | 'bad_match' | 'cancelled' | 'removed' | 'assigned_elsewhere'

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
  crew: VehicleCrew
  /** Freshness of the bus as of the last tick (a change re-sends its state and its trip's row). */
  freshness: Freshness
}

export class TrackingEngine {
  readonly config: EngineConfig
  #net: EngineNetwork = { instances: [], routes: [], vehicles: [] }
  #routes = new Map<string, EngineRoute>()
  #instances = new Map<string, EngineInstance>()
  #operatorOf = new Map<string, string>()
  /** Each vehicle's rostered instances, in departure order. */
  #rostered = new Map<string, EngineInstance[]>()
  /** Instances classified missed (no vehicle by departure + grace), with their alert when one was raised. */
  #missed = new Map<string, LiveAlert | null>()
  #geometry = new Map<string, TripGeometry>()
  #slots = new Map<string, Slot>()
  #progress = new Map<string, InstanceProgress>()
  #lateStarts = new Map<string, LiveAlert>()
  #stats: SegmentStats = noSegmentStats
  #startStats: StartStats = noStartStats
  /** How today's buses drive the timetable where there is no history (learned as they drive; in memory). */
  #timetablePace = new TimetablePace()
  /** The newest instant the engine was told (tick, receipt, report), epoch ms: the clock of the state views. */
  #clock = 0
  /** Deadlines before this instant passed while the engine saw nothing (before its first start): no missed alert. */
  #watchingSince = 0
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
    this.#rostered = new Map()
    for (const i of net.instances) {
      if (!i.vehicleId || i.status === 'cancelled') continue
      const list = this.#rostered.get(i.vehicleId) ?? []
      list.push(i)
      this.#rostered.set(i.vehicleId, list)
    }
    for (const list of this.#rostered.values()) list.sort((a, b) => a.departureTs - b.departureTs)
    for (const [id, alert] of this.#missed) {
      const inst = this.#instances.get(id)
      if (inst && inst.status !== 'cancelled') continue
      this.#missed.delete(id)
      if (alert?.state === 'active') this.#out.alerts.push(clearedAlert(alert, alert.ts, { reason: inst ? 'cancelled' : 'removed' }))
    }
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
    this.#stats = stats
  }

  /** When buses of a route, and a driver's, typically leave their first stop (ETA of a bus waiting there). */
  setStartStats(stats: StartStats): void {
    this.#startStats = stats
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
      if (run?.lastStopTs && now - run.lastStopTs >= this.config.endAfterLastStopS * 1000) this.#endRun(slot, run.lastStopTs + this.config.endAfterLastStopS * 1000, 'completed')
      else if (run && !run.lastStopTs && now > endTs(run.instance) + this.config.abandonAfterS * 1000) this.#endRun(slot, slot.lastFix?.ts ?? now, 'abandoned')
      if (slot.online && slot.lastHeardAt !== null && now - slot.lastHeardAt >= a.offlineAfterS * 1000) {
        slot.online = false
        // Silent on a trip is an alert; silent parked (terminus, layover, off duty) is just switched off.
        if (this.#onTrip(slot)) slot.alerts.offline(slot.lastHeardAt, slot.run?.instance.id ?? null, `no data for ${Math.round((now - slot.lastHeardAt) / 1000)} s`)
        this.#changed(slot.vehicleId)
      }
      if (slot.run) this.#lateStartRule(slot, slot.run, now)
      // Past the ETA grace, and later lost: the state and the trip's row change with it.
      const freshness = freshnessOf(slot.lastFix?.ts ?? null, now, this.config)
      if (freshness !== slot.freshness) {
        slot.freshness = freshness
        this.#changed(slot.vehicleId)
        if (slot.run) this.#instanceChanged(slot.run.instance.id)
      }
    }
    this.#missedRule(now)
  }

  /**
   * From when the engine has seen the fleet (the start of the replayed positions, or its first
   * start): a trip whose deadline passed before then is classified missed without an alert.
   */
  watchFrom(ts: number): void {
    this.#watchingSince = ts
  }

  /** Restores what earlier runs of the served days achieved (stored outcomes), so a restart keeps them. */
  restoreProgress(rows: readonly (InstanceProgress & { instanceId: string })[]): void {
    for (const { instanceId, ...p } of rows) {
      if (!this.#instances.has(instanceId) || this.#progress.has(instanceId)) continue
      this.#progress.set(instanceId, { ...p })
      this.#instanceChanged(instanceId)
    }
  }

  /** A bus at (or not yet at) its first stop, past departure + `lateStartS`: late to start. */
  #lateStartRule(slot: Slot, run: Run, now: number): void {
    const inst = run.instance
    const a = this.config.alerts
    const deadline = inst.departureTs + a.lateStartS * 1000
    // Judged on what the bus says now: fixes from before the deadline (a backlog arriving late) prove nothing.
    if (now < deadline || this.#lateStarts.has(inst.id) || !slot.online || (slot.lastFix?.ts ?? 0) < deadline) return
    const p = this.#progress.get(inst.id)
    if (!p || p.departedTs || p.endedTs || p.completedTs) return
    // Moving off already (not yet past the stop zone's far edge): it has left, not late to start.
    if ((slot.lastFix?.speedKmh ?? 0) >= this.config.match.minSpeedKmh) return
    const first = inst.stops[0] as InstanceStop
    const alert = makeAlert('late_start', 'warning', Math.max(deadline, run.startedTs), slot.vehicleId, inst.id, first.stopCode, `has not left the first stop ${a.lateStartS / 60} min after the scheduled departure`, {
      scheduledTs: inst.departureTs,
    })
    this.#lateStarts.set(inst.id, alert)
    this.#out.alerts.push(alert)
    this.#event(slot.vehicleId, alert.ts, 'late_start', inst.id, alert.stopCode, { scheduledTs: inst.departureTs })
    this.#instanceChanged(inst.id)
  }

  /** No vehicle on a trip by departure + grace: missed ("trip not run"), one alert, only while it is news. */
  #missedRule(now: number): void {
    const graceMs = this.config.missedGraceS * 1000
    for (const inst of this.#net.instances) {
      if (inst.status === 'cancelled' || this.#missed.has(inst.id) || this.#progress.has(inst.id)) continue
      const deadline = inst.departureTs + graceMs
      if (now < deadline) continue
      // A bus standing at the first stop may still take it (late, or a stand-in nobody rostered): not missed yet.
      if (this.#busWaitingAt(inst, now)) continue
      let alert: LiveAlert | null = null
      if (now - deadline <= this.config.missedAlertMaxAgeS * 1000 && deadline >= this.#watchingSince) {
        const who = inst.vehicleId ? `rostered ${inst.vehicleId}${inst.driverId ? ` / ${inst.driverId}` : ''} not seen on it` : 'no vehicle rostered'
        alert = makeAlert('trip_missed', 'warning', deadline, inst.vehicleId, inst.id, (inst.stops[0] as InstanceStop).stopCode, `trip not run: no vehicle on it ${Math.round(graceMs / 60_000)} min after departure (${who})`, {
          scheduledTs: inst.departureTs,
          vehicleId: inst.vehicleId,
          driverId: inst.driverId,
        })
        // One alert per trip: its id names the trip, not the vehicle.
        alert = { ...alert, id: `trip_missed:${inst.id}:${Math.round(deadline)}` }
        this.#out.alerts.push(alert)
      }
      this.#missed.set(inst.id, alert)
      this.#instanceChanged(inst.id)
    }
  }

  /** An online bus on no trip, standing at the instance's first stop now. */
  #busWaitingAt(inst: EngineInstance, now: number): boolean {
    const g = this.#geometryOf(inst)
    const first = inst.stops[0]
    if (!g || !first) return false
    const zone = this.config.tracker.stopZoneLateralM
    for (const slot of this.#slots.values()) {
      const f = slot.lastFix
      if (slot.run || !slot.online || !f || now - f.ts > this.config.alerts.offlineAfterS * 1000 || f.speedKmh >= this.config.match.minSpeedKmh) continue
      const near = nearbyProjections(g.coords, g.cumM, [f.lng, f.lat], zone)
      if (near.some((pr) => Math.abs(pr.alongM - first.distM) <= this.config.tracker.stopZoneM)) return true
    }
    return false
  }

  /** Whether the board should call the instance missed now. */
  isMissed(instanceId: string): boolean {
    return this.#missed.has(instanceId) && !this.#progress.has(instanceId)
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
    const { defaultDwellS, holdAtStops } = this.config
    const inst = run.instance
    return predictArrivals({
      instance: inst, state: run.tracker.view(), stats: this.#stats, now, defaultDwellS, holdAtStops,
      startDelayS: this.#startDelayS(vehicleId, inst), stopZoneM: this.config.tracker.stopZoneM, timetablePace: this.#timetablePace.prior(`${inst.routeId}|${inst.direction}`),
      passSharePrior: this.#timetablePace.passShare(),
    })
  }

  /** When a bus at (or on the way to) its first stop is expected to leave it, as its ETAs assume, epoch ms; null when it has left. */
  expectedStartTs(vehicleId: string, now = this.#clock): number | null {
    const run = this.#slots.get(vehicleId)?.run
    if (!run || this.#progress.get(run.instance.id)?.departedTs) return null
    return Math.max(now, run.instance.departureTs + this.#startDelayS(vehicleId, run.instance) * 1000)
  }

  #startDelayS(vehicleId: string, inst: EngineInstance): number {
    return expectedStartDelayS(this.#startStats, inst.routeId, inst.direction, this.driverOf(vehicleId))
  }

  state(vehicleId: string): VehicleStateView | null {
    const slot = this.#slots.get(vehicleId)
    if (!slot) return null
    const run = slot.run
    const st = run?.tracker.view() ?? null
    const next = run && st && st.nextStopSeq !== null ? run.instance.stops.find((s) => s.seq === st.nextStopSeq) : undefined
    const eta = next ? this.etas(vehicleId).find((e) => e.seq === next.seq) : undefined
    const rostered = this.#rosteredDriver(slot)
    const delayS = st?.delayS ?? null
    return {
      vehicleId,
      status: this.#status(slot, st),
      online: slot.online,
      lastTs: slot.lastFix?.ts ?? null,
      freshness: this.freshness(vehicleId).freshness,
      tripInstanceId: run?.instance.id ?? null,
      routeId: run?.instance.routeId ?? null,
      match: run?.match ?? null,
      ...shownDriver(slot.crew.onBoard, rostered),
      rosteredDriverCode: rostered,
      delayS,
      punctuality: run && !run.lastStopTs ? punctualityOf(delayS, this.config) : null,
      progressM: st?.progressM === null || st?.progressM === undefined ? null : Math.round(st.progressM),
      offsetM: st?.offsetM ?? null,
      offRoute: slot.alerts.isOffRoute(),
      nextStop: next ? { seq: next.seq, stopCode: next.stopCode, scheduledTs: next.arrivalTs, etaTs: eta?.etaTs ?? null } : null,
    }
  }

  /** The driver to show for a vehicle: on board, else rostered (the villager card, GTFS-RT label). */
  driverOf(vehicleId: string): string | null {
    const slot = this.#slots.get(vehicleId)
    if (!slot) return null
    return shownDriver(slot.crew.onBoard, this.#rosteredDriver(slot)).driverCode
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
      s = { vehicleId, lastFix: null, lastHeardAt: null, online: true, recent: [], run: null, alerts: new VehicleAlerts(vehicleId, this.config.alerts, this.config.tracker.offRouteM, sink), badMatchTs: [], jumpRun: 0, jumpRunEnd: null, refused: new Set(), crew: new VehicleCrew(vehicleId), freshness: 'live' }
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
    const assigned = this.#assignedFor(slot.vehicleId, fix)
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

  /**
   * The vehicle's rostered instance for this fix: of those not finished whose window holds it, the
   * one whose line the bus is on and whose timetable expects it there soonest; off every line (at the
   * depot), the one due first.
   */
  #assignedFor(vehicleId: string, fix: Pick<EngineFix, 'ts' | 'lng' | 'lat'>): EngineInstance | undefined {
    const ts = fix.ts
    const open = (this.#rostered.get(vehicleId) ?? []).filter((inst) => {
      const p = this.#progress.get(inst.id)
      if (p && (p.completedTs || p.endedTs || p.vehicleId !== vehicleId)) return false
      return ts >= inst.departureTs - this.config.match.earlyS * 1000 && ts <= endTs(inst) + this.config.abandonAfterS * 1000
    })
    if (open.length <= 1) return open[0]
    let best: { inst: EngineInstance; score: number } | undefined
    for (const inst of open) {
      const g = this.#geometryOf(inst)
      const here = g ? nearbyProjections(g.coords, g.cumM, [fix.lng, fix.lat], this.config.match.spatialM)[0] : undefined
      const score = here ? Math.abs(ts - scheduledTsAt(inst.stops, here.alongM)) : Infinity
      if (!best || score < best.score) best = { inst, score }
    }
    if (best && best.score !== Infinity) return best.inst
    return open.find((i) => ts <= endTs(i)) ?? open.at(-1)
  }

  /** The vehicle's next rostered instance not finished (or the one it runs). */
  #nextRostered(slot: Slot, now: number): EngineInstance | undefined {
    if (slot.run?.match === 'assigned') return slot.run.instance
    return (this.#rostered.get(slot.vehicleId) ?? []).find((inst) => {
      const p = this.#progress.get(inst.id)
      return !(p && (p.completedTs || p.endedTs)) && endTs(inst) >= now
    })
  }

  #rosteredDriver(slot: Slot): string | null {
    if (slot.run) return slot.run.instance.driverId
    return this.#nextRostered(slot, this.#clock)?.driverId ?? null
  }

  #checkCrew(slot: Slot, ts: number): void {
    const run = slot.run
    this.#out.alerts.push(...slot.crew.check(ts, run?.instance.id ?? null, run?.instance.driverId ?? null))
  }

  #candidates(slot: Slot, now: number): MatchCandidate[] {
    // Whatever route the bus drives: a lent bus runs another operator's trips, a stand-in another bus's.
    const operator = this.#operatorOf.get(slot.vehicleId)
    const { earlyS, lateS, foreignOperatorPenaltyS, otherVehiclePenaltyS } = this.config.match
    const out: MatchCandidate[] = []
    for (const inst of this.#net.instances) {
      if (inst.status === 'cancelled' || this.#progress.has(inst.id) || slot.refused.has(inst.id)) continue
      if (now < inst.departureTs - earlyS * 1000 || now > endTs(inst) + lateS * 1000) continue
      const route = this.#routes.get(inst.routeId)
      if (!route) continue
      // The rostered bus, if online and near, will claim its own trip; a stand-in waits behind a penalty.
      const other = inst.vehicleId && inst.vehicleId !== slot.vehicleId
      if (other && this.#slots.get(inst.vehicleId as string)?.online) continue
      const geometry = this.#geometryOf(inst)
      const penaltyS = (operator !== undefined && route.operatorId !== operator ? foreignOperatorPenaltyS : 0) + (other ? otherVehiclePenaltyS : 0)
      if (geometry) out.push({ instance: inst, geometry, penaltyS })
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
    this.#progress.set(inst.id, { vehicleId: slot.vehicleId, match, departedTs: null, completedTs: null, endedTs: null, endReason: null, delayS: null, nextStopSeq: null, joinedMidRoute: false })
    const missed = this.#missed.get(inst.id)
    if (missed?.state === 'active') this.#out.alerts.push(clearedAlert(missed, ts, { ranBy: slot.vehicleId }))
    this.#missed.delete(inst.id)
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
    if (progress && !progress.departedTs && st.progressM !== null && st.progressM > first.distM + this.config.tracker.stopZoneM) {
      progress.departedTs = fix.ts
      progress.joinedMidRoute = !st.visits.some((v) => v.seq === first.seq)
      this.#clearLateStart(inst.id, fix.ts)
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
      if (!trusted && run.offRouteSince !== null && fix.ts - run.offRouteSince >= this.config.match.badMatchOffRouteS * 1000) {
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
    const data: Record<string, unknown> = { seq: e.seq, scheduledTs: e.scheduledTs, delayS: e.delayS, passedWithoutStopping: e.passedWithoutStopping, serviceConfidence: e.serviceConfidence }
    // Leaving the first stop: the start history (when this route's and this driver's buses leave) reads these.
    if (e.type === 'departure' && e.seq === first) Object.assign(data, { startDelayS: Math.round((e.ts - inst.departureTs) / 1000), routeId: inst.routeId, direction: inst.direction, driverId: this.driverOf(slot.vehicleId) })
    this.#event(slot.vehicleId, e.ts, e.type, inst.id, e.stopCode, data)
    if (e.type === 'departure') {
      if (e.seq === first && progress && !progress.departedTs) {
        progress.departedTs = e.ts
        this.#clearLateStart(inst.id, e.ts)
      }
      if (e.seq !== lastSeq) slot.alerts.departure(e, inst.id, e.seq === first ? inst.departureTs : e.scheduledTs)
      if (e.seq !== first && e.seq !== lastSeq) this.#timetablePace.addStop(e.passedWithoutStopping)
      return
    }
    // Arrival: the leg just driven feeds ETA history.
    const visits = st.visits
    const here = visits.at(-1)
    const before = visits.at(-2)
    if (here && before && before.departureTs !== null && here.seq === nextSeq(inst, before.seq)) {
      const leg = segment(inst, before, here.arrivalTs, first)
      this.#out.segments.push(leg)
      this.#learnTimetablePace(inst, leg)
    }
    if (e.seq === lastSeq) {
      run.lastStopTs = e.ts
      this.#changed(slot.vehicleId)
      if (progress) Object.assign(progress, { completedTs: e.ts, delayS: e.delayS, nextStopSeq: null })
    }
  }

  /** A leg driven where there is no history: how it compares with the timetable feeds today's timetable pace. */
  #learnTimetablePace(inst: EngineInstance, leg: SegmentObservation): void {
    const known = this.#stats(inst.routeId, inst.direction, leg.fromSeq)
    if (known && known.n >= 3) return
    const i = inst.stops.findIndex((s) => s.seq === leg.fromSeq)
    if (i < 0 || i + 1 >= inst.stops.length) return
    const expS = timetableEdgeLegS(inst.stops, i, known?.dwellS ?? this.config.defaultDwellS, this.config.tracker.stopZoneM)
    this.#timetablePace.add(`${inst.routeId}|${inst.direction}`, leg.travelS, expS)
  }

  #clearLateStart(instanceId: string, ts: number): void {
    const a = this.#lateStarts.get(instanceId)
    if (!a || a.state !== 'active') return
    const cleared = clearedAlert(a, ts)
    this.#lateStarts.set(instanceId, cleared)
    this.#out.alerts.push(cleared)
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
    this.#clearLateStart(run.instance.id, ts)
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

  #status(slot: Slot, st: Readonly<TrackerState> | null): VehicleServiceStatus {
    const run = slot.run
    if (run && st && !run.lastStopTs) {
      if (!slot.online) return 'offline'
      if (slot.alerts.isOffRoute()) return 'off_route'
      return punctualityOf(st.delayS, this.config) ?? 'on_time'
    }
    // At the last stop, or between trips with more of its duty due soon: layover; else off duty.
    if (run?.lastStopTs) return 'layover'
    const now = this.#clock
    const next = this.#nextRostered(slot, now)
    if (next && next.departureTs - now <= this.config.layoverAheadS * 1000) return 'layover'
    if (slot.online && (slot.lastFix?.speedKmh ?? 0) >= this.config.match.minSpeedKmh) return 'not_in_service'
    return 'off_duty'
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

/** Scheduled arrival at the last stop, epoch ms. */
export function endTs(inst: Pick<EngineInstance, 'stops' | 'departureTs'>): number {
  return inst.stops.at(-1)?.arrivalTs ?? inst.departureTs
}

function nextSeq(inst: EngineInstance, seq: number): number | undefined {
  const i = inst.stops.findIndex((s) => s.seq === seq)
  return inst.stops[i + 1]?.seq
}

function segment(inst: EngineInstance, from: { seq: number; arrivalTs: number; departureTs: number | null; scheduledTs: number }, arrivalTs: number, firstSeq: number): SegmentObservation {
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

function impliedKmh(a: EngineFix, b: EngineFix): number {
  const dtS = (b.ts - a.ts) / 1000
  return (distanceM([a.lng, a.lat], [b.lng, b.lat]) / dtS) * 3.6
}

function emptyOutput(): EngineOutput {
  return { events: [], alerts: [], segments: [], changedVehicles: [], changedInstances: [] }
}

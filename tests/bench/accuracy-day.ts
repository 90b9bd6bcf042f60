/**
 * One simulated service day through the tracking engine, the way the server would see it: fixes
 * when they arrive (dead-zone points late, in a batch), link losses as the broker's last will and
 * the device's `online`, a tick every 5 s, and the clock run on past the last trip so every trip
 * is classified. Collects what the scores need; the scoring itself is elsewhere.
 */
import { distanceM } from '@rb/geo'
import {
  arrivalsAt,
  demoCounty,
  serviceDate,
  TrackingEngine,
  tripRunStatus,
  type EngineFix,
  type EngineInstance,
  type LiveAlert,
  type SegmentObservation,
  type SegmentStat,
  type StartStats,
  type TripRunStatus,
} from '@rb/domain'
import {
  createFleet,
  networkFromSnapshot,
  type FaultRecord,
  type ModelConfig,
  type SimFix,
  type StopVisitRecord,
} from '@rb/sim'
import { fieldCases, type FieldCases } from './accuracy-cases.js'
import type { BenchProfile } from './accuracy-profiles.js'
import type { DetectedVisit, Prediction } from './accuracy-score.js'
import type { RunStart } from './accuracy-trips.js'

/** A bus leaving its first stop, as the start history reads it. */
export interface StartObservation {
  routeKey: string
  driverId: string | null
  delayS: number
}

/** What riders were shown: every departure at the next stops of the running buses, sampled. */
export interface ShownCheck {
  samples: number
  /** Rows of a bus running the trip. */
  rows: number
  /** Of them, shown without live ETA (`no_position`). */
  noPosition: number
  /** Rows with an ETA although the bus's last fix was older than the grace (must be 0). */
  etaPastGrace: number
  /** Rows "due" (ETA within a minute) although the bus's last fix was older than the grace (must be 0). */
  duePastGrace: number
  /** Oldest last fix behind an ETA shown, seconds. */
  maxAgeBehindEtaS: number
}

export interface DayOptions {
  date: string
  seed: string
  profile: BenchProfile
  /** Give the engine the roster (instances with their planned vehicle); otherwise it infers every trip. */
  assigned: boolean
  /** Add the field cases (accuracy-cases.ts). */
  cases: boolean
  stats: ReadonlyMap<string, SegmentStat>
  startStats: StartStats
  /** Collect predictions (the measured day). */
  measure: boolean
}

/** The driver of a bus in the bench: one per bus, told by the bus (IC card) as the day starts. */
export const driverOfBus = (vehicleId: string): string => `D-${vehicleId}`

export interface DayRun {
  date: string
  engine: TrackingEngine
  instances: EngineInstance[]
  cases: FieldCases | null
  positions: number
  /** What the engine was fed, in order (to time it alone: `engineCost`). */
  inputs: EngineInput[]
  segments: SegmentObservation[]
  visits: StopVisitRecord[]
  faults: FaultRecord[]
  detected: DetectedVisit[]
  predictions: Prediction[]
  /** Every alert by id, in its last state. */
  alerts: Map<string, LiveAlert>
  starts: RunStart[]
  /** Fix instants the engine received, per vehicle, ascending. */
  fixTs: Map<string, number[]>
  /** First fix of each trip the engine received, and the first of the bus moving on it. */
  firstSeen: Map<string, number>
  firstMoving: Map<string, number>
  /** When each alert was first handed out (its `ts` may be earlier: a missed trip's is its deadline). */
  alertSeenTs: Map<string, number>
  /** Instants a vehicle truly drove above its route's limit (the mean speed since the fix before). */
  speeding: Map<string, number[]>
  /** Departures from first stops (start history). */
  starts0: StartObservation[]
  shown: ShownCheck
  /** Fixes of buses truly moving on a trip, and of those, the ones whose engine run was that trip. */
  moving: { fixes: number; right: number }
  /** Trip → bus, from the fixes' truth. */
  trueTrips: Map<string, string>
  /** Trip → bus, from the engine's trip starts (the last one). */
  matchedTrips: Map<string, string>
  /** The instant the day was classified at, and each trip's status then. */
  classifiedAt: number
  statuses: Map<string, TripRunStatus>
}

/** One call into the engine. */
export type EngineInput =
  | { fix: EngineFix; now: number }
  | { vehicleId: string; online: boolean; ts: number }
  | { vehicleId: string; driverId: string; ts: number }
  | { tick: number }

const PREDICT_EVERY_MS = 30_000
const TICK_MS = 5_000
const snapshot = demoCounty()
const routeLimit = new Map(snapshot.routes.map((r) => [r.id, r.speedLimitKmh]))

export function simulateDay(o: DayOptions): DayRun {
  const date = o.date
  const plain = networkFromSnapshot(snapshot, date)
  const config: ModelConfig = {
    seed: `${o.seed}-${date}`,
    faults: structuredClone(o.profile.faultConfig),
    behaviour: o.profile.behaviour,
  }
  const planned = createFleet(plain, config)
  const cased = o.cases ? fieldCases(plain, planned.vehicles) : null
  const fleet = cased
    ? createFleet(cased.network, { ...config, faults: { ...config.faults, strandings: cased.cases.strandings } })
    : planned
  const roster =
    cased?.roster ?? new Map(planned.vehicles.flatMap((v) => v.trips.map((t) => [t.id, v.vehicle.id] as const)))
  const cancelled = new Set(cased?.cases.cancelled ?? [])
  const darkUntil = new Map((cased?.cases.lateTerminals ?? []).map((l) => [l.vehicleId, l.fromTs]))

  const engine = new TrackingEngine()
  const instances: EngineInstance[] = plain.trips.map((t) => ({
    id: t.id,
    tripId: t.id.replace(/_\d{8}$/, ''),
    routeId: t.routeId,
    kind: t.kind,
    serviceDate: serviceDate(date),
    direction: t.direction,
    headsign: '',
    departureTs: t.departureTs,
    stops: t.stops,
    seats: 30,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 0,
    status: cancelled.has(t.id) ? 'cancelled' : 'scheduled',
    cancelReason: cancelled.has(t.id) ? 'bench: cancelled' : null,
    vehicleId: o.assigned ? (roster.get(t.id) ?? null) : null,
    driverId: null,
  }))
  engine.setNetwork({ instances, routes: snapshot.routes, vehicles: snapshot.vehicles })
  engine.setSegmentStats((routeId, direction, fromSeq) => o.stats.get(`${routeId}|${direction}|${fromSeq}`))
  engine.setStartStats(o.startStats)

  const run: DayRun = {
    date,
    engine,
    instances,
    cases: cased?.cases ?? null,
    positions: 0,
    inputs: [],
    segments: [],
    visits: [],
    faults: [],
    detected: [],
    predictions: [],
    alerts: new Map(),
    alertSeenTs: new Map(),
    starts: [],
    fixTs: new Map(),
    firstSeen: new Map(),
    firstMoving: new Map(),
    speeding: new Map(),
    moving: { fixes: 0, right: 0 },
    trueTrips: new Map(),
    matchedTrips: new Map(),
    classifiedAt: 0,
    statuses: new Map(),
    starts0: [],
    shown: { samples: 0, rows: 0, noPosition: 0, etaPastGrace: 0, duePastGrace: 0, maxAgeBehindEtaS: 0 },
  }
  const graceMs = engine.config.etaGraceS * 1000
  const visits = new Map<string, DetectedVisit>()
  const lastTrue = new Map<string, SimFix>()
  const call = (input: EngineInput): void => {
    apply(engine, input)
    if (o.measure) run.inputs.push(input)
  }

  const drain = (now: number): void => {
    const out = engine.drain()
    run.segments.push(...out.segments)
    for (const a of out.alerts) {
      run.alerts.set(a.id, a)
      if (!run.alertSeenTs.has(a.id)) run.alertSeenTs.set(a.id, now)
    }
    for (const e of out.events) {
      if (e.type === 'trip_start' && e.tripInstanceId) {
        run.matchedTrips.set(e.tripInstanceId, e.vehicleId)
        run.starts.push({ tripInstanceId: e.tripInstanceId, vehicleId: e.vehicleId, ts: e.ts, dropped: false })
      }
      if (e.type === 'trip_end' && e.data.reason === 'bad_match') {
        const s = run.starts.findLast((x) => x.tripInstanceId === e.tripInstanceId && x.vehicleId === e.vehicleId)
        if (s) s.dropped = true
        if (e.tripInstanceId && run.matchedTrips.get(e.tripInstanceId) === e.vehicleId)
          run.matchedTrips.delete(e.tripInstanceId)
      }
      if ((e.type !== 'arrival' && e.type !== 'departure') || !e.tripInstanceId) continue
      if (e.type === 'departure' && typeof e.data.startDelayS === 'number') {
        run.starts0.push({
          routeKey: `${String(e.data.routeId)}|${String(e.data.direction)}`,
          driverId: typeof e.data.driverId === 'string' ? e.data.driverId : null,
          delayS: e.data.startDelayS,
        })
      }
      const key = `${e.tripInstanceId}|${String(e.data.seq)}`
      const v = visits.get(key) ?? {
        tripInstanceId: e.tripInstanceId,
        seq: Number(e.data.seq),
        arrivalTs: e.ts,
        departureTs: null,
        passedWithoutStopping: false,
      }
      if (e.type === 'departure') {
        v.departureTs = e.ts
        v.passedWithoutStopping = e.data.passedWithoutStopping === true
      }
      visits.set(key, v)
    }
  }

  /** True speed between two fixes of one trip (from the truth's positions): above the route's limit is speeding. */
  const noteSpeed = (vehicleId: string, f: SimFix): void => {
    const prev = lastTrue.get(vehicleId)
    lastTrue.set(vehicleId, f)
    const trip = f.meta.tripInstanceId
    if (!prev || !trip || prev.meta.tripInstanceId !== trip || f.ts - prev.ts > 10_000) return
    // Along the route where it winds (a chord cuts the bends), straight where a detour leaves it.
    const alongM =
      prev.meta.routeDistM === null || f.meta.routeDistM === null
        ? 0
        : Math.abs(f.meta.routeDistM - prev.meta.routeDistM)
    const kmh = (Math.max(alongM, distanceM(prev.meta.truePoint, f.meta.truePoint)) / ((f.ts - prev.ts) / 1000)) * 3.6
    const limit = routeLimit.get(f.meta.routeId ?? '') ?? engine.config.alerts.defaultSpeedLimitKmh
    if (kmh <= limit) return
    const list = run.speeding.get(vehicleId) ?? []
    list.push(f.ts)
    run.speeding.set(vehicleId, list)
  }

  const feed = (vehicleId: string, f: SimFix, receivedAt: number): void => {
    const trip = f.meta.tripInstanceId
    if (trip) {
      run.trueTrips.set(trip, vehicleId)
      if (!run.firstSeen.has(trip)) run.firstSeen.set(trip, f.ts)
    }
    call({
      fix: { vehicleId, ts: f.ts, lng: f.lng, lat: f.lat, speedKmh: f.speedKmh, headingDeg: f.headingDeg },
      now: receivedAt,
    })
    run.positions++
    const list = run.fixTs.get(vehicleId) ?? []
    list.push(f.ts)
    run.fixTs.set(vehicleId, list)
    if (trip && (f.meta.phase === 'drive' || f.meta.phase === 'detour')) {
      if (!run.firstMoving.has(trip)) run.firstMoving.set(trip, f.ts)
      run.moving.fixes++
      if (engine.runOf(vehicleId)?.instance.id === trip) run.moving.right++
    }
  }

  let nextTick = fleet.window ? fleet.window.fromTs - 3600_000 : 0
  let nextPredict = nextTick
  let predictRound = 0
  // Each bus's driver says so on the card reader as the day starts (the start history is per driver).
  for (const v of fleet.vehicles) call({ vehicleId: v.vehicle.id, driverId: driverOfBus(v.vehicle.id), ts: nextTick })

  /** What the departures at the next two stops of every running bus say now, against the freshness rule. */
  const checkShown = (now: number): void => {
    const stops = new Set<string>()
    for (const vehicleId of engine.vehicleIds()) {
      const r = engine.runOf(vehicleId)
      const st = engine.trackerState(vehicleId)
      if (!r || !st || st.nextStopSeq === null) continue
      const i = r.instance.stops.findIndex((x) => x.seq === st.nextStopSeq)
      for (const x of r.instance.stops.slice(i, i + 2)) stops.add(x.stopCode)
    }
    run.shown.samples++
    for (const stopCode of stops) {
      for (const a of arrivalsAt(engine, {
        stopCode,
        now,
        horizonMs: 2 * 3600_000,
        limit: 50,
        routeNames: () => undefined,
      })) {
        if (a.vehicleId === null || a.lastFixTs === null) continue
        run.shown.rows++
        if (a.status === 'no_position') run.shown.noPosition++
        if (a.etaTs === null) continue
        const ageMs = now - a.lastFixTs
        run.shown.maxAgeBehindEtaS = Math.max(run.shown.maxAgeBehindEtaS, Math.round(ageMs / 1000))
        if (ageMs > graceMs) {
          run.shown.etaPastGrace++
          if (a.etaTs - now <= 60_000) run.shown.duePastGrace++
        }
      }
    }
  }
  const tickUntil = (until: number): void => {
    while (nextTick <= until) {
      const t = nextTick
      call({ tick: t })
      nextTick += TICK_MS
    }
  }
  for (;;) {
    const next = fleet.nextTs()
    if (next === null) break
    const until = next + TICK_MS
    for (const ev of fleet.advance(until)) {
      if (ev.type === 'truth') {
        if (ev.record.kind === 'stop_visit') run.visits.push(ev.record)
        else run.faults.push(ev.record)
        continue
      }
      const dark = darkUntil.get(ev.vehicleId) ?? -Infinity
      if (ev.type === 'fix' || ev.type === 'batch') {
        for (const f of ev.type === 'fix' ? [ev.fix] : ev.fixes) {
          noteSpeed(ev.vehicleId, f)
          if (f.ts >= dark) feed(ev.vehicleId, f, ev.ts)
        }
      } else if ((ev.type === 'link_down' || ev.type === 'link_up') && ev.ts >= dark) {
        // A lost link is the broker's last will (`offline`); a device back on says `online`.
        call({ vehicleId: ev.vehicleId, online: ev.type === 'link_up', ts: ev.ts })
      }
    }
    tickUntil(until)
    drain(until)
    if (o.measure) {
      while (nextPredict <= until) {
        for (const vehicleId of engine.vehicleIds()) {
          const r = engine.runOf(vehicleId)
          if (!r) continue
          for (const e of engine.etas(vehicleId, until))
            run.predictions.push({ tripInstanceId: r.instance.id, seq: e.seq, madeTs: nextPredict, etaTs: e.etaTs })
        }
        // What riders are shown, once a minute (every second prediction round).
        if (predictRound++ % 2 === 0) checkShown(until)
        nextPredict += PREDICT_EVERY_MS
      }
    }
  }
  // Past the last trip's end and the abandon time, every trip has its final state.
  const lastEnd = Math.max(...instances.map((i) => i.stops.at(-1)?.arrivalTs ?? i.departureTs))
  run.classifiedAt = Math.max(lastEnd, nextTick) + engine.config.abandonAfterS * 1000 + 10 * 60_000
  tickUntil(run.classifiedAt)
  drain(run.classifiedAt)
  for (const inst of instances) run.statuses.set(inst.id, tripRunStatus(engine, inst, engine.progressOf(inst.id)))
  run.detected = [...visits.values()]
  for (const list of run.fixTs.values()) list.sort((a, b) => a - b)
  return run
}

function apply(engine: TrackingEngine, input: EngineInput): void {
  if ('fix' in input) engine.onPosition(input.fix, input.now)
  else if ('tick' in input) engine.tick(input.tick)
  else if ('driverId' in input)
    engine.onDriver(input.vehicleId, {
      ts: input.ts,
      driverId: input.driverId,
      name: null,
      cert: null,
      source: 'card',
      action: 'on',
    })
  else engine.onLink(input.vehicleId, input.online, input.ts)
}

/**
 * The engine's cost alone: the day's inputs replayed into a fresh engine (drained every tick, as
 * the server does), CPU time of the process and wall time, per position.
 */
export function engineCost(
  run: DayRun,
  stats: ReadonlyMap<string, SegmentStat>,
  startStats: StartStats,
): { positions: number; cpuUsPerPosition: number; wallUsPerPosition: number } {
  const engine = new TrackingEngine()
  engine.setNetwork({ instances: run.instances, routes: snapshot.routes, vehicles: snapshot.vehicles })
  engine.setSegmentStats((routeId, direction, fromSeq) => stats.get(`${routeId}|${direction}|${fromSeq}`))
  engine.setStartStats(startStats)
  const cpu0 = process.cpuUsage()
  const wall0 = performance.now()
  for (const input of run.inputs) {
    apply(engine, input)
    if ('tick' in input) engine.drain()
  }
  const cpu = process.cpuUsage(cpu0)
  const wallMs = performance.now() - wall0
  const positions = engine.counters.fixes
  return {
    positions,
    cpuUsPerPosition: (cpu.user + cpu.system) / positions,
    wallUsPerPosition: (wallMs * 1000) / positions,
  }
}

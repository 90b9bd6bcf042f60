/**
 * Hosts the tracking engine in the server: a live-branch stage fed every accepted position, the
 * clock rules run every tick, the network of yesterday and today loaded (again after every network
 * change and at midnight), ETA history loaded from the database, and what the engine produces
 * stored (events, legs, alerts) and pushed live (states, alerts, departures of watched stops).
 */
import {
  addDays,
  arrivalsAt,
  finishedOutcomes,
  type EngineEvent,
  serviceDayOf,
  serviceDayStartMs,
  type EngineInstance,
  type EngineOutput,
  type LiveAlert,
  type RouteNames,
  type SegmentStat,
  type StartStat,
  type TrackingEngine,
} from '@rb/domain'
import { readDriverEvent, type DeviceEvent, type Position, type VehicleStatus } from '@rb/protocol'
import { telemetryRepo, trackingRepo, type Db } from '@rb/db'
import type { LiveStage } from '../ingest/pipeline.js'
import type { LiveHub } from '../live/hub.js'
import type { NetworkService } from '../network/service.js'
import { driverDirectory, type DriverDirectory } from './driver-directory.js'
import { TrackingStore } from './store.js'

export interface TrackingLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface TrackingHostOptions {
  engine: TrackingEngine
  db: Db
  network: NetworkService
  hub: LiveHub
  log: TrackingLog
  tickMs: number
  /** Positions of this many minutes before start are replayed to rebuild the state. */
  replayMin: number
  now?: () => number
}

/** ETA history: days of legs averaged. */
const HISTORY_DAYS = 28
const STATS_REFRESH_MS = 10 * 60_000
/** Departures shown per stop. */
export const ARRIVALS_LIMIT = 8
export const ARRIVALS_HORIZON_MS = 12 * 3600_000

export class TrackingHost implements LiveStage {
  readonly name = 'tracking'
  readonly engine: TrackingEngine
  readonly store: TrackingStore
  readonly #o: TrackingHostOptions
  readonly #now: () => number
  #timer: NodeJS.Timeout | undefined
  #statsTimer: NodeJS.Timeout | undefined
  #day = ''
  #routeNames = new Map<string, RouteNames>()
  /** The drivers on file, to name who a card or device reports on board. */
  #drivers: DriverDirectory = driverDirectory([])
  #lastArrivals = new Map<string, string>()
  #reload: Promise<void> | undefined
  #reloadAgain = false
  #closed = false
  readonly #outputListeners: ((out: EngineOutput, now: number) => void)[] = []

  constructor(o: TrackingHostOptions) {
    this.#o = o
    this.engine = o.engine
    this.#now = o.now ?? Date.now
    this.store = new TrackingStore(o.db, o.log, (alerts) => o.hub.publishAlerts(alerts))
    o.network.onChange(() => void this.reloadNetwork())
  }

  /** Loads the network and ETA history, who is on board, replays recent positions, then runs the clock. */
  async start(): Promise<void> {
    await this.reloadNetwork()
    await this.#loadStats()
    await this.#restoreOutcomes()
    await this.#restoreDrivers()
    await this.#replay()
    this.#timer = setInterval(() => this.tick(), this.#o.tickMs)
    this.#timer.unref()
    this.#statsTimer = setInterval(() => void this.#loadStats(), STATS_REFRESH_MS)
    this.#statsTimer.unref()
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    clearInterval(this.#statsTimer)
    this.tick()
    await this.store.flush()
  }

  onPositions(positions: readonly Position[]): void {
    const now = this.#now()
    const ordered = positions.length > 1 ? [...positions].sort((a, b) => a.ts - b.ts) : positions
    for (const p of ordered) this.engine.onPosition(p, now)
  }

  onStatus(vehicleId: string, status: VehicleStatus, ts: number): void {
    this.engine.onLink(vehicleId, status === 'online', ts)
  }

  onDeviceEvent(e: DeviceEvent): void {
    if (e.type === 'driver') return this.#onDriver(e.vehicleId, e.ts, e.data)
    if (e.type !== 'alarm') return
    const name =
      typeof e.data.alarm === 'string'
        ? e.data.alarm
        : Array.isArray(e.data.alarms)
          ? e.data.alarms.join(', ')
          : 'alarm'
    this.engine.onAlarm(e.vehicleId, e.ts, name, e.data)
  }

  /** The driver on file a report names, by number, else by certificate; unknown stays unknown (name and certificate kept). */
  #onDriver(vehicleId: string, ts: number, data: Record<string, unknown>): void {
    const d = readDriverEvent(data)
    // A card the reader could not read names nobody: it is stored, and who is on board stays as it was.
    if (!d || (d.source === 'card' && d.action === 'on' && d.readResult !== 0)) return
    const driver = this.#drivers.resolve(d)
    this.engine.onDriver(vehicleId, {
      ts,
      driverId: driver?.id ?? null,
      name: d.name ?? driver?.name ?? null,
      cert: d.cert ?? null,
      source: d.source,
      action: d.action,
    })
  }

  /** Clock rules, then everything produced goes out: stored, and pushed live. */
  tick(): void {
    const now = this.#now()
    if (!this.#closed && serviceDayOf(now) !== this.#day) void this.reloadNetwork()
    this.engine.tick(now)
    this.#dispatch(this.engine.drain(), now)
  }

  /** Hears everything the engine produces (events, alerts) once it is handed to the store and pushed; a listener that throws is logged. */
  onOutput(fn: (out: EngineOutput, now: number) => void): void {
    this.#outputListeners.push(fn)
  }

  /** Pushes alerts to dispatchers (an acknowledgement, say). */
  hubAlerts(alerts: LiveAlert[]): void {
    this.#o.hub.publishAlerts(alerts)
  }

  routeNames(routeId: string): RouteNames | undefined {
    return this.#routeNames.get(routeId)
  }

  /** Next departures at a stop, now. */
  arrivals(stopCode: string, limit = ARRIVALS_LIMIT, now = this.#now()) {
    return arrivalsAt(this.engine, {
      stopCode,
      now,
      horizonMs: ARRIVALS_HORIZON_MS,
      limit,
      routeNames: (id) => this.#routeNames.get(id),
    })
  }

  /** Reloads the trip instances of yesterday and today with their assignments; coalesces bursts of changes. */
  reloadNetwork(): Promise<void> {
    // After close the database is going away: a late network change must not reach for it.
    if (this.#closed) return Promise.resolve()
    if (this.#reload) {
      this.#reloadAgain = true
      return this.#reload
    }
    this.#reload = (async () => {
      do {
        this.#reloadAgain = false
        try {
          await this.#loadNetwork()
        } catch (err) {
          this.#o.log.error(
            { err: (err as Error).message },
            'tracking: could not load the network; keeping the previous one',
          )
        }
      } while (this.#reloadAgain)
    })().finally(() => {
      this.#reload = undefined
    })
    return this.#reload
  }

  async #loadNetwork(): Promise<void> {
    const today = serviceDayOf(this.#now())
    const net = await this.#o.network.snapshot()
    const instances: EngineInstance[] = [
      ...(await this.#o.network.instancesOn(addDays(today, -1))),
      ...(await this.#o.network.instancesOn(today)),
    ]
    this.engine.setNetwork({ instances, routes: net.routes, vehicles: net.vehicles })
    this.#routeNames = new Map(net.routes.map((r) => [r.id, { name: r.name, nameEn: r.nameEn }]))
    this.#drivers = driverDirectory(net.drivers)
    this.#day = today
  }

  async #loadStats(): Promise<void> {
    try {
      const rows = await trackingRepo.loadSegmentStats(this.#o.db, this.#now() - HISTORY_DAYS * 86_400_000)
      const byKey = new Map<string, SegmentStat>(
        rows.map((r) => [`${r.routeId}|${r.direction}|${r.fromSeq}`, { travelS: r.travelS, dwellS: r.dwellS, n: r.n }]),
      )
      this.engine.setSegmentStats((routeId, direction, fromSeq) => byKey.get(`${routeId}|${direction}|${fromSeq}`))
    } catch (err) {
      this.#o.log.warn({ err: (err as Error).message }, 'tracking: could not load ETA history; the timetable stands in')
    }
    try {
      // When this route's and this driver's buses leave their first stop (a bus waiting there).
      const starts = await trackingRepo.loadStartStats(this.#o.db, this.#now() - HISTORY_DAYS * 86_400_000)
      const routes = new Map<string, StartStat>()
      const drivers = new Map<string, StartStat>()
      for (const r of starts) {
        if (r.kind === 'route') routes.set(`${r.routeId}|${r.direction}`, { delayS: r.delayS, n: r.n })
        else if (r.driverId) drivers.set(r.driverId, { delayS: r.delayS, n: r.n })
      }
      this.engine.setStartStats({
        route: (routeId, direction) => routes.get(`${routeId}|${direction}`),
        driver: (id) => drivers.get(id),
      })
    } catch (err) {
      this.#o.log.warn(
        { err: (err as Error).message },
        'tracking: could not load start history; buses at their first stop are expected on time',
      )
    }
  }

  /** Who is on board after a restart: the service day's driver events, oldest first, before the positions replay. */
  async #restoreDrivers(): Promise<void> {
    try {
      const rows = await telemetryRepo.driverEventsSince(
        this.#o.db,
        serviceDayStartMs(serviceDayOf(this.#now())),
        100_000,
      )
      for (const r of rows) this.#onDriver(r.vehicleId, r.ts, r.data)
      if (rows.length > 0) this.#o.log.info({ events: rows.length }, 'tracking: drivers on board restored')
    } catch (err) {
      this.#o.log.warn(
        { err: (err as Error).message },
        'tracking: could not restore who is on board; the roster stands in',
      )
    }
  }

  /** Finished runs of yesterday and today (stored trip events), so a restart does not call them missed. */
  async #restoreOutcomes(): Promise<void> {
    const now = this.#now()
    try {
      const events = await trackingRepo.listEvents(this.#o.db, {
        fromMs: serviceDayStartMs(addDays(serviceDayOf(now), -1)),
        toMs: now + 60_000,
        types: ['trip_start', 'trip_end', 'departure', 'arrival'],
        limit: 500_000,
      })
      const outcomes = finishedOutcomes(events as EngineEvent[], this.engine.instances())
      this.engine.restoreProgress(outcomes)
      if (outcomes.length > 0)
        this.#o.log.info({ trips: outcomes.length }, 'tracking: finished trips of yesterday and today restored')
    } catch (err) {
      this.#o.log.warn(
        { err: (err as Error).message },
        'tracking: could not restore finished trips; earlier trips of the day may show missed',
      )
    }
  }

  /** Rebuilds trips in progress from the positions stored in the last minutes (events are idempotent). */
  async #replay(): Promise<void> {
    this.engine.watchFrom(this.#now())
    if (this.#o.replayMin <= 0) return
    const now = this.#now()
    try {
      const positions = await telemetryRepo.positionsSince(this.#o.db, now - this.#o.replayMin * 60_000, 500_000)
      // Missed-trip alerts only for deadlines the engine could judge: within the replayed data, or from now on.
      this.engine.watchFrom(positions[0]?.ts ?? now)
      for (const p of positions) this.engine.onPosition(p, p.ts)
      this.engine.tick(now)
      this.#dispatch(this.engine.drain(), now)
      if (positions.length > 0)
        this.#o.log.info(
          { positions: positions.length, vehicles: this.engine.vehicleIds().length },
          'tracking: state rebuilt from recent positions',
        )
    } catch (err) {
      this.#o.log.warn({ err: (err as Error).message }, 'tracking: could not replay recent positions; starting fresh')
    }
  }

  #dispatch(out: EngineOutput, now: number): void {
    this.store.add(out)
    // Alerts go out at once (the database may be away); the stored version follows with any acknowledgement.
    if (out.alerts.length > 0) this.#o.hub.publishAlerts(out.alerts)
    const states = out.changedVehicles.map((id) => this.engine.state(id)).filter((s) => s !== null)
    if (states.length > 0) this.#o.hub.publishStates(states)
    // Departures only for stops someone watches, and only when they changed.
    for (const code of this.#o.hub.watchedStops()) {
      const arrivals = this.arrivals(code, ARRIVALS_LIMIT, now)
      const key = JSON.stringify(arrivals)
      if (this.#lastArrivals.get(code) === key) continue
      this.#lastArrivals.set(code, key)
      this.#o.hub.publishArrivals({ stopCode: code, ts: now, arrivals })
    }
    if (this.#lastArrivals.size > 10_000) this.#lastArrivals.clear()
    for (const fn of this.#outputListeners) {
      try {
        fn(out, now)
      } catch (err) {
        this.#o.log.error({ err: (err as Error).message }, 'tracking: an output listener failed')
      }
    }
  }
}

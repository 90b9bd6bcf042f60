/**
 * Watches student runs through the tracking engine: a run that starts is recorded; a run that
 * ends (last stop reached, or given up) with a pupil still on board raises the critical alert and
 * tells the driver — page and terminal — again every few minutes until the driver confirms the
 * bus is empty; in the morning, guardians are told when the engine's ETA puts the bus within
 * ten minutes of their child's stop (once per run).
 */
import {
  busNear,
  foldMarks,
  noticesFor,
  periodOf,
  serviceDayOf,
  type EngineOutput,
  type LiveAlert,
  type RunEndReason,
  type TrackingEngine,
} from '@rb/domain'
import { studentsRepo, trackingRepo, type Db, type GuardianMessage } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import type { Runs } from './runs.js'

export interface MonitorLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface DriverTexter {
  /** A text to the vehicle's driver (page, terminal, MQTT); resolves with the channels that took it. */
  send(vehicleId: string, text: string, alertId: string): Promise<string[]>
}

export interface MonitorDeps {
  db: Db
  runs: Runs
  engine: Pick<TrackingEngine, 'vehicleIds' | 'runOf' | 'etas'>
  network: Pick<NetworkService, 'snapshot'>
  texter: DriverTexter
  publishAlerts(alerts: LiveAlert[]): void
  kickOutbox(): void
  log: MonitorLog
  now: () => number
  /** How often ETAs and unconfirmed runs are looked at. */
  checkMs: number
  /** A driver who has not confirmed the bus empty is told again after this. */
  remindMs: number
}

/** Ends of a run that leave the bus with its pupils (a bad match is the engine changing its mind, not an end). */
const REAL_END: ReadonlySet<RunEndReason> = new Set([
  'completed',
  'abandoned',
  'cancelled',
  'removed',
  'assigned_elsewhere',
])

export function leftOnBoardText(alert: LiveAlert): string {
  const names = Array.isArray(alert.data.pupils)
    ? (alert.data.pupils as { name: string; className: string | null }[])
        .map((p) => (p.className ? `${p.name}（${p.className}）` : p.name))
        .join('、')
    : ''
  return `【学生车安全】本趟已结束，车上仍有学生未下车：${names}。请立即检查车厢，确认无人后在驾驶员页面点「确认车内无人」。`
}

export class StudentMonitor {
  readonly #d: MonitorDeps
  #routes = new Set<string>()
  #work: Promise<void> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined
  #closed = false
  /** Run id → when its driver was last told. */
  readonly #told = new Map<string, number>()
  /** Bus-near keys already queued (the database dedupes too; this spares it the asking). */
  readonly #near = new Set<string>()
  #ticking: Promise<void> | null = null

  constructor(deps: MonitorDeps) {
    this.#d = deps
  }

  async start(): Promise<void> {
    await this.#loadRoutes()
    this.#timer = setInterval(() => void this.tick(), this.#d.checkMs)
    this.#timer.unref()
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    await this.#ticking
    await this.#work
  }

  /** Serialised: a run's start is stored before its end is looked at. */
  #queue(what: string, fn: () => Promise<void>): void {
    this.#work = this.#work
      .then(fn)
      .catch((err: Error) => this.#d.log.error({ err: err.message, what }, 'student runs: a step failed'))
  }

  /** Resolves when everything queued so far is done (tests, shutdown). */
  idle(): Promise<void> {
    return this.#work
  }

  async #loadRoutes(): Promise<void> {
    this.#routes = await studentsRepo.studentRouteIds(this.#d.db)
  }

  /** The tracking host's output listener. */
  onOutput(out: EngineOutput): void {
    if (this.#closed) return
    for (const e of out.events) {
      const id = e.tripInstanceId
      if (!id || (e.type !== 'trip_start' && e.type !== 'trip_end')) continue
      this.#queue(`${e.type} ${id}`, async () => {
        const run = await this.#d.runs.run(id).catch(() => null)
        if (!run) return
        if (e.type === 'trip_start') {
          await studentsRepo.ensureRun(this.#d.db, {
            tripInstanceId: id,
            serviceDate: run.run.serviceDate,
            routeId: run.run.routeId,
            direction: run.run.direction,
            vehicleId: e.vehicleId,
            driverId: run.inst.driverId,
          })
          return
        }
        if (!REAL_END.has(e.data.reason as RunEndReason)) return
        const alert = await this.#d.runs.end(id, e.ts, e.vehicleId)
        if (!alert) return
        this.#d.log.warn(
          { tripInstanceId: id, vehicleId: e.vehicleId, pupils: alert.data.count },
          'student run ended with pupils on board: critical alert raised',
        )
        this.#d.publishAlerts([alert])
        await this.#tell(id, alert)
      })
    }
  }

  async #tell(runId: string, alert: LiveAlert): Promise<void> {
    this.#told.set(runId, this.#d.now())
    if (!alert.vehicleId) return
    try {
      const channels = await this.#d.texter.send(alert.vehicleId, leftOnBoardText(alert), alert.id)
      this.#d.log.info(
        { tripInstanceId: runId, vehicleId: alert.vehicleId, channels },
        'student run: driver told to check the bus',
      )
    } catch (err) {
      this.#d.log.warn(
        { tripInstanceId: runId, err: (err as Error).message },
        'student run: could not tell the driver; will try again',
      )
    }
  }

  /** ETAs for the bus-near messages, and reminders to drivers who have not confirmed. */
  tick(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#ticking ??= (async () => {
      try {
        await this.#loadRoutes()
        await this.#busNear()
        await this.#remind()
      } catch (err) {
        this.#d.log.warn({ err: (err as Error).message }, 'student runs: check failed; will retry')
      } finally {
        this.#ticking = null
      }
    })()
    return this.#ticking
  }

  async #busNear(): Promise<void> {
    const now = this.#d.now()
    for (const vehicleId of this.#d.engine.vehicleIds()) {
      const engineRun = this.#d.engine.runOf(vehicleId)
      if (!engineRun || !this.#routes.has(engineRun.instance.routeId)) continue
      const etas = this.#d.engine.etas(vehicleId)
      if (etas.length === 0) continue
      const id = engineRun.instance.id
      const { inst, schools, run } = await this.#d.runs.run(id)
      const morning = schools.filter((s) => periodOf(s, run) === 'morning')
      if (morning.length === 0) continue
      const pupils = await this.#d.runs.pupilsOf(morning, run)
      const rides = this.#d.runs.expected(morning, pupils, run)
      const states = foldMarks(await studentsRepo.marksOf(this.#d.db, [id]))
      const near = busNear('morning', rides, etas, states, now)
      const net = await this.#d.network.snapshot()
      const plate = net.vehicles.find((v) => v.id === vehicleId)?.plate ?? null
      const messages: GuardianMessage[] = near.flatMap(({ ride, etaTs }) =>
        noticesFor('pupil_bus_near', {
          tripInstanceId: id,
          pupilId: ride.pupil.id,
          pupilName: ride.pupil.name,
          guardians: ride.pupil.guardians,
          stopName: net.stops.find((s) => s.code === ride.board)?.name ?? ride.board,
          ts: etaTs,
          plate,
        })
          .filter((n) => !this.#near.has(n.key))
          .map((n) => ({
            key: n.key,
            kind: n.kind,
            tripInstanceId: id,
            pupilId: n.pupilId,
            recipient: n.recipient,
            body: n.body,
          })),
      )
      if (messages.length === 0) continue
      const queued = await this.#d.db.transaction(async (tx) => {
        await studentsRepo.ensureRun(tx, {
          tripInstanceId: id,
          serviceDate: run.serviceDate,
          routeId: run.routeId,
          direction: run.direction,
          vehicleId,
          driverId: inst.driverId,
        })
        return studentsRepo.enqueueGuardianMessages(tx, messages, now)
      })
      for (const m of messages) this.#near.add(m.key)
      if (this.#near.size > 50_000) this.#near.clear()
      if (queued > 0) this.#d.kickOutbox()
    }
  }

  async #remind(): Promise<void> {
    const now = this.#d.now()
    for (const rec of await studentsRepo.unconfirmedRuns(this.#d.db)) {
      if (!rec.alertId || rec.serviceDate < serviceDayOf(now - 86_400_000)) continue
      const alert = await trackingRepo.getAlert(this.#d.db, rec.alertId)
      // A dispatcher who resolved it by hand has dealt with it.
      if (!alert || alert.resolvedTs !== null) continue
      const last = this.#told.get(rec.tripInstanceId)
      if (last !== undefined && now - last < this.#d.remindMs) continue
      await this.#tell(rec.tripInstanceId, alert)
    }
  }
}

/**
 * Simulated fleets run by the server itself (demo at start-up, scenarios started by operators),
 * each in a worker thread so the server's event loop stays free for real traffic.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { AppError } from '@rb/domain'
import { runInWorker, type SimStats, type WorkerOptions, type WorkerSimulation } from '@rb/sim'

const SCENARIO_DIR = fileURLToPath(new URL('../../../../simulators/fleet/scenarios/', import.meta.url))

export interface SimRun {
  name: string
  startedAt: number
  options: WorkerOptions
  stats: SimStats | null
  state: 'starting' | 'running' | 'stopped' | 'failed'
  error: string | null
}

export interface SimTargets {
  /** Base URL of this server's HTTP API (the simulator reads routes and trips from it). */
  apiUrl: string
  mqttUrl: string
}

type Log = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }

/** Credentials for one run: an API session and, when devices must sign in, MQTT ones. */
export interface SimCredentials {
  apiToken: string
  mqttUsername?: string
  mqttPassword?: string
  revoke(): void
}

export class SimControl {
  #targets: SimTargets | undefined
  #run: { info: SimRun; sim: WorkerSimulation } | undefined

  constructor(
    readonly log: Log,
    /** Issues the credentials of each run (revoked when it ends). */
    readonly credentials?: () => SimCredentials,
  ) {}

  /** Where simulated vehicles connect; known once the server listens. */
  setTargets(t: SimTargets): void {
    this.#targets = t
  }

  scenarios(): string[] {
    return readdirSync(SCENARIO_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort()
  }

  status(): SimRun | null {
    if (!this.#run) return null
    return { ...this.#run.info, stats: this.#run.sim.stats() ?? this.#run.info.stats }
  }

  /**
   * Starts a named scenario, or today's timetable with `vehicles` buses: `roster` runs every
   * vehicle with a duty today, exactly its trips; a number at most that many, rostered ones first.
   * One run at a time.
   */
  start(req: {
    scenario?: string | undefined
    vehicles?: number | 'roster' | undefined
    speed?: number | undefined
  }): SimRun {
    if (!this.#targets) throw new AppError('SERVICE_UNAVAILABLE', 'the server is not listening yet')
    if (this.#run && (this.#run.info.state === 'starting' || this.#run.info.state === 'running')) {
      throw new AppError('CONFLICT', `simulation ${this.#run.info.name} is running; stop it first`)
    }
    if (req.scenario && !this.scenarios().includes(req.scenario)) {
      throw new AppError('NOT_FOUND', `no scenario ${req.scenario}; known: ${this.scenarios().join(', ')}`)
    }
    const creds = this.credentials?.()
    const options: WorkerOptions = {
      api: this.#targets.apiUrl,
      ...(creds ? { apiToken: creds.apiToken } : {}),
      ...(creds?.mqttUsername !== undefined
        ? { mqttUsername: creds.mqttUsername, mqttPassword: creds.mqttPassword }
        : {}),
      mqttUrl: this.#targets.mqttUrl,
      protocol: 'mqtt',
      ...(req.scenario ? { scenario: `${SCENARIO_DIR}${req.scenario}.json` } : {}),
      ...(req.vehicles === 'roster'
        ? { rosteredOnly: true }
        : req.vehicles !== undefined
          ? { maxVehicles: req.vehicles }
          : {}),
      ...(req.speed !== undefined ? { speed: req.speed } : {}),
    }
    const name =
      req.scenario ??
      (req.vehicles === 'roster' ? "timetable (today's roster)" : `timetable (${req.vehicles ?? 'all'} vehicles)`)
    const info: SimRun = { name, startedAt: Date.now(), options, stats: null, state: 'starting', error: null }
    const sim = runInWorker(options, { onStats: (s) => (info.stats = s) })
    this.#run = { info, sim }
    sim.started.then(
      (r) => {
        info.state = 'running'
        this.log.info({ name, vehicles: r.vehicles.length }, 'simulated fleet running')
      },
      (err: Error) => {
        info.state = 'failed'
        info.error = err.message
        this.log.warn({ name, err: err.message }, 'simulated fleet could not start')
      },
    )
    sim.done.then(
      (s) => {
        creds?.revoke()
        info.stats = s
        if (info.state !== 'failed') info.state = 'stopped'
      },
      (err: Error) => {
        creds?.revoke()
        info.state = 'failed'
        info.error = err.message
      },
    )
    return info
  }

  async stop(): Promise<SimRun | null> {
    const run = this.#run
    if (!run) return null
    if (run.info.state === 'starting' || run.info.state === 'running') {
      run.info.stats = await run.sim.stop().catch(() => run.info.stats)
      run.info.state = 'stopped'
    }
    return { ...run.info }
  }
}

/**
 * Every day has a roster: at start, every 10 minutes and when the service day changes, today and
 * tomorrow get one if they have none (the templates, the planner for the rest, published). A
 * failure (the database away) is logged and retried sooner; nothing here ever throws.
 */
import { addDays, serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { Backoff, backoffMs } from '../backoff.js'
import type { RosterService } from './service.js'

export interface RosterAutoLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface RosterAutoOptions {
  /** Between regular runs (default 10 minutes). */
  intervalMs?: number
  /** First retry after a failure; doubles up to the interval (default 5 s). */
  retryMs?: number
  /** Days from today on (default 2: today and tomorrow). */
  days?: number
  now?: () => number
}

export class RosterAutoJob {
  readonly #intervalMs: number
  readonly #days: number
  readonly #now: () => number
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  readonly #backoff: Backoff
  #stopped = false

  constructor(
    readonly roster: Pick<RosterService, 'ensureRoster'>,
    readonly log: RosterAutoLog,
    opts: RosterAutoOptions = {},
  ) {
    this.#intervalMs = opts.intervalMs ?? 600_000
    this.#backoff = new Backoff({ baseMs: opts.retryMs ?? 5_000, maxMs: this.#intervalMs })
    this.#days = opts.days ?? 2
    this.#now = opts.now ?? Date.now
  }

  /** Runs once now (resolves when done, whatever happened), then on its timers. */
  async start(): Promise<void> {
    await this.runOnce()
  }

  /** Makes sure today and tomorrow have a roster (a run already going is joined, not doubled). */
  runOnce(): Promise<void> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined
      this.#schedule()
    })
    return this.#running
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  async #run(): Promise<void> {
    const today = serviceDayOf(this.#now())
    let failed = false
    for (let i = 0; i < this.#days && !this.#stopped; i++) {
      const date = addDays(today, i)
      try {
        const r = await this.roster.ensureRoster(date)
        if (r.created)
          this.log.info(
            { date, duties: r.duties, warnings: r.warnings },
            `roster of ${date} made from the templates and the planner, and published`,
          )
      } catch (err) {
        failed = true
        this.log.warn({ date, err: (err as Error).message }, `could not make sure ${date} has a roster; will retry`)
      }
    }
    if (failed) this.#backoff.failed()
    else this.#backoff.succeeded()
  }

  /** Next run: a retry after a failure, else the interval, and never later than the next service day. */
  #schedule(): void {
    if (this.#stopped) return
    clearTimeout(this.#timer)
    const now = this.#now()
    const nextDay = serviceDayStartMs(addDays(serviceDayOf(now), 1)) - now + 1_000
    const regular =
      this.#backoff.failures > 0 ? backoffMs(this.#backoff.failures, this.#backoff.policy) : this.#intervalMs
    this.#timer = setTimeout(() => void this.runOnce(), Math.max(0, Math.min(regular, nextDay)))
    this.#timer.unref()
  }
}

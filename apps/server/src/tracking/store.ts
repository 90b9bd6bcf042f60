/**
 * Writes what the tracking engine produced — events, legs, alerts — in the background, one write
 * at a time, retrying with backoff while the database is away. Everything written is idempotent
 * (events and legs on their keys, alerts by id), so a retry or a replay after restart never
 * doubles anything. Bounded: past `maxPending` items the oldest events are dropped and counted.
 */
import type { EngineEvent, EngineOutput, LiveAlert, SegmentObservation } from '@rb/domain'
import { telemetryRepo, trackingRepo, type Db } from '@rb/db'
import { Backoff } from '../backoff.js'

export interface StoreLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const MAX_PENDING = 200_000
const MAX_BATCH = 2_000

export class TrackingStore {
  readonly #db: Db
  readonly #log: StoreLog
  readonly #onAlertsStored: (alerts: LiveAlert[]) => void
  #events: EngineEvent[] = []
  #segments: SegmentObservation[] = []
  #alerts = new Map<string, LiveAlert>()
  #writing: Promise<void> | undefined
  readonly #backoff = new Backoff({ baseMs: 500, maxMs: 30_000 })
  #retryAt = 0
  dropped = 0

  constructor(db: Db, log: StoreLog, onAlertsStored: (alerts: LiveAlert[]) => void) {
    this.#db = db
    this.#log = log
    this.#onAlertsStored = onAlertsStored
  }

  get pending(): number {
    return this.#events.length + this.#segments.length + this.#alerts.size
  }

  add(out: Pick<EngineOutput, 'events' | 'segments' | 'alerts'>): void {
    this.#events.push(...out.events)
    this.#segments.push(...out.segments)
    for (const a of out.alerts) this.#alerts.set(a.id, a)
    const over = this.#events.length - MAX_PENDING
    if (over > 0) {
      this.#events.splice(0, over)
      this.dropped += over
      this.#log.error({ dropped: over }, 'tracking: database away too long; oldest events dropped')
    }
    void this.#write()
  }

  /** Writes everything pending (used at shutdown and by tests). */
  async flush(): Promise<void> {
    this.#retryAt = 0
    while (this.pending > 0) {
      await (this.#writing ?? this.#write())
      if (this.#backoff.failures > 0) return
    }
  }

  #write(): Promise<void> {
    if (this.#writing || this.pending === 0 || Date.now() < this.#retryAt) return this.#writing ?? Promise.resolve()
    this.#writing = this.#writeOnce().finally(() => {
      this.#writing = undefined
    })
    return this.#writing
  }

  async #writeOnce(): Promise<void> {
    const events = this.#events.slice(0, MAX_BATCH)
    const segments = this.#segments.slice(0, MAX_BATCH)
    const alerts = [...this.#alerts.values()].slice(0, MAX_BATCH)
    try {
      const stored = await this.#db.transaction(async (tx) => {
        await telemetryRepo.insertEvents(tx, events)
        await trackingRepo.insertSegments(tx, segments)
        return trackingRepo.upsertAlerts(tx, alerts)
      })
      this.#events.splice(0, events.length)
      this.#segments.splice(0, segments.length)
      for (const a of alerts) if (this.#alerts.get(a.id) === a) this.#alerts.delete(a.id)
      this.#backoff.succeeded()
      // Pushed as stored: with any acknowledgement a dispatcher already gave.
      if (stored.length > 0) this.#onAlertsStored(stored)
    } catch (err) {
      const backoffMs = this.#backoff.failed()
      this.#retryAt = Date.now() + backoffMs
      this.#log.warn(
        { err: (err as Error).message, pending: this.pending, retryInMs: backoffMs },
        'tracking: could not store events; will retry',
      )
      setTimeout(() => void this.#write(), backoffMs).unref()
    }
  }
}

/**
 * Sends what the notification outbox holds: due messages are leased, handed to the notifier,
 * and marked sent; a failure is logged and retried with exponential backoff (capped), forever —
 * a message is never dropped. Several server instances may run a sender: leases keep them apart.
 */
import { bookingRepo, type Db } from '@rb/db'
import { backoffMs } from '../backoff.js'
import type { Notifier } from './notifier.js'

export interface OutboxOptions {
  /** How often due messages are looked for (also right after `kick`). */
  pollMs: number
  /** First retry after this; doubles per failed attempt. */
  retryBaseMs: number
  retryMaxMs: number
  /** Messages taken per round. */
  batch?: number
  now?: () => number
}

export interface OutboxLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export class OutboxSender {
  readonly #timer: NodeJS.Timeout
  readonly #now: () => number
  #running: Promise<void> | undefined
  #again = false
  #closed = false
  sent = 0
  failed = 0

  constructor(
    private readonly db: Db,
    private readonly notifier: Notifier,
    private readonly opts: OutboxOptions,
    private readonly log: OutboxLog,
  ) {
    this.#now = opts.now ?? Date.now
    this.#timer = setInterval(() => this.kick(), opts.pollMs)
    this.#timer.unref()
  }

  /** Looks for due messages now (called after a change wrote some). */
  kick(): void {
    if (this.#closed) return
    if (this.#running) {
      this.#again = true
      return
    }
    this.#running = this.#round()
      .catch((err: Error) =>
        this.log.warn({ err: err.message }, 'notification outbox: could not read due messages; will retry'),
      )
      .finally(() => {
        this.#running = undefined
        if (this.#again) {
          this.#again = false
          this.kick()
        }
      })
  }

  /** Resolves when the round in progress (if any) is over. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running
  }

  async #round(): Promise<void> {
    const batch = this.opts.batch ?? 50
    for (;;) {
      const now = this.#now()
      // The lease outlasts one send attempt (the webhook times out well before it).
      const due = await bookingRepo.claimDueMessages(this.db, now, now + 60_000, batch)
      for (const m of due) {
        try {
          await this.notifier.send(m)
          await bookingRepo.markSent(this.db, m.id, this.#now())
          this.sent++
        } catch (err) {
          const attempts = m.attempts + 1
          const delay = backoffMs(attempts, { baseMs: this.opts.retryBaseMs, maxMs: this.opts.retryMaxMs })
          this.failed++
          this.log.warn(
            {
              notification: m.id,
              kind: m.kind,
              adapter: this.notifier.name,
              attempts,
              retryInMs: delay,
              err: (err as Error).message,
            },
            'notification not delivered; will retry',
          )
          await bookingRepo.markFailed(this.db, m.id, (err as Error).message, this.#now() + delay)
        }
      }
      if (due.length < batch || this.#closed) return
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    await this.idle()
  }
}

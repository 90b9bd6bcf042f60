/**
 * Alerts the server raises about itself (the broker lost the ingest's session): stored like any
 * alert — retried until the database takes it, since it may be down at that moment too — then
 * pushed to the dispatchers.
 */
import type { LiveAlert } from '@rb/domain'
import { trackingRepo, type Queryable } from '@rb/db'

export interface SystemAlertDeps {
  db: Queryable
  publish(alerts: LiveAlert[]): void
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  /** Longest wait between attempts to store it, ms. */
  retryMaxMs?: number
}

export class SystemAlerts {
  readonly #deps: SystemAlertDeps
  readonly #timers = new Set<NodeJS.Timeout>()
  #closed = false

  constructor(deps: SystemAlertDeps) {
    this.#deps = deps
  }

  /** Stores and pushes the alert; resolves once stored (or when closed first). */
  raise(alert: LiveAlert): Promise<void> {
    return new Promise((resolve) => {
      const attempt = (n: number): void => {
        if (this.#closed) return resolve()
        trackingRepo.upsertAlerts(this.#deps.db, [alert]).then(
          (stored) => {
            this.#deps.publish(stored)
            resolve()
          },
          (err: Error) => {
            if (n === 0)
              this.#deps.log.warn({ alertId: alert.id, err: err.message }, 'system alert not stored yet; retrying')
            const timer = setTimeout(
              () => {
                this.#timers.delete(timer)
                attempt(n + 1)
              },
              Math.min(this.#deps.retryMaxMs ?? 30_000, 500 * 2 ** n),
            )
            timer.unref()
            this.#timers.add(timer)
          },
        )
      }
      attempt(0)
    })
  }

  close(): void {
    this.#closed = true
    for (const t of this.#timers) clearTimeout(t)
    this.#timers.clear()
  }
}

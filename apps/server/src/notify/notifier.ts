/**
 * The one notifier interface: a message (SMS text) to one phone. Adapters: `log` (default; the
 * message goes to the server log, phone masked) and `webhook` (an HTTP POST to an SMS gateway
 * of the operator's choice). Messages reach a notifier only through the outbox (outbox.ts), so
 * a failing adapter delays messages but never loses them.
 */
import { maskPhone } from '@rb/domain'
import type { OutboxMessage } from '@rb/db'

export interface Notifier {
  readonly name: string
  /** Delivers one message; throws when the gateway did not take it (the outbox retries). */
  send(message: OutboxMessage): Promise<void>
}

export interface NotifyLog {
  info(obj: object, msg: string): void
}

/** Writes each message to the log: for development, demos, and counties without an SMS contract. */
export class LogNotifier implements Notifier {
  readonly name = 'log'
  constructor(private readonly log: NotifyLog) {}

  async send(m: OutboxMessage): Promise<void> {
    this.log.info(
      { notification: m.id, kind: m.kind, to: maskPhone(m.recipient), role: m.recipientRole, text: m.body },
      'notification (log adapter)',
    )
  }
}

export interface WebhookOptions {
  url: string
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined
  timeoutMs: number
  fetch?: typeof fetch
}

/**
 * POSTs `{ id, to, text, kind, role, bookingId, tripInstanceId }` as JSON; any 2xx means taken.
 * `Idempotency-Key: rb-notification-<id>` lets the gateway drop a message it already took (a
 * retry after a timeout whose request did arrive).
 */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook'
  readonly #fetch: typeof fetch
  constructor(private readonly opts: WebhookOptions) {
    this.#fetch = opts.fetch ?? fetch
  }

  async send(m: OutboxMessage): Promise<void> {
    const res = await this.#fetch(this.opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `rb-notification-${m.id}`,
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body: JSON.stringify({
        id: m.id,
        to: m.recipient,
        text: m.body,
        kind: m.kind,
        role: m.recipientRole,
        bookingId: m.bookingId,
        tripInstanceId: m.tripInstanceId,
      }),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    })
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 200)
      throw new Error(`SMS gateway answered ${res.status}${detail ? `: ${detail}` : ''}`)
    }
  }
}

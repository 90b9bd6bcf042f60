/**
 * Batches accepted telemetry into database transactions and resolves each item only after the
 * transaction holding it committed — the MQTT acknowledgement waits on that (no-loss rule).
 * One write in flight at a time; while it runs the next batch fills (adaptive batching).
 * A failed write is retried with backoff; nothing is dropped.
 *
 * A large item (a dead zone's `pos/batch`) is cut into chunks written in several transactions, and
 * items that arrive behind it join each of them: one bus's backlog never holds back the others'
 * acknowledgements for longer than one transaction of at most `maxBatchPoints`.
 */
import type { Position } from '@rb/protocol'
import type { LinkStatus, StoredEvent } from '@rb/db'
import { Backoff } from '../backoff.js'

export interface WriteItem {
  positions: readonly Position[]
  events: readonly StoredEvent[]
  statuses: readonly LinkStatus[]
}

export interface Batch extends WriteItem {
  /** Items merged into this batch. */
  items: number
}

export interface WriteOutcome {
  stored: number
  eventsStored: number
}

export interface BatchWriterOptions {
  maxBatchPoints: number
  /** An item with more points is written in chunks of this many; default a quarter of maxBatchPoints. */
  maxItemPoints?: number
  flushMs: number
  maxPending: number
  retryMinMs: number
  retryMaxMs: number
}

export interface BatchWriterPolicy {
  /** A transient failure (connection lost, database restarting) is retried as is. */
  isTransient(err: unknown): boolean
  /**
   * Keeps an item the database refuses on its own (a bug, not an outage) somewhere safe, so it
   * neither blocks the points behind it nor is lost.
   */
  deadLetter(item: WriteItem, err: Error): Promise<void>
}

export interface BatchWriterHooks {
  onWritten?(batch: Batch, outcome: WriteOutcome, seconds: number): void
  onWriteError?(err: Error, attempt: number, pendingPoints: number): void
  onRecovered?(downForMs: number): void
  onDeadLettered?(item: WriteItem, err: Error): void
  onPendingChange?(pendingPoints: number): void
}

interface Pending {
  item: WriteItem
  weight: number
  /** performance.now() at arrival: an item waits at most flushMs from here. */
  at: number
  resolve: () => void
  /** Not written (shut down first): whoever handed it over must not acknowledge it. */
  reject: (err: Error) => void
  /** The chunks of one large item share this; a transaction takes its own chunk of it before the others. */
  group?: object
}

const weightOf = (item: WriteItem): number =>
  Math.max(1, item.positions.length + item.events.length + item.statuses.length)

/** An item cut into chunks of at most `size` points; its events and link statuses go with the first. */
function chunksOf(item: WriteItem, size: number): WriteItem[] {
  if (item.positions.length <= size) return [item]
  const out: WriteItem[] = []
  for (let i = 0; i < item.positions.length; i += size) {
    out.push({
      positions: item.positions.slice(i, i + size),
      events: i === 0 ? item.events : [],
      statuses: i === 0 ? item.statuses : [],
    })
  }
  return out
}

export class BatchWriter {
  readonly #store: (batch: Batch) => Promise<WriteOutcome>
  readonly #opts: BatchWriterOptions
  readonly #hooks: BatchWriterHooks
  readonly #policy: BatchWriterPolicy
  /** Items to write one per transaction, to isolate the one the database refuses. */
  #isolate = 0
  #queue: Pending[] = []
  #pendingPoints = 0
  #writing = false
  #timer: NodeJS.Timeout | undefined
  readonly #backoff: Backoff
  #downSince: number | undefined
  #closed = false
  #idleWaiters: (() => void)[] = []
  #roomWaiters: (() => void)[] = []

  constructor(
    store: (batch: Batch) => Promise<WriteOutcome>,
    opts: BatchWriterOptions,
    policy: BatchWriterPolicy,
    hooks: BatchWriterHooks = {},
  ) {
    this.#store = store
    this.#policy = policy
    this.#opts = opts
    this.#hooks = hooks
    // Spread so instances that lost the database together do not all come back at once.
    this.#backoff = new Backoff({ baseMs: opts.retryMinMs, maxMs: opts.retryMaxMs, jitter: 0.2 })
  }

  /** Points (and events) accepted but not yet committed. */
  get pendingPoints(): number {
    return this.#pendingPoints
  }

  get isFull(): boolean {
    return this.#pendingPoints >= this.#opts.maxPending
  }

  /** True while writes are failing. */
  get isFailing(): boolean {
    return this.#downSince !== undefined
  }

  /** Resolves once the item is committed (every chunk of it, when it is large). */
  add(item: WriteItem): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('writer is closed'))
    const chunks = chunksOf(item, this.#opts.maxItemPoints ?? Math.max(1, Math.floor(this.#opts.maxBatchPoints / 4)))
    const group = chunks.length > 1 ? {} : undefined
    const at = performance.now()
    const done = chunks.map(
      (chunk) =>
        new Promise<void>((resolve, reject) => {
          const weight = weightOf(chunk)
          this.#queue.push({ item: chunk, weight, resolve, reject, at, ...(group ? { group } : {}) })
          this.#setPending(this.#pendingPoints + weight)
        }),
    )
    if (this.#pendingPoints >= this.#opts.maxBatchPoints) this.#kick(0)
    else this.#kick(this.#opts.flushMs)
    return done.length === 1 ? (done[0] as Promise<void>) : Promise.all(done).then(() => undefined)
  }

  /** Resolves when there is room again (pending below 90 % of the bound). */
  waitForRoom(): Promise<void> {
    if (!this.isFull) return Promise.resolve()
    return new Promise((resolve) => this.#roomWaiters.push(resolve))
  }

  /** Writes everything queued now and resolves when the queue is empty. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && !this.#writing) return Promise.resolve()
    const idle = new Promise<void>((resolve) => this.#idleWaiters.push(resolve))
    if (!this.isFailing) this.#kick(0)
    return idle
  }

  /**
   * Stops writing. Items still queued are rejected — never acknowledged, so their senders keep
   * them and send them again — which lets the broker side finish its acknowledgements and close.
   */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#abandon(this.#queue.splice(0))
  }

  #abandon(items: readonly Pending[]): void {
    if (items.length === 0) return
    const err = new Error('not written before shutdown; the sender keeps it')
    this.#setPending(this.#pendingPoints - items.reduce((n, p) => n + p.weight, 0))
    for (const p of items) p.reject(err)
  }

  #setPending(n: number): void {
    this.#pendingPoints = n
    this.#hooks.onPendingChange?.(n)
    if (n < this.#opts.maxPending * 0.9 && this.#roomWaiters.length > 0) {
      const waiters = this.#roomWaiters
      this.#roomWaiters = []
      for (const w of waiters) w()
    }
  }

  #kick(delayMs: number): void {
    if (this.#writing || this.#closed) return
    if (this.#timer !== undefined) {
      // While the database is down, the backoff timer decides when to try again.
      if (this.isFailing) return
      if (delayMs > 0) return
      clearTimeout(this.#timer)
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      void this.#flush()
    }, delayMs)
  }

  /**
   * The next transaction's items, in arrival order, up to maxBatchPoints: one chunk of each large
   * item first, so the items behind it get in, then more of its chunks while there is room.
   */
  #take(): Pending[] {
    const chosen = new Set<number>()
    const later: number[] = []
    const groups = new Set<object>()
    let points = 0
    const fits = (p: Pending): boolean =>
      chosen.size === 0 || (this.#isolate === 0 && points + p.weight <= this.#opts.maxBatchPoints)
    let end = 0
    for (; end < this.#queue.length; end++) {
      const next = this.#queue[end] as Pending
      if (!fits(next)) break
      if (next.group && groups.has(next.group)) {
        later.push(end)
        continue
      }
      if (next.group) groups.add(next.group)
      chosen.add(end)
      points += next.weight
    }
    for (const i of later) {
      const next = this.#queue[i] as Pending
      if (!fits(next)) break
      chosen.add(i)
      points += next.weight
    }
    const head = this.#queue.splice(0, end)
    this.#queue.unshift(...head.filter((_, i) => !chosen.has(i)))
    return head.filter((_, i) => chosen.has(i))
  }

  async #flush(): Promise<void> {
    if (this.#writing || this.#closed) return
    const taken = this.#take()
    if (taken.length === 0) return this.#notifyIdle()
    this.#writing = true
    const batch: Batch = {
      items: taken.length,
      positions: taken.flatMap((p) => p.item.positions),
      events: taken.flatMap((p) => p.item.events),
      statuses: taken.flatMap((p) => p.item.statuses),
    }
    const started = performance.now()
    try {
      const outcome = await this.#store(batch)
      const seconds = (performance.now() - started) / 1000
      if (this.#downSince !== undefined) this.#hooks.onRecovered?.(Date.now() - this.#downSince)
      this.#downSince = undefined
      this.#backoff.succeeded()
      this.#writing = false
      this.#setPending(this.#pendingPoints - taken.reduce((n, p) => n + p.weight, 0))
      this.#hooks.onWritten?.(batch, outcome, seconds)
      for (const p of taken) p.resolve()
      if (this.#isolate > 0) this.#isolate--
    } catch (err) {
      this.#writing = false
      if (this.#closed) return this.#abandon(taken)
      if (!this.#policy.isTransient(err) && (await this.#refused(taken, err as Error))) return
      // Back to the front, in order: acknowledgements must follow arrival order.
      this.#queue.unshift(...taken)
      this.#downSince ??= Date.now()
      const waitMs = this.#backoff.failed()
      this.#hooks.onWriteError?.(err as Error, this.#backoff.failures, this.#pendingPoints)
      this.#kick(waitMs)
      return
    }
    if (this.#queue.length > 0) this.#kick(this.#nextDelay())
    else this.#notifyIdle()
  }

  #nextDelay(): number {
    if (this.#pendingPoints >= this.#opts.maxBatchPoints || this.#idleWaiters.length > 0) return 0
    const oldest = this.#queue[0]
    return oldest ? Math.max(0, oldest.at + this.#opts.flushMs - performance.now()) : this.#opts.flushMs
  }

  /** Handles a batch the database refused for its content; false when it should be retried as is. */
  async #refused(taken: Pending[], err: Error): Promise<boolean> {
    if (taken.length > 1) {
      this.#queue.unshift(...taken)
      this.#isolate = taken.length
      this.#kick(0)
      return true
    }
    const only = taken[0] as Pending
    try {
      await this.#policy.deadLetter(only.item, err)
    } catch {
      return false
    }
    this.#hooks.onDeadLettered?.(only.item, err)
    this.#setPending(this.#pendingPoints - only.weight)
    only.resolve()
    if (this.#isolate > 0) this.#isolate--
    if (this.#queue.length > 0) this.#kick(0)
    else this.#notifyIdle()
    return true
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#writing) return
    const waiters = this.#idleWaiters
    this.#idleWaiters = []
    for (const w of waiters) w()
  }
}

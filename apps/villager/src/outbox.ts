/**
 * Reports wait on the phone until they are sent (一键报修 works at a sign with no signal). Each
 * report gets its idempotency key when it is made, so a send whose answer was lost and is sent
 * again is one report on the server. Sending is tried at once, when the connection returns and
 * on a backoff timer; a report the server refuses (not a connection problem) stops being retried
 * and says why. Sent reports are kept with the server's id to show their status later.
 */
import { KEYS, readJson, writeJson, type KeyValue } from './store.js'

/** Stop-sign problems and road hazards, as the reports API names them (packages/domain/src/reports). */
export const SIGN_CATEGORIES = ['damaged', 'missing', 'faded', 'blocked', 'other'] as const
export const HAZARD_CATEGORIES = ['pothole', 'broken_manhole_cover', 'landslide', 'flooding', 'other_hazard'] as const
export type ReportCategory = (typeof SIGN_CATEGORIES)[number] | (typeof HAZARD_CATEGORIES)[number]

export interface ReportDraft {
  stopCode: string
  category: ReportCategory
  note: string | null
  /** A JPEG as a data: URL, already made small on the phone. */
  photo: string | null
}

export interface QueuedReport extends ReportDraft {
  key: string
  /** When the villager tapped "send" (the phone's clock), epoch ms. */
  createdTs: number
  attempts: number
  nextTryTs: number
  state: 'queued' | 'failed'
  error: string | null
}

export interface SentReport {
  key: string
  reportId: string
  stopCode: string
  category: ReportCategory
  hasPhoto: boolean
  createdTs: number
  sentTs: number
  /** The repair ticket's status as last seen: open, assigned, fixed, rejected. */
  ticketStatus: string | null
  checkedTs: number | null
}

export type SendResult =
  | { kind: 'sent'; reportId: string; ticketStatus: string | null }
  /** No connection, a timeout, or the server busy: try again later. */
  | { kind: 'retry'; afterMs: number | null; error: string }
  /** The server refused this report for what it is: do not resend. */
  | { kind: 'refused'; error: string }

export type ReportSender = (report: QueuedReport) => Promise<SendResult>

/** Waits before the n-th retry (n ≥ 1), ms: 5 s, 15 s, 30 s, then every minute. */
export const backoffMs = (attempts: number): number => [5_000, 15_000, 30_000][attempts - 1] ?? 60_000

const FINAL_STATUSES = new Set(['fixed', 'rejected'])
const STATUS_CHECK_EVERY_MS = 60_000

export class ReportOutbox {
  #flushing: Promise<number> | null = null

  constructor(
    private readonly store: KeyValue,
    private readonly send: ReportSender,
    private readonly now: () => number,
    private readonly newKey: () => string,
  ) {}

  queued(): QueuedReport[] {
    return readJson<QueuedReport[]>(this.store, KEYS.reportQueue, [])
  }

  sent(): SentReport[] {
    return readJson<SentReport[]>(this.store, KEYS.reportsSent, [])
  }

  /** Queues a report (it is sent by the next flush). */
  add(draft: ReportDraft): QueuedReport {
    const r: QueuedReport = {
      ...draft,
      key: this.newKey(),
      createdTs: this.now(),
      attempts: 0,
      nextTryTs: 0,
      state: 'queued',
      error: null,
    }
    this.#save([...this.queued(), r])
    return r
  }

  /** Drops a report the villager gave up on (one the server refused, say). */
  discard(key: string): void {
    this.#save(this.queued().filter((r) => r.key !== key))
  }

  /** When the next queued report is due, or null when none waits. */
  nextDueTs(): number | null {
    const due = this.queued()
      .filter((r) => r.state === 'queued')
      .map((r) => r.nextTryTs)
    return due.length === 0 ? null : Math.min(...due)
  }

  /**
   * Sends the queued reports that are due (all of them with `force`, e.g. when the connection has
   * just returned), one at a time, oldest first; answers how many were sent. Calls made while a
   * flush runs share it, so a report is never in two sends from this page at once.
   */
  flush(force = false): Promise<number> {
    if (!this.#flushing) {
      this.#flushing = this.#flush(force).finally(() => {
        this.#flushing = null
      })
    }
    return this.#flushing
  }

  async #flush(force: boolean): Promise<number> {
    let sent = 0
    const tried = new Set<string>()
    for (;;) {
      // Re-read each time: a report added while a send was out is taken in this flush too.
      const r = this.queued().find(
        (q) => q.state === 'queued' && !tried.has(q.key) && (force || q.nextTryTs <= this.now()),
      )
      if (!r) break
      tried.add(r.key)
      let result: SendResult
      try {
        result = await this.send(r)
      } catch (err) {
        result = { kind: 'retry', afterMs: null, error: (err as Error).message }
      }
      const rest = this.queued().filter((q) => q.key !== r.key)
      if (result.kind === 'sent') {
        sent++
        this.#save(rest)
        const done: SentReport = {
          key: r.key,
          reportId: result.reportId,
          stopCode: r.stopCode,
          category: r.category,
          hasPhoto: r.photo !== null,
          createdTs: r.createdTs,
          sentTs: this.now(),
          ticketStatus: result.ticketStatus,
          checkedTs: this.now(),
        }
        writeJson(this.store, KEYS.reportsSent, [done, ...this.sent().filter((s) => s.key !== r.key)].slice(0, 50))
        continue
      }
      const attempts = r.attempts + 1
      const updated: QueuedReport =
        result.kind === 'refused'
          ? { ...r, attempts, state: 'failed', error: result.error }
          : {
              ...r,
              attempts,
              nextTryTs: this.now() + Math.max(result.afterMs ?? 0, backoffMs(attempts)),
              error: result.error,
            }
      this.#save([...rest, updated].sort((a, b) => a.createdTs - b.createdTs))
      // The connection is down: the later reports would fail the same way.
      if (result.kind === 'retry') break
    }
    return sent
  }

  /** Asks the server for the status of sent reports not yet fixed or rejected (at most once a minute each). */
  async refreshStatuses(get: (reportId: string) => Promise<string | null>): Promise<void> {
    for (const s of this.sent()) {
      if (s.ticketStatus !== null && FINAL_STATUSES.has(s.ticketStatus)) continue
      if (s.checkedTs !== null && this.now() - s.checkedTs < STATUS_CHECK_EVERY_MS) continue
      let status: string | null
      try {
        status = await get(s.reportId)
      } catch {
        return
      }
      writeJson(
        this.store,
        KEYS.reportsSent,
        this.sent().map((x) =>
          x.key === s.key ? { ...x, ticketStatus: status ?? x.ticketStatus, checkedTs: this.now() } : x,
        ),
      )
    }
  }

  #save(list: QueuedReport[]): void {
    writeJson(this.store, KEYS.reportQueue, list)
  }
}

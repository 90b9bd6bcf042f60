/**
 * Opening the database at start. With DATABASE_URL the server may start before PostgreSQL (a host
 * rebooting, compose bringing both up): instead of exiting it retries with backoff — 1 s, doubling,
 * at most DB_START_RETRY_MAX_S — and meanwhile answers on its HTTP port that it is waiting
 * (`/api/health/ready` 503 with the reason, `/api/health/live` 200), so an orchestrator sees why.
 * Only failures of the connection are retried; a wrong password or a missing database stops the
 * server with the error, as before.
 */
import { createServer, type Server } from 'node:http'
import { createPgDb, isTransientDbError } from '@rb/db'
import { backoffMs } from './backoff.js'
import type { Config } from './config.js'

export interface StartLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface RetryStatus {
  attempt: number
  error: string
  /** Wait before the next attempt, ms. */
  waitMs: number
}

export interface RetryOptions {
  minMs: number
  maxMs: number
  /** Aborting stops the waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal | undefined
  onRetry(status: RetryStatus): void
}

/** Calls `open` until it succeeds or fails for a reason other than the connection. */
export async function openWithRetry<T>(open: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted()
    try {
      return await open()
    } catch (err) {
      if (!isTransientDbError(err)) throw err
      const waitMs = backoffMs(attempt, { baseMs: opts.minMs, maxMs: opts.maxMs })
      opts.onRetry({ attempt, error: (err as Error).message || String((err as { code?: string }).code ?? err), waitMs })
      opts.signal?.throwIfAborted()
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, waitMs)
        opts.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer)
            reject(opts.signal?.reason as Error)
          },
          { once: true },
        )
      })
    }
  }
}

export interface WaitForDatabase {
  log: StartLog
  /** SIGTERM while waiting. */
  signal?: AbortSignal | undefined
}

/** One query against DATABASE_URL: resolves when the server answers, throws its error otherwise. */
async function probe(url: string): Promise<void> {
  const db = createPgDb({ url, maxConnections: 1 })
  try {
    await db.query('SELECT 1')
  } finally {
    await db.close().catch(() => {})
  }
}

/**
 * Resolves once DATABASE_URL answers (at once for the embedded database), waiting as above while
 * it does not; the database is then opened and migrated as usual.
 */
export async function waitForDatabase(config: Config, wait: WaitForDatabase): Promise<void> {
  const url = config.databaseUrl
  if (!url) return
  let waiting: WaitingServer | undefined
  try {
    await openWithRetry(() => probe(url), {
      minMs: 1000,
      maxMs: config.dbStartRetryMaxS * 1000,
      signal: wait.signal,
      onRetry: (s) => {
        const reason = `database: not reachable yet (attempt ${s.attempt}: ${s.error}); retrying in ${Math.round(s.waitMs / 1000)} s`
        wait.log.warn(
          { attempt: s.attempt, err: s.error, retryInMs: s.waitMs },
          'database not reachable at start; retrying',
        )
        waiting ??= startWaitingServer(config, wait.log)
        waiting.reason = reason
      },
    })
    if (waiting) wait.log.info({}, 'database reachable; starting')
  } finally {
    await waiting?.close()
  }
}

interface WaitingServer {
  reason: string
  close(): Promise<void>
}

/** Answers health checks while the database is awaited; everything else is 503 until start-up ends. */
function startWaitingServer(config: Config, log: StartLog): WaitingServer {
  const state = { reason: 'database: not reachable yet' }
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        ...(status === 503 ? { 'retry-after': '5' } : {}),
      })
      res.end(JSON.stringify(body))
    }
    if (path === '/api/health/live') return send(200, { status: 'ok' })
    if (path === '/api/health/ready') return send(503, { ready: false, reasons: [state.reason] })
    if (path === '/api/health') return send(503, { status: 'starting', db: { ok: false, detail: state.reason } })
    send(503, { error: { code: 'STARTING', message: `the server is starting: ${state.reason}` } })
  })
  server.on('error', (err: NodeJS.ErrnoException) =>
    log.warn({ port: config.port, err: err.message }, 'cannot answer health checks while waiting for the database'),
  )
  server.listen(config.port, config.host, () =>
    log.info({ port: config.port }, 'waiting for the database; /api/health/ready says so meanwhile'),
  )
  return {
    get reason() {
      return state.reason
    },
    set reason(r: string) {
      state.reason = r
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        if (server.listening) server.close(() => resolve())
        else resolve()
      }),
  }
}

export interface StepLog {
  error(obj: object, msg: string): void
}

/**
 * Start-up as a list of steps, each with its undo: every part the server opens, starts or listens
 * on adds how to stop it as soon as it runs. The undos run last first — when a later step fails,
 * and when the server closes — and each is attempted even when an earlier one throws: the failures
 * are logged as they happen, naming the step, and reported together at the end.
 */
export class StartupSteps {
  readonly #log: StepLog
  readonly #undos: { step: string; undo: () => unknown }[] = []
  #undoing: Promise<void> | undefined

  constructor(log: StepLog) {
    this.#log = log
  }

  /** Keeps the undo of a step just done. */
  add(step: string, undo: () => unknown): void {
    if (this.#undoing) throw new Error(`start-up step "${step}" came after the steps were undone`)
    this.#undos.push({ step, undo })
  }

  /** The steps done so far, in order. */
  get done(): string[] {
    return this.#undos.map((u) => u.step)
  }

  /**
   * Undoes every step, last first. Rejects with an AggregateError naming the steps whose undo
   * failed (its `errors` are theirs). Runs once: a second call gets the first one's outcome.
   */
  undo(): Promise<void> {
    this.#undoing ??= this.#undoAll()
    return this.#undoing
  }

  async #undoAll(): Promise<void> {
    const failed: { step: string; err: unknown }[] = []
    for (const { step, undo } of this.#undos.toReversed()) {
      try {
        await undo()
      } catch (err) {
        this.#log.error({ step, err }, `start-up step "${step}" could not be undone`)
        failed.push({ step, err })
      }
    }
    if (failed.length > 0)
      throw new AggregateError(
        failed.map((f) => f.err),
        `could not undo start-up step${failed.length > 1 ? 's' : ''}: ${failed.map((f) => f.step).join(', ')}`,
      )
  }

  /**
   * Runs `start` (which adds its steps); when it throws, undoes what it did before passing its
   * error on (the undo's own failures are logged above).
   */
  async run<T>(start: (steps: this) => Promise<T>): Promise<T> {
    try {
      return await start(this)
    } catch (err) {
      await this.undo().catch(() => undefined)
      throw err
    }
  }
}

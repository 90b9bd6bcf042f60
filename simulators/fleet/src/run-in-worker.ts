/**
 * `runInWorker(options)`: the same run as `startSimulation`, in a worker thread. For hosts whose
 * event loop must stay free (the server running a demo fleet beside live traffic).
 */
import { Worker } from 'node:worker_threads'
import type { SimStats } from './stats.js'
import type { WorkerOptions, WorkerReply, WorkerRequest } from './worker-protocol.js'

export interface WorkerSimulation {
  worker: Worker
  /** Resolves once the vehicles are connected and running; rejects if the run cannot start. */
  started: Promise<{ vehicles: { id: string; trips: string[] }[] }>
  /** Latest stats the worker reported (null before the first). */
  stats(): SimStats | null
  /** Asks the worker to stop, and resolves with the final stats. */
  stop(): Promise<SimStats>
  /** Resolves with the final stats when the run ends; rejects if it fails or the worker dies. */
  done: Promise<SimStats>
}

export interface WorkerHooks {
  onStats?: (stats: SimStats) => void
  onLog?: (line: string) => void
}

export function runInWorker(options: WorkerOptions, hooks: WorkerHooks = {}): WorkerSimulation {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: options })
  let latest: SimStats | null = null
  let settled = false
  let resolveStarted: (v: { vehicles: { id: string; trips: string[] }[] }) => void = () => {}
  let rejectStarted: (e: Error) => void = () => {}
  let resolveDone: (s: SimStats) => void = () => {}
  let rejectDone: (e: Error) => void = () => {}
  const started = new Promise<{ vehicles: { id: string; trips: string[] }[] }>((res, rej) => {
    resolveStarted = res
    rejectStarted = rej
  })
  const done = new Promise<SimStats>((res, rej) => {
    resolveDone = res
    rejectDone = rej
  })
  // Callers that only await `done` must not see an unhandled rejection from `started`, and vice versa.
  started.catch(() => {})
  done.catch(() => {})
  const fail = (err: Error): void => {
    if (settled) return
    settled = true
    rejectStarted(err)
    rejectDone(err)
  }
  worker.on('message', (m: WorkerReply) => {
    switch (m.type) {
      case 'started':
        latest = m.stats
        resolveStarted({ vehicles: m.vehicles })
        break
      case 'stats':
        latest = m.stats
        hooks.onStats?.(m.stats)
        break
      case 'log':
        hooks.onLog?.(m.line)
        break
      case 'done':
        latest = m.stats
        settled = true
        resolveStarted({ vehicles: [] })
        resolveDone(m.stats)
        break
      case 'error':
        fail(new Error(m.message))
        break
    }
  })
  worker.on('error', fail)
  worker.on('exit', (code) => fail(new Error(`the simulation worker exited (code ${code}) before the run ended`)))
  return {
    worker,
    started,
    stats: () => latest,
    stop: () => {
      const request: WorkerRequest = { type: 'stop' }
      worker.postMessage(request)
      return done
    },
    done,
  }
}

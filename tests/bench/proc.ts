/**
 * Helper processes of the bench (publishers, raw broker, raw subscriber): forked TypeScript
 * entry points under tsx, talking over the IPC channel. Worker threads are not used because
 * tsx's loader is not inherited by workers on Node 20.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface Helper<In, Out> {
  proc: ChildProcess
  send(msg: In): void
  /** Next message satisfying `pred` (default: any), or rejects when the process exits first or time runs out. */
  next(pred?: (m: Out) => boolean, timeoutMs?: number): Promise<Out>
  /** Asks politely (`bye` message), then SIGKILL after a grace period. */
  stop(bye?: In, graceMs?: number): Promise<void>
}

const live = new Set<ChildProcess>()

/** Kills every helper still running (used on SIGINT and at exit). */
export function killAllHelpers(): void {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
}

export function startHelper<In, Out>(entry: string, args: string[] = []): Helper<In, Out> {
  const file = fileURLToPath(new URL(entry, import.meta.url))
  const proc = fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  live.add(proc)
  const inbox: Out[] = []
  let waiters: { pred: (m: Out) => boolean; resolve: (m: Out) => void; reject: (e: Error) => void }[] = []
  let exited: Error | undefined
  proc.on('message', (m: Out) => {
    const i = waiters.findIndex((w) => w.pred(m))
    if (i >= 0) {
      const w = waiters[i]
      waiters.splice(i, 1)
      w?.resolve(m)
    } else inbox.push(m)
  })
  proc.on('exit', (code, signal) => {
    live.delete(proc)
    exited = new Error(`${entry} exited (${code ?? signal})`)
    for (const w of waiters) w.reject(exited)
    waiters = []
  })
  return {
    proc,
    send(msg) {
      if (proc.connected) proc.send(msg as object)
    },
    next(pred = () => true, timeoutMs = 120_000) {
      const i = inbox.findIndex(pred)
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0] as Out)
      if (exited) return Promise.reject(exited)
      return new Promise<Out>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter)
          reject(new Error(`${entry}: no answer within ${timeoutMs} ms`))
        }, timeoutMs)
        const waiter = {
          pred,
          resolve: (m: Out) => {
            clearTimeout(timer)
            resolve(m)
          },
          reject: (e: Error) => {
            clearTimeout(timer)
            reject(e)
          },
        }
        waiters.push(waiter)
      })
    },
    async stop(bye, graceMs = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
      if (bye !== undefined && proc.connected) proc.send(bye as object)
      else proc.kill('SIGTERM')
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
      await gone
      clearTimeout(timer)
    },
  }
}

/** Child side: typed send to the parent. */
export function reply<Out>(msg: Out): void {
  process.send?.(msg as object)
}

/** Child side: handles the parent's messages one at a time, in order. */
export function onParentMessage<In>(handler: (msg: In) => Promise<void> | void): void {
  let chain: Promise<void> = Promise.resolve()
  process.on('message', (m: In) => {
    chain = chain
      .then(() => handler(m))
      .catch((err: unknown) => {
        console.error(err)
        process.exit(1)
      })
  })
  // The parent gone (crash, Ctrl-C): do not linger.
  process.on('disconnect', () => process.exit(0))
}

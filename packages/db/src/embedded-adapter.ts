import { Worker } from 'node:worker_threads'
import { mkdirSync } from 'node:fs'
import { DbError, type Db, type Queryable, type QueryResult } from './port.js'

export interface EmbeddedOptions {
  /** Directory of the database files, or 'memory' for an in-memory database (tests). */
  dataDir: string
  /** An in-memory database starts from these files (a tar `dumpFiles` wrote) instead of an empty cluster. */
  template?: string
}

/** The embedded database; it can also hand out its files (a template for the next one). */
export interface EmbeddedDb extends Db {
  /** The database's files as an uncompressed tar (PGlite's `dumpDataDir`). */
  dumpFiles(): Promise<Uint8Array>
}

interface Reply {
  id: number
  ok: boolean
  ready?: boolean
  rows?: unknown[]
  rowCount?: number
  files?: Uint8Array
  error?: { message: string; code?: string; detail?: string; constraint?: string }
}

/**
 * Embedded PGlite with TimescaleDB, hosted in a worker thread (see pglite-worker.mjs for why).
 * Starting it costs a few seconds (WASM start, extension load): start it once per process.
 */
export async function createEmbeddedDb(opts: EmbeddedOptions): Promise<EmbeddedDb> {
  if (opts.dataDir !== 'memory') mkdirSync(opts.dataDir, { recursive: true })
  const template = opts.dataDir === 'memory' ? opts.template : undefined
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
    workerData: { dataDir: opts.dataDir, template },
  })
  const pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>()
  let nextId = 1
  let nextTx = 1
  let failure: Error | undefined

  await new Promise<void>((resolve, reject) => {
    const onFirst = (r: Reply): void => {
      worker.off('error', reject)
      if (r.ok) resolve()
      else reject(new DbError(`embedded database failed to start: ${r.error?.message}`, r.error?.code))
    }
    worker.once('message', onFirst)
    worker.once('error', reject)
  })

  worker.on('message', (r: Reply) => {
    const p = pending.get(r.id)
    if (!p) return
    pending.delete(r.id)
    p.resolve(r)
  })
  const failAll = (err: Error): void => {
    failure = err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  worker.on('error', failAll)
  worker.on('exit', (code) => failAll(new DbError(`embedded database worker exited (code ${code})`, '08006')))

  const call = (msg: Record<string, unknown>): Promise<Reply> => {
    if (failure) return Promise.reject(failure)
    const id = nextId++
    return new Promise<Reply>((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker.postMessage({ ...msg, id })
    }).then((r) => {
      if (!r.ok)
        throw new DbError(r.error?.message ?? 'database error', r.error?.code, r.error?.detail, r.error?.constraint)
      return r
    })
  }
  const query = async <R>(
    sql: string,
    params: readonly unknown[] | undefined,
    txId?: number,
  ): Promise<QueryResult<R>> => {
    const r = await call({ type: 'query', sql, params, txId })
    return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? 0 }
  }

  return {
    kind: 'embedded',
    query: (sql, params) => query(sql, params),
    async transaction(fn) {
      const txId = nextTx++
      await call({ type: 'begin', txId })
      const tx: Queryable = { query: (sql, params) => query(sql, params, txId) }
      let out
      try {
        out = await fn(tx)
      } catch (err) {
        await call({ type: 'rollback', txId }).catch(() => {})
        throw err
      }
      await call({ type: 'commit', txId })
      return out
    },
    async dumpFiles() {
      return (await call({ type: 'dump' })).files ?? new Uint8Array()
    },
    async close() {
      if (!failure) await call({ type: 'close' }).catch(() => {})
      await worker.terminate()
    },
  }
}

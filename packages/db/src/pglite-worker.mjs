// Hosts embedded PGlite (Postgres compiled to WASM, with TimescaleDB) in a worker thread.
// PGlite runs Postgres in the calling thread: a 1,000-row insert blocks for ~25 ms, so it lives
// here and the main thread (MQTT, sockets, HTTP) only exchanges messages with it.
import { Blob } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'
import { timescaledb } from '@electric-sql/pglite/timescaledb'

const { dataDir, template } = workerData
/** @type {PGlite} */
let db
/** @type {Map<number, { tx: any, finish: (ok: boolean) => void }>} */
const txs = new Map()

const reply = (id, ok, payload) => parentPort.postMessage({ id, ok, ...payload })
const errorOf = (err) => ({
  message: err?.message ?? String(err),
  code: err?.code,
  detail: err?.detail,
  constraint: err?.constraint,
})
const result = (r) => ({ rows: r.rows, rowCount: r.affectedRows ?? r.rows.length })

async function start() {
  // A template (an in-memory database's files, migrated) skips initdb and the migrations: ~5× faster.
  const loadDataDir = template ? new Blob([readFileSync(template)]) : undefined
  db = await PGlite.create({
    dataDir: dataDir === 'memory' ? undefined : dataDir,
    extensions: { timescaledb },
    ...(loadDataDir ? { loadDataDir } : {}),
  })
  // PGlite starts with enable_seqscan=off; plan like a normal server so plans match PostgreSQL.
  await db.exec('SET enable_seqscan = on')
  // On a reopened database the extension library is otherwise loaded lazily, without its
  // community-licensed (TSL) half: policies and compression would then fail.
  await db.exec("LOAD 'timescaledb'")
}

async function handle(msg) {
  switch (msg.type) {
    case 'query': {
      const target = msg.txId ? txs.get(msg.txId)?.tx : db
      if (!target) throw new Error(`transaction ${msg.txId} is not open`)
      return result(await target.query(msg.sql, msg.params ?? []))
    }
    case 'begin': {
      // PGlite's own transaction() holds its lock: queries outside this transaction wait for it.
      await new Promise((opened, failed) => {
        db.transaction(
          (tx) =>
            new Promise((resolve, reject) => {
              txs.set(msg.txId, { tx, finish: (ok) => (ok ? resolve() : reject(new Error('rollback'))) })
              opened()
            }),
        ).then(
          () => txs.get(msg.txId)?.done?.(null),
          (err) => {
            const t = txs.get(msg.txId)
            if (t?.done) t.done(err.message === 'rollback' ? null : err)
            else failed(err)
          },
        )
      })
      return {}
    }
    case 'commit':
    case 'rollback': {
      const t = txs.get(msg.txId)
      if (!t) throw new Error(`transaction ${msg.txId} is not open`)
      const err = await new Promise((done) => {
        t.done = done
        t.finish(msg.type === 'commit')
      })
      txs.delete(msg.txId)
      if (err) throw err
      return {}
    }
    case 'dump': {
      const files = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer())
      return { files, transfer: [files.buffer] }
    }
    case 'close':
      await db.close()
      return {}
    default:
      throw new Error(`unknown message ${msg.type}`)
  }
}

start().then(
  () => {
    parentPort.postMessage({ id: 0, ok: true, ready: true })
    parentPort.on('message', (msg) => {
      handle(msg).then(
        ({ transfer, ...payload }) => parentPort.postMessage({ id: msg.id, ok: true, ...payload }, transfer ?? []),
        (err) => reply(msg.id, false, { error: errorOf(err) }),
      )
    })
  },
  (err) => parentPort.postMessage({ id: 0, ok: false, error: errorOf(err) }),
)

/**
 * Raw database insert rate, the other machine limit: multi-row `unnest` inserts of position-like
 * rows (the server's columns, primary key and ON CONFLICT DO NOTHING, into a plain table — no
 * hypertable), one statement in flight at a time like the server's writer; then, for scale, one
 * INSERT per row. Embedded PGlite (in its worker thread, in RAM) and PostgreSQL in a throwaway
 * schema that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import { createEmbeddedDb, createPgDb, type Db } from '@rb/db'
import { Sample, type Summary } from '@rb/sim/sample'

export interface RawDbResult {
  db: 'embedded (PGlite, memory)' | 'postgres'
  batchRows: number
  batches: number
  rows: number
  /** Rows/s of batched inserts. */
  rate: number
  batchMs: Summary
  /** Rows/s with one awaited INSERT per row (for scale). */
  singleRowRate: number
  startMs: number
}

const INSERT = (
  table: string,
): string => `INSERT INTO ${table} (vehicle_id, ts, lng, lat, speed_kmh, heading_deg, source, received_at)
  SELECT v, to_timestamp(t / 1000.0), x, y, s, h, 'mqtt', now()
  FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::real[], $6::real[]) AS u(v, t, x, y, s, h)
  ON CONFLICT DO NOTHING`

function rowsFor(batch: number, seq: number, t0: number): unknown[] {
  const v = new Array<string>(batch)
  const t = new Array<number>(batch)
  const x = new Array<number>(batch)
  const y = new Array<number>(batch)
  const s = new Array<number>(batch)
  const h = new Array<number>(batch)
  for (let i = 0; i < batch; i++) {
    const n = seq * batch + i
    v[i] = `BV${String(n % 5000).padStart(5, '0')}`
    t[i] = t0 + Math.floor(n / 5000) * 1000
    x[i] = 105.2 + (n % 100) * 0.01
    y[i] = 27.6 + (n % 77) * 0.01
    s[i] = 30
    h[i] = n % 360
  }
  return [v, t, x, y, s, h]
}

async function measure(
  db: Db,
  table: string,
  batch: number,
  seconds: number,
): Promise<Omit<RawDbResult, 'db' | 'startMs'>> {
  await db.query(`CREATE TABLE ${table} (
    vehicle_id text NOT NULL, ts timestamptz NOT NULL, lng double precision NOT NULL, lat double precision NOT NULL,
    speed_kmh real NOT NULL, heading_deg real NOT NULL, acc_m real, odo_m double precision,
    source text NOT NULL DEFAULT 'mqtt', received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (vehicle_id, ts))`)
  const sql = INSERT(table)
  const t0 = Date.now() - 86_400_000
  // Warm-up: plan caches, first pages.
  for (let i = 0; i < 3; i++) await db.query(sql, rowsFor(batch, 1_000_000 + i, t0))
  const times = new Sample()
  let rows = 0
  let seq = 0
  const started = performance.now()
  const until = started + seconds * 1000
  while (performance.now() < until) {
    const params = rowsFor(batch, seq++, t0)
    const a = performance.now()
    rows += (await db.query(sql, params)).rowCount
    times.add(performance.now() - a)
  }
  const rate = rows / ((performance.now() - started) / 1000)

  // One INSERT per row, awaited, for about a second.
  const one = `INSERT INTO ${table} (vehicle_id, ts, lng, lat, speed_kmh, heading_deg) VALUES ($1, to_timestamp($2::float8 / 1000.0), $3, $4, $5, $6) ON CONFLICT DO NOTHING`
  let single = 0
  const s0 = performance.now()
  while (performance.now() - s0 < 1000) {
    await db.query(one, [`BS${single % 5000}`, t0 + single, 105.3, 27.7, 30, 90])
    single++
  }
  const singleRowRate = single / ((performance.now() - s0) / 1000)
  return { batchRows: batch, batches: times.size, rows, rate, batchMs: times.summary(), singleRowRate }
}

export async function rawEmbeddedDb(batch: number, seconds: number): Promise<RawDbResult> {
  const s0 = performance.now()
  const db = await createEmbeddedDb({ dataDir: 'memory' })
  const startMs = performance.now() - s0
  try {
    return { db: 'embedded (PGlite, memory)', startMs, ...(await measure(db, 'bench_raw_position', batch, seconds)) }
  } finally {
    await db.close()
  }
}

/** Schemas created and not yet dropped (for an interrupted run). */
const leftovers = new Set<string>()

export async function dropRawSchemas(url: string): Promise<void> {
  if (leftovers.size === 0) return
  const db = createPgDb({ url, maxConnections: 1 })
  try {
    for (const schema of leftovers) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  } finally {
    await db.close()
  }
}

export async function rawPostgres(url: string, batch: number, seconds: number): Promise<RawDbResult> {
  const schema = `bench_raw_${randomBytes(5).toString('hex')}`
  leftovers.add(schema)
  const db = createPgDb({ url, maxConnections: 2 })
  const s0 = performance.now()
  try {
    await db.query(`CREATE SCHEMA ${schema}`)
    const startMs = performance.now() - s0
    return { db: 'postgres', startMs, ...(await measure(db, `${schema}.position`, batch, seconds)) }
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).then(
      () => leftovers.delete(schema),
      () => {},
    )
    await db.close()
  }
}

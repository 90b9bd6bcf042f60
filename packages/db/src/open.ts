import { createEmbeddedDb } from './embedded-adapter.js'
import { createPgDb } from './pg-adapter.js'
import { migrate, type StorageMode } from './migrate.js'
import { applyTelemetryPolicies, type RetentionSettings } from './maintenance.js'
import type { Db } from './port.js'

export interface OpenOptions {
  /** postgres://… ; when absent, the embedded database is used. */
  url?: string | undefined
  /** Embedded database directory, or 'memory'. */
  dataDir: string
  /** Schema (search_path) on PostgreSQL; tests use one per file. */
  schema?: string | undefined
  retention: RetentionSettings
}

export interface OpenedDb {
  db: Db
  mode: StorageMode
  /** Why TimescaleDB is not in use, when it is not. */
  plainReason?: string
  applied: string[]
}

/** Opens the configured database, applies migrations and telemetry policies. */
export async function openDatabase(opts: OpenOptions): Promise<OpenedDb> {
  const db = opts.url ? createPgDb({ url: opts.url, ...(opts.schema ? { schema: opts.schema } : {}) }) : await createEmbeddedDb({ dataDir: opts.dataDir })
  try {
    if (opts.url && opts.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`)
    const m = await migrate(db)
    await applyTelemetryPolicies(db, m.mode, opts.retention)
    return { db, ...m }
  } catch (err) {
    await db.close().catch(() => {})
    throw err
  }
}

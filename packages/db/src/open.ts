import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createEmbeddedDb } from './embedded-adapter.js'
import { createPgDb } from './pg-adapter.js'
import { loadMigrations, migrate, type StorageMode } from './migrate.js'
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
  /**
   * In-memory embedded databases only: a folder of templates. The first database opened with
   * a given set of migrations (and PGlite build) leaves its migrated files there; later ones
   * start from them instead of creating and migrating a cluster (tests start many servers).
   */
  templateDir?: string | undefined
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
  const template =
    !opts.url && opts.dataDir === 'memory' && opts.templateDir ? templatePath(opts.templateDir) : undefined
  const fromTemplate = template !== undefined && existsSync(template)
  const embedded = opts.url
    ? undefined
    : await createEmbeddedDb({ dataDir: opts.dataDir, ...(fromTemplate ? { template } : {}) })
  const db = embedded ?? createPgDb({ url: opts.url as string, ...(opts.schema ? { schema: opts.schema } : {}) })
  try {
    if (opts.url && opts.schema) await db.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`)
    const m = await migrate(db)
    await applyTelemetryPolicies(db, m.mode, opts.retention)
    if (embedded && template && !fromTemplate) writeAtomically(template, await embedded.dumpFiles())
    return { db, ...m }
  } catch (err) {
    await db.close().catch(() => {})
    throw err
  }
}

/** The template file for this PGlite build and these migrations: any change to either names a new one. */
function templatePath(dir: string): string {
  const require = createRequire(import.meta.url)
  const pglite = readFileSync(join(dirname(dirname(require.resolve('@electric-sql/pglite'))), 'package.json'))
  const hash = createHash('sha256').update(pglite)
  for (const m of loadMigrations()) hash.update(`${m.version}:${m.base}:${m.timescale ?? ''}:${m.plain ?? ''}`)
  return join(dir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`)
}

/** Writes beside the target and renames: a reader never sees half a file, and concurrent writers all succeed. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`
  writeFileSync(tmp, bytes)
  renameSync(tmp, path)
}

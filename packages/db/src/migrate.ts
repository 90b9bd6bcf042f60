import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db, Queryable } from './port.js'
import { splitSqlStatements } from './sql-split.js'

export type StorageMode = 'timescale' | 'plain'

export interface Migration {
  version: number
  name: string
  /** Runs in every mode. */
  base: string
  /** Runs after `base` only with TimescaleDB. */
  timescale?: string
  /** Runs after `base` only on plain PostgreSQL. */
  plain?: string
  /** `-- migrate:no-transaction` on the first line (e.g. continuous aggregates). */
  transactional: boolean
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url))
const FILE = /^(\d{3})_([a-z0-9_]+?)(?:\.(timescale|plain))?\.sql$/

/** Reads `NNN_name.sql` with optional `NNN_name.timescale.sql` / `NNN_name.plain.sql` variants. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const byVersion = new Map<number, Migration>()
  for (const file of readdirSync(dir).sort()) {
    const m = FILE.exec(file)
    if (!m) continue
    const version = Number(m[1])
    const sql = readFileSync(`${dir}/${file}`, 'utf8')
    const entry = byVersion.get(version) ?? { version, name: m[2] ?? '', base: '', transactional: true }
    if (m[3] === 'timescale') entry.timescale = sql
    else if (m[3] === 'plain') entry.plain = sql
    else {
      entry.base = sql
      entry.name = m[2] ?? ''
      entry.transactional = !sql.startsWith('-- migrate:no-transaction')
    }
    byVersion.set(version, entry)
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version)
}

export interface MigrateResult {
  mode: StorageMode
  /** Why TimescaleDB is not in use, when it is not. */
  plainReason?: string
  applied: string[]
}

async function runScript(q: Queryable, script: string): Promise<void> {
  for (const stmt of splitSqlStatements(script)) await q.query(stmt)
}

async function detectMode(db: Db): Promise<{ mode: StorageMode; reason?: string }> {
  const recorded = await db.query<{ mode: string }>('SELECT mode FROM schema_migration ORDER BY version LIMIT 1')
  const avail = await db.query("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
  if (avail.rows.length === 0) {
    if (recorded.rows[0]?.mode === 'timescale')
      throw new Error('this database was set up with TimescaleDB, which is no longer available')
    return { mode: 'plain', reason: 'the timescaledb extension is not installed on this server' }
  }
  if (recorded.rows[0]?.mode === 'plain') {
    return {
      mode: 'plain',
      reason:
        'the schema was created without TimescaleDB; converting tables to hypertables is a manual step (docs/operations.md)',
    }
  }
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb')
    return { mode: 'timescale' }
  } catch (err) {
    return { mode: 'plain', reason: `CREATE EXTENSION timescaledb failed: ${(err as Error).message}` }
  }
}

// Any constant works; it only has to be the same for every instance of this application.
const MIGRATION_LOCK = 724_001

/** Applies pending migrations in order; safe to run from several instances at once. */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migration (
    version integer PRIMARY KEY, name text NOT NULL, mode text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
  const { mode, reason } = await detectMode(db)
  const applied: string[] = []
  for (const m of migrations) {
    const script = [m.base, mode === 'timescale' ? m.timescale : m.plain].filter(Boolean).join(';\n')
    const record = async (q: Queryable): Promise<boolean> => {
      const done = await q.query('SELECT 1 FROM schema_migration WHERE version = $1', [m.version])
      return done.rows.length > 0
    }
    if (m.transactional) {
      const ran = await db.transaction(async (tx) => {
        if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
        if (await record(tx)) return false
        await runScript(tx, script)
        await tx.query('INSERT INTO schema_migration (version, name, mode) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          mode,
        ])
        return true
      })
      if (ran) applied.push(`${m.version}_${m.name}`)
    } else if (!(await record(db))) {
      // Non-transactional scripts must be idempotent (IF NOT EXISTS): two instances may both run them.
      await runScript(db, script)
      await db.query('INSERT INTO schema_migration (version, name, mode) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        m.version,
        m.name,
        mode,
      ])
      applied.push(`${m.version}_${m.name}`)
    }
  }
  return { mode, ...(reason ? { plainReason: reason } : {}), applied }
}

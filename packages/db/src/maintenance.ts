import type { Db } from './port.js'
import type { StorageMode } from './migrate.js'

export interface RetentionSettings {
  /** Positions and events older than this are deleted. */
  retentionDays: number
  /** TimescaleDB compresses chunks older than this. */
  compressAfterDays: number
}

const TELEMETRY_TABLES = ['position', 'vehicle_event'] as const
/** Hypertables (on TimescaleDB) kept for the retention period: telemetry and the ETA legs. */
const RETAINED_TABLES = [...TELEMETRY_TABLES, 'stop_segment'] as const

/**
 * Puts the retention (and, on TimescaleDB, compression) policy in force. Called at every start so
 * a changed setting takes effect; the policies themselves live in the database.
 */
export async function applyTelemetryPolicies(db: Db, mode: StorageMode, s: RetentionSettings): Promise<void> {
  if (mode !== 'timescale') return
  for (const table of RETAINED_TABLES) {
    await db.query('SELECT remove_retention_policy($1::regclass, if_exists => true)', [table])
    await db.query('SELECT add_retention_policy($1::regclass, drop_after => make_interval(days => $2::int))', [
      table,
      s.retentionDays,
    ])
  }
  for (const table of TELEMETRY_TABLES) {
    await db.query('SELECT remove_compression_policy($1::regclass, if_exists => true)', [table])
    await db.query('SELECT add_compression_policy($1::regclass, compress_after => make_interval(days => $2::int))', [
      table,
      s.compressAfterDays,
    ])
  }
}

export interface MaintenanceReport {
  /** Rows deleted by app-side retention (plain mode). */
  deletedRows: number
  /** TimescaleDB jobs run by the app (embedded mode has no background workers). */
  jobsRun: number
}

/**
 * One maintenance pass, run periodically by the server:
 * - plain PostgreSQL: delete telemetry past retention, in bounded batches so locks stay short;
 * - embedded TimescaleDB: PGlite has no background workers, so run the policy jobs here.
 * A real TimescaleDB server runs its own jobs; nothing to do.
 */
export async function runMaintenance(
  db: Db,
  mode: StorageMode,
  s: RetentionSettings,
  nowMs: number,
): Promise<MaintenanceReport> {
  let deletedRows = 0
  let jobsRun = 0
  if (mode === 'plain') {
    const cutoffMs = nowMs - s.retentionDays * 86_400_000
    for (const table of RETAINED_TABLES) {
      for (;;) {
        const r = await db.query(
          `DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ts < to_timestamp($1::float8 / 1000.0) LIMIT 10000)`,
          [cutoffMs],
        )
        deletedRows += r.rowCount
        if (r.rowCount < 10_000) break
      }
    }
  } else if (db.kind === 'embedded') {
    const jobs = await db.query<{ job_id: number }>(
      `SELECT job_id FROM timescaledb_information.jobs
       WHERE (proc_name IN ('policy_retention', 'policy_compression') AND hypertable_name = ANY($1::text[]))
          OR proc_name = 'policy_refresh_continuous_aggregate'`,
      [[...RETAINED_TABLES]],
    )
    for (const j of jobs.rows) {
      await db.query('CALL run_job($1)', [j.job_id])
      jobsRun++
    }
  }
  // Alerts are an ordinary table in both modes.
  const alerts = await db.query('DELETE FROM alert WHERE ts < to_timestamp($1::float8 / 1000.0)', [
    nowMs - s.retentionDays * 86_400_000,
  ])
  deletedRows += alerts.rowCount
  return { deletedRows, jobsRun }
}

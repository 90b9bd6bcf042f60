import { randomBytes } from 'node:crypto'
import { openDatabase, type OpenedDb } from '../open.js'

export interface TestDatabaseTarget {
  name: string
  open(): Promise<OpenedDb>
}

const RETENTION = { retentionDays: 400, compressAfterDays: 3 }

/** A fresh schema name per test file, so runs against one real server never see each other's rows. */
export function testSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`
}

/**
 * The databases a test file runs against: always the embedded one (in memory), and the real
 * PostgreSQL too when TEST_DATABASE_URL is set.
 */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    { name: 'embedded', open: () => openDatabase({ dataDir: 'memory', retention: RETENTION }) },
  ]
  const url = env.TEST_DATABASE_URL
  if (url) {
    targets.push({
      name: 'postgres',
      open: () => openDatabase({ url, dataDir: 'memory', schema: testSchemaName(), retention: RETENTION }),
    })
  }
  return targets
}

/** Drops a test schema on PostgreSQL (no-op for the embedded database). */
export async function dropTestSchema(opened: OpenedDb, schema: string | undefined): Promise<void> {
  if (opened.db.kind === 'postgres' && schema) await opened.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
}

/**
 * The real server as a child process (`node --import tsx apps/server/src/main.ts`, via
 * tests/support/child.ts) in one of the bench's setups; a PostgreSQL target gets its own
 * DATABASE_SCHEMA, dropped when the target stops.
 */
import { randomBytes } from 'node:crypto'
import { createPgDb } from '@rb/db'
import { freePort, spawnServer, type ChildServer } from '../support/child.js'
import { getJson, login, TEST_ADMIN_PASSWORD, waitFor } from '../support/server.js'
import type { BenchOptions, TargetName } from './options.js'

export interface RunningTarget {
  name: TargetName
  /** What runs where, in words. */
  describe: string
  baseUrl: string
  /** Where the simulated vehicles publish. */
  mqttUrl: string
  broker: 'embedded' | 'external'
  schema: string | undefined
  startMs: number
  /** Session of the server's admin (the live probe's socket needs a staff account). */
  token: string
  /** Rows of the bench's vehicles in the database (PostgreSQL targets only; an independent check of the counter). */
  countRows(): Promise<number | null>
  /** SIGTERM (writes what is pending), then drops the schema. Returns the exit code and the server's log. */
  stop(): Promise<{ exit: number | string; log: string }>
}

export async function startTarget(name: TargetName, opts: BenchOptions): Promise<RunningTarget> {
  // No demo county (the bench measures ingest into an empty database) and no JT/T 808 gateway
  // (its default port may be taken by another server on the box).
  // The first admin gets a known password, for the live probe's session.
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    SHUTDOWN_TIMEOUT_S: '60',
    DEMO_DATA: 'off',
    JT808_PORT: 'off',
    SIM_VEHICLES: '0',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    ...opts.serverEnv,
  }
  const external = name.endsWith('+mqtt')
  const postgres = name.startsWith('postgres')
  const hex = randomBytes(5).toString('hex')
  const schema = postgres ? `bench_${hex}` : undefined
  let mqttUrl: string
  if (external) {
    mqttUrl = opts.mqttUrl as string
    Object.assign(env, { MQTT_URL: mqttUrl, MQTT_CLIENT_ID: `rb-bench-${hex}`, MQTT_SESSION_EXPIRY_S: '60' })
  } else {
    const port = await freePort()
    env.MQTT_PORT = String(port)
    mqttUrl = `mqtt://127.0.0.1:${port}`
  }
  if (postgres && schema) Object.assign(env, { DATABASE_URL: opts.databaseUrl as string, DATABASE_SCHEMA: schema })
  else env.DATA_DIR = 'memory'

  const dropSchema = async (): Promise<void> => {
    if (!schema || !opts.databaseUrl) return
    const db = createPgDb({ url: opts.databaseUrl, maxConnections: 1 })
    try {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    } finally {
      await db.close()
    }
  }

  const started = performance.now()
  let server: ChildServer | undefined
  let token: string
  try {
    const s = (server = await spawnServer(env))
    if (external)
      await waitFor(
        async () => (await getJson<{ broker?: { ok?: boolean } }>(`${s.baseUrl}/api/health`)).body.broker?.ok,
        60_000,
        100,
      )
    token = (await login(s.baseUrl, 'admin', TEST_ADMIN_PASSWORD)).token
  } catch (err) {
    server?.proc.kill('SIGKILL')
    await dropSchema().catch(() => {})
    throw err
  }
  const child: ChildServer = server
  const startMs = performance.now() - started
  const where = `${postgres ? 'PostgreSQL (schema ' + schema + ')' : 'embedded PGlite+TimescaleDB in RAM'}, ${external ? 'external broker ' + mqttUrl : 'embedded aedes broker'}`

  return {
    name,
    describe: where,
    baseUrl: child.baseUrl,
    mqttUrl,
    broker: external ? 'external' : 'embedded',
    schema,
    startMs,
    token,
    async countRows() {
      if (!schema || !opts.databaseUrl) return null
      const db = createPgDb({ url: opts.databaseUrl, maxConnections: 1 })
      try {
        const r = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${schema}.position WHERE vehicle_id LIKE 'BV%'`,
        )
        return r.rows[0]?.n ?? 0
      } finally {
        await db.close()
      }
    },
    async stop() {
      let exit: number | string = 'running'
      if (child.proc.exitCode === null && child.proc.signalCode === null) {
        child.proc.kill('SIGTERM')
        const timer = setTimeout(() => child.proc.kill('SIGKILL'), 90_000)
        exit = await child.exited
        clearTimeout(timer)
      } else exit = await child.exited
      await dropSchema()
      return { exit, log: child.output() }
    },
  }
}

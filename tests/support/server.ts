/**
 * Starts the real server in-process for integration tests: embedded database and broker by
 * default; the real PostgreSQL and Mosquitto too when TEST_DATABASE_URL / TEST_MQTT_URL are set.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../apps/server/src/app.js'
import { loadConfig } from '../../apps/server/src/config.js'

export interface Target {
  name: string
  env: Record<string, string>
}

/** Targets every integration suite runs against. */
export function targets(env: NodeJS.ProcessEnv = process.env): Target[] {
  const out: Target[] = [{ name: 'embedded', env: {} }]
  if (env.TEST_DATABASE_URL && env.TEST_MQTT_URL) {
    out.push({
      name: 'postgres+mqtt',
      env: {
        DATABASE_URL: env.TEST_DATABASE_URL,
        DATABASE_SCHEMA: `t_${randomBytes(5).toString('hex')}`,
        MQTT_URL: env.TEST_MQTT_URL,
        MQTT_CLIENT_ID: `rb-test-${randomBytes(4).toString('hex')}`,
        MQTT_SESSION_EXPIRY_S: '120',
      },
    })
  }
  return out
}

export interface TestServer {
  app: FastifyInstance
  baseUrl: string
  mqttUrl: string
  close(): Promise<void>
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', MQTT_PORT: '0', JT808_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', DEMO_DATA: 'off', ...env })
  const app = await buildApp(config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  const mqttUrl = config.mqttUrl ?? `mqtt://127.0.0.1:${app.rb.mqttPort}`
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    mqttUrl,
    async close() {
      const schema = config.databaseUrl ? config.databaseSchema : undefined
      if (schema) await app.rb.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
      await app.close()
    },
  }
}

/** A vehicle id no other test (or earlier run against the same broker) uses. */
export function freshVehicleId(prefix = 'T'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as T }
}

/** Reads one counter or gauge from /metrics (sum over label sets when labels are omitted). */
export async function metric(baseUrl: string, name: string, labels?: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text()
  let sum = 0
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([0-9.eE+-]+)$/.exec(line)
    if (!m || m[1] !== name) continue
    if (labels && !Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`))) continue
    sum += Number(m[3])
  }
  return sum
}

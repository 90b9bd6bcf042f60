/**
 * Starts the real server in-process for integration tests: embedded database and broker by
 * default; the real PostgreSQL and Mosquitto too when TEST_DATABASE_URL / TEST_MQTT_URL are set.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Role, SessionUser } from '@rb/domain'
import { buildApp } from '../../apps/server/src/app.js'
import { loadConfig } from '../../apps/server/src/config.js'
import { lockSharedServices, usesSharedBroker } from './services-lock.js'

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

/** In-memory test databases start from a migrated template kept here (EMBEDDED_TEMPLATE_DIR). */
export const TEST_TEMPLATE_DIR = join(tmpdir(), 'rb-pglite-templates')

/** The first admin's password in tests (startServer sets ADMIN_PASSWORD unless the test does). */
export const TEST_ADMIN_PASSWORD = 'test-Root-Pa55phrase'
/** Password of the accounts `loginAs` creates. */
export const TEST_USER_PASSWORD = 'test-user-Pa55phrase'

/** A signed-in account: send `headers` with fetch (or `token` as socket.io `auth: { token }`). */
export interface RoleSession {
  user: SessionUser
  token: string
  /** `rb_session=<token>` */
  cookie: string
  headers: { cookie: string }
}

export interface TestServer {
  app: FastifyInstance
  baseUrl: string
  mqttUrl: string
  /**
   * Signs in as an account with this role (created on first use: `t-<role>`, or `username`;
   * a driver account needs `driverCode`). Cached per username.
   */
  loginAs(role: Role, opts?: { username?: string; driverCode?: string }): Promise<RoleSession>
  /** fetch with the admin's session; `path` is `/api/…` or a full URL. */
  api(path: string, init?: RequestInit): Promise<Response>
  /** JSON request with the admin's session (or `as`'s): `{ status, body }`. */
  apiJson<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    as?: RoleSession,
  ): Promise<{ status: number; body: T }>
  close(): Promise<void>
}

/** Signs in to any server (a child process too); the admin of a test server by default. */
export async function login(baseUrl: string, username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<RoleSession> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  const body = (await res.json()) as { user: SessionUser }
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(body)}`)
  const cookie = /rb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[0]
  if (!cookie) throw new Error(`login as ${username}: no rb_session cookie`)
  return { user: body.user, token: cookie.slice('rb_session='.length), cookie, headers: { cookie } }
}

function withSession(init: RequestInit | undefined, session: RoleSession): RequestInit {
  const headers = new Headers(init?.headers)
  if (!headers.has('authorization') && !headers.has('cookie')) headers.set('cookie', session.cookie)
  return { ...init, headers }
}

/** A logger that keeps every line (fastify accepts any pino-shaped object). */
export interface CapturedLog {
  lines: { level: string; msg: string; obj: Record<string, unknown> }[]
  logger: FastifyBaseLogger
}

export function captureLog(): CapturedLog {
  const lines: CapturedLog['lines'] = []
  const at = (level: string) => (obj: unknown, msg?: string) => {
    if (typeof obj === 'string') lines.push({ level, msg: obj, obj: {} })
    else lines.push({ level, msg: msg ?? '', obj: (obj ?? {}) as Record<string, unknown> })
  }
  const logger = {
    level: 'info',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: () => {},
    child: () => logger,
  } as unknown as FastifyBaseLogger
  return { lines, logger }
}

/** Booking limits out of the way, for tests of something else (booking-limits.test.ts sets its own). */
export const GENEROUS_BOOKING_LIMITS: Record<string, string> = {
  BOOKING_PHONE_TRIP_SEATS: '1000',
  BOOKING_PHONE_TRIP_BOOKINGS: '100',
  BOOKING_PHONE_DAILY: '0',
  BOOKING_ADDRESS_DAILY: '0',
  BOOKING_ACCOUNT_DAILY: '0',
  BOOKING_ACCOUNT_RATE_LIMIT: '0',
}

export async function startServer(
  env: Record<string, string> = {},
  opts: { logger?: FastifyBaseLogger } = {},
): Promise<TestServer> {
  // A generous public limit: tests poll; the rate-limit tests set their own. Likewise the booking
  // limits per phone, address and account (tests book many times with one phone from one address).
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MQTT_PORT: '0',
    JT808_PORT: '0',
    DATA_DIR: 'memory',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO_DATA: 'off',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    PUBLIC_RATE_LIMIT: '0',
    LOGIN_LIMIT_PER_CLIENT: '0',
    EMBEDDED_TEMPLATE_DIR: TEST_TEMPLATE_DIR,
    ...GENEROUS_BOOKING_LIMITS,
    ...env,
  })
  const unlock = usesSharedBroker(env) ? await lockSharedServices() : async () => {}
  let app: FastifyInstance
  try {
    app = await buildApp(config, opts.logger ? { logger: opts.logger } : {})
    await app.listen({ port: 0, host: '127.0.0.1' })
  } catch (err) {
    await unlock()
    throw err
  }
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  const mqttUrl = config.mqttUrl ?? `mqtt://127.0.0.1:${app.rb.mqttPort}`
  const baseUrl = `http://127.0.0.1:${port}`
  const sessions = new Map<string, Promise<RoleSession>>()
  const admin = (): Promise<RoleSession> =>
    cached('admin', () => login(baseUrl, 'admin', config.adminPassword ?? TEST_ADMIN_PASSWORD))
  function cached(key: string, make: () => Promise<RoleSession>): Promise<RoleSession> {
    let s = sessions.get(key)
    if (!s) {
      s = make()
      s.catch(() => sessions.delete(key))
      sessions.set(key, s)
    }
    return s
  }
  const url = (path: string): string => (/^https?:/.test(path) ? path : `${baseUrl}${path}`)
  async function apiJson<T>(
    method: string,
    path: string,
    body?: unknown,
    as?: RoleSession,
  ): Promise<{ status: number; body: T }> {
    const init: RequestInit = {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    }
    const res = await fetch(url(path), withSession(init, as ?? (await admin())))
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  return {
    app,
    baseUrl,
    mqttUrl,
    loginAs(role, opts = {}) {
      const username = opts.username ?? `t-${role}`
      if (username === 'admin') return admin()
      return cached(username, async () => {
        const created = await apiJson('POST', '/api/users', {
          username,
          displayName: `Test ${role}`,
          role,
          driverCode: opts.driverCode ?? null,
          password: TEST_USER_PASSWORD,
        })
        if (created.status !== 201 && created.status !== 409)
          throw new Error(`could not create ${username}: ${created.status} ${JSON.stringify(created.body)}`)
        return login(baseUrl, username, TEST_USER_PASSWORD)
      })
    },
    async api(path, init) {
      return fetch(url(path), withSession(init, await admin()))
    },
    apiJson,
    async close() {
      const schema = config.databaseUrl ? config.databaseSchema : undefined
      if (schema) await app.rb.db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
      try {
        await app.close()
      } finally {
        await unlock()
      }
    },
  }
}

/** A vehicle id no other test (or earlier run against the same broker) uses. */
export function freshVehicleId(prefix = 'T'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 60_000,
  stepMs = 20,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}

/**
 * A request without a session (a villager) from a client address of its own, so that per-address
 * limits do not add up across a test (the server must trust the proxy header: `TRUST_PROXY`).
 */
export async function villagerRequest<T>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
}
export async function getJson<T = unknown>(
  url: string,
  headers?: Record<string, string>,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, headers ? { headers } : {})
  return { status: res.status, body: (await res.json()) as T }
}

const adminSessions = new Map<string, Promise<RoleSession>>()

/**
 * GET as the admin of whichever server `url` points at (in-process or a child process started
 * with TEST_ADMIN_PASSWORD): signs in once per server address, again after a 401 (a restart).
 */
export async function getJsonAsAdmin<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const origin = new URL(url).origin
  for (let attempt = 0; ; attempt++) {
    let session = adminSessions.get(origin)
    if (!session) {
      session = login(origin)
      session.catch(() => adminSessions.delete(origin))
      adminSessions.set(origin, session)
    }
    const r = await getJson<T>(url, (await session).headers)
    if (r.status !== 401 || attempt > 0) return r
    adminSessions.delete(origin)
  }
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

/**
 * The first admin (ADMIN_PASSWORD or a generated password printed once), demo accounts outside
 * production, production mode refusing every demo or published password, and the rate limits.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { openDatabase } from '@rb/db'
import { AuthService, bootstrapAccounts } from '../../apps/server/src/auth/index.js'
import { captureLog, login, startServer, TEST_ADMIN_PASSWORD, type CapturedLog } from '../support/server.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rb-auth-'))
  dirs.push(d)
  return d
}
const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
const passwordLines = (log: CapturedLog) => log.lines.filter((l) => /created account "admin" with password/.test(l.msg))

describe('first start and production mode', () => {
  it('prints a generated admin password once, seeds demo accounts in development, and refuses them all in production', async () => {
    const dataDir = tmp()
    // 1. Development, demo county, no ADMIN_PASSWORD.
    const log1 = captureLog()
    const dev = await startServer({ DATA_DIR: dataDir, DEMO_DATA: 'auto', ADMIN_PASSWORD: '' }, { logger: log1.logger })
    let generated: string
    try {
      expect(passwordLines(log1)).toHaveLength(1)
      generated = String(passwordLines(log1)[0]?.obj.password)
      expect(generated).toMatch(/^[A-Za-z0-9]{20}$/)
      expect(log1.lines.some((l) => /demo accounts .*dispatcher \/ demo-dispatcher/.test(l.msg))).toBe(true)
      expect((await login(dev.baseUrl, 'admin', generated)).user.role).toBe('admin')
      expect((await login(dev.baseUrl, 'dispatcher', 'demo-dispatcher')).user.role).toBe('dispatcher')
    } finally {
      await dev.close()
    }

    // 2. The same database in production: ADMIN_PASSWORD is ignored (accounts exist), nothing printed,
    //    the generated password still works, the demo accounts never do.
    const log2 = captureLog()
    const prod = await startServer(
      { DATA_DIR: dataDir, DEMO_DATA: 'auto', NODE_ENV: 'production', ADMIN_PASSWORD: 'another-Strong-pass-9' },
      { logger: log2.logger },
    )
    try {
      expect(passwordLines(log2)).toHaveLength(0)
      expect((await login(prod.baseUrl, 'admin', generated)).user.role).toBe('admin')
      expect(
        (await post(prod.baseUrl, '/api/auth/login', { username: 'admin', password: 'another-Strong-pass-9' })).status,
      ).toBe(401)
      for (const [u, p] of [
        ['dispatcher', 'demo-dispatcher'],
        ['operator', 'demo-operator'],
        ['driver', 'demo-driver'],
      ]) {
        const res = await post(prod.baseUrl, '/api/auth/login', { username: u, password: p })
        expect(res.status, u).toBe(401)
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
          /never works in production/,
        )
      }
    } finally {
      await prod.close()
    }
  })

  it('in production creates no demo account, makes devices sign in, and rate-limits sign-ins and anonymous clients', async () => {
    const server = await startServer({
      NODE_ENV: 'production',
      DEMO_DATA: 'auto',
      LOGIN_LIMIT_PER_CLIENT: '3',
      PUBLIC_RATE_LIMIT: '5',
      TRUST_PROXY: '127.0.0.1',
    })
    try {
      const admin = await login(server.baseUrl, 'admin', TEST_ADMIN_PASSWORD)
      const users = (await (await fetch(`${server.baseUrl}/api/users`, { headers: admin.headers })).json()) as {
        items: { username: string }[]
      }
      expect(users.items.map((u) => u.username)).toEqual(['admin'])
      await expect(mqtt.connectAsync(server.mqttUrl, { clientId: 'anon', reconnectPeriod: 0 })).rejects.toThrow(
        /Bad username or password/i,
      )

      // Sign-in: 3 attempts per address (one used above).
      expect(
        (await post(server.baseUrl, '/api/auth/login', { username: 'admin', password: 'wrong-one-1' })).status,
      ).toBe(401)
      expect(
        (await post(server.baseUrl, '/api/auth/login', { username: 'admin', password: 'wrong-one-2' })).status,
      ).toBe(401)
      const limited = await post(server.baseUrl, '/api/auth/login', {
        username: 'admin',
        password: TEST_ADMIN_PASSWORD,
      })
      expect(limited.status).toBe(429)
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)

      // Anonymous clients: 5 requests a minute, and the 4 sign-ins above were anonymous: 1 left.
      // Health and signed-in requests are not limited.
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.baseUrl}/api/stops?limit=1`)).status)
      expect(statuses).toEqual([200, 429, 429])
      expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
      expect((await fetch(`${server.baseUrl}/api/stops?limit=1`, { headers: admin.headers })).status).toBe(200)
      // Behind a trusted proxy each villager is counted by the address it forwards.
      expect(
        (await fetch(`${server.baseUrl}/api/stops?limit=1`, { headers: { 'x-forwarded-for': '10.0.0.9' } })).status,
      ).toBe(200)
    } finally {
      await server.close()
    }
  })

  it('creates the first admin once when several instances start on one fresh database', async () => {
    const { db } = await openDatabase({
      url: undefined,
      dataDir: 'memory',
      schema: undefined,
      retention: { retentionDays: 400, compressAfterDays: 3 },
    })
    try {
      const start = () => {
        const log = captureLog()
        const auth = new AuthService(db, { production: false, sessionTtlMs: 3_600_000 })
        return bootstrapAccounts(
          db,
          auth,
          { adminPassword: undefined, production: false, demoSeeded: false },
          log.logger,
        ).then((r) => ({ r, log }))
      }
      const results = await Promise.all([start(), start(), start()])
      expect(results.filter((x) => x.r.adminCreated)).toHaveLength(1)
      expect(results.flatMap((x) => passwordLines(x.log))).toHaveLength(1)
    } finally {
      await db.close()
    }
  })
})

/**
 * Start-up while PostgreSQL is down: the server waits for it with backoff, answering health checks
 * with the reason, instead of exiting; once the database answers it starts as usual. Without a real
 * PostgreSQL (TEST_DATABASE_URL) the database never comes, and the waiting is what is checked.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createPgDb } from '@rb/db'
import { freePort } from '../support/child.js'
import { TEST_ADMIN_PASSWORD, getJson, waitFor } from '../support/server.js'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

describe('start-up without the database', () => {
  it(
    'waits for PostgreSQL, says so in /api/health/ready, and starts once it answers',
    { timeout: 240_000 },
    async () => {
      const real = process.env.TEST_DATABASE_URL
      const schema = `t_start_${Date.now().toString(36)}`
      // PostgreSQL behind a proxy that is cut (the real one when given), else a port nothing listens on.
      let proxy: TcpProxy | undefined
      let url: string
      if (real) {
        const u = new URL(real)
        proxy = await startTcpProxy(u.hostname, Number(u.port || 5432))
        proxy.cut()
        u.port = String(proxy.port)
        url = u.toString()
      } else {
        url = `postgres://rb@127.0.0.1:${await freePort()}/rb`
      }
      const port = await freePort()
      let out = ''
      const proc = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          TZ: 'UTC',
          HOST: '127.0.0.1',
          PORT: String(port),
          MQTT_PORT: '0',
          JT808_PORT: '0',
          LOG_LEVEL: 'info',
          DEMO_DATA: 'off',
          SIM_VEHICLES: '0',
          ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
          DATABASE_URL: url,
          DATABASE_SCHEMA: schema,
          DB_START_RETRY_MAX_S: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      proc.stdout?.on('data', (d: Buffer) => (out += d.toString()))
      proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
      let exitCode: number | string | undefined
      const exited = new Promise<number | string>((resolve) =>
        proc.once('exit', (code, signal) => resolve((exitCode = code ?? signal ?? 'unknown'))),
      )
      const base = `http://127.0.0.1:${port}`
      try {
        const ready = await waitFor(
          async () => {
            if (exitCode !== undefined)
              throw new Error(`the server exited instead of waiting for the database:\n${out}`)
            const r = await getJson<{ ready: boolean; reasons: string[] }>(`${base}/api/health/ready`).catch(() => null)
            return r?.status === 503 && /attempt [2-9]/.test(r.body.reasons[0] ?? '') ? r : undefined
          },
          60_000,
          100,
        )
        expect(ready.body.ready).toBe(false)
        expect(ready.body.reasons[0]).toMatch(/^database: not reachable yet \(attempt \d+: .+\); retrying in 1 s$/)
        expect(await getJson(`${base}/api/health/live`)).toEqual({ status: 200, body: { status: 'ok' } })
        expect((await getJson<{ error: { code: string } }>(`${base}/api/vehicles/positions`)).body.error.code).toBe(
          'STARTING',
        )
        expect(out).toContain('database not reachable at start; retrying')

        if (proxy) {
          proxy.restore()
          await waitFor(
            async () => (await getJson(`${base}/api/health/ready`).catch(() => null))?.status === 200,
            120_000,
            200,
          )
          expect(out).toContain('database reachable; starting')
        }
      } finally {
        if (exitCode === undefined) proc.kill('SIGTERM')
        const code = await Promise.race([
          exited,
          new Promise<'stuck'>((r) => setTimeout(() => r('stuck'), 60_000).unref()),
        ])
        if (code === 'stuck') proc.kill('SIGKILL')
        await proxy?.close()
        if (real) {
          const db = createPgDb({ url: real })
          await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => db.close())
        }
      }
      // Stopped while waiting (or after starting): a clean exit.
      expect(exitCode).toBe(0)
    },
  )
})

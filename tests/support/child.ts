/** Runs the real server as a child process (for SIGKILL / SIGTERM tests), as `npm start` would. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { TEST_ADMIN_PASSWORD, TEST_TEMPLATE_DIR, waitFor } from './server.js'
import { lockSharedServices, usesSharedBroker } from './services-lock.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

export interface ChildServer {
  proc: ChildProcess
  baseUrl: string
  output(): string
  /** Resolves with the exit code (or signal). */
  exited: Promise<number | string>
}

export interface SpawnOptions {
  /** How node starts the server; by default the TypeScript source through tsx, as `npm start` does. */
  argv?: string[]
  /** How long start-up may take (seeding the demo county takes minutes on a busy box); default 120 s. */
  startWithinMs?: number
}

export async function spawnServer(env: Record<string, string>, opts: SpawnOptions = {}): Promise<ChildServer> {
  const port = env.PORT ?? String(await freePort())
  // Held while the child lives (see services-lock.ts).
  const unlock = usesSharedBroker(env) ? await lockSharedServices() : async () => {}
  let out = ''
  const proc = spawn(process.execPath, opts.argv ?? ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JT808_PORT: '0',
      DEMO_DATA: 'off',
      SIM_VEHICLES: '0',
      ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      PUBLIC_RATE_LIMIT: '0',
      EMBEDDED_TEMPLATE_DIR: TEST_TEMPLATE_DIR,
      ...env,
      PORT: port,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  void exited.then(unlock)
  const baseUrl = `http://127.0.0.1:${port}`
  let gone = false
  void exited.then(() => (gone = true))
  try {
    // A busy two-core box can take a while to start a server; the wait ends as soon as it answers.
    await waitFor(
      async () => {
        if (gone) throw new Error(`server exited during start:\n${out}`)
        const res = await fetch(`${baseUrl}/api/health`).catch(() => null)
        return res?.status === 200
      },
      opts.startWithinMs ?? 120_000,
      100,
    )
  } catch (err) {
    // Never leave a half-started server behind.
    proc.kill('SIGKILL')
    throw err
  }
  return { proc, baseUrl, output: () => out, exited }
}

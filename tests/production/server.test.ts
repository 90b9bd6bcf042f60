/**
 * The production path without Docker: the server and the packages it imports are emitted as
 * JavaScript (`npm run build`'s server target), then started with the very command the image runs
 * (infra/Dockerfile's CMD) — plain node, no TypeScript loader. tsx is installed here (a development
 * dependency), so a resolve hook stands in for its absence in the image: any import of tsx or of a
 * .ts file, in the main thread or a worker, fails. On the embedded database the server becomes
 * ready, runs the simulated fleet in its worker thread, and stops cleanly on SIGTERM.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serverBuild, SERVER_ENTRY } from '../../scripts/build/emit.js'
import { spawnServer, type ChildServer } from '../support/child.js'
import { login, TEST_ADMIN_PASSWORD, waitFor } from '../support/server.js'

/** The image's CMD, e.g. ["node", "--conditions=rb-built", …, "apps/server/build/main.js"]. */
function imageCommand(): string[] {
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(new URL('../../infra/Dockerfile', import.meta.url), 'utf8'))?.[1]
  if (!cmd) throw new Error('infra/Dockerfile has no CMD ["node", …] line')
  return JSON.parse(cmd) as string[]
}

/** Refuses tsx and TypeScript sources, as the image (without development dependencies) would. */
const HOOK = `export async function resolve(specifier, context, next) {
  if (specifier === 'tsx' || specifier.startsWith('tsx/')) throw new Error('no tsx in production: ' + specifier)
  const resolved = await next(specifier, context)
  if (/\\.[cm]?ts$/.test(new URL(resolved.url).pathname)) throw new Error('TypeScript source loaded in production: ' + resolved.url)
  return resolved
}`
const NO_TYPESCRIPT = [
  '--import',
  `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)})`)}`,
]

interface SimView {
  run: { state: string; stats: { acked: number } | null } | null
}

/** Starting, seeding the demo county and running a fleet take minutes on a busy two-core box. */
const SLOW_MS = 480_000

describe('the emitted server, run as the image runs it', () => {
  let server: ChildServer | undefined

  beforeAll(async () => {
    await serverBuild.build({ quiet: true })
    server = await spawnServer(
      { NODE_ENV: 'production', LOG_FORMAT: 'json', DATA_DIR: 'memory', DEMO_DATA: 'auto', SIM_VEHICLES: '0' },
      { argv: [...NO_TYPESCRIPT, ...imageCommand().slice(1)], startWithinMs: SLOW_MS },
    )
  })
  afterAll(() => {
    // Never leave the child behind, whatever failed.
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill('SIGKILL')
  })

  it('the image runs node on the emitted entry, with no TypeScript loader', () => {
    const [node, ...args] = imageCommand()
    expect(node).toBe('node')
    expect(args.at(-1)).toBe(SERVER_ENTRY)
    expect(args.join(' ')).not.toMatch(/tsx|\.ts\b|--import|--loader|--experimental/)
  })

  it(
    'is ready on the embedded database',
    async () => {
      const { baseUrl } = server as ChildServer
      const ready = await waitFor(
        async () => {
          const res = await fetch(`${baseUrl}/api/health/ready`)
          return res.status === 200 ? ((await res.json()) as { ready: boolean; reasons: string[] }) : null
        },
        SLOW_MS,
        200,
      )
      expect(ready).toEqual({ ready: true, reasons: [] })
    },
    SLOW_MS,
  )

  it(
    'runs a simulated fleet in its worker thread (emitted worker-entry.mjs and worker.js)',
    async () => {
      const { baseUrl } = server as ChildServer
      const admin = await login(baseUrl, 'admin', TEST_ADMIN_PASSWORD)
      const api = (path: string, init: RequestInit = {}) =>
        fetch(`${baseUrl}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${admin.token}`, ...(init.headers as Record<string, string> | undefined) },
        })
      const started = await api('/api/sim/start', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: 'school-morning', speed: 60 }),
      })
      expect(started.status).toBe(202)
      await waitFor(
        async () => (((await (await api('/api/sim')).json()) as SimView).run?.stats?.acked ?? 0) > 0,
        SLOW_MS,
        200,
      )
    },
    SLOW_MS,
  )

  it(
    'stops cleanly on SIGTERM, having loaded no TypeScript',
    async () => {
      const child = server as ChildServer
      child.proc.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      expect(child.output()).not.toMatch(
        /no tsx in production|TypeScript source loaded|ERR_UNKNOWN_FILE_EXTENSION|ERR_MODULE_NOT_FOUND|Cannot find module/,
      )
    },
    SLOW_MS,
  )
})

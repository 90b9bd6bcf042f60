/**
 * docs/routes.md lists every HTTP route with who may call it, as the server registers them (the
 * access its guard enforces: the route's `config.access` or auth/policy.ts). The file is this
 * test's file snapshot: a route added, removed or given other access fails the test until the
 * document says so (`npx vitest run tests/docs/routes-doc.test.ts -u` rewrites it; review the diff).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeAccess } from '../../apps/server/src/auth/policy.js'
import { startServer, type TestServer } from '../support/server.js'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server?.close()
})

/** The document: one row per path and access, methods joined, in path order. */
function render(
  routes: readonly { method: string; url: string; access: Parameters<typeof describeAccess>[0] }[],
): string {
  const rows = new Map<string, { url: string; methods: Set<string>; access: string }>()
  for (const r of routes) {
    if (r.method === 'HEAD' || r.method === 'OPTIONS') continue
    const access = describeAccess(r.access)
    const key = `${r.url} ${access}`
    const row = rows.get(key) ?? { url: r.url, methods: new Set<string>(), access }
    row.methods.add(r.method)
    rows.set(key, row)
  }
  const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']
  const sorted = [...rows.values()].sort((a, b) => a.url.localeCompare(b.url) || a.access.localeCompare(b.access))
  return [
    '# HTTP routes and who may call them',
    '',
    "Every route the server registers, with the access its guard enforces (from the route's",
    '`config.access` or the table in `apps/server/src/auth/policy.ts`; a route in neither is staff',
    'only). [security.md](security.md#access-to-http-routes) explains the rules; the OpenAPI',
    'description at `/docs` has the bodies and answers. `public` needs no session, `signed-in` any',
    'account; roles are listed otherwise (admin passes every check). This file is checked against the',
    'server by `tests/docs/routes-doc.test.ts`, which fails when a route is missing here or shown',
    'with other access.',
    '',
    '| route | methods | access |',
    '|---|---|---|',
    ...sorted.map(
      (r) =>
        `| \`${r.url}\` | ${[...r.methods].sort((a, b) => order.indexOf(a) - order.indexOf(b)).join(', ')} | ${r.access} |`,
    ),
    '',
  ].join('\n')
}

describe('docs/routes.md', () => {
  it('lists every route with the access the server enforces', async () => {
    await expect(render(server.app.routeAccess)).toMatchFileSnapshot('../../docs/routes.md')
  })
})

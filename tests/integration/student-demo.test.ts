/**
 * The demo county's student routes come with schools and rosters: every student route serves a
 * school, every school has pupils in the current term, and the demo school account signs in to
 * its own school's day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { login, startServer, type TestServer } from '../support/server.js'

describe('demo county student buses', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto', SIM_VEHICLES: '0' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('gives every student route a school with its pupils, and a demo school account for one of them', async () => {
    const routes = (
      await server.apiJson<{ items: { id: string; kind: string }[] }>('GET', '/api/routes?limit=1000')
    ).body.items
      .filter((r) => r.kind === 'student')
      .map((r) => r.id)
      .sort()
    const schools = (
      await server.apiJson<{ items: { id: string; name: string; routes: { routeId: string }[] }[] }>(
        'GET',
        '/api/schools',
      )
    ).body.items
    expect(schools.flatMap((s) => s.routes.map((r) => r.routeId)).sort()).toEqual(routes)
    for (const s of schools)
      expect(
        (await server.apiJson<{ items: unknown[] }>('GET', `/api/schools/${s.id}/pupils`)).body.items.length,
      ).toBeGreaterThan(5)

    const staff = await login(server.baseUrl, 'school', 'demo-school')
    const mine = (
      await server.apiJson<{ items: { id: string; name: string }[] }>('GET', '/api/schools', undefined, staff)
    ).body.items
    expect(mine).toHaveLength(1)
    expect(mine[0]?.name).toMatch(/中心小学$/)
    const live = await server.apiJson<{ runs: unknown[] }>('GET', `/api/schools/${mine[0]?.id}/live`, undefined, staff)
    expect(live.status).toBe(200)
    expect(
      (
        await server.apiJson(
          'GET',
          `/api/schools/${schools.find((s) => s.id !== mine[0]?.id)?.id}/pupils`,
          undefined,
          staff,
        )
      ).status,
    ).toBe(403)
  })
})

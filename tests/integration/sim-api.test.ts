import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getJsonAsAdmin, startServer, waitFor, type TestServer } from '../support/server.js'

interface SimView {
  run: { name: string; state: string; stats: { pointsSent: number; acked: number } | null } | null
  scenarios: string[]
}

describe('simulated fleet run by the server', () => {
  let server: TestServer
  beforeAll(async () => {
    // Device sign-in on: the server's own fleet reads the API with a session of its own and signs
    // every simulated bus in under its vehicle id.
    server = await startServer({ DEMO_DATA: 'auto', DEVICE_AUTH: 'on' })
    server.app.rb.sim.setTargets({ apiUrl: server.baseUrl, mqttUrl: server.mqttUrl })
  })
  afterAll(async () => {
    await server?.close()
  })
  const post = async (path: string, body: unknown) => {
    const res = await server.api(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('lists the scenarios shipped with the simulator', async () => {
    const { body } = await getJsonAsAdmin<SimView>(`${server.baseUrl}/api/sim`)
    expect(body.scenarios).toEqual(expect.arrayContaining(['market-day', 'school-morning', 'faults']))
    expect(body.run).toBeNull()
  })

  it('starts a named scenario in a worker, refuses a second run, shows its buses and stops it', async () => {
    expect((await post('/api/sim/start', { scenario: 'no-such-thing' })).status).toBe(404)
    const started = await post('/api/sim/start', { scenario: 'school-morning', speed: 60 })
    expect(started.status).toBe(202)
    expect((await post('/api/sim/start', { vehicles: 3 })).status).toBe(409)
    await waitFor(
      async () => (await getJsonAsAdmin<SimView>(`${server.baseUrl}/api/sim`)).body.run?.state === 'running',
      60_000,
      200,
    )
    await waitFor(
      async () => ((await getJsonAsAdmin<SimView>(`${server.baseUrl}/api/sim`)).body.run?.stats?.acked ?? 0) > 20,
      60_000,
      200,
    )
    const positions = await getJsonAsAdmin<{ items: unknown[] }>(`${server.baseUrl}/api/vehicles/positions`)
    expect(positions.body.items.length).toBeGreaterThan(0)
    const stopped = await post('/api/sim/stop', {})
    expect(stopped.body).toMatchObject({ name: 'school-morning', state: 'stopped' })
  })
})

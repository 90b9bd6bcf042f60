import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulation } from '@rb/sim'
import { metric, startServer, waitFor, type TestServer } from '../support/server.js'

describe('the simulator drives a demo-county run through the JT/T 808 gateway', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto' })
  })
  afterAll(async () => {
    await server?.close()
  })

  // Ten simulated minutes at 60×: about 10 s of real time, more on a busy CI machine.
  it('every distinct point the terminals sent is stored', async () => {
    const sim = await startSimulation({
      api: server.baseUrl,
      apiToken: (await server.loginAs('dispatcher')).token,
      protocol: 'jt808',
      jt808: `127.0.0.1:${server.app.rb.jt808Port}`,
      date: '2026-11-25',
      from: '06:30',
      until: '06:40',
      speed: 60,
      maxVehicles: 8,
      marketDay: true,
      seed: 11,
      tickMs: 50,
    })
    const final = await sim.done
    expect(final).toMatchObject({ state: 'done', errors: 0 })
    expect(final.vehicles).toBe(8)
    expect(final.pointsSent).toBeGreaterThan(100)
    await waitFor(
      async () => (await metric(server.baseUrl, 'rb_ingest_points_stored_total')) >= final.pointsSent,
      60_000,
    )
    await new Promise((r) => setTimeout(r, 300))
    expect(await metric(server.baseUrl, 'rb_ingest_points_stored_total')).toBe(final.pointsSent)
    expect(await metric(server.baseUrl, 'rb_jt808_connections')).toBe(0)
  })
})

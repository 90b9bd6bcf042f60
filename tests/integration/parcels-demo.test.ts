/**
 * The demo county's post office on first start: post points at the county station, every township
 * centre and village committees, the keeper account `station` at the county station with parcels
 * to send on the next trips, each trackable at /p/<number>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_STATION_STOP } from '@rb/domain'
import { login, startServer, type TestServer } from '../support/server.js'

describe('the demo county has a post office', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'auto' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('has post points, a keeper and parcels on their way', async () => {
    const points = (await (await fetch(`${server.baseUrl}/api/post-points`)).json()) as {
      items: { stopCode: string; kind: string }[]
    }
    expect(points.items.filter((p) => p.kind === 'station')).toHaveLength(14)
    expect(points.items.length).toBeGreaterThanOrEqual(27)
    const keeper = await login(server.baseUrl, 'station', 'demo-station')
    expect(keeper.user.role).toBe('station')
    const mine = await server.apiJson<{
      point: { code: string }
      toSend: { number: string; tripInstanceId: string | null; status: string }[]
    }>('GET', '/api/keeper/parcels', undefined, keeper)
    expect(mine.body.point.code).toBe(DEMO_STATION_STOP)
    const all = await server.apiJson<{
      items: { number: string; status: string; tripInstanceId: string | null; createdBy?: string }[]
    }>('GET', '/api/parcels?limit=50')
    expect(all.body.items.length).toBeGreaterThanOrEqual(4)
    // Every one rides (or waits for) a trip, and /p/<number> tells where it is.
    for (const p of all.body.items) expect(p.tripInstanceId).not.toBeNull()
    const first = all.body.items[0]?.number as string
    const page = await fetch(`${server.baseUrl}/p/${first}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(first)
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zipSync } from 'fflate'
import { gtfs } from '@rb/gtfs'
import { startServer, type TestServer } from '../support/server.js'

const SAMPLE = fileURLToPath(new URL('../../packages/gtfs/src/static/testdata/sample-feed/', import.meta.url))
const sampleZip = (): Uint8Array =>
  zipSync(
    Object.fromEntries(
      readdirSync(SAMPLE)
        .filter((f) => f.endsWith('.txt'))
        .map((f) => [f, new Uint8Array(readFileSync(`${SAMPLE}${f}`))]),
    ),
  )

const post = (server: TestServer, body: Uint8Array) =>
  server.api('/api/gtfs/import', { method: 'POST', headers: { 'content-type': 'application/zip' }, body })

type TripsOn = { items: { stops: string[]; stopTimes: { arrival: string }[] }[] }
const signature = (t: TripsOn, codeOf: (c: string) => string = (c) => c) =>
  t.items.map((i) => `${i.stops.map(codeOf).join('>')}@${i.stopTimes.map((s) => s.arrival).join(',')}`).sort()

describe('GTFS over HTTP', () => {
  let a: TestServer
  let b: TestServer
  beforeAll(async () => {
    ;[a, b] = await Promise.all([startServer({ DEMO_DATA: 'auto' }), startServer({ COUNTY_PREFIX: 'GT' })])
    // Two servers, one seeding the demo county: minutes on a busy 2-core box.
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
  })

  it('imports a real public sample feed, giving its stops our sign codes', async () => {
    const res = await post(b, sampleZip())
    expect(res.status).toBe(200)
    const body = (await res.json()) as { added: Record<string, number>; renumberedStops: Record<string, string> }
    // 8 timed trips and 136 runs of the feed's three headway trips (frequencies.txt).
    expect(body.added).toMatchObject({ stop: 9, trip: 144 })
    expect(body.renumberedStops.FUR_CREEK_RES).toMatch(/^GT-\d{4}$/)
    // AB1 (service FULLW) runs Beatty Airport → Bullfrog; feed times are read as service-day times (with a warning on the time zone).
    const trips = (await (await fetch(`${b.baseUrl}/api/trips?date=2008-01-07`)).json()) as {
      items: { tripId: string; stops: string[] }[]
    }
    const ab1 = trips.items.find((t) => t.tripId === 'AB1')
    expect(ab1?.stops).toEqual([body.renumberedStops.BEATTY_AIRPORT, body.renumberedStops.BULLFROG])
  })

  it('importing the same feed again updates its stops instead of numbering them anew', async () => {
    const before = (await (await fetch(`${b.baseUrl}/api/stops?limit=1`)).json()) as { total: number }
    const again = await post(b, sampleZip())
    expect(again.status).toBe(200)
    const after = (await (await fetch(`${b.baseUrl}/api/stops?limit=1`)).json()) as { total: number }
    expect(after.total).toBe(before.total)
  })

  it('rejects a broken feed with a coded 400', async () => {
    const res = await post(b, new TextEncoder().encode('not a zip at all'))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string; details: { gtfsCode: string } } }).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { gtfsCode: 'BAD_ZIP' },
    })
  })

  it('exports the demo county as a valid feed that imports to the same trips on the same dates', async () => {
    const res = await fetch(`${a.baseUrl}/api/gtfs/export?from=2026-11-23&to=2026-12-06`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    const zip = new Uint8Array(await res.arrayBuffer())
    expect(gtfs.validateGtfs(zip).errors).toEqual([])

    const c = await startServer({ COUNTY_PREFIX: 'XY' })
    try {
      expect((await post(c, zip)).status).toBe(200)
      for (const date of ['2026-11-23', '2026-11-28', '2026-12-01', '2026-12-06']) {
        const [orig, back] = (await Promise.all(
          [a, c].map(async (s) => (await (await fetch(`${s.baseUrl}/api/trips?date=${date}`)).json()) as TripsOn),
        )) as [TripsOn, TripsOn]
        expect(back.items.length).toBe(orig.items.length)
        expect(signature(back)).toEqual(signature(orig))
      }
    } finally {
      await c.close()
    }
  })
})

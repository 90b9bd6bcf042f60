import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import {
  decodeTrack,
  topics,
  type ClientToServerEvents,
  type CompactTrack,
  type LivePosition,
  type ServerToClientEvents,
} from '@rb/protocol'
import {
  freshVehicleId,
  getJson,
  getJsonAsAdmin,
  metric,
  startServer,
  targets,
  waitFor,
  type TestServer,
} from '../support/server.js'

interface LatestItem {
  vehicleId: string
  ts: string
  lng: number
  lat: number
  speedKmh: number
  online: boolean | null
}
interface TrackBody {
  count: number
  downsampled: boolean
  points: [number, number, number, number, number][]
}

const fix = (tsMs: number, over: Record<string, unknown> = {}) => ({
  ts: new Date(tsMs).toISOString(),
  lat: 28.1612,
  lon: 105.4431,
  speed: 31.5,
  heading: 87,
  ...over,
})

describe.each(targets())('telemetry ingest on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  let socket: Socket<ServerToClientEvents, ClientToServerEvents>
  const received: LivePosition[][] = []

  beforeAll(async () => {
    server = await startServer(target.env)
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: freshVehicleId('pub') })
    const dispatcher = await server.loginAs('dispatcher')
    socket = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: dispatcher.token } })
    socket.on('positions', (batch) => received.push(batch))
    await new Promise<void>((resolve) => socket.emit('subscribe', ['all'], () => resolve()))
    // The external broker delivers to the server's subscription once it exists.
    await waitFor(async () => (await getJson<{ status: string }>(`${server.baseUrl}/api/health`)).body.status === 'ok')
  })
  afterAll(async () => {
    socket?.close()
    await pub?.endAsync()
    await server?.close()
  })

  const latestOf = async (vehicleId: string): Promise<LatestItem | undefined> =>
    (await getJsonAsAdmin<{ items: LatestItem[] }>(`${server.baseUrl}/api/vehicles/positions`)).body.items.find(
      (i) => i.vehicleId === vehicleId,
    )
  const trackOf = async (vehicleId: string, query = ''): Promise<TrackBody> => {
    const from = new Date(Date.now() - 2 * 3_600_000).toISOString()
    const to = new Date(Date.now() + 600_000).toISOString()
    return (
      await getJsonAsAdmin<TrackBody>(`${server.baseUrl}/api/vehicles/${vehicleId}/track?from=${from}&to=${to}${query}`)
    ).body
  }

  it('reports the database and broker in /api/health', async () => {
    const { status, body } = await getJson<{
      status: string
      db: { ok: boolean; kind: string; mode: string }
      broker: { ok: boolean; kind: string }
    }>(`${server.baseUrl}/api/health`)
    expect(status).toBe(200)
    expect(body.db.ok).toBe(true)
    expect(body.broker.kind).toBe(target.name === 'embedded' ? 'embedded' : 'external')
    expect(body.db.mode).toMatch(target.name === 'embedded' ? /^timescale$/ : /^(timescale|plain)$/)
    // Orchestrator probes, without signing in.
    expect((await getJson(`${server.baseUrl}/api/health/live`)).body).toEqual({ status: 'ok' })
    expect(await getJson(`${server.baseUrl}/api/health/ready`)).toEqual({
      status: 200,
      body: { ready: true, reasons: [] },
    })
  })

  it('a published point shows in latest positions, on the socket and in the track', async () => {
    const v = freshVehicleId()
    const ts = Date.now() - 1000
    await pub.publishAsync(topics.position(v), JSON.stringify(fix(ts)), { qos: 1 })
    const live = await waitFor(() => received.flat().find((p) => p.vehicleId === v), 60_000, 5)
    expect(live).toMatchObject({ vehicleId: v, ts, lng: 105.4431, lat: 28.1612, speedKmh: 31.5, headingDeg: 87 })
    const latest = await waitFor(() => latestOf(v), 60_000)
    expect(latest).toMatchObject({ vehicleId: v, ts: new Date(ts).toISOString(), lng: 105.4431 })
    const track = await waitFor(async () => ((await trackOf(v)).count === 1 ? trackOf(v) : undefined))
    expect(track.points).toEqual([[ts, 105.4431, 28.1612, 31.5, 87]])
  })

  it('stores a dead-zone batch, late and out of order, without moving the latest position backwards', async () => {
    const v = freshVehicleId()
    const now = Date.now()
    await pub.publishAsync(topics.position(v), JSON.stringify(fix(now - 1000, { lon: 105.5 })), { qos: 1 })
    const backlog = [3, 1, 2].map((i) => fix(now - 600_000 + i * 10_000, { lon: 105.4 + i / 1000 }))
    await pub.publishAsync(topics.positionBatch(v), JSON.stringify(backlog), { qos: 1 })
    const track = await waitFor(async () => {
      const t = await trackOf(v)
      return t.count === 4 ? t : undefined
    })
    expect(track.points.map((p) => p[0])).toEqual([now - 590_000, now - 580_000, now - 570_000, now - 1000])
    expect((await latestOf(v))?.lng).toBe(105.5)
  })

  it('a resent point is stored once', async () => {
    const v = freshVehicleId()
    const payload = JSON.stringify(fix(Date.now() - 5000))
    const dupBefore = await metric(server.baseUrl, 'rb_ingest_points_duplicate_total')
    for (let i = 0; i < 3; i++) await pub.publishAsync(topics.position(v), payload, { qos: 1 })
    await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_points_duplicate_total')) - dupBefore >= 2)
    expect((await trackOf(v)).count).toBe(1)
  })

  it('counts and drops bad messages per reason, keeping the good points of a batch', async () => {
    const v = freshVehicleId()
    const now = Date.now()
    const before = async (reason: string): Promise<number> =>
      metric(server.baseUrl, 'rb_ingest_dropped_total', { reason })
    const reasons = ['bad_json', 'schema', 'coordinates', 'future_ts', 'vehicle_mismatch', 'oversize'] as const
    const start = Object.fromEntries(await Promise.all(reasons.map(async (r) => [r, await before(r)] as const)))
    const bad: [string, string][] = [
      ['bad_json', '{"ts": 1, "lat": '],
      ['schema', JSON.stringify({ ts: now, lat: 28.1, lon: 105.4 })],
      ['schema', JSON.stringify(fix(now, { speed: -4 }))],
      ['schema', JSON.stringify(fix(now, { ts: '2026-11-29 10:00:00' }))],
      ['coordinates', JSON.stringify(fix(now, { lat: 91 }))],
      ['coordinates', JSON.stringify(fix(now, { lat: 0, lon: 0 }))],
      ['future_ts', JSON.stringify(fix(now + 3_600_000))],
      ['vehicle_mismatch', JSON.stringify(fix(now, { vehicleId: 'someone-else' }))],
      ['oversize', JSON.stringify(fix(now, { pad: 'x'.repeat(5000) }))],
    ]
    for (const [, payload] of bad) await pub.publishAsync(topics.position(v), payload, { qos: 1 })
    // A batch with one good point and one bad one keeps the good one.
    await pub.publishAsync(topics.positionBatch(v), JSON.stringify([fix(now - 2000), fix(now - 1000, { lat: -200 })]), {
      qos: 1,
    })
    const expected = { bad_json: 1, schema: 3, coordinates: 3, future_ts: 1, vehicle_mismatch: 1, oversize: 1 }
    await waitFor(async () => {
      for (const r of reasons) if ((await before(r)) - (start[r] ?? 0) < expected[r]) return false
      return true
    })
    for (const r of reasons) expect((await before(r)) - (start[r] ?? 0)).toBe(expected[r])
    const track = await waitFor(async () => ((await trackOf(v)).count === 1 ? trackOf(v) : undefined))
    expect(track.points[0]?.[0]).toBe(now - 2000)
  })

  it('marks a vehicle offline from its last will and pushes the change live', async () => {
    const v = freshVehicleId()
    const links: { vehicleId: string; online: boolean }[] = []
    socket.on('link', (changes) => links.push(...changes))
    const device = await mqtt.connectAsync(server.mqttUrl, {
      clientId: `dev-${v}`,
      will: { topic: topics.status(v), payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    await device.publishAsync(topics.status(v), 'online', { qos: 1, retain: true })
    await device.publishAsync(topics.position(v), JSON.stringify(fix(Date.now() - 500)), { qos: 1 })
    await waitFor(async () => (await latestOf(v))?.online === true)
    // Drop the connection without DISCONNECT: the broker publishes the will.
    device.stream.destroy()
    await waitFor(async () => (await latestOf(v))?.online === false, 60_000)
    await waitFor(() => links.some((l) => l.vehicleId === v && !l.online))
    device.end(true)
  })

  it('downsamples a long track on request', async () => {
    const v = freshVehicleId()
    const t0 = Date.now() - 3_600_000
    const points = Array.from({ length: 1200 }, (_, i) => fix(t0 + i * 1000, { lon: 105.4 + i * 1e-5 }))
    await pub.publishAsync(topics.positionBatch(v), JSON.stringify(points), { qos: 1 })
    await waitFor(async () => (await trackOf(v)).count === 1200)
    const small = await trackOf(v, '&maxPoints=100')
    expect(small).toMatchObject({ count: 100, downsampled: true })
    expect(small.points[0]?.[0]).toBe(t0)
    expect(small.points.at(-1)?.[0]).toBe(t0 + 1199 * 1000)
    // The same track in the compact form: the same points, integer columns, downsampled alike.
    const full = await trackOf(v)
    const compact = (await trackOf(v, '&format=compact')) as unknown as CompactTrack & {
      count: number
      downsampled: boolean
    }
    expect(compact).toMatchObject({ count: 1200, downsampled: false, encoding: 'delta-int-v1' })
    expect(compact.t.slice(0, 3)).toEqual([t0, 1000, 1000])
    expect(compact.lng.slice(0, 3)).toEqual([105_400_000, 10, 10])
    expect(decodeTrack(compact)).toEqual(
      full.points.map(([t, lng, lat, s, h]) => [
        t,
        Math.round(lng * 1e6) / 1e6,
        Math.round(lat * 1e6) / 1e6,
        Math.round(s * 10) / 10,
        Math.round(h),
      ]),
    )
    const smallCompact = (await trackOf(v, '&format=compact&maxPoints=100')) as unknown as CompactTrack & {
      count: number
    }
    expect(smallCompact.count).toBe(100)
    expect(decodeTrack(smallCompact).map((p) => p[0])).toEqual(small.points.map((p) => p[0]))
    // An empty range answers empty columns.
    expect(await trackOf(freshVehicleId(), '&format=compact')).toMatchObject({
      count: 0,
      t: [],
      lng: [],
      lat: [],
      speed: [],
      heading: [],
    })
  })

  it('answers bad HTTP input with a coded 4xx', async () => {
    const r1 = await getJsonAsAdmin<{ error: { code: string } }>(
      `${server.baseUrl}/api/vehicles/V1/track?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    )
    expect(r1).toMatchObject({ status: 400, body: { error: { code: 'BAD_TIME_RANGE' } } })
    const r2 = await getJsonAsAdmin<{ error: { code: string } }>(
      `${server.baseUrl}/api/vehicles/V1/track?from=yesterday`,
    )
    expect(r2).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } })
    const r3 = await getJsonAsAdmin<{ error: { code: string } }>(`${server.baseUrl}/api/vehicles/bad%20id/track`)
    expect(r3.status).toBe(400)
    const r4 = await getJson<{ error: { code: string } }>(`${server.baseUrl}/api/nothing-here`)
    expect(r4).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } })
  })

  it('exposes Prometheus metrics', async () => {
    const text = await (await fetch(`${server.baseUrl}/metrics`)).text()
    for (const name of [
      'rb_ingest_points_received_total',
      'rb_ingest_points_stored_total',
      'rb_ingest_dropped_total',
      'rb_ingest_batch_seconds_bucket',
      'rb_ingest_buffer_depth',
    ]) {
      expect(text).toContain(name)
    }
  })
})

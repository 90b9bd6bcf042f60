/**
 * Faults the server must survive (issue #10 item 4): duplicate and out-of-order floods, a
 * socket.io client that stops reading, and fuzzed MQTT payloads, HTTP bodies and JT/T 808 bytes
 * (fast-check) — no crash, no 5xx, nothing accepted is lost.
 */
import { connect as tcpConnect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { mulberry32 } from '@rb/domain'
import { jt808, topics, type ClientToServerEvents, type LivePosition, type ServerToClientEvents } from '@rb/protocol'
import {
  freshVehicleId,
  metric,
  startServer,
  targets,
  waitFor,
  type RoleSession,
  type TestServer,
} from '../support/server.js'

const point = (ts: number, i = 0) => ({ ts, lat: 28.16 + i * 1e-5, lon: 105.44, speed: 20, heading: 10 })

describe.each(targets())('faults on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  let admin: RoleSession

  beforeAll(async () => {
    server = await startServer({ ...target.env })
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: freshVehicleId('pub') })
    admin = await server.loginAs('admin')
  })
  afterAll(async () => {
    await pub?.endAsync()
    await server?.close()
  })

  const stored = async (v: string): Promise<number> => {
    const r = await server.app.rb.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM position WHERE vehicle_id = $1',
      [v],
    )
    return Number(r.rows[0]?.n)
  }

  it('a flood of duplicates and shuffled points stores each point once and keeps the newest live', async () => {
    const v = freshVehicleId('D')
    const t0 = Date.now() - 600_000
    const pts = Array.from({ length: 200 }, (_, i) => point(t0 + i * 1000, i))
    // Every point three times: singly and in batches, in a shuffled order.
    const sends: (() => Promise<unknown>)[] = []
    for (const p of pts) {
      sends.push(() => pub.publishAsync(topics.position(v), JSON.stringify(p), { qos: 1 }))
      sends.push(() => pub.publishAsync(topics.position(v), JSON.stringify(p), { qos: 1 }))
    }
    for (let i = 0; i < pts.length; i += 20)
      sends.push(() => pub.publishAsync(topics.positionBatch(v), JSON.stringify(pts.slice(i, i + 20)), { qos: 1 }))
    const rand = mulberry32(42)
    for (let i = sends.length - 1; i > 0; i--) {
      const j = rand.int(0, i)
      ;[sends[i], sends[j]] = [sends[j] as () => Promise<unknown>, sends[i] as () => Promise<unknown>]
    }
    await Promise.all(sends.map((s) => s()))
    await waitFor(async () => (await stored(v)) === 200, 60_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(await stored(v)).toBe(200)
    expect(server.app.rb.latest.get(v)?.position?.ts).toBe(t0 + 199_000)
  })

  it('a socket.io client that stops reading does not slow the others', async () => {
    const open = (): Socket<ServerToClientEvents, ClientToServerEvents> =>
      connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: admin.token } })
    const join = (s: Socket<ServerToClientEvents, ClientToServerEvents>) =>
      new Promise<void>((resolve) => s.emit('subscribe', ['all'], () => resolve()))
    const slow = open()
    const fast = open()
    await Promise.all([join(slow), join(fast)])
    // The slow client's TCP socket stops reading: the server's writes to it back up.
    const raw = (slow.io.engine.transport as unknown as { ws?: { _socket?: { pause(): void } } }).ws?._socket
    expect(raw).toBeDefined()
    raw?.pause()
    const newest = new Map<string, number>()
    fast.on('positions', (batch: LivePosition[]) => {
      for (const p of batch) newest.set(p.vehicleId, Math.max(newest.get(p.vehicleId) ?? 0, p.ts))
    })
    const vehicles = Array.from({ length: 50 }, () => freshVehicleId('S'))
    const t0 = Date.now() - 300_000
    for (let k = 0; k < 40; k++)
      await Promise.all(
        vehicles.map((v, i) =>
          pub.publishAsync(topics.position(v), JSON.stringify(point(t0 + k * 1000, i)), { qos: 1 }),
        ),
      )
    const lastTs = t0 + 39_000
    const started = Date.now()
    await waitFor(() => vehicles.every((v) => newest.get(v) === lastTs), 60_000)
    expect(Date.now() - started).toBeLessThan(5000)
    slow.close()
    fast.close()
  })

  it('fuzzed MQTT payloads are counted and dropped; the server goes on storing good points', async () => {
    const v = freshVehicleId('F')
    const before = await metric(server.baseUrl, 'rb_ingest_dropped_total')
    const payload = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.jsonValue().map((j) => JSON.stringify(j)),
      fc
        .record({
          ts: fc.oneof(fc.integer(), fc.string(), fc.double()),
          lat: fc.double(),
          lon: fc.double(),
          speed: fc.double(),
          heading: fc.double(),
        })
        .map((j) => JSON.stringify(j)),
    )
    const kind = fc.constantFrom('pos', 'pos/batch', 'status', 'event', 'nonsense')
    const samples = fc.sample(fc.tuple(kind, payload), { numRuns: 300, seed: 7 })
    for (const [k, body] of samples) await pub.publishAsync(`rb/v1/veh/${v}/${k}`, body, { qos: 1 })
    await pub.publishAsync(topics.position(v), JSON.stringify(point(Date.now() - 1000)), { qos: 1 })
    await waitFor(async () => (await stored(v)) >= 1, 60_000)
    expect(await metric(server.baseUrl, 'rb_ingest_dropped_total')).toBeGreaterThan(before)
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
  })

  it('fuzzed HTTP bodies never get a 5xx', async () => {
    const routes: [string, string][] = [
      ['POST', '/api/auth/login'],
      ['POST', '/api/bookings'],
      ['POST', '/api/stops'],
      ['PUT', '/api/routes/XY-R99'],
      ['PUT', '/api/schedule/trips/XY-T99'],
      ['PUT', '/api/calendars/fuzz'],
      ['PUT', '/api/vehicles/XY-V999'],
      ['POST', '/api/trip-instances/XY-T1_20260101/cancel'],
      ['POST', '/api/sim/start'],
      ['POST', '/api/alerts/x/ack'],
    ]
    const body = fc.oneof(
      fc.jsonValue().map((j) => JSON.stringify(j)),
      fc.string({ maxLength: 200 }),
      fc.constant('{"a":'),
      fc.constant(''),
    )
    const cases = fc.sample(fc.tuple(fc.constantFrom(...routes), body, fc.boolean()), { numRuns: 250, seed: 11 })
    const statuses = new Map<number, number>()
    for (const [[method, path], payload, asAdmin] of cases) {
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': 'fuzz-key-0001' }
      if (asAdmin) headers.cookie = admin.cookie
      const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body: payload })
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      expect(res.status, `${method} ${path} ${payload.slice(0, 80)}`).toBeLessThan(500)
    }
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true)
  })

  it('fuzzed bytes on the JT/T 808 port close or ignore the connection; terminals go on working', async () => {
    const port = server.app.rb.jt808Port
    expect(port).toBeDefined()
    const chunks = fc.sample(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        // Well-framed garbage: 0x7e … 0x7e with random content (bad check codes, bad bodies).
        fc
          .uint8Array({ minLength: 1, maxLength: 200 })
          .map((b) => Uint8Array.from([0x7e, ...b.map((x) => (x === 0x7e ? 0x7d : x)), 0x7e])),
      ),
      { numRuns: 60, seed: 3 },
    )
    for (let i = 0; i < chunks.length; i += 10) {
      await new Promise<void>((resolve) => {
        const sock = tcpConnect(port as number, '127.0.0.1', () => {
          for (const c of chunks.slice(i, i + 10)) sock.write(c)
          setTimeout(() => sock.destroy(), 100)
        })
        sock.on('error', () => undefined)
        sock.on('close', () => resolve())
      })
    }
    // A terminal that registers afterwards still gets its answer (unknown here, but answered).
    const frame = jt808.encodeMessage(
      { phone: '013900000077', protocolVersion: null, serial: 1 },
      {
        kind: 'register',
        layout: '2013',
        provinceId: 51,
        cityId: 524,
        manufacturerId: 'XYBUS',
        terminalModel: 'TG-808B',
        terminalId: 'F000001',
        plateColor: 1,
        plate: '川E·FZ001',
      },
    )
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const sock = tcpConnect(port as number, '127.0.0.1', () => sock.write(frame))
      sock.once('data', (d) => {
        sock.destroy()
        resolve(d)
      })
      sock.on('error', reject)
      setTimeout(() => reject(new Error('no reply')), 5000).unref()
    })
    expect(reply[0]).toBe(0x7e)
    expect((await fetch(`${server.baseUrl}/api/health`)).status).toBe(200)
  })
})

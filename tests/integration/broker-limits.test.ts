/**
 * What a device may make the server hold, and what a large batch gets: the embedded broker closes a
 * connection at the header of a packet over its limits (before sign-in: 64 KB in all; after: the
 * packet limit) without acknowledging anything, and tells the device why on its command topic; a
 * `pos/batch` within the packet limit is stored whole, however many points it holds.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { topics } from '@rb/protocol'
import { freshVehicleId, metric, startServer, targets, waitFor, type TestServer } from '../support/server.js'

const fix = (ts: number) => ({
  ts: new Date(ts).toISOString(),
  lat: 28.1612,
  lon: 105.4431,
  speed: 31.5,
  heading: 87,
  acc: 4,
})
const storedPoints = async (server: TestServer, vehicleId: string): Promise<number> =>
  Number(
    (
      await server.app.rb.db.query<{ n: string }>('SELECT count(*) AS n FROM position WHERE vehicle_id = $1', [
        vehicleId,
      ])
    ).rows[0]?.n ?? 0,
  )

/** MQTT's variable-length "remaining length". */
function varint(n: number): number[] {
  const out: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return out
}

/** A raw TCP connection to the broker that records what comes back and when it is closed. */
async function rawClient(
  port: number,
): Promise<{ socket: Socket; received: () => number; closed: Promise<void>; isClosed: () => boolean }> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  let received = 0
  let closed = false
  socket.on('data', (d: Buffer) => (received += d.length))
  socket.on('error', () => {})
  const done = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  void done.then(() => (closed = true))
  return { socket, received: () => received, closed: done, isClosed: () => closed }
}

describe('embedded broker limits', () => {
  let server: TestServer
  let port = 0
  const clients: MqttClient[] = []

  beforeAll(async () => {
    server = await startServer({ MQTT_MAX_PACKET_KB: '64', MQTT_CONNECT_TIMEOUT_S: '1' })
    port = server.app.rb.mqttPort ?? 0
    expect(port).toBeGreaterThan(0)
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})))
    await server?.close()
  })

  it('closes a connection whose CONNECT declares 256 MB at its header, answers nothing and keeps nothing', async () => {
    const before = await metric(server.baseUrl, 'rb_mqtt_refused_total', { reason: 'too_much_before_sign_in' })
    const c = await rawClient(port)
    // The largest length MQTT can declare, then bytes as fast as the server takes them.
    c.socket.write(Uint8Array.from([0x10, ...varint(268_435_455)]))
    const chunk = new Uint8Array(16 * 1024)
    let sent = 0
    while (!c.isClosed() && sent < 16 * 1024 * 1024) {
      const ok = c.socket.write(chunk)
      sent += chunk.length
      if (!ok) await Promise.race([new Promise((r) => c.socket.once('drain', r)), c.closed])
    }
    await c.closed
    expect(c.received()).toBe(0)
    expect(
      (await metric(server.baseUrl, 'rb_mqtt_refused_total', { reason: 'too_much_before_sign_in' })) - before,
    ).toBe(1)
    // Nothing of it is held once it is gone.
    await waitFor(async () => (await metric(server.baseUrl, 'rb_mqtt_connections')) === 0)
  })

  it('refuses a complete CONNECT larger than 64 KB without a CONNACK', async () => {
    const c = await rawClient(port)
    const field = (s: Buffer) => [s.length >> 8, s.length & 0xff, ...s]
    const will = Buffer.alloc(60_000, 0x61)
    const body = [
      ...field(Buffer.from('MQTT')),
      4,
      0x02 | 0x04,
      0,
      60,
      ...field(Buffer.from('big-connect')),
      ...field(Buffer.from('w/t')),
      ...field(will),
      ...field(Buffer.from('x'.repeat(20_000))),
    ]
    c.socket.write(Uint8Array.from([0x10, ...varint(body.length), ...body]))
    await c.closed
    expect(c.received()).toBe(0)
  })

  it('closes the connection at a PUBLISH over the packet limit: no PUBACK, nothing stored, the device told after it reconnects', async () => {
    const v = freshVehicleId()
    const opts = { clientId: v, clean: false, protocolVersion: 4 as const, reconnectPeriod: 0, connectTimeout: 5000 }
    const dev = await mqtt.connectAsync(server.mqttUrl, opts)
    clients.push(dev)
    await dev.subscribeAsync(topics.command(v), { qos: 1 })
    let pubacks = 0
    dev.on('packetreceive', (p) => {
      if (p.cmd === 'puback') pubacks++
    })
    const closed = new Promise<void>((resolve) => dev.once('close', () => resolve()))
    const before = await metric(server.baseUrl, 'rb_mqtt_refused_total', { reason: 'packet_too_large' })
    const now = Date.now()
    const batch = Array.from({ length: 1_000 }, (_, i) => fix(now - 3_600_000 + i * 1000))
    expect(JSON.stringify(batch).length).toBeGreaterThan(64 * 1024)
    dev.publish(topics.positionBatch(v), JSON.stringify(batch), { qos: 1 })
    await closed
    expect(pubacks).toBe(0)
    expect((await metric(server.baseUrl, 'rb_mqtt_refused_total', { reason: 'packet_too_large' })) - before).toBe(1)
    expect(await storedPoints(server, v)).toBe(0)

    // Back again on its persistent session: the reason waits on its command topic.
    const back = mqtt.connect(server.mqttUrl, opts)
    clients.push(back)
    const notice = await new Promise<Record<string, unknown>>((resolve) =>
      back.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>)),
    )
    expect(notice).toMatchObject({
      type: 'refused',
      topic: topics.positionBatch(v),
      reason: 'packet_too_large',
      maxBytes: 64 * 1024,
    })
    expect(notice.bytes).toBeGreaterThan(64 * 1024)
    // The same points in messages within the limit are all stored.
    for (let i = 0; i < batch.length; i += 250)
      await back.publishAsync(topics.positionBatch(v), JSON.stringify(batch.slice(i, i + 250)), { qos: 1 })
    expect(await storedPoints(server, v)).toBe(1_000)
  })

  it('closes a connection that sends no CONNECT within MQTT_CONNECT_TIMEOUT_S', async () => {
    const c = await rawClient(port)
    await c.closed
    expect(c.received()).toBe(0)
  })
})

describe.each(targets())('a large pos/batch on $name', (target) => {
  let server: TestServer
  let pub: MqttClient

  beforeAll(async () => {
    server = await startServer({ ...target.env, MQTT_MAX_PACKET_KB: '2048' })
    pub = await mqtt.connectAsync(server.mqttUrl, {
      clientId: freshVehicleId('pub'),
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
    })
  })
  afterAll(async () => {
    await pub?.endAsync(true).catch(() => {})
    await server?.close()
  })

  it('stores 12,000 points (over 1 MiB) in full when the message fits the packet limit, then acknowledges it', async () => {
    const v = freshVehicleId()
    const now = Date.now()
    const batch = Array.from({ length: 12_000 }, (_, i) => fix(now - 4 * 3_600_000 + i * 1000))
    const payload = JSON.stringify(batch)
    expect(payload.length).toBeGreaterThan(1024 * 1024)
    const dropped = await metric(server.baseUrl, 'rb_ingest_dropped_total', { reason: 'oversize' })
    await pub.publishAsync(topics.positionBatch(v), payload, { qos: 1 })
    await waitFor(async () => (await storedPoints(server, v)) === 12_000, 60_000, 100)
    expect(await metric(server.baseUrl, 'rb_ingest_dropped_total', { reason: 'oversize' })).toBe(dropped)
  })
})

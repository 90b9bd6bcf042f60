/**
 * Two server instances against the same PostgreSQL, MQTT broker and Redis (needs
 * TEST_DATABASE_URL, TEST_MQTT_URL and TEST_REDIS_URL; `.ci/run` sets them): the broker splits
 * the messages between them through a shared subscription, each vehicle's live state is owned by
 * one instance, and a dispatcher connected to instance A sees the vehicles instance B ingested.
 * Every point is stored exactly once.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { partitionOf } from '@rb/domain'
import { topics, type ClientToServerEvents, type LivePosition, type ServerToClientEvents } from '@rb/protocol'
import { metric, startServer, waitFor, type TestServer } from '../support/server.js'

const env = process.env
const ready = Boolean(env.TEST_DATABASE_URL && env.TEST_MQTT_URL && env.TEST_REDIS_URL)
const PARTITIONS = 8

describe.skipIf(!ready)('two instances sharing the load', () => {
  let a: TestServer
  let b: TestServer
  let pub: MqttClient
  let socket: Socket<ServerToClientEvents, ClientToServerEvents>
  const tag = randomBytes(4).toString('hex')
  const seen = new Map<string, number>()

  beforeAll(async () => {
    const shared = {
      DATABASE_URL: env.TEST_DATABASE_URL as string,
      DATABASE_SCHEMA: `t_cluster_${tag}`,
      MQTT_URL: env.TEST_MQTT_URL as string,
      MQTT_SESSION_EXPIRY_S: '60',
      REDIS_URL: env.TEST_REDIS_URL as string,
      CLUSTER_NAME: `t${tag}`,
      CLUSTER_PARTITIONS: String(PARTITIONS),
      MQTT_SHARED_GROUP: `g${tag}`,
    }
    a = await startServer({ ...shared, INSTANCE_ID: `a-${tag}`, MQTT_CLIENT_ID: `rb-a-${tag}` })
    b = await startServer({ ...shared, INSTANCE_ID: `b-${tag}`, MQTT_CLIENT_ID: `rb-b-${tag}` })
    // Both hold partitions once the leases settle (a fair share each).
    await waitFor(
      () =>
        a.app.rb.cluster?.leases.owned.size === PARTITIONS / 2 &&
        b.app.rb.cluster?.leases.owned.size === PARTITIONS / 2,
      60_000,
      100,
    )
    // …and each knows who holds every partition.
    await waitFor(
      () =>
        [a, b].every((s) =>
          Array.from({ length: PARTITIONS }, (_, p) => s.app.rb.cluster?.leases.ownerOf(p)).every(
            (o) => o === `a-${tag}` || o === `b-${tag}`,
          ),
        ),
      60_000,
      100,
    )
    const dispatcher = await a.loginAs('dispatcher')
    socket = connectSocket(a.baseUrl, { transports: ['websocket'], auth: { token: dispatcher.token } })
    socket.on('positions', (batch: LivePosition[]) => {
      for (const p of batch) seen.set(p.vehicleId, Math.max(seen.get(p.vehicleId) ?? 0, p.ts))
    })
    await new Promise<void>((resolve, reject) =>
      socket.emit('subscribe', ['all'], (ack) => (ack.ok ? resolve() : reject(new Error(JSON.stringify(ack.refused))))),
    )
    pub = await mqtt.connectAsync(env.TEST_MQTT_URL as string, { clientId: `pub-${tag}` })
  })

  afterAll(async () => {
    socket?.close()
    await pub?.endAsync()
    await b?.close()
    await a?.close()
  })

  it('splits ownership, shows A every vehicle B ingested, and stores every point once', async () => {
    const owners = [a.app.rb.cluster?.leases.owned, b.app.rb.cluster?.leases.owned]
    // No partition is owned twice.
    for (let p = 0; p < PARTITIONS; p++) expect(owners.filter((o) => o?.has(p)).length).toBeLessThanOrEqual(1)

    const vehicles = Array.from({ length: 40 }, (_, i) => `C${tag}-${i}`)
    const onB = vehicles.filter((v) => b.app.rb.cluster?.leases.owned.has(partitionOf(v, PARTITIONS)))
    expect(onB.length).toBeGreaterThan(0)
    const t0 = Date.now() - 60_000
    const perVehicle = 25
    for (let k = 0; k < perVehicle; k++) {
      await Promise.all(
        vehicles.map((v, i) =>
          pub.publishAsync(
            topics.position(v),
            JSON.stringify({
              ts: t0 + k * 1000,
              lat: 28.1 + i * 0.001,
              lon: 105.44 + k * 0.0001,
              speed: 20,
              heading: 90,
            }),
            { qos: 1 },
          ),
        ),
      )
    }
    const lastTs = t0 + (perVehicle - 1) * 1000
    // The dispatcher on A sees every vehicle at its newest point, B's included.
    await waitFor(() => vehicles.every((v) => seen.get(v) === lastTs), 60_000, 100)

    // Both instances took messages from the shared subscription, and the owners' live state is complete.
    const received = [
      await metric(a.baseUrl, 'rb_ingest_points_received_total'),
      await metric(b.baseUrl, 'rb_ingest_points_received_total'),
    ]
    expect((received[0] ?? 0) + (received[1] ?? 0)).toBe(vehicles.length * perVehicle)
    expect(Math.min(...received)).toBeGreaterThan(0)
    for (const v of onB) expect(b.app.rb.latest.get(v)?.position?.ts).toBe(lastTs)

    // Stored once each: the count in the shared database is exactly what was sent.
    const rows = await waitFor(
      async () => {
        const r = await a.app.rb.db.query<{ n: string }>(
          'SELECT count(*)::text AS n FROM position WHERE vehicle_id = ANY($1::text[])',
          [vehicles],
        )
        return Number(r.rows[0]?.n) === vehicles.length * perVehicle ? Number(r.rows[0]?.n) : null
      },
      60_000,
      200,
    )
    expect(rows).toBe(vehicles.length * perVehicle)
  })
})

describe.skipIf(!ready)('two instances with one leader (the default)', () => {
  let a: TestServer
  let b: TestServer
  let pub: MqttClient
  const tag = randomBytes(4).toString('hex')

  beforeAll(async () => {
    const shared = {
      DATABASE_URL: env.TEST_DATABASE_URL as string,
      DATABASE_SCHEMA: `t_leader_${tag}`,
      MQTT_URL: env.TEST_MQTT_URL as string,
      MQTT_SESSION_EXPIRY_S: '60',
      REDIS_URL: env.TEST_REDIS_URL as string,
      CLUSTER_NAME: `l${tag}`,
      MQTT_SHARED_GROUP: `g${tag}`,
      HOST: '127.0.0.1',
    }
    a = await startServer({ ...shared, INSTANCE_ID: `a-${tag}`, MQTT_CLIENT_ID: `rb-a-${tag}` })
    b = await startServer({ ...shared, INSTANCE_ID: `b-${tag}`, MQTT_CLIENT_ID: `rb-b-${tag}` })
    await waitFor(
      () =>
        (a.app.rb.cluster?.leases.owned.size ?? 0) + (b.app.rb.cluster?.leases.owned.size ?? 0) === 1 &&
        b.app.rb.cluster?.leases.ownerOf(0) === a.app.rb.cluster?.leases.ownerOf(0),
      60_000,
      100,
    )
    pub = await mqtt.connectAsync(env.TEST_MQTT_URL as string, { clientId: `pub-${tag}` })
  })

  afterAll(async () => {
    await pub?.endAsync()
    await b?.close()
    await a?.close()
  })

  it('the follower passes live reads to the leader, so either instance answers for every vehicle', async () => {
    const leaderIsA = a.app.rb.cluster?.leases.owned.has(0) === true
    const follower = leaderIsA ? b : a
    const leader = leaderIsA ? a : b
    const vehicles = Array.from({ length: 12 }, (_, i) => `L${tag}-${i}`)
    const t0 = Date.now() - 30_000
    for (let k = 0; k < 5; k++)
      await Promise.all(
        vehicles.map((v, i) =>
          pub.publishAsync(
            topics.position(v),
            JSON.stringify({ ts: t0 + k * 1000, lat: 28.1 + i * 0.001, lon: 105.44, speed: 20, heading: 90 }),
            { qos: 1 },
          ),
        ),
      )
    // All live state is on the leader, whichever instance took the message.
    await waitFor(() => vehicles.every((v) => leader.app.rb.latest.get(v)?.position?.ts === t0 + 4000), 60_000, 100)
    expect(vehicles.some((v) => follower.app.rb.latest.get(v))).toBe(false)
    // A dispatcher signed in on the follower reads them all there (once it knows where the leader answers).
    const leaderId = leader.app.rb.config.instanceId
    await waitFor(() => follower.app.rb.cluster?.leases.urlOf(leaderId) === leader.baseUrl, 60_000, 100)
    const dispatcher = await follower.loginAs('dispatcher')
    const positions = await follower.apiJson<{ items: { vehicleId: string }[] }>(
      'GET',
      '/api/vehicles/positions',
      undefined,
      dispatcher,
    )
    expect(positions.status).toBe(200)
    expect(vehicles.every((v) => positions.body.items.some((i) => i.vehicleId === v))).toBe(true)
    const states = await follower.apiJson<{ items: { vehicleId: string }[] }>(
      'GET',
      '/api/vehicles/states',
      undefined,
      dispatcher,
    )
    expect(vehicles.every((v) => states.body.items.some((i) => i.vehicleId === v))).toBe(true)
    // Access is still checked (by the leader): no session, no positions.
    expect((await fetch(`${follower.baseUrl}/api/vehicles/positions`)).status).toBe(401)
  })
})

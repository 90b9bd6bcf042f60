/**
 * No loss (the foundation's item 5): a QoS 1 point the broker delivered is in the database even
 * when the server is SIGKILLed right after receiving it; SIGTERM writes everything first.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { Aedes } from 'aedes'
import { topics } from '@rb/protocol'
import { freePort, spawnServer, type ChildServer } from '../support/child.js'
import { freshVehicleId, getJson, getJsonAsAdmin, metric, startServer, waitFor } from '../support/server.js'
import { startTcpProxy } from '../support/tcp-proxy.js'
import { lockSharedServices, usesSharedBroker } from '../support/services-lock.js'

const dirs: string[] = []
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'rb-noloss-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const fix = (ts: number) => JSON.stringify({ ts, lat: 28.16, lon: 105.44, speed: 20, heading: 10 })
const countTrack = async (baseUrl: string, v: string, t0: number): Promise<number> => {
  const from = new Date(t0 - 3_600_000).toISOString()
  const to = new Date(t0 + 3_600_000).toISOString()
  return (await getJsonAsAdmin<{ count: number }>(`${baseUrl}/api/vehicles/${v}/track?from=${from}&to=${to}`)).body
    .count
}
const kill = async (s: ChildServer, signal: NodeJS.Signals): Promise<number | string> => {
  s.proc.kill(signal)
  return s.exited
}

// Each test starts and kills whole server processes: give them room on a busy 2-core box.
const PROCESS_TEST_TIMEOUT_MS = 300_000

describe('embedded broker and database', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it('a point acknowledged to the device survives SIGKILL; an unacknowledged one is resent by the device', async () => {
    const dataDir = tmp()
    const mqttPort = String(await freePort())
    // A long flush interval holds points in memory for a while, so the kill lands before commits.
    const env = { DATA_DIR: dataDir, MQTT_PORT: mqttPort, INGEST_FLUSH_MS: '400' }
    let server = await spawnServer(env)
    const v = freshVehicleId('K')
    const t0 = Date.now() - 60_000
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
      clientId: `dev-${v}`,
      clean: false,
      reconnectPeriod: 200,
    })
    const sentAt = Date.now()
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => device.publishAsync(topics.position(v), fix(t0 + i * 1000), { qos: 1 })),
    )
    // The device got its PUBACKs only once the batch was committed.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(350)
    // These 30 are in the server's hands, not yet committed, when it dies.
    const unacked = Array.from({ length: 30 }, (_, i) =>
      device.publishAsync(topics.position(v), fix(t0 + (50 + i) * 1000), { qos: 1 }),
    )
    await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_points_accepted_total')) >= 80)
    expect(await kill(server, 'SIGKILL')).toBe('SIGKILL')

    server = await spawnServer(env)
    expect(await countTrack(server.baseUrl, v, t0)).toBeGreaterThanOrEqual(50)
    // The latest position per vehicle is restored from the database at start.
    const latest = await getJsonAsAdmin<{ items: { vehicleId: string; ts: string }[] }>(
      `${server.baseUrl}/api/vehicles/positions`,
    )
    expect(Date.parse(latest.body.items.find((i) => i.vehicleId === v)?.ts ?? '')).toBeGreaterThanOrEqual(t0 + 49_000)
    // mqtt.js resends its unacknowledged QoS 1 messages after reconnecting.
    await Promise.all(unacked)
    await waitFor(async () => (await countTrack(server.baseUrl, v, t0)) === 80)
    await device.endAsync()
    expect(await kill(server, 'SIGTERM')).toBe(0)
  })

  it('SIGTERM writes every accepted point before exiting', async () => {
    const dataDir = tmp()
    const mqttPort = String(await freePort())
    const env = { DATA_DIR: dataDir, MQTT_PORT: mqttPort, INGEST_FLUSH_MS: '5000' }
    let server = await spawnServer(env)
    const v = freshVehicleId('S')
    const t0 = Date.now() - 60_000
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: `dev-${v}`, reconnectPeriod: 0 })
    for (let i = 0; i < 40; i++) device.publish(topics.position(v), fix(t0 + i * 1000), { qos: 1 })
    await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_points_accepted_total')) >= 40)
    expect(await kill(server, 'SIGTERM')).toBe(0)
    device.end(true)
    server = await spawnServer(env)
    expect(await countTrack(server.baseUrl, v, t0)).toBe(40)
    await kill(server, 'SIGTERM')
  })
})

/** External brokers: aedes in this process (MQTT 3.1.1), and the real Mosquitto when TEST_MQTT_URL is set. */
const externalBrokers: {
  name: string
  protocol: '4' | '5'
  start(): Promise<{ url: string; close(): Promise<void> }>
}[] = [
  {
    name: 'aedes (3.1.1)',
    protocol: '4',
    async start() {
      const broker = await Aedes.createBroker()
      const server = createServer(broker.handle)
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      return {
        url: `mqtt://127.0.0.1:${port}`,
        close: async () => {
          await new Promise<void>((r) => broker.close(() => r()))
          await new Promise<void>((r) => server.close(() => r()))
        },
      }
    },
  },
]
if (process.env.TEST_MQTT_URL) {
  const url = process.env.TEST_MQTT_URL
  externalBrokers.push({ name: 'mosquitto (5)', protocol: '5', start: async () => ({ url, close: async () => {} }) })
}

describe.each(externalBrokers)('external broker: $name', { timeout: PROCESS_TEST_TIMEOUT_MS }, (broker) => {
  // On the shared broker the lock is held across the server's restart, not only while a server lives.
  let unlock = async (): Promise<void> => {}
  beforeAll(async () => {
    if (process.env.TEST_MQTT_URL && usesSharedBroker({ MQTT_URL: (await broker.start()).url }))
      unlock = await lockSharedServices()
  })
  afterAll(() => unlock())
  it('a point the broker delivered survives SIGKILL of the server before its commit', async () => {
    const b = await broker.start()
    const dataDir = tmp()
    const env = {
      DATA_DIR: dataDir,
      MQTT_URL: b.url,
      MQTT_PROTOCOL_VERSION: broker.protocol,
      MQTT_CLIENT_ID: freshVehicleId('ingest'),
      MQTT_SESSION_EXPIRY_S: '300',
      INGEST_FLUSH_MS: '3000',
    }
    let server = await spawnServer(env)
    // The subscription exists once the server says the broker is up.
    await waitFor(
      async () => (await getJson<{ broker: { ok: boolean } }>(`${server.baseUrl}/api/health`)).body.broker.ok,
    )
    const v = freshVehicleId('E')
    const t0 = Date.now() - 60_000
    const pub = await mqtt.connectAsync(b.url, { clientId: freshVehicleId('pub') })
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => pub.publishAsync(topics.position(v), fix(t0 + i * 1000), { qos: 1 })),
    )
    await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_points_accepted_total')) >= 60)
    expect(await metric(server.baseUrl, 'rb_ingest_points_stored_total')).toBe(0)
    expect(await kill(server, 'SIGKILL')).toBe('SIGKILL')

    server = await spawnServer(env)
    await waitFor(async () => (await countTrack(server.baseUrl, v, t0)) === 60)
    await pub.endAsync()
    expect(await kill(server, 'SIGTERM')).toBe(0)
    await b.close()
  })
})

/** A real PostgreSQL behind a proxy the test cuts for a minute: ingest buffers, retries and catches up. */
const OUTAGE_S = 60
const outageDatabases = process.env.TEST_DATABASE_URL ? [process.env.TEST_DATABASE_URL] : []

describe.each(outageDatabases)('database outage (%s)', (databaseUrl) => {
  it(
    'buffers while the database is unreachable for a minute, reports it, and stores every point when it returns',
    { timeout: (OUTAGE_S + 60) * 1000 },
    async () => {
      const real = new URL(databaseUrl)
      const proxy = await startTcpProxy(real.hostname, Number(real.port || 5432))
      const viaProxy = new URL(databaseUrl)
      viaProxy.host = `127.0.0.1:${proxy.port}`
      const server = await startServer({
        DATABASE_URL: viaProxy.toString(),
        DATABASE_SCHEMA: `t_${freshVehicleId('o').slice(2).toLowerCase()}`,
        INGEST_RETRY_MAX_MS: '500',
        SHUTDOWN_TIMEOUT_S: '5',
      })
      try {
        const v = freshVehicleId('O')
        const t0 = Date.now() - 120_000
        const pub = await mqtt.connectAsync(server.mqttUrl, { clientId: freshVehicleId('pub') })
        let sent = 0
        const publishSome = async (n: number): Promise<void> => {
          const batch: Promise<unknown>[] = []
          for (let i = 0; i < n; i++)
            batch.push(pub.publishAsync(topics.position(v), fix(t0 + sent++ * 100), { qos: 1 }))
          // During the outage PUBACKs wait for the database: do not await them here.
          void Promise.allSettled(batch)
        }
        await publishSome(20)
        await waitFor(async () => (await countTrack(server.baseUrl, v, t0)) === 20)

        // A minute without the database while the bus keeps reporting ten points a second.
        proxy.cut()
        const outageEnds = Date.now() + OUTAGE_S * 1000
        let checked = false
        while (Date.now() < outageEnds) {
          await publishSome(10)
          if (!checked && sent >= 70) {
            // The embedded broker holds a device's next message until its previous one is committed,
            // so the rest wait on the device (unacknowledged) rather than in the server.
            await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_buffer_depth')) >= 1)
            await waitFor(async () => (await metric(server.baseUrl, 'rb_ingest_write_errors_total')) > 0)
            const health = await getJson<{ status: string; db: { ok: boolean }; ingest: { writeFailing: boolean } }>(
              `${server.baseUrl}/api/health`,
            )
            expect(health).toMatchObject({
              status: 503,
              body: { status: 'degraded', db: { ok: false }, ingest: { writeFailing: true } },
            })
            // Not ready: a load balancer sends traffic elsewhere meanwhile.
            expect((await getJson<{ ready: boolean }>(`${server.baseUrl}/api/health/ready`)).status).toBe(503)
            // What was taken in is live although it is not stored yet.
            expect(server.app.rb.latest.get(v)?.position?.ts).toBeGreaterThanOrEqual(t0 + 20 * 100)
            checked = true
          }
          await new Promise((r) => setTimeout(r, 1000))
        }
        expect(checked).toBe(true)
        proxy.restore()
        const total = sent
        await waitFor(async () => (await countTrack(server.baseUrl, v, t0)) === total, 120_000)
        expect(await metric(server.baseUrl, 'rb_ingest_buffer_depth')).toBe(0)
        await pub.endAsync()
      } finally {
        proxy.restore()
        await server.close()
        await proxy.close()
      }
    },
  )
})

describe('external broker restart', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it('reconnects, subscribes again and goes on storing', async () => {
    const port = await freePort()
    const startBroker = async () => {
      const broker = await Aedes.createBroker()
      const server = createServer(broker.handle)
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()))
      return async () => {
        await new Promise<void>((r) => broker.close(() => r()))
        await new Promise<void>((r) => server.close(() => r()))
      }
    }
    let stopBroker = await startBroker()
    const url = `mqtt://127.0.0.1:${port}`
    const server = await startServer({
      MQTT_URL: url,
      MQTT_PROTOCOL_VERSION: '4',
      MQTT_CLIENT_ID: freshVehicleId('ingest'),
    })
    try {
      const brokerOk = async () =>
        (await getJson<{ broker: { ok: boolean } }>(`${server.baseUrl}/api/health`)).body.broker.ok
      await waitFor(brokerOk)
      const v = freshVehicleId('R')
      const t0 = Date.now() - 60_000
      const publishOne = async (ts: number) => {
        const pub = await mqtt.connectAsync(url, { clientId: freshVehicleId('pub'), reconnectPeriod: 0 })
        await pub.publishAsync(topics.position(v), fix(ts), { qos: 1 })
        await pub.endAsync()
      }
      await publishOne(t0)
      await waitFor(async () => (await countTrack(server.baseUrl, v, t0)) === 1)

      await stopBroker()
      await waitFor(async () => !(await brokerOk()))
      stopBroker = await startBroker()
      // A fresh broker has no session for the ingest: it must subscribe again by itself.
      await waitFor(brokerOk)
      await waitFor(
        async () => {
          await publishOne(t0 + 1000)
          return (await countTrack(server.baseUrl, v, t0)) === 2
        },
        60_000,
        300,
      )
    } finally {
      await server.close()
      await stopBroker()
    }
  })
})

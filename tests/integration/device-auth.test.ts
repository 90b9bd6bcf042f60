/**
 * DEVICE_AUTH=on: MQTT devices sign in per vehicle and publish and subscribe only their own topics
 * (embedded broker; with MQTT_URL the broker itself does this: infra/mosquitto).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { topics } from '@rb/protocol'
import { serviceDate, serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { startSimulation } from '@rb/sim'
import { makeNetwork } from '../../simulators/fleet/src/model/test-factories.js'
import { getJsonAsAdmin, startServer, waitFor, type TestServer } from '../support/server.js'

const fix = (ts: number) => JSON.stringify({ ts, lat: 28.16, lon: 105.44, speed: 20, heading: 10 })
type Issued = { username: string; password: string }

describe('device sign-in on the embedded broker', () => {
  let server: TestServer
  const clients: MqttClient[] = []
  let v1: Issued
  let v2: Issued

  const connect = async (opts: mqtt.IClientOptions): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(server.mqttUrl, { reconnectPeriod: 0, connectTimeout: 5000, ...opts })
    clients.push(c)
    return c
  }
  const refusal = async (opts: mqtt.IClientOptions): Promise<string> => {
    try {
      await connect(opts)
    } catch (err) {
      return (err as Error).message
    }
    return 'connected'
  }
  const trackCount = async (v: string): Promise<number> =>
    (
      await getJsonAsAdmin<{ count: number }>(
        `${server.baseUrl}/api/vehicles/${v}/track?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      )
    ).body.count

  beforeAll(async () => {
    server = await startServer({ DEVICE_AUTH: 'on', COUNTY_PREFIX: 'DA' })
    expect(
      (await server.apiJson('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })).status,
    ).toBe(200)
    for (const [id, plate] of [
      ['DA-V001', '川E·D0001'],
      ['DA-V002', '川E·D0002'],
    ] as const) {
      expect(
        (
          await server.apiJson('PUT', `/api/vehicles/${id}`, {
            plate,
            seats: 19,
            operatorId: 'OP1',
            model: '宇通',
            deviceId: null,
            jt808Phone: null,
            status: 'active',
          })
        ).status,
      ).toBe(200)
    }
    const operator = await server.loginAs('operator')
    v1 = (await server.apiJson<Issued>('POST', '/api/vehicles/DA-V001/device-secret', undefined, operator)).body
    v2 = (await server.apiJson<Issued>('POST', '/api/vehicles/DA-V002/device-secret', undefined, operator)).body
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})))
    await server?.close()
  })

  it('issues a secret per vehicle to operators only, and audits it without the secret', async () => {
    expect(v1.username).toBe('DA-V001')
    expect(v1.password).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const dispatcher = await server.loginAs('dispatcher')
    expect((await server.apiJson('POST', '/api/vehicles/DA-V001/device-secret', undefined, dispatcher)).status).toBe(
      403,
    )
    const log = await server.apiJson<{ items: { action: string; username: string; after: unknown }[] }>(
      'GET',
      '/api/audit?target=vehicle:DA-V001',
    )
    expect(log.body.items[0]).toMatchObject({ action: 'device.secret_issue', username: 't-operator' })
    expect(JSON.stringify(log.body.items)).not.toContain(v1.password)
  })

  it("refuses a device without credentials, with a wrong secret, or with another vehicle's secret", async () => {
    expect(await refusal({ clientId: 'anon-1' })).toMatch(/Bad username or password/i)
    expect(await refusal({ clientId: 'DA-V001', username: 'DA-V001', password: 'not-the-secret' })).toMatch(
      /Bad username or password/i,
    )
    expect(await refusal({ clientId: 'DA-V001', username: 'DA-V001', password: v2.password })).toMatch(
      /Bad username or password/i,
    )
  })

  it("stores what a device publishes under its own topics and disconnects it for another vehicle's", async () => {
    const dev = await connect({ clientId: 'DA-V001', username: v1.username, password: v1.password })
    const t0 = Date.now() - 30_000
    await dev.publishAsync(topics.position('DA-V001'), fix(t0), { qos: 1 })
    await waitFor(async () => (await trackCount('DA-V001')) === 1)

    const closed = new Promise<void>((resolve) => dev.once('close', () => resolve()))
    dev.publish(topics.position('DA-V002'), fix(t0 + 1000), { qos: 1 })
    await closed
    // Give a stray write time to land before checking it did not.
    await waitFor(async () => (await trackCount('DA-V001')) === 1)
    expect(await trackCount('DA-V002')).toBe(0)
  })

  it('lets a device subscribe to its own command topic only', async () => {
    const dev = await connect({ clientId: 'DA-V002.tbox', username: v2.username, password: v2.password })
    expect((await dev.subscribeAsync(topics.command('DA-V002'), { qos: 1 })).map((g) => g.qos)).toEqual([1])
    // 3.1.1 SUBACK 0x80 (refused): mqtt.js rejects the subscription.
    await expect(dev.subscribeAsync(topics.command('DA-V001'), { qos: 1 })).rejects.toThrow(/Subscribe error/)
    await expect(dev.subscribeAsync('rb/v1/veh/+/pos', { qos: 1 })).rejects.toThrow(/Subscribe error/)
    expect(dev.connected).toBe(true)
  })

  it("binds client ids to the vehicle: a squatter with its own secret cannot take or block another bus's id", async () => {
    // DA-V002 signs in correctly, but with DA-V001's client id (or one merely starting with it): refused.
    expect(await refusal({ clientId: 'DA-V001', username: v2.username, password: v2.password })).toMatch(
      /Identifier rejected/i,
    )
    expect(await refusal({ clientId: 'DA-V0012', username: v1.username, password: v1.password })).toMatch(
      /Identifier rejected/i,
    )
    expect(await refusal({ clientId: 'DA-V001-2', username: v1.username, password: v1.password })).toMatch(
      /Identifier rejected/i,
    )
    expect(await refusal({ clientId: 'any-id', username: v1.username, password: v1.password })).toMatch(
      /Identifier rejected/i,
    )
    // The real bus is never locked out: its own id, or its id and a suffix after a separator.
    const bus = await connect({ clientId: 'DA-V001', username: v1.username, password: v1.password })
    expect(bus.connected).toBe(true)
    const tbox = await connect({ clientId: 'DA-V001.tbox', username: v1.username, password: v1.password })
    expect(tbox.connected).toBe(true)
  })

  it('runs the simulator against it with per-vehicle secrets: every point it sent is stored', async () => {
    // Yesterday: every simulated fix lies in the past, as the ingest requires.
    const date = serviceDayOf(Date.now() - 86_400_000)
    const sim = await startSimulation({
      network: makeNetwork({ date, vehicles: [{ id: 'DA-V002' }], trips: [{ vehicleId: 'DA-V002' }] }),
      mqttUrl: server.mqttUrl,
      mqttSecrets: { 'DA-V002': v2.password },
      date,
      from: '07:00',
      until: '07:03',
      speed: 60,
      intervalS: 5,
      faults: 'none',
      tickMs: 50,
    })
    const final = await sim.done
    expect(final).toMatchObject({ state: 'done', errors: 0 })
    expect(final.pointsSent).toBeGreaterThan(10)
    const day = serviceDayStartMs(serviceDate(date))
    const stored = async () =>
      (
        await getJsonAsAdmin<{ count: number }>(
          `${server.baseUrl}/api/vehicles/DA-V002/track?from=${new Date(day).toISOString()}&to=${new Date(day + 86_400_000).toISOString()}`,
        )
      ).body.count
    await waitFor(async () => (await stored()) === final.pointsSent, 60_000)
  })
})

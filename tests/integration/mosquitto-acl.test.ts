/**
 * The shipped Mosquitto ACL (infra/mosquitto/acl) on a real Mosquitto with a password file:
 * devices reach only their own topics, and the server ingests through it with its own account.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { topics } from '@rb/protocol'
import { freePort } from '../support/child.js'
import { getJsonAsAdmin, startServer, waitFor, type TestServer } from '../support/server.js'

const ACL = fileURLToPath(new URL('../../infra/mosquitto/acl', import.meta.url))
const INGEST_PASSWORD = 'ingest-Secret-for-tests'
const fix = (ts: number) => JSON.stringify({ ts, lat: 28.16, lon: 105.44, speed: 20, heading: 10 })

describe('Mosquitto with the shipped password and ACL setup', () => {
  let dir: string
  let broker: ChildProcess
  let url: string
  let server: TestServer
  const clients: MqttClient[] = []
  const secrets: Record<string, string> = {}

  const connect = async (opts: mqtt.IClientOptions): Promise<MqttClient> => {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, protocolVersion: 4, ...opts })
    clients.push(c)
    return c
  }
  const VEHICLES = ['MQ-V001', 'MQ-V002'] as const
  const addVehicle = async (id: string): Promise<void> => {
    const r = await server.apiJson('PUT', `/api/vehicles/${id}`, {
      plate: `川E·M${id.slice(-4)}`,
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      deviceId: null,
      jt808Phone: null,
      status: 'active',
    })
    expect(r.status).toBe(200)
  }
  const trackCount = async (v: string): Promise<number> =>
    (
      await getJsonAsAdmin<{ count: number }>(
        `${server.baseUrl}/api/vehicles/${v}/track?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      )
    ).body.count

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rb-mosq-'))
    // Started as root, Mosquitto drops to its own user, which must be able to read the files.
    chmodSync(dir, 0o755)
    const port = await freePort()
    url = `mqtt://127.0.0.1:${port}`
    server = await startServer({ COUNTY_PREFIX: 'MQ', JT808_PORT: 'off' }) // only for issuing secrets first
    expect(
      (await server.apiJson('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })).status,
    ).toBe(200)
    const passwd = join(dir, 'passwd')
    // The shipped ACL, copied beside the password file: a checkout may sit in a directory the
    // mosquitto user cannot enter (a fresh clone under mktemp -d is 0700).
    const acl = join(dir, 'acl')
    copyFileSync(ACL, acl)
    chmodSync(acl, 0o644)
    const add = (user: string, password: string, create = false): void => {
      const r = spawnSync('mosquitto_passwd', [...(create ? ['-c'] : []), '-b', passwd, user, password], {
        encoding: 'utf8',
      })
      if (r.status !== 0)
        throw new Error(`mosquitto_passwd failed (is Mosquitto installed?): ${r.stderr || r.error?.message}`)
    }
    add('rb-ingest', INGEST_PASSWORD, true)
    for (const id of VEHICLES) {
      await addVehicle(id)
      secrets[id] = (
        await server.apiJson<{ password: string }>('POST', `/api/vehicles/${id}/device-secret`)
      ).body.password
      add(id, secrets[id] as string)
    }
    await server.close()
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${acl}`,
        'persistence false',
        'max_queued_messages 0',
        'max_inflight_messages 0',
      ].join('\n') + '\n',
    )
    broker = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
    let brokerLog = ''
    broker.stderr?.on('data', (d: Buffer) => (brokerLog += d.toString()))
    broker.once('exit', (code) => (brokerLog += `\nexited with ${code}`))
    await waitFor(
      async () =>
        await mqtt
          .connectAsync(url, { username: 'rb-ingest', password: INGEST_PASSWORD, reconnectPeriod: 0 })
          .then((c) => c.endAsync().then(() => true))
          .catch(() => false),
      60_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; mosquitto said: ${brokerLog}`)
    })
    // The same vehicles in a fresh server that ingests through the broker with its own account.
    server = await startServer({
      COUNTY_PREFIX: 'MQ',
      JT808_PORT: 'off',
      MQTT_URL: `mqtt://rb-ingest:${INGEST_PASSWORD}@127.0.0.1:${port}`,
      MQTT_CLIENT_ID: 'rb-ingest-acl-test',
    })
    expect(
      (await server.apiJson('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })).status,
    ).toBe(200)
    for (const id of VEHICLES) await addVehicle(id)
    await waitFor(
      async () => (await getJsonAsAdmin<{ broker: { ok: boolean } }>(`${server.baseUrl}/api/health`)).body.broker.ok,
    )
  })
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})))
    await server?.close()
    broker?.kill()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses anonymous devices and wrong secrets', async () => {
    await expect(connect({ clientId: 'anon' })).rejects.toThrow(/Not authorized|Bad username/i)
    await expect(connect({ clientId: 'wrong', username: 'MQ-V001', password: secrets['MQ-V002'] })).rejects.toThrow(
      /Not authorized|Bad username/i,
    )
  })

  it("stores a device's own points and drops what it publishes for another vehicle", async () => {
    const t0 = Date.now() - 30_000
    // Mosquitto answers the foreign point with PUBACK 0x87 and (with the queue limits removed)
    // closes the connection: either way the point is refused before the device hears back.
    const rogue = await connect({ clientId: 'dev-MQ-V001', username: 'MQ-V001', password: secrets['MQ-V001'] })
    const closed = new Promise<void>((resolve) => rogue.once('close', () => resolve()))
    await Promise.race([rogue.publishAsync(topics.position('MQ-V002'), fix(t0), { qos: 1 }), closed])
    const dev = await connect({ clientId: 'dev2-MQ-V001', username: 'MQ-V001', password: secrets['MQ-V001'] })
    await dev.publishAsync(topics.position('MQ-V001'), fix(t0), { qos: 1 })
    await waitFor(async () => (await trackCount('MQ-V001')) === 1, 60_000)
    expect(await trackCount('MQ-V002')).toBe(0)
  })

  it('delivers commands to the vehicle they are for and to no other', async () => {
    const own = await connect({ clientId: 'dev-MQ-V002', username: 'MQ-V002', password: secrets['MQ-V002'] })
    const other = await connect({ clientId: 'dev3-MQ-V001', username: 'MQ-V001', password: secrets['MQ-V001'] })
    const ownGot: string[] = []
    const otherGot: string[] = []
    own.on('message', (_t, p) => ownGot.push(p.toString()))
    other.on('message', (_t, p) => otherGot.push(p.toString()))
    await own.subscribeAsync(topics.command('MQ-V002'), { qos: 1 })
    // Mosquitto grants any subscription and checks the read ACL on each delivery.
    await other.subscribeAsync([topics.command('MQ-V002'), topics.command('MQ-V001')], { qos: 1 })

    const ingest = await connect({ clientId: 'cmd-sender', username: 'rb-ingest', password: INGEST_PASSWORD })
    await ingest.publishAsync(topics.command('MQ-V002'), 'manifest changed', { qos: 1 })
    await ingest.publishAsync(topics.command('MQ-V001'), 'marker', { qos: 1 })
    await waitFor(() => ownGot.length === 1 && otherGot.length === 1)
    expect(ownGot).toEqual(['manifest changed'])
    expect(otherGot).toEqual(['marker'])
  })
})

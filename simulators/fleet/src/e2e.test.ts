/**
 * End to end: the real server in-process (embedded database and broker), a small network made
 * through its HTTP API, the simulator reading it from the API and driving it at 60×. The server
 * must store exactly the distinct points the simulator sent: duplicates sent on purpose are
 * dropped by its dedupe, the dead zone's batch is stored in place.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceDayOf, serviceDayStartMs, serviceDate } from '@rb/domain'
import { startServer, waitFor, type TestServer } from '../../../tests/support/server.js'
import { offsetPoint } from './model/path.js'
import { makeGeometry } from './model/test-factories.js'
import { startSimulation } from './runner.js'

const ORIGIN: [number, number] = [105.44, 28.16]
// Yesterday: every simulated fix lies in the past, as the ingest requires.
const DATE = serviceDayOf(Date.now() - 86_400_000)
const dayStart = serviceDayStartMs(serviceDate(DATE))
// The JT/T 808 run drives the day before, whole trip in its window: where the bus is at a given
// minute depends on the day's seeded plan, so a run starting mid-trip may miss its dead zone.
const DATE_808 = serviceDayOf(Date.now() - 2 * 86_400_000)
const dayStart808 = serviceDayStartMs(serviceDate(DATE_808))

describe('simulator against the real server', () => {
  let server: TestServer
  let wire: MqttClient
  const onWire: { topic: string; payload: string }[] = []
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await server.api(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const ok = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const r = await call(method, path, body)
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
    return r.body
  }
  const trackCount = async (fromMs: number, toMs: number): Promise<number> => {
    const r = await call(
      'GET',
      `/api/vehicles/XY-V001/track?from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`,
    )
    return r.body.count as number
  }

  beforeAll(async () => {
    server = await startServer({ DEMO_DATA: 'off' })
    await ok('PUT', '/api/operators/OP1', { name: '叙永公交', phone: '0830-6222222' })
    await ok('PUT', '/api/townships/XY-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
    const codes: string[] = []
    for (const [name, eastM] of [
      ['场镇', 0],
      ['石坝村', 1500],
      ['中学', 3000],
    ] as const) {
      const s = await ok('POST', '/api/stops', {
        name,
        nameEn: name,
        townshipId: 'XY-T01',
        point: offsetPoint(ORIGIN, eastM, 0),
        installedOn: '2026-03-01',
      })
      codes.push(s.code as string)
    }
    await ok('PUT', '/api/routes/XY-R01', {
      name: '场镇—中学',
      kind: 'regular',
      operatorId: 'OP1',
      geometry: makeGeometry(ORIGIN).slice(0, 31),
      stopCodes: codes,
    })
    await ok('PUT', '/api/calendars/daily', {
      name: '每天',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
    })
    await ok('PUT', '/api/schedule/trips/XY-R01-0700', {
      routeId: 'XY-R01',
      calendarId: 'daily',
      direction: 0,
      headsign: '中学',
      departureS: 7 * 3600,
      stopOffsetsS: [0, 240, 480],
      seats: 19,
      bookingPolicy: 'none',
    })
    await ok('PUT', '/api/vehicles/XY-V001', {
      plate: '川E·A1234',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通 ZK6609',
      deviceId: 'dev-001',
      jt808Phone: '013900000001',
      status: 'active',
    })
    // (With driverId null the server answers 500 — an empty driver id hits the foreign key — so a driver is assigned too.)
    await ok('PUT', '/api/drivers/XY-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      qualificationCert: '5105242008000001',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    for (const day of [DATE, DATE_808])
      await ok('PUT', `/api/trip-instances/XY-R01-0700_${day.replaceAll('-', '')}/assignment`, {
        vehicleId: 'XY-V001',
        driverId: 'XY-D001',
      })
    wire = await mqtt.connectAsync(server.mqttUrl, { clientId: 'e2e-wire', clean: true })
    await wire.subscribeAsync('rb/v1/veh/XY-V001/#', { qos: 1 })
    wire.on('message', (topic, payload) => onWire.push({ topic, payload: payload.toString() }))
  })
  afterAll(async () => {
    await wire?.endAsync()
    await server?.close()
  })

  it('over MQTT at 60×: the server stores exactly the distinct points sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-sim-e2e-'))
    const sim = await startSimulation({
      api: server.baseUrl,
      apiToken: (await server.loginAs('dispatcher')).token,
      mqttUrl: server.mqttUrl,
      date: DATE,
      from: '06:58',
      until: '07:06',
      speed: 60,
      seed: 3,
      intervalS: 2,
      faults: 'none',
      faultOverrides: { duplicate: { probability: 0.1 } },
      deadZones: [{ routeId: 'XY-R01', fromM: 700, toM: 1200 }],
      truthFile: join(dir, 'truth.jsonl'),
      tickMs: 50,
    })
    expect(sim.vehicles).toEqual([{ id: 'XY-V001', trips: [`XY-R01-0700_${DATE.replaceAll('-', '')}`] }])
    const final = await sim.done
    expect(final.state).toBe('done')
    expect(final.batches).toBe(1)
    expect(final.duplicates).toBeGreaterThan(0)

    // Sender side, counted on the wire: distinct (vehicle, ts) over pos and pos/batch.
    const sent = new Set<number>()
    for (const m of onWire) {
      if (m.topic.endsWith('/pos')) sent.add(Date.parse((JSON.parse(m.payload) as { ts: string }).ts))
      if (m.topic.endsWith('/pos/batch'))
        for (const p of JSON.parse(m.payload) as { ts: string }[]) sent.add(Date.parse(p.ts))
    }
    expect(sent.size).toBe(final.pointsSent)
    expect(onWire.filter((m) => m.topic.endsWith('/pos')).length).toBeGreaterThan(final.livePoints)
    // The bus said who drives it (the trip started before the run's window: said on connecting).
    expect(
      onWire.filter((m) => m.topic.endsWith('/event')).map((m) => JSON.parse(m.payload) as Record<string, unknown>),
    ).toContainEqual(
      expect.objectContaining({ type: 'driver', action: 'on', driverId: 'XY-D001', cert: '5105242008000001' }),
    )

    // Server side: what it stored in the run's window.
    const from = dayStart + 6 * 3600_000
    const to = dayStart + 8 * 3600_000
    const stored = await waitFor(async () => {
      const n = await trackCount(from, to)
      return n >= sent.size ? n : undefined
    }, 60_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(await trackCount(from, to)).toBe(stored)
    expect(stored).toBe(sent.size)
  })

  it('over JT/T 808 against the real gateway: stored = distinct points sent', async () => {
    const port = server.app.rb.jt808Port
    if (port === undefined) throw new Error('the test server runs without its JT/T 808 gateway')
    const sim = await startSimulation({
      api: server.baseUrl,
      apiToken: (await server.loginAs('dispatcher')).token,
      protocol: 'jt808',
      jt808: `127.0.0.1:${port}`,
      date: DATE_808,
      from: '06:58',
      until: '07:12',
      speed: 60,
      seed: 4,
      intervalS: 2,
      faults: 'none',
      faultOverrides: { duplicate: { probability: 0.1 } },
      deadZones: [{ routeId: 'XY-R01', fromM: 700, toM: 1200 }],
      tickMs: 50,
    })
    const final = await sim.done
    expect(final.state).toBe('done')
    expect(final.errors).toBe(0)
    expect(final.batchPoints).toBeGreaterThan(0)
    expect(final.reconnects).toBe(1)
    const from = dayStart808 + 6 * 3600_000
    const to = dayStart808 + 8 * 3600_000
    const stored = await waitFor(async () => {
      const n = await trackCount(from, to)
      return n >= final.pointsSent ? n : undefined
    }, 60_000)
    await new Promise((r) => setTimeout(r, 500))
    expect(await trackCount(from, to)).toBe(stored)
    expect(stored).toBe(final.pointsSent)
    // Its driver's IC card went in the terminal (0x0702), answered and stored beside the MQTT run's word.
    const events = await call(
      'GET',
      `/api/events?vehicleId=XY-V001&type=driver&from=${new Date(dayStart808).toISOString()}&to=${new Date(dayStart + 86_400_000).toISOString()}`,
    )
    const sources = (events.body.items as { data: { source: string; cert?: string; driverId?: string } }[]).map(
      (e) => e.data,
    )
    expect(sources).toContainEqual(expect.objectContaining({ source: 'device', driverId: 'XY-D001' }))
    expect(sources).toContainEqual(
      expect.objectContaining({ source: 'card', cert: '5105242008000001', name: '王建国' }),
    )
  })
})

/**
 * Who drives, known from the bus itself, through the real server: a JT/T 808 terminal's IC card
 * (0x0702) in and out, an unknown card, an MQTT `driver` event, the driver page's "I am driving";
 * each shows in the vehicle's state over the rostered driver, on the villager's driver card, and is
 * stored; after a restart the server still knows who is on board.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { serviceDayOf, serviceDayStartMs, type VehicleStateView } from '@rb/domain'
import { jt808, topics } from '@rb/protocol'
import { metric, startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.44, 28.1]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]
const VEHICLE = 'CR-V101'
const PHONE = '013900001101'
const ROSTERED = { id: 'CR-D001', cert: '5105242008000001' }
const CARD = { id: 'CR-D002', cert: '5105242008000002', name: '李春华' }
const DEVICE_DRIVER = 'CR-D003'

/** A terminal as fitted in the bus: one TCP connection, frames built with the codec, replies matched by serial. */
class Terminal {
  readonly #socket: Socket
  readonly #splitter = new jt808.FrameSplitter()
  readonly #got: jt808.Jt808Message[] = []
  readonly #wake = new Set<() => void>()
  #serial = 0
  /** BCD times have whole seconds; each report gets a later one, so none shares an instant with the one before. */
  #lastTs = 0

  constructor(socket: Socket) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.#splitter.push(chunk).frames) this.#got.push(jt808.decodeMessage(f))
      for (const w of this.#wake) w()
    })
  }

  static async open(port: number): Promise<Terminal> {
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    return new Terminal(socket)
  }

  nextTs(): number {
    this.#lastTs = Math.max(Math.floor(Date.now() / 1000) * 1000, this.#lastTs + 1000)
    return this.#lastTs
  }

  /** Sends `body` and resolves with the platform's answer to it (0x8100 or 0x8001). */
  async send(body: jt808.Jt808BodyInput): Promise<jt808.Jt808Body> {
    const serial = this.#serial++
    this.#socket.write(jt808.encodeMessage({ phone: PHONE, protocolVersion: null, serial }, body))
    const answers = (m: jt808.Jt808Message): boolean =>
      (m.body.kind === 'platformGeneralReply' || m.body.kind === 'registerReply') && m.body.ackSerial === serial
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = this.#got.find(answers)
        if (!m) return
        this.#wake.delete(check)
        clearTimeout(timer)
        resolve(m.body)
      }
      const timer = setTimeout(() => reject(new Error(`no answer to serial ${serial}`)), 10_000)
      this.#wake.add(check)
      check()
    })
  }

  async result(body: jt808.Jt808BodyInput): Promise<number> {
    const r = await this.send(body)
    return r.kind === 'platformGeneralReply' || r.kind === 'registerReply' ? r.result : -1
  }

  /** One location report at the first stop, standing. */
  report(): Promise<number> {
    const [lng, lat] = at(0)
    return this.result({
      kind: 'location',
      alarmRaw: 0,
      statusRaw: jt808.statusFlagsToRaw({ accOn: true, located: true, gps: true }),
      lat,
      lng,
      altitudeM: 300,
      speedKmh: 0,
      headingDeg: 0,
      ts: this.nextTs(),
    })
  }

  card(card: { cert: string; name: string } | 'removed'): Promise<number> {
    const ts = this.nextTs()
    if (card === 'removed')
      return this.result({
        kind: 'driverIdentity',
        status: jt808.IC_CARD_STATUS.removed,
        ts,
        readResult: null,
        card: null,
      })
    return this.result({
      kind: 'driverIdentity',
      status: jt808.IC_CARD_STATUS.inserted,
      ts,
      readResult: jt808.IC_READ_RESULT.ok,
      card: { ...card, authority: '叙永县交通运输局', validUntil: '2030-12-31', idCard: null },
    })
  }

  close(): void {
    this.#socket.destroy()
  }
}

interface StateBody {
  state: VehicleStateView
}
interface CrewBody {
  driver: { code: string; name: string } | null
  vehicle: { id: string } | null
}
interface DriverVehicleBody {
  current: { vehicleId: string; source: string } | null
  vehicles: { id: string }[]
}

/** The county's network for one assigned trip: four stops due north, a bus with a terminal, three drivers. */
async function seed(server: TestServer, departureTs: number): Promise<string> {
  const date = serviceDayOf(departureTs)
  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
    return r.body
  }
  await put('/api/operators/OP1', { name: '叙永公交', phone: null })
  await put('/api/townships/CR-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
  const codes: string[] = []
  for (const m of [0, 1000, 2000, 3000])
    codes.push(
      (
        await put(
          '/api/stops',
          { name: `站${m}`, nameEn: `Stop ${m}`, townshipId: 'CR-T01', point: at(m), installedOn: '2026-01-01' },
          'POST',
        )
      ).code as string,
    )
  await put('/api/routes/CR-R01', {
    name: '乘务线',
    kind: 'regular',
    operatorId: 'OP1',
    geometry: [at(0), at(3000)],
    stopCodes: codes,
  })
  await put('/api/calendars/daily', {
    name: '每天',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  })
  await put('/api/schedule/trips/CR-R01-T', {
    routeId: 'CR-R01',
    calendarId: 'daily',
    direction: 0,
    headsign: '终点',
    departureS: (departureTs - serviceDayStartMs(date)) / 1000,
    stopOffsetsS: [0, 120, 240, 360],
    seats: 19,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 0,
  })
  await put(`/api/vehicles/${VEHICLE}`, {
    plate: '川E·C0101',
    seats: 19,
    operatorId: 'OP1',
    model: '宇通',
    jt808Phone: PHONE,
    status: 'active',
  })
  await put(`/api/drivers/${ROSTERED.id}`, {
    name: '王建国',
    phone: '13812345678',
    licenceClass: 'A1',
    qualificationCert: ROSTERED.cert,
    serviceSince: '2008-05-01',
    pioneer: true,
    status: 'active',
  })
  await put(`/api/drivers/${CARD.id}`, {
    name: CARD.name,
    phone: '13812345679',
    licenceClass: 'A1',
    qualificationCert: CARD.cert,
    serviceSince: '2012-03-01',
    pioneer: false,
    status: 'active',
  })
  await put(`/api/drivers/${DEVICE_DRIVER}`, {
    name: '赵军',
    phone: '13812345670',
    licenceClass: 'A1',
    qualificationCert: '',
    serviceSince: '2015-03-01',
    pioneer: false,
    status: 'active',
  })
  const instanceId = `CR-R01-T_${date.replaceAll('-', '')}`
  await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId: VEHICLE, driverId: ROSTERED.id })
  return instanceId
}

describe.each(targets())('who drives, from the bus, on $name', (target) => {
  let server: TestServer
  let terminal: Terminal
  let device: MqttClient
  let driver: RoleSession
  let instanceId = ''

  const state = async (): Promise<VehicleStateView> =>
    (await server.apiJson<StateBody>('GET', `/api/vehicles/${VEHICLE}/state`)).body.state
  const crew = async (): Promise<CrewBody> =>
    (await (await fetch(`${server.baseUrl}/api/trips/${instanceId}/crew`)).json()) as CrewBody
  const driverShown = (code: string | null, source: VehicleStateView['driverSource']) => async () => {
    const s = await state()
    return s.driverCode === code && s.driverSource === source ? s : null
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'CR' })
    // The trip left a minute ago; the bus stands at its first stop.
    instanceId = await seed(server, Math.round((Date.now() - 60_000) / 1000) * 1000)
    driver = await server.loginAs('driver', { username: 't-crew-driver', driverCode: CARD.id })
    terminal = await Terminal.open(server.app.rb.jt808Port as number)
    const reg = await terminal.send({
      kind: 'register',
      layout: '2013',
      provinceId: 51,
      cityId: 524,
      manufacturerId: 'XYBUS',
      terminalModel: 'TG-808B',
      terminalId: 'T000101',
      plateColor: 1,
      plate: '川EC0101',
    })
    expect(reg).toMatchObject({ kind: 'registerReply', result: 0 })
    expect(
      await terminal.result({
        kind: 'auth',
        authCode: reg.kind === 'registerReply' ? reg.authCode : '',
        imei: null,
        softwareVersion: null,
      }),
    ).toBe(0)
    expect(await terminal.report()).toBe(0)
    await waitFor(async () => (await state()).tripInstanceId === instanceId, 60_000)
    device = await mqtt.connectAsync(server.mqttUrl, { clientId: `${VEHICLE}-crew-${target.name}` })
  })

  afterAll(async () => {
    terminal?.close()
    await device?.endAsync()
    await server?.close()
  })

  it("shows the roster's driver until the bus says otherwise", async () => {
    expect(await state()).toMatchObject({
      driverCode: ROSTERED.id,
      driverSource: 'roster',
      rosteredDriverCode: ROSTERED.id,
    })
    expect((await crew()).driver?.code).toBe(ROSTERED.id)
  })

  it("a driver card put in the terminal shows its driver within one report, on the state and the villager's driver card", async () => {
    expect(await terminal.card(CARD)).toBe(jt808.REPLY_RESULT.success)
    expect(await terminal.report()).toBe(0)
    const s = await waitFor(driverShown(CARD.id, 'card'), 60_000)
    expect(s.rosteredDriverCode).toBe(ROSTERED.id)
    const card = await crew()
    expect(card.driver).toMatchObject({ code: CARD.id, name: CARD.name })
    expect(card.vehicle?.id).toBe(VEHICLE)
    const events = await server.apiJson<{ items: { type: string; data: Record<string, unknown> }[] }>(
      'GET',
      `/api/events?vehicleId=${VEHICLE}&type=driver&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    )
    expect(events.body.items.at(-1)).toMatchObject({
      type: 'driver',
      data: { action: 'on', source: 'card', cert: CARD.cert, name: CARD.name, readResult: 0 },
    })
  })

  it("the card taken out gives the roster's driver back", async () => {
    expect(await terminal.card('removed')).toBe(0)
    await waitFor(driverShown(ROSTERED.id, 'roster'), 60_000)
    expect((await crew()).driver?.code).toBe(ROSTERED.id)
  })

  it('a card with a certificate not on file is someone unknown, pinned on nobody', async () => {
    expect(await terminal.card({ cert: '9999999999999999', name: '张三' })).toBe(0)
    const s = await waitFor(driverShown(null, 'card'), 60_000)
    expect(s.rosteredDriverCode).toBe(ROSTERED.id)
    // Not the rostered driver either: the villager card names nobody rather than the wrong person.
    expect((await crew()).driver).toBeNull()
    const events = await server.apiJson<{ items: { data: Record<string, unknown> }[] }>(
      'GET',
      `/api/events?vehicleId=${VEHICLE}&type=driver&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    )
    expect(events.body.items.at(-1)?.data).toMatchObject({ cert: '9999999999999999', name: '张三', source: 'card' })
    expect(await terminal.card('removed')).toBe(0)
    await waitFor(driverShown(ROSTERED.id, 'roster'), 60_000)
  })

  it('an MQTT driver event does the same; a bad one is dropped as schema and changes nothing', async () => {
    await device.publishAsync(
      topics.event(VEHICLE),
      JSON.stringify({ ts: new Date().toISOString(), type: 'driver', action: 'on', driverId: DEVICE_DRIVER }),
      { qos: 1 },
    )
    await waitFor(driverShown(DEVICE_DRIVER, 'device'), 60_000)
    expect((await crew()).driver?.code).toBe(DEVICE_DRIVER)

    const dropped = await metric(server.baseUrl, 'rb_ingest_dropped_total', { reason: 'schema' })
    await device.publishAsync(
      topics.event(VEHICLE),
      JSON.stringify({ ts: Date.now(), type: 'driver', driverId: CARD.id }),
      { qos: 1 },
    )
    await waitFor(
      async () => (await metric(server.baseUrl, 'rb_ingest_dropped_total', { reason: 'schema' })) > dropped,
      60_000,
    )
    expect(await state()).toMatchObject({ driverCode: DEVICE_DRIVER, driverSource: 'device' })

    await device.publishAsync(
      topics.event(VEHICLE),
      JSON.stringify({ ts: Date.now(), type: 'driver', action: 'off' }),
      { qos: 1 },
    )
    await waitFor(driverShown(ROSTERED.id, 'roster'), 60_000)
  })

  it('the driver page\'s "I am driving" puts the signed-in driver on the bus, and signing off takes them off', async () => {
    const before = await server.apiJson<DriverVehicleBody>('GET', '/api/driver/vehicle', undefined, driver)
    expect(before.status).toBe(200)
    expect(before.body.current).toBeNull()
    expect(before.body.vehicles.map((v) => v.id)).toContain(VEHICLE)

    const on = await server.apiJson<DriverVehicleBody>('POST', '/api/driver/vehicle', { vehicleId: VEHICLE }, driver)
    expect(on.status).toBe(200)
    expect(on.body.current).toMatchObject({ vehicleId: VEHICLE, source: 'app' })
    await waitFor(driverShown(CARD.id, 'app'), 60_000)
    expect((await crew()).driver?.code).toBe(CARD.id)

    const off = await server.apiJson<DriverVehicleBody>('DELETE', '/api/driver/vehicle', undefined, driver)
    expect(off.status).toBe(200)
    expect(off.body.current).toBeNull()
    await waitFor(driverShown(ROSTERED.id, 'roster'), 60_000)
    const events = await server.apiJson<{ items: { data: Record<string, unknown> }[] }>(
      'GET',
      `/api/events?vehicleId=${VEHICLE}&type=driver&from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    )
    expect(events.body.items.slice(-2).map((e) => [e.data.action, e.data.source, e.data.driverId])).toEqual([
      ['on', 'app', CARD.id],
      ['off', 'app', CARD.id],
    ])
  })

  it('refuses a bus that does not exist, and anyone but a driver', async () => {
    expect((await server.apiJson('POST', '/api/driver/vehicle', { vehicleId: 'CR-V999' }, driver)).status).toBe(404)
    expect((await server.apiJson('POST', '/api/driver/vehicle', { vehicleId: 'not a bus' }, driver)).status).toBe(400)
    const dispatcher = await server.loginAs('dispatcher')
    expect((await server.apiJson('POST', '/api/driver/vehicle', { vehicleId: VEHICLE }, dispatcher)).status).toBe(403)
    expect((await fetch(`${server.baseUrl}/api/driver/vehicle`)).status).toBe(401)
  })
})

describe('who drives, after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rb-crew-'))
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it("knows who is on board from the day's stored driver events", { timeout: 180_000 }, async () => {
    const first = await startServer({ DATA_DIR: dataDir, COUNTY_PREFIX: 'CR' })
    try {
      await seed(first, Math.round((Date.now() - 60_000) / 1000) * 1000)
      const d = await first.loginAs('driver', { username: 't-crew-driver', driverCode: CARD.id })
      expect((await first.apiJson('POST', '/api/driver/vehicle', { vehicleId: VEHICLE }, d)).status).toBe(200)
    } finally {
      await first.close()
    }
    const second = await startServer({ DATA_DIR: dataDir, COUNTY_PREFIX: 'CR' })
    try {
      const s = (await second.apiJson<StateBody>('GET', `/api/vehicles/${VEHICLE}/state`)).body.state
      expect(s).toMatchObject({ driverCode: CARD.id, driverSource: 'app' })
    } finally {
      await second.close()
    }
  })
})

/**
 * Alerts with a life-cycle through the real server: an SOS raised over MQTT is acknowledged (not
 * without a note) and resolved by hand; an overspeed that ends by itself is resolved by `system`
 * and keeps its acknowledgement, one resolved by hand first keeps the hand's; the incident log per
 * vehicle, trip and alert; a text to the driver reaching the MQTT downlink, a JT/T 808 terminal
 * (0x8300) and the driver page; the county settings, and the on-time report following them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { serviceDate, serviceDayOf, serviceDayStartMs, type IncidentNote, type LiveAlert } from '@rb/domain'
import {
  topics,
  type ClientToServerEvents,
  type DriverMessage,
  type DriverMessageCommand,
  type ServerToClientEvents,
} from '@rb/protocol'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, type BookingNetwork } from '../support/booking-network.js'
import { jt808TextTerminal } from '../support/jt808-terminal.js'

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Settings {
  lateness: { earlyS: number; lateS: number }
  missedGraceS: number
  dailyDrivingLimitMin: number
  updatedBy: string | null
}
interface MessageAnswer {
  channels: string[]
  attempts: { channel: string; status: string; detail: string }[]
  note: IncidentNote
}

const rand = (n: number): string => String(Math.floor(Math.random() * 10 ** n)).padStart(n, '0')
/** Vehicle ids as the network takes them (`AL-V` and five digits); `AL-V0000` is never one. */
const newVehicleId = (): string => `AL-V${String(10_000 + Math.floor(Math.random() * 90_000))}`
const NO_VEHICLE = 'AL-V0000'
const M_PER_DEG_LAT = 111_195
/** Conditions are waited on, never slept for; generous for a loaded machine. */
const until = <T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false): Promise<T> =>
  waitFor(fn, 60_000)

describe.each(targets())('alert life-cycle, incidents, driver messages, settings on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  let operator: RoleSession
  let device: MqttClient
  let staff: LiveSocket
  const pushed: LiveAlert[] = []
  const day = serviceDayOf(Date.now())

  const call = <T>(method: string, path: string, body?: unknown, as: RoleSession = dispatcher) =>
    server.apiJson<T & ErrorBody>(method, path, body, as)
  const vehicle = async (id: string, jt808Phone: string | null = null): Promise<void> => {
    const r = await server.apiJson('PUT', `/api/vehicles/${id}`, {
      plate: `川E·${id.slice(-5)}`,
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      jt808Phone,
      status: 'active',
    })
    expect(r.status, JSON.stringify(r.body)).toBe(200)
  }
  const alertsOf = async (vehicleId: string, query = ''): Promise<LiveAlert[]> =>
    (await call<{ items: LiveAlert[] }>('GET', `/api/alerts?vehicleId=${vehicleId}${query}`)).body.items
  const stored = (vehicleId: string, type: string, pred: (a: LiveAlert) => boolean = () => true): Promise<LiveAlert> =>
    until(async () => (await alertsOf(vehicleId, `&type=${type}`)).find(pred))

  /** Fixes one second apart along a meridian far from every route (no trip is matched), at `speedKmh`. */
  async function drive(
    vehicleId: string,
    fromTs: number,
    seconds: number,
    speedKmh: number,
    fromM: number,
  ): Promise<{ ts: number; m: number }> {
    let m = fromM
    let ts = fromTs
    for (let i = 0; i < seconds; i++) {
      ts += 1000
      m += speedKmh / 3.6
      await device.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts, lat: 28.6 + m / M_PER_DEG_LAT, lon: 106.3, speed: speedKmh, heading: 0 }),
        { qos: 1 },
      )
    }
    return { ts, m }
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'AL' })
    net = await bookingNetwork(server, 'AL')
    dispatcher = await server.loginAs('dispatcher')
    operator = await server.loginAs('operator')
    device = await mqtt.connectAsync(server.mqttUrl, { clientId: `al-dev-${rand(6)}` })
    await server.apiJson('PUT', '/api/drivers/AL-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      serviceSince: '2008-05-01',
      pioneer: false,
      status: 'active',
    })
    staff = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: dispatcher.token } })
    staff.on('alerts', (batch) => pushed.push(...batch))
    const ack = await new Promise<{ ok: boolean }>((resolve) => staff.emit('subscribe', ['all'], resolve))
    expect(ack.ok).toBe(true)
  })

  afterAll(async () => {
    staff?.close()
    await device?.endAsync()
    await server?.close()
  })

  it('an SOS is acknowledged only with a note, then resolved by hand with one; both notes are in the incident log and the audit log', async () => {
    const vehicleId = newVehicleId()
    await vehicle(vehicleId)
    await device.publishAsync(
      topics.event(vehicleId),
      JSON.stringify({ ts: new Date().toISOString(), type: 'alarm', alarm: 'emergency' }),
      { qos: 1 },
    )
    const raised = await stored(vehicleId, 'driver_alarm')
    expect(raised).toMatchObject({
      severity: 'critical',
      state: 'active',
      status: 'open',
      ackBy: null,
      ackNote: null,
      resolvedBy: null,
      resolvedTs: null,
      resolveNote: null,
    })
    expect((await alertsOf(vehicleId, '&open=true')).map((a) => a.id)).toEqual([raised.id])

    const ackPath = `/api/alerts/${encodeURIComponent(raised.id)}/ack`
    for (const body of [{}, { note: '   ' }, undefined]) {
      const refused = await call('POST', ackPath, body)
      expect(refused.status, JSON.stringify(body)).toBe(400)
      expect(refused.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { field: 'note', reason: 'required' },
      })
      expect(refused.body.error.message).toMatch(/^note is required: a driver alarm \(SOS, emergency\)/)
    }
    expect((await call('POST', ackPath, { note: 'a\u0000b' })).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'note' },
    })
    expect((await call('POST', ackPath, { note: 'x'.repeat(1001) })).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { reason: 'too_long' },
    })
    expect((await alertsOf(vehicleId))[0]?.status).toBe('open')

    const acked = await call<LiveAlert>('POST', ackPath, { note: ' 已电话联系司机，120已出发 ' })
    expect(acked.status).toBe(200)
    expect(acked.body).toMatchObject({
      status: 'acknowledged',
      state: 'active',
      ackBy: 't-dispatcher',
      ackNote: '已电话联系司机，120已出发',
    })
    // The first acknowledgement stands.
    const again = await call<LiveAlert>('POST', ackPath, { note: 'me too' }, operator)
    expect(again.body).toMatchObject({
      status: 'acknowledged',
      ackBy: 't-dispatcher',
      ackTs: acked.body.ackTs,
      ackNote: '已电话联系司机，120已出发',
    })
    await until(() =>
      pushed.some(
        (a) => a.id === raised.id && a.status === 'acknowledged' && a.ackNote === '已电话联系司机，120已出发',
      ),
    )

    const resolvePath = `/api/alerts/${encodeURIComponent(raised.id)}/resolve`
    expect((await call('POST', resolvePath, {})).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'note' },
    })
    const resolved = await call<LiveAlert>('POST', resolvePath, { note: '司机安全，误触报警' }, operator)
    expect(resolved.status).toBe(200)
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      state: 'active',
      resolvedBy: 't-operator',
      resolveNote: '司机安全，误触报警',
      ackBy: 't-dispatcher',
    })
    expect(resolved.body.resolvedTs).toBeGreaterThanOrEqual(acked.body.ackTs ?? Infinity)
    const twice = await call('POST', resolvePath, { note: 'again' })
    expect(twice.status).toBe(409)
    expect(twice.body.error).toMatchObject({
      code: 'ALERT_STATE_CONFLICT',
      details: { status: 'resolved', resolvedBy: 't-operator' },
    })
    await until(() => pushed.some((a) => a.id === raised.id && a.status === 'resolved'))

    expect(await alertsOf(vehicleId, '&open=true')).toEqual([])
    expect((await alertsOf(vehicleId, '&status=resolved')).map((a) => a.id)).toEqual([raised.id])
    expect(await alertsOf(vehicleId, '&status=open,acknowledged')).toEqual([])
    expect((await call('GET', '/api/alerts?status=closed')).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'status' },
    })

    const log = (await call<{ items: IncidentNote[] }>('GET', `/api/incidents?vehicleId=${vehicleId}`)).body.items
    expect(log.map((n) => [n.kind, n.by, n.text, n.alertId])).toEqual([
      ['resolve', 't-operator', '司机安全，误触报警', raised.id],
      ['ack', 't-dispatcher', '已电话联系司机，120已出发', raised.id],
    ])
    const audit = await server.apiJson<{
      items: { action: string; username: string; target: string; after: { status: string } }[]
    }>('GET', `/api/audit?target=${encodeURIComponent(`alert:${raised.id}`)}`)
    expect(audit.body.items.map((r) => [r.action, r.username, r.after.status])).toEqual([
      ['alert.resolve', 't-operator', 'resolved'],
      ['alert.ack', 't-dispatcher', 'acknowledged'],
    ])
  })

  it('a condition that ends by itself is resolved by system and keeps an earlier acknowledgement; one resolved by hand first keeps the hand', async () => {
    const t0 = Date.now() - 10 * 60_000
    // Acknowledged, then over: resolved by the system, the acknowledgement kept.
    const first = newVehicleId()
    await vehicle(first)
    let at = await drive(first, t0, 25, 90, 0)
    const raised = await stored(first, 'overspeed')
    expect(raised).toMatchObject({ severity: 'warning', state: 'active', status: 'open' })
    // Not critical: no note needed.
    const acked = await call<LiveAlert>('POST', `/api/alerts/${encodeURIComponent(raised.id)}/ack`, {})
    expect(acked.body).toMatchObject({ status: 'acknowledged', ackBy: 't-dispatcher', ackNote: null })
    await drive(first, at.ts, 35, 30, at.m)
    const cleared = await stored(first, 'overspeed', (a) => a.state === 'cleared')
    expect(cleared).toMatchObject({
      status: 'resolved',
      resolvedBy: 'system',
      resolveNote: null,
      ackBy: 't-dispatcher',
      ackTs: acked.body.ackTs,
    })
    expect(cleared.resolvedTs).toBe(cleared.clearedTs)
    await until(() => pushed.some((a) => a.id === raised.id && a.state === 'cleared' && a.ackBy === 't-dispatcher'))

    // Resolved by hand while still on, then over: the hand's who, when and note stay.
    const second = newVehicleId()
    await vehicle(second)
    at = await drive(second, t0, 25, 90, 0)
    const other = await stored(second, 'overspeed')
    const byHand = await call<LiveAlert>('POST', `/api/alerts/${encodeURIComponent(other.id)}/resolve`, {
      note: '已提醒司机减速',
    })
    expect(byHand.body).toMatchObject({ status: 'resolved', state: 'active', resolvedBy: 't-dispatcher' })
    await drive(second, at.ts, 35, 30, at.m)
    const after = await stored(second, 'overspeed', (a) => a.state === 'cleared')
    expect(after).toMatchObject({
      status: 'resolved',
      resolvedBy: 't-dispatcher',
      resolveNote: '已提醒司机减速',
      resolvedTs: byHand.body.resolvedTs,
      ackBy: null,
    })
    expect(after.data.maxSpeedKmh).toBe(90)
  })

  it('keeps an incident log per vehicle, trip and alert, newest first, and refuses notes about nothing or with bad text', async () => {
    const vehicleId = newVehicleId()
    await vehicle(vehicleId)
    const trip = await net.trip('AL-INC', day)
    const w1 = await call<IncidentNote>('POST', '/api/incidents', { vehicleId, text: '司机报告刹车异响' })
    expect(w1.status).toBe(201)
    expect(w1.body).toMatchObject({
      kind: 'note',
      by: 't-dispatcher',
      vehicleId,
      tripInstanceId: null,
      alertId: null,
      text: '司机报告刹车异响',
    })
    const w2 = await call<IncidentNote>(
      'POST',
      '/api/incidents',
      { vehicleId, tripInstanceId: trip, text: '换车 V2 接续' },
      operator,
    )
    expect(w2.status).toBe(201)
    // About an alert: its vehicle comes along.
    await device.publishAsync(
      topics.event(vehicleId),
      JSON.stringify({ ts: new Date().toISOString(), type: 'alarm', alarm: 'sos' }),
      { qos: 1 },
    )
    const sos = await stored(vehicleId, 'driver_alarm')
    const w3 = await call<IncidentNote>('POST', '/api/incidents', { alertId: sos.id, text: '派出所已通知' })
    expect(w3.body).toMatchObject({ alertId: sos.id, vehicleId })

    const byVehicle = (await call<{ items: IncidentNote[] }>('GET', `/api/incidents?vehicleId=${vehicleId}`)).body.items
    expect(byVehicle.map((n) => n.text)).toEqual(['派出所已通知', '换车 V2 接续', '司机报告刹车异响'])
    expect(
      (await call<{ items: IncidentNote[] }>('GET', `/api/incidents?tripInstanceId=${trip}`)).body.items.map(
        (n) => n.id,
      ),
    ).toEqual([w2.body.id])
    expect(
      (
        await call<{ items: IncidentNote[] }>('GET', `/api/incidents?alertId=${encodeURIComponent(sos.id)}`)
      ).body.items.map((n) => n.id),
    ).toEqual([w3.body.id])

    const refusals: [unknown, number, string][] = [
      [{ text: 'about nothing' }, 400, 'VALIDATION_FAILED'],
      [{ vehicleId, text: '' }, 400, 'VALIDATION_FAILED'],
      [{ vehicleId, text: 'nul \u0000 byte' }, 400, 'VALIDATION_FAILED'],
      [{ vehicleId, text: '长'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
      [{ vehicleId: NO_VEHICLE, text: 'x' }, 404, 'VEHICLE_NOT_FOUND'],
      [{ vehicleId: 'bad id with spaces', text: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ tripInstanceId: 'AL-NOPE_20260101', text: 'x' }, 404, 'TRIP_NOT_FOUND'],
      [{ alertId: 'driver_alarm:nobody:1', text: 'x' }, 404, 'ALERT_NOT_FOUND'],
    ]
    for (const [body, status, code] of refusals) {
      const r = await call('POST', '/api/incidents', body)
      expect([r.status, r.body.error?.code], JSON.stringify(body).slice(0, 80)).toEqual([status, code])
    }
    expect((await call('POST', '/api/alerts/x%00y/ack', {})).status).toBe(400)
    const driver = await server.loginAs('driver', { driverCode: 'AL-D001' })
    expect((await call('GET', `/api/incidents?vehicleId=${vehicleId}`, undefined, driver)).status).toBe(403)
  })

  it('a text to the driver reaches the MQTT downlink, the JT/T 808 terminal (0x8300) and the driver page, and says so', async () => {
    const vehicleId = newVehicleId()
    const phone = `0139${rand(8)}`
    await vehicle(vehicleId, phone)
    // Today's trip of this bus, departing soon: the driver's page follows its room.
    const nowS = Math.floor((Date.now() - serviceDayStartMs(day)) / 1000)
    const trip = await net.trip('AL-MSG', day, { departureS: Math.min(86_399, nowS + 600) })
    expect(
      (await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId, driverId: 'AL-D001' }))
        .status,
    ).toBe(200)
    const driver = await server.loginAs('driver', { driverCode: 'AL-D001' })
    const page: LiveSocket = connectSocket(server.baseUrl, { transports: ['websocket'], auth: { token: driver.token } })
    const shown: DriverMessage[] = []
    page.on('driverMessage', (m) => shown.push(m))
    const terminal = await jt808TextTerminal(server.app.rb.jt808Port as number, phone, 30_000)
    const bus = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-cmd` })
    const commands: DriverMessageCommand[] = []
    bus.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString()) as DriverMessageCommand))
    try {
      const joined = await new Promise<{ ok: boolean; refused: unknown[] }>((resolve) =>
        page.emit('subscribe', [`trip:${trip}`], resolve),
      )
      expect(joined).toMatchObject({ ok: true })
      await bus.subscribeAsync(topics.command(vehicleId), { qos: 1 })
      await until(() => server.app.rb.jt808?.isConnected(vehicleId))

      const sent = await call<MessageAnswer>('POST', `/api/vehicles/${vehicleId}/message`, {
        text: '请到站后回电调度室',
      })
      expect(sent.status, JSON.stringify(sent.body)).toBe(200)
      expect([...sent.body.channels].sort()).toEqual(['driver_page', 'jt808', 'mqtt'])
      expect(sent.body.attempts.find((a) => a.channel === 'jt808')).toMatchObject({ status: 'delivered' })
      expect(sent.body.note).toMatchObject({
        kind: 'message',
        by: 't-dispatcher',
        vehicleId,
        tripInstanceId: trip,
        text: '请到站后回电调度室',
      })
      expect(await until(() => terminal.texts.find((t) => t === '请到站后回电调度室'))).toBeTruthy()
      const cmd = await until(() => commands.find((c) => c.type === 'message'))
      expect(cmd).toMatchObject({
        type: 'message',
        id: sent.body.note.id,
        text: '请到站后回电调度室',
        tripInstanceId: trip,
        alertId: null,
        from: 'Test dispatcher',
      })
      const m = await until(() => shown[0])
      expect(m).toMatchObject({ id: sent.body.note.id, vehicleId, tripInstanceId: trip, text: '请到站后回电调度室' })
      const log = (await call<{ items: IncidentNote[] }>('GET', `/api/incidents?vehicleId=${vehicleId}`)).body.items
      expect(log[0]).toMatchObject({
        kind: 'message',
        text: '请到站后回电调度室',
        data: { channels: sent.body.channels },
      })

      // Bad input is a clear 400 or 404, never a 500; a driver may not send.
      const refusals: [string, unknown, number, string][] = [
        [vehicleId, { text: '' }, 400, 'VALIDATION_FAILED'],
        [vehicleId, { text: 'a\u0000b' }, 400, 'VALIDATION_FAILED'],
        [vehicleId, { text: '长'.repeat(501) }, 400, 'VALIDATION_FAILED'],
        [vehicleId, {}, 400, 'VALIDATION_FAILED'],
        [NO_VEHICLE, { text: 'x' }, 404, 'VEHICLE_NOT_FOUND'],
        [vehicleId, { text: 'x', alertId: 'driver_alarm:nobody:1' }, 404, 'ALERT_NOT_FOUND'],
      ]
      for (const [v, body, status, code] of refusals) {
        const r = await call('POST', `/api/vehicles/${v}/message`, body)
        expect([r.status, r.body.error?.code], JSON.stringify(body).slice(0, 60)).toEqual([status, code])
      }
      expect((await call('POST', `/api/vehicles/${vehicleId}/message`, { text: 'x' }, driver)).status).toBe(403)

      // Answering another bus's alert is refused; this bus's alert is linked.
      const otherBus = newVehicleId()
      await device.publishAsync(
        topics.event(otherBus),
        JSON.stringify({ ts: new Date().toISOString(), type: 'alarm', alarm: 'sos' }),
        { qos: 1 },
      )
      const foreign = await stored(otherBus, 'driver_alarm')
      expect(
        (await call('POST', `/api/vehicles/${vehicleId}/message`, { text: 'x', alertId: foreign.id })).body.error,
      ).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'alertId' } })
      await device.publishAsync(
        topics.event(vehicleId),
        JSON.stringify({ ts: new Date().toISOString(), type: 'alarm', alarm: 'emergency' }),
        { qos: 1 },
      )
      const own = await stored(vehicleId, 'driver_alarm')
      const linked = await call<MessageAnswer>('POST', `/api/vehicles/${vehicleId}/message`, {
        text: '收到报警，已联系120',
        alertId: own.id,
      })
      expect(linked.body.note).toMatchObject({ alertId: own.id, kind: 'message' })
      await until(() => commands.find((c) => c.alertId === own.id))
    } finally {
      page.close()
      terminal.close()
      await bus.endAsync()
    }
  })

  it('a vehicle without terminal, page or trip still gets the MQTT downlink, and the answer says what did not reach it', async () => {
    const vehicleId = newVehicleId()
    await vehicle(vehicleId)
    const sent = await call<MessageAnswer>(
      'POST',
      `/api/vehicles/${vehicleId}/message`,
      { text: '明早改为7点发车' },
      operator,
    )
    expect(sent.status).toBe(200)
    expect(sent.body.channels).toEqual(['mqtt'])
    expect(Object.fromEntries(sent.body.attempts.map((a) => [a.channel, a.status]))).toEqual({
      jt808: 'not_reached',
      mqtt: 'sent',
      driver_page: 'not_reached',
    })
  })

  it('county settings: staff read them, an admin changes them, bad values are refused, and the on-time report follows', async () => {
    const defaults = { lateness: { earlyS: 60, lateS: 300 }, missedGraceS: 600, dailyDrivingLimitMin: 480 }
    const read = await call<Settings>('GET', '/api/settings', undefined, operator)
    expect(read.status).toBe(200)
    expect(read.body).toMatchObject({
      ...defaults,
      defaults,
      updatedBy: null,
      limits: { 'lateness.lateS': { min: 30, max: 3600, unit: 's' } },
    })
    expect((await call('PUT', '/api/settings', { lateness: { lateS: 120 } })).status).toBe(403)
    const driver = await server.loginAs('driver', { driverCode: 'AL-D001' })
    expect((await call('GET', '/api/settings', undefined, driver)).status).toBe(403)

    const admin = await server.loginAs('admin')
    const refusals: [unknown, string][] = [
      [{ lateness: { lateS: 10 } }, 'lateness.lateS'],
      [{ lateness: { earlyS: -5 } }, 'lateness.earlyS'],
      [{ lateness: { earlyS: 30.5 } }, 'lateness.earlyS'],
      [{ dailyDrivingLimitMin: 100_000 }, 'dailyDrivingLimitMin'],
      [{ lateness: { lateS: 900 } }, 'missedGraceS'],
      [{}, 'body'],
      [{ lateS: 120 }, 'body'],
    ]
    for (const [body, field] of refusals) {
      const r = await call('PUT', '/api/settings', body, admin)
      expect([r.status, r.body.error?.code, r.body.error?.details?.field], JSON.stringify(body)).toEqual([
        400,
        'VALIDATION_FAILED',
        field,
      ])
    }
    expect((await call('PUT', '/api/settings', { lateness: { earlyS: 'soon' } }, admin)).status).toBe(400)

    // Three departures of one trip on a past day: 90 s early, 100 s and 200 s late.
    const instance = await net.trip('AL-OT', serviceDate('2026-03-02'))
    for (const [i, delayS] of [-90, 100, 200].entries()) {
      await server.app.rb.db.query(
        "INSERT INTO vehicle_event (vehicle_id, ts, type, trip_instance_id, stop_code, data) VALUES ('AL-OTV', to_timestamp($1::float8 / 1000.0), 'departure', $2, NULL, $3::jsonb)",
        [Date.parse('2026-03-02T08:00:00+08:00') + i * 600_000, instance, JSON.stringify({ seq: i, delayS })],
      )
    }
    const onTime = async () =>
      (
        await call<{ lateness: unknown; rows: { routeId: string; onTime: number; early: number; late: number }[] }>(
          'GET',
          '/api/analytics/on-time?from=2026-03-02&to=2026-03-02',
        )
      ).body
    expect(await onTime()).toMatchObject({
      lateness: { earlyS: 60, lateS: 300 },
      rows: [{ routeId: 'AL-R01', onTime: 2, early: 1, late: 0 }],
    })

    const changed = await call<Settings>('PUT', '/api/settings', { lateness: { earlyS: 120, lateS: 150 } }, admin)
    expect(changed.status).toBe(200)
    expect(changed.body).toMatchObject({
      lateness: { earlyS: 120, lateS: 150 },
      missedGraceS: 600,
      dailyDrivingLimitMin: 480,
      updatedBy: 't-admin',
    })
    expect((await call<Settings>('GET', '/api/settings')).body.lateness).toEqual({ earlyS: 120, lateS: 150 })
    expect(await onTime()).toMatchObject({
      lateness: { earlyS: 120, lateS: 150 },
      rows: [{ routeId: 'AL-R01', onTime: 2, early: 0, late: 1 }],
    })
    // The engine judges live delays by the same policy (console, villager page, GTFS-RT).
    expect(server.app.rb.tracking.engine.config).toMatchObject({
      earlyThresholdS: 120,
      lateThresholdS: 150,
      missedGraceS: 600,
    })
    const audit = await server.apiJson<{ items: { action: string; before: Settings; after: Settings }[] }>(
      'GET',
      '/api/audit?action=settings.update',
    )
    expect(audit.body.items[0]).toMatchObject({
      before: { lateness: { lateS: 300 } },
      after: { lateness: { lateS: 150 } },
    })

    expect((await call('PUT', '/api/settings', { lateness: { earlyS: 60, lateS: 300 } }, admin)).status).toBe(200)
    expect(server.app.rb.tracking.engine.config).toMatchObject({ earlyThresholdS: 60, lateThresholdS: 300 })
  })
})

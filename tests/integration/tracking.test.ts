/**
 * A bus driven through a whole trip over MQTT: the engine matches it to its assigned trip, the
 * next-departures endpoint and the stop's socket room show it approaching, and at the end the
 * stored events, the trip board and the vehicle state say what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import {
  serviceDayOf,
  serviceDayStartMs,
  type ServiceDate,
  type StopArrival,
  type TripBoardRow,
  type VehicleStateView,
} from '@rb/domain'
import { topics, type ClientToServerEvents, type ServerToClientEvents, type StopArrivalsUpdate } from '@rb/protocol'
import { startServer, targets, waitFor, type TestServer } from '../support/server.js'

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.44, 28.1]
const STOPS_M = [0, 1000, 2000, 3000]
/** 30 km/h: a kilometre in two minutes. */
const SPEED_MS = 1000 / 120
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]

describe.each(targets())('tracking over MQTT on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  let stopSocket: Socket<ServerToClientEvents, ClientToServerEvents>
  const vehicleId = `TK-V${String(100 + Math.floor(Math.random() * 899))}`
  const stopUpdates: StopArrivalsUpdate[] = []
  // Set once the server runs: the trip left three minutes ago, so the first drive reaches half-way
  // now (its ETAs stand: its last fix is fresh); its last stop is due in three minutes.
  let departureTs = 0
  let date = '' as ServiceDate
  let instanceId = ''
  const codes: string[] = []

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'TK' })
    departureTs = Math.round((Date.now() - 185_000) / 1000) * 1000
    date = serviceDayOf(departureTs)
    instanceId = `TK-R01-T_${date.replaceAll('-', '')}`
    const put = async (path: string, body: unknown, method = 'PUT') => {
      const r = await server.apiJson<{ code?: string }>(method, path, body)
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    await put('/api/operators/OP1', { name: '叙永公交', phone: null })
    await put('/api/townships/TK-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
    for (const m of STOPS_M)
      codes.push(
        (
          await put(
            '/api/stops',
            { name: `站${m}`, nameEn: `Stop ${m}`, townshipId: 'TK-T01', point: at(m), installedOn: '2026-01-01' },
            'POST',
          )
        ).code as string,
      )
    await put('/api/routes/TK-R01', {
      name: '测试线',
      kind: 'regular',
      operatorId: 'OP1',
      geometry: [at(0), at(3000)],
      stopCodes: codes,
    })
    await put('/api/calendars/daily', {
      name: '每天',
      rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
    })
    await put('/api/schedule/trips/TK-R01-T', {
      routeId: 'TK-R01',
      calendarId: 'daily',
      direction: 0,
      headsign: '终点',
      departureS: (departureTs - serviceDayStartMs(date)) / 1000,
      stopOffsetsS: STOPS_M.map((m) => Math.round(m / SPEED_MS)),
      seats: 19,
      bookingPolicy: 'none',
      minRiders: 0,
      bookingCutoffMin: 0,
    })
    await put(`/api/vehicles/${vehicleId}`, {
      plate: '川E·T0001',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    await put('/api/drivers/TK-D001', {
      name: '王建国',
      phone: '13812345678',
      licenceClass: 'A1',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId, driverId: 'TK-D001' })
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `${vehicleId}-dev` })
    // A villager's page listens on its stop's room: no sign-in needed.
    stopSocket = connectSocket(server.baseUrl, { transports: ['websocket'] })
    stopSocket.on('arrivals', (u) => stopUpdates.push(u))
    await new Promise<void>((resolve) => stopSocket.emit('subscribe', [`stop:${codes[2]}`], () => resolve()))
  })

  afterAll(async () => {
    stopSocket?.close()
    await pub?.endAsync()
    await server?.close()
  })

  /**
   * Fixes every 5 s: waiting a minute at the first stop, then 30 km/h along the line (the
   * timetable's pace) — the end of the trip a few minutes ahead of the clock (within MAX_FUTURE_SKEW_S).
   */
  function fixes(fromM: number, toM: number) {
    const out: { ts: number; lat: number; lon: number; speed: number; heading: number }[] = []
    for (let t = departureTs - 60_000; ; t += 5000) {
      const m = t < departureTs ? 0 : Math.min(3000, ((t - departureTs) / 1000) * SPEED_MS)
      if (m >= fromM && m <= toM)
        out.push({ ts: t, lat: at(m)[1], lon: at(m)[0], speed: t < departureTs ? 0 : 30, heading: 0 })
      if (m >= toM || t > Date.now() + 240_000) break
    }
    return out
  }

  const state = async () =>
    (
      await server.apiJson<{ state: VehicleStateView; etas: { stopCode: string; etaTs: number }[] }>(
        'GET',
        `/api/vehicles/${vehicleId}/state`,
      )
    ).body

  it('shows the bus approaching a stop while it drives', async () => {
    for (const f of fixes(0, 1500)) await pub.publishAsync(topics.position(vehicleId), JSON.stringify(f), { qos: 1 })
    const s = await waitFor(async () => {
      const b = await state()
      return b.state.tripInstanceId === instanceId && b.state.nextStop?.seq === 3 ? b : null
    })
    expect(s.state).toMatchObject({ match: 'assigned', driverCode: 'TK-D001', routeId: 'TK-R01', offRoute: false })
    expect(Math.abs(s.state.delayS ?? 999)).toBeLessThanOrEqual(15)
    expect(s.etas.map((e) => e.stopCode)).toEqual(codes.slice(2))

    const res = await fetch(`${server.baseUrl}/api/stops/${codes[2]}/arrivals`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { arrivals: StopArrival[] }
    const mine = body.arrivals.find((a) => a.tripInstanceId === instanceId)
    expect(mine).toMatchObject({
      status: 'on_the_way',
      vehicleId,
      stopsAway: 0,
      driverCode: 'TK-D001',
      routeName: '测试线',
    })
    expect(Math.abs(((mine?.etaTs ?? 0) - (mine?.scheduledTs ?? 0)) / 1000)).toBeLessThan(30)
    // The stop's room got the same departures pushed.
    await waitFor(
      () =>
        stopUpdates.some(
          (u) =>
            u.stopCode === codes[2] &&
            u.arrivals.some((a) => a.tripInstanceId === instanceId && a.vehicleId === vehicleId),
        ),
      60_000,
    )
    expect((await fetch(`${server.baseUrl}/api/stops/TK-9999/arrivals`)).status).toBe(404)
  })

  it('records every stop visit and completes the trip', async () => {
    for (const f of fixes(1500, 3000)) await pub.publishAsync(topics.position(vehicleId), JSON.stringify(f), { qos: 1 })
    // Standing at the terminus a while longer ends the trip.
    const end = departureTs + (3000 / SPEED_MS) * 1000
    for (const dt of [30_000, 61_000, 75_000])
      await pub.publishAsync(
        topics.position(vehicleId),
        JSON.stringify({ ts: end + dt, lat: at(3000)[1], lon: at(3000)[0], speed: 0, heading: 0 }),
        { qos: 1 },
      )

    const row = await waitFor(async () => {
      const board = await server.apiJson<{ items: TripBoardRow[] }>('GET', `/api/trips/today?date=${date}`)
      const r = board.body.items.find((i) => i.instanceId === instanceId)
      return r?.status === 'completed' ? r : null
    })
    expect(row).toMatchObject({ vehicleId, driverCode: 'TK-D001', match: 'assigned' })
    expect(Math.abs(row.delayS ?? 999)).toBeLessThanOrEqual(15)

    const events = await waitFor(async () => {
      const r = await server.apiJson<{ items: { type: string; stopCode: string | null; ts: number }[] }>(
        'GET',
        `/api/events?vehicleId=${vehicleId}&from=${new Date(departureTs - 3600_000).toISOString()}&to=${new Date(departureTs + 3600_000).toISOString()}`,
      )
      return r.body.items.some((e) => e.type === 'trip_end') ? r.body.items : null
    })
    const visits = events
      .filter((e) => e.type === 'arrival' || e.type === 'departure')
      .map((e) => `${e.type[0]}:${codes.indexOf(e.stopCode ?? '') + 1}`)
    expect(visits).toEqual(['a:1', 'd:1', 'a:2', 'd:2', 'a:3', 'd:3', 'a:4'])
    // The depot arrival is the first fix there, a minute before departure.
    expect(events.find((e) => e.type === 'arrival')?.ts).toBe(departureTs - 60_000)
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['trip_start', 'trip_end']))
    expect((await state()).state.status).toBe('off_duty')
    // Nothing went wrong on this trip, so no alert was raised for it.
    const alerts = await server.apiJson<{ items: { type: string; vehicleId: string }[] }>(
      'GET',
      `/api/alerts?vehicleId=${vehicleId}`,
    )
    expect(alerts.body.items).toEqual([])
  })
})

/**
 * The live picture a dispatcher trusts, through the real server over MQTT: a bus first seen
 * mid-route is in progress with its driver and no late start; a bus of another operator is matched
 * to the route it drives within three fixes; a trip nobody ran is missed with one alert, and one of
 * an earlier hour is missed without one — never "late"; a bus parked at its terminus after its
 * trip goes quiet without an offline alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import {
  serviceDayOf,
  serviceDayStartMs,
  type LiveAlert,
  type ServiceDate,
  type TripBoardRow,
  type VehicleStateView,
} from '@rb/domain'
import { topics } from '@rb/protocol'
import { startServer, targets, waitFor, type TestServer } from '../support/server.js'

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.44, 28.1]
const STOPS_M = [0, 1000, 2000, 3000]
/** 30 km/h: a kilometre in two minutes. */
const SPEED_MS = 1000 / 120
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]
const TRIP_S = 3000 / SPEED_MS

describe.each(targets())('the live picture on $name', (target) => {
  let server: TestServer
  let pub: MqttClient
  const suffix = String(100 + Math.floor(Math.random() * 899))
  const V = { mid: `LP-V1${suffix}`, lent: `LP-V2${suffix}`, absent: `LP-V3${suffix}`, parked: `LP-V4${suffix}` }
  // Departures relative to the server's start (its engine judges deadlines from then on).
  let now = 0
  let date = '' as ServiceDate
  let trips: Record<'mid' | 'lent' | 'missed' | 'morning' | 'parked', number>
  const id = (k: keyof typeof trips) => `LP-R01-${k}_${date.replaceAll('-', '')}`
  const codes: string[] = []

  beforeAll(async () => {
    // A short offline limit, so "parked and quiet" is decided within the test.
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'LP',
      OFFLINE_AFTER_S: '10',
      TRACKING_TICK_MS: '200',
      ROSTER_AUTO: 'off',
    })
    now = Math.round(Date.now() / 1000) * 1000
    date = serviceDayOf(now)
    trips = {
      mid: now - 8 * 60_000, // its bus comes on at 2,500 m
      lent: now - 30_000, // run by a bus of the other operator, nobody rostered
      missed: now - 570_000, // rostered bus never shows: missed at +10 min (30 s after set-up began), alert
      morning: now - 4 * 3600_000, // nobody ran it hours ago: missed, no alert
      parked: now - (TRIP_S + 120) * 1000, // its bus ends at the terminus and goes quiet
    }
    const put = async (path: string, body: unknown, method = 'PUT') => {
      const r = await server.apiJson<{ code?: string }>(method, path, body)
      expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).toBeLessThan(300)
      return r.body
    }
    await put('/api/operators/OP1', { name: '叙永公交', phone: null })
    await put('/api/operators/OP2', { name: '永宁客运', phone: null })
    await put('/api/townships/LP-T01', { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
    for (const m of STOPS_M)
      codes.push(
        (
          await put(
            '/api/stops',
            { name: `站${m}`, nameEn: `Stop ${m}`, townshipId: 'LP-T01', point: at(m), installedOn: '2026-01-01' },
            'POST',
          )
        ).code as string,
      )
    await put('/api/routes/LP-R01', {
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
    for (const [k, dep] of Object.entries(trips)) {
      if (serviceDayOf(dep) !== date) continue
      await put(`/api/schedule/trips/LP-R01-${k}`, {
        routeId: 'LP-R01',
        calendarId: 'daily',
        direction: 0,
        headsign: '终点',
        departureS: (dep - serviceDayStartMs(date)) / 1000,
        stopOffsetsS: STOPS_M.map((m) => Math.round(m / SPEED_MS)),
        seats: 19,
        bookingPolicy: 'none',
        minRiders: 0,
        bookingCutoffMin: 0,
      })
    }
    for (const [k, v] of Object.entries(V))
      await put(`/api/vehicles/${v}`, {
        plate: `川E·L${k.length}${v.slice(-4)}`,
        seats: 19,
        operatorId: k === 'lent' ? 'OP2' : 'OP1',
        model: '宇通',
        status: 'active',
      })
    for (const d of ['LP-D001', 'LP-D003', 'LP-D004'])
      await put(`/api/drivers/${d}`, {
        name: `司机${d.slice(-1)}`,
        phone: '13812345678',
        licenceClass: 'A1',
        serviceSince: '2008-05-01',
        pioneer: false,
        status: 'active',
      })
    await put(`/api/trip-instances/${id('mid')}/assignment`, { vehicleId: V.mid, driverId: 'LP-D001' })
    await put(`/api/trip-instances/${id('missed')}/assignment`, { vehicleId: V.absent, driverId: 'LP-D003' })
    await put(`/api/trip-instances/${id('parked')}/assignment`, { vehicleId: V.parked, driverId: 'LP-D004' })
    pub = await mqtt.connectAsync(server.mqttUrl, { clientId: `lp-${suffix}` })
  })

  afterAll(async () => {
    await pub?.endAsync()
    await server?.close()
  })

  const send = (vehicleId: string, ts: number, m: number, speed: number) =>
    pub.publishAsync(
      topics.position(vehicleId),
      JSON.stringify({ ts, lat: at(m)[1], lon: at(m)[0], speed, heading: 0 }),
      { qos: 1 },
    )
  const state = async (v: string) =>
    (await server.apiJson<{ state: VehicleStateView }>('GET', `/api/vehicles/${v}/state`)).body.state
  const board = async () =>
    Object.fromEntries(
      (await server.apiJson<{ items: TripBoardRow[] }>('GET', `/api/trips/today?date=${date}`)).body.items.map((r) => [
        r.instanceId,
        r,
      ]),
    )
  const alerts = async () => (await server.apiJson<{ items: LiveAlert[] }>('GET', '/api/alerts')).body.items

  it('a bus first seen mid-route is in progress with its trip, driver and delay within 3 fixes, and no late start', async () => {
    // At 2,500 m, due 300 s after departure; it is there now, 480 s after: 3 minutes behind.
    for (let i = 0; i < 3; i++) await send(V.mid, now - 10_000 + i * 5000, 2500 + i * 40, 30)
    const s = await waitFor(async () => {
      const st = await state(V.mid)
      return st.tripInstanceId === id('mid') ? st : null
    })
    expect(s).toMatchObject({
      match: 'assigned',
      driverCode: 'LP-D001',
      driverSource: 'roster',
      status: 'on_time',
      punctuality: 'on_time',
    })
    expect(s.delayS).toBeGreaterThan(120)
    expect((await board())[id('mid')]).toMatchObject({ status: 'in_progress', vehicleId: V.mid, driverCode: 'LP-D001' })
    // It has left (first seen beyond the first stop), so no late start can follow; none was raised.
    expect((await board())[id('mid')]?.departedTs).not.toBeNull()
    expect((await alerts()).filter((a) => a.tripInstanceId === id('mid') && a.type === 'late_start')).toEqual([])
  })

  it('a bus of another operator is matched to the route it drives within 3 fixes of leaving the terminus', async () => {
    await send(V.lent, now - 20_000, 0, 0)
    for (let i = 0; i < 3; i++) await send(V.lent, now - 10_000 + i * 5000, 40 + i * 42, 30)
    const s = await waitFor(async () => {
      const st = await state(V.lent)
      return st.tripInstanceId ? st : null
    })
    expect(s).toMatchObject({ tripInstanceId: id('lent'), match: 'inferred', routeId: 'LP-R01' })
  })

  it(
    'trips nobody ran are missed — one alert while it is news, none for an earlier hour — never late',
    { timeout: 180_000 },
    async () => {
      await waitFor(
        async () => (await alerts()).some((a) => a.type === 'trip_missed' && a.tripInstanceId === id('missed')),
        120_000,
      )
      const rows = await board()
      expect(rows[id('missed')]).toMatchObject({ status: 'missed', vehicleId: V.absent })
      if (rows[id('morning')]) expect(rows[id('morning')]?.status).toBe('missed')
      expect(Object.values(rows).map((r) => r.status)).not.toContain('late')
      const missed = (await alerts()).filter((a) => a.type === 'trip_missed')
      expect(missed.map((a) => a.tripInstanceId)).toEqual([id('missed')])
      expect(missed[0]).toMatchObject({ status: 'open', state: 'active' })
    },
  )

  it('a bus parked at its terminus after the trip goes quiet without an offline alert', async () => {
    const dep = trips.parked
    for (let t = dep - 30_000; t <= dep + TRIP_S * 1000 + 20_000; t += 15_000) {
      const m = Math.max(0, Math.min(3000, ((t - dep) / 1000) * SPEED_MS))
      await send(V.parked, t, m, m > 0 && m < 3000 ? 30 : 0)
    }
    const row = await waitFor(
      async () => ((await board())[id('parked')]?.status === 'completed' ? (await board())[id('parked')] : null),
      60_000,
    )
    expect(row).toMatchObject({ vehicleId: V.parked, driverCode: 'LP-D004' })
    // Silent longer than OFFLINE_AFTER_S: the engine has noticed (online false), and said nothing.
    const s = await waitFor(async () => {
      const st = await state(V.parked)
      return st.online === false ? st : null
    })
    expect(['layover', 'off_duty']).toContain(s.status)
    expect((await alerts()).filter((a) => a.vehicleId === V.parked).map((a) => `${a.type}: ${a.message}`)).toEqual([])
  })
})

/**
 * A small line of our own inside the demo county for end-to-end tests: four stop signs on a
 * straight 3 km road, a trip that left ten minutes ago (driven over MQTT by the test) and a
 * bookable trip later today, with a vehicle and a driver assigned.
 */
import mqtt from 'mqtt'
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import { topics } from '@rb/protocol'
import type { TestServer } from '../../support/server.js'

const M_PER_DEG_LAT = 111_195
const ORIGIN: [number, number] = [105.5, 28.05]
const STOPS_M = [0, 1000, 2000, 3000]
/** 30 km/h: a kilometre in two minutes. */
const SPEED_MS = 1000 / 120
const at = (m: number, eastM = 0): [number, number] => [
  ORIGIN[0] + eastM / (M_PER_DEG_LAT * Math.cos((ORIGIN[1] * Math.PI) / 180)),
  ORIGIN[1] + m / M_PER_DEG_LAT,
]

export interface TestLine {
  vehicleId: string
  driverId: string
  driverName: string
  stopCodes: string[]
  /** Left ten minutes ago. */
  runningTrip: string
  /** Departs in three hours; optional booking, 19 seats. */
  bookableTrip: string
  departureTs: number
}

export async function makeTestLine(server: TestServer): Promise<TestLine> {
  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  const departureTs = Math.round((Date.now() - 600_000) / 1000) * 1000
  const date = serviceDayOf(departureTs)
  const day0 = serviceDayStartMs(date)
  const vehicleId = 'XY-V901'
  const driverId = 'XY-D901'
  await put('/api/operators/E2E', { name: '测试客运', phone: null })
  await put('/api/townships/E2E-T', { name: '测试镇', nameEn: 'Test town', center: ORIGIN })
  const stopCodes: string[] = []
  for (const m of STOPS_M)
    stopCodes.push(
      (
        await put(
          '/api/stops',
          {
            name: `测试站${m / 1000}`,
            nameEn: `Test ${m}`,
            townshipId: 'E2E-T',
            point: at(m),
            installedOn: '2026-01-01',
          },
          'POST',
        )
      ).code as string,
    )
  await put('/api/routes/E2E-R01', {
    name: '测试线',
    kind: 'medical',
    operatorId: 'E2E',
    geometry: [at(0), at(3000)],
    stopCodes,
    color: '#8250df',
  })
  await put('/api/calendars/e2e-daily', {
    name: '每天',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  })
  const trip = (departureS: number, bookingPolicy: string) => ({
    routeId: 'E2E-R01',
    calendarId: 'e2e-daily',
    direction: 0,
    headsign: '测试终点',
    departureS,
    stopOffsetsS: STOPS_M.map((m) => Math.round(m / SPEED_MS)),
    seats: 19,
    bookingPolicy,
    minRiders: 0,
    bookingCutoffMin: 0,
  })
  const depS = (departureTs - day0) / 1000
  await put('/api/schedule/trips/E2E-T1', trip(depS, 'none'))
  await put('/api/schedule/trips/E2E-T2', trip(Math.min(86_000 - 600, depS + 3 * 3600), 'optional'))
  await put(`/api/vehicles/${vehicleId}`, {
    plate: '川E·E2E01',
    seats: 19,
    operatorId: 'E2E',
    model: '宇通',
    status: 'active',
  })
  await put(`/api/drivers/${driverId}`, {
    name: '李先锋',
    phone: '13800000901',
    licenceClass: 'A1',
    serviceSince: '2010-05-01',
    pioneer: true,
    status: 'active',
  })
  const ymd = date.replaceAll('-', '')
  const runningTrip = `E2E-T1_${ymd}`
  await put(`/api/trip-instances/${runningTrip}/assignment`, { vehicleId, driverId })
  return {
    vehicleId,
    driverId,
    driverName: '李先锋',
    stopCodes,
    runningTrip,
    bookableTrip: `E2E-T2_${ymd}`,
    departureTs,
  }
}

/**
 * Drives the running trip's bus over MQTT: a minute at the first stop, then on the line to 1 km,
 * then `offRouteS` seconds 400 m beside the road (an off-route detour), fixes every 5 s.
 */
export async function driveOffRoute(server: TestServer, line: TestLine, offRouteS = 90): Promise<void> {
  const client = await mqtt.connectAsync(server.mqttUrl, { clientId: `${line.vehicleId}-e2e` })
  try {
    let t = line.departureTs - 60_000
    const send = async (p: [number, number], speed: number): Promise<void> => {
      await client.publishAsync(
        topics.position(line.vehicleId),
        JSON.stringify({ ts: t, lat: p[1], lon: p[0], speed, heading: 0 }),
        { qos: 1 },
      )
      t += 5000
    }
    while (t < line.departureTs) await send(at(0), 0)
    for (let m = 0; m <= 1000; m = ((t - line.departureTs) / 1000) * SPEED_MS) await send(at(m), 30)
    const until = t + offRouteS * 1000
    while (t <= until) await send(at(1000 + ((t - until + offRouteS * 1000) / 1000) * SPEED_MS * 0.3, 400), 25)
  } finally {
    await client.endAsync()
  }
}

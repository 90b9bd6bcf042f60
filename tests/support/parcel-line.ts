/**
 * A small parcel network for the parcel tests: a depot, a township station (综合运输服务站) and
 * two village post stations (村邮站) on two short routes, daily trips, a bus and a driver, and the
 * keeper accounts of the post points. Built through the HTTP API like an operator would.
 */
import { serviceDayOf, serviceDayStartMs } from '@rb/domain'
import type { RoleSession, TestServer } from './server.js'

const M_PER_DEG_LAT = 111_195
export const ORIGIN: [number, number] = [105.6, 28.3]
export const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / M_PER_DEG_LAT]
/** Along route 1: depot, station, village. */
export const R1_M = [0, 1000, 1400]

export interface ParcelLine {
  prefix: string
  /** Stop codes: depot, township station, village on route 1, village on route 2. */
  depot: string
  station: string
  village: string
  village2: string
  vehicleId: string
  driverId: string
  keeperStation: RoleSession
  keeperVillage: RoleSession
  keeperVillage2: RoleSession
  driver: RoleSession
  /** Saves a daily trip on route 1 with these offsets, leaving the depot at `departureTs`; returns its instance id. */
  trip1(id: string, departureTs: number, offsetsS: number[]): Promise<string>
  /** Daily trips on route 2 (station → village 2) at these local times; returns the trip ids. */
  route2Trips: string[]
}

export async function makeParcelLine(server: TestServer, prefix: string, vehicleId: string): Promise<ParcelLine> {
  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  await put('/api/operators/OP1', { name: '叙永公交', phone: null })
  await put(`/api/townships/${prefix}-T01`, { name: '江门镇', nameEn: 'Jiangmen', center: ORIGIN })
  const stop = async (name: string, m: number, eastM = 0): Promise<string> =>
    (
      await put(
        '/api/stops',
        {
          name,
          nameEn: name,
          townshipId: `${prefix}-T01`,
          point: [at(m)[0] + eastM / 98_000, at(m)[1]],
          installedOn: '2026-01-01',
        },
        'POST',
      )
    ).code as string
  const depot = await stop('车队', R1_M[0] as number)
  const station = await stop('江门场镇', R1_M[1] as number)
  const village = await stop('石坝村委会', R1_M[2] as number)
  const village2 = await stop('龙湾村委会', 1000, 800)
  await put(`/api/routes/${prefix}-R1`, {
    name: '场镇—石坝',
    kind: 'regular',
    operatorId: 'OP1',
    geometry: [at(0), at(1400)],
    stopCodes: [depot, station, village],
  })
  await put(`/api/routes/${prefix}-R2`, {
    name: '场镇—龙湾',
    kind: 'regular',
    operatorId: 'OP1',
    geometry: [at(1000), [at(1000)[0] + 800 / 98_000, at(1000)[1]]],
    stopCodes: [station, village2],
  })
  await put('/api/calendars/daily', {
    name: '每天',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  })
  await put(`/api/vehicles/${vehicleId}`, {
    plate: '川E·P0001',
    seats: 19,
    operatorId: 'OP1',
    model: '宇通',
    status: 'active',
  })
  const driverId = `${prefix}-D001`
  await put(`/api/drivers/${driverId}`, {
    name: '王建国',
    phone: '13812345678',
    licenceClass: 'A1',
    serviceSince: '2008-05-01',
    pioneer: true,
    status: 'active',
  })
  const route2Trips: string[] = []
  for (const [i, hour] of [6, 7, 8].entries()) {
    const id = `${prefix}-R2-${hour}`
    await put(`/api/schedule/trips/${id}`, {
      routeId: `${prefix}-R2`,
      calendarId: 'daily',
      direction: 0,
      headsign: '龙湾',
      departureS: hour * 3600 + i * 60,
      stopOffsetsS: [0, 300],
      seats: 19,
      bookingPolicy: 'none',
      minRiders: 0,
      bookingCutoffMin: 0,
    })
    route2Trips.push(id)
  }
  const keeper = async (
    username: string,
    code: string,
    kind: 'station' | 'village',
    name: string,
    phone: string,
  ): Promise<RoleSession> => {
    const s = await server.loginAs('station', { username })
    await put(`/api/post-points/${code}`, { kind, name, phone, hours: '07:00-20:00', holdDays: 3, keepers: [username] })
    return s
  }
  return {
    prefix,
    depot,
    station,
    village,
    village2,
    vehicleId,
    driverId,
    route2Trips,
    keeperStation: await keeper(
      `${prefix.toLowerCase()}-jm`,
      station,
      'station',
      '江门镇综合运输服务站',
      '08306277772',
    ),
    keeperVillage: await keeper(`${prefix.toLowerCase()}-sb`, village, 'village', '石坝村邮站', '13900000001'),
    keeperVillage2: await keeper(`${prefix.toLowerCase()}-lw`, village2, 'village', '龙湾村邮站', '13900000002'),
    driver: await server.loginAs('driver', { username: `${prefix.toLowerCase()}-driver`, driverCode: driverId }),
    async trip1(id, departureTs, offsetsS) {
      const date = serviceDayOf(departureTs)
      await put(`/api/schedule/trips/${id}`, {
        routeId: `${prefix}-R1`,
        calendarId: 'daily',
        direction: 0,
        headsign: '石坝',
        departureS: Math.round((departureTs - serviceDayStartMs(date)) / 1000),
        stopOffsetsS: offsetsS,
        seats: 19,
        bookingPolicy: 'none',
        minRiders: 0,
        bookingCutoffMin: 0,
      })
      return `${id}_${date.replaceAll('-', '')}`
    },
  }
}

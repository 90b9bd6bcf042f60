/**
 * A small student-bus network for the student-bus tests: one student route of three pick-up stops
 * and a school gate 500 m apart, one morning trip leaving at `departureTs`, a bus and its driver
 * assigned, and the school (`<prefix>-SCH01`) served by the route. Built through the HTTP API.
 */
import { addDays, serviceDayOf, serviceDayStartMs, type ServiceDate } from '@rb/domain'
import type { RoleSession, TestServer } from './server.js'

const M_PER_DEG_LAT = 111_195
export const STUDENT_STOPS_M = [0, 500, 1000, 1500]
/** Ten seconds at each stop, then 10 m/s. */
export const STUDENT_OFFSETS_S = [0, 60, 120, 180]
export const ROSTER_HEADER =
  '学号,姓名,班级,线路,早上车站,早下车站,午上车站,午下车站,乘车日,监护人1,电话1,短信1,监护人2,电话2,短信2'

export interface StudentNetwork {
  prefix: string
  /** Stop codes: three pick-up stops, then the school gate. */
  codes: string[]
  routeId: string
  schoolId: string
  instanceId: string
  date: ServiceDate
  at(m: number): [number, number]
  /** One roster row: the pupil boards at `stop` (0–2) in the morning and gets off there in the afternoon. */
  row(no: string, name: string, stop: number, phone: string, extra?: string): string
  /** POSTs a CSV roster as `session` (a school account): `{ status, body }`. */
  importCsv<T = unknown>(session: RoleSession, csv: string): Promise<{ status: number; body: T }>
}

export async function studentNetwork(
  server: Pick<TestServer, 'apiJson' | 'baseUrl'>,
  o: { prefix: string; origin: [number, number]; departureTs: number; vehicleId: string; driverCode: string },
): Promise<StudentNetwork> {
  const { prefix } = o
  const at = (m: number): [number, number] => [o.origin[0], o.origin[1] + m / M_PER_DEG_LAT]
  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  const date = serviceDayOf(o.departureTs)
  const routeId = `${prefix}-R01`
  const schoolId = `${prefix}-SCH01`
  await put('/api/operators/OP1', { name: '叙永公交', phone: null })
  await put(`/api/townships/${prefix}-T01`, { name: '水尾镇', nameEn: 'Shuiwei', center: o.origin })
  const codes: string[] = []
  for (const [i, name] of ['石坝村', '龙井村', '高坪村', '水尾镇中心小学'].entries())
    codes.push(
      (
        await put(
          '/api/stops',
          {
            name,
            nameEn: name,
            townshipId: `${prefix}-T01`,
            point: at(STUDENT_STOPS_M[i] as number),
            installedOn: '2026-01-01',
          },
          'POST',
        )
      ).code as string,
    )
  await put(`/api/routes/${routeId}`, {
    name: '石坝—水尾小学 学生车',
    kind: 'student',
    operatorId: 'OP1',
    geometry: [at(0), at(1500)],
    stopCodes: codes,
  })
  await put('/api/calendars/daily', {
    name: '每天',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  })
  await put(`/api/schedule/trips/${routeId}-AM`, {
    routeId,
    calendarId: 'daily',
    direction: 0,
    headsign: '水尾镇中心小学',
    departureS: Math.round((o.departureTs - serviceDayStartMs(date)) / 1000),
    stopOffsetsS: STUDENT_OFFSETS_S,
    seats: 24,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 0,
  })
  const instanceId = `${routeId}-AM_${date.replaceAll('-', '')}`
  await put(`/api/vehicles/${o.vehicleId}`, {
    plate: '川E·S0001',
    seats: 24,
    operatorId: 'OP1',
    model: '宇通',
    status: 'active',
  })
  await put(`/api/drivers/${o.driverCode}`, {
    name: '王建国',
    phone: '13812345678',
    licenceClass: 'A1',
    serviceSince: '2008-05-01',
    pioneer: true,
    status: 'active',
  })
  await put(`/api/trip-instances/${instanceId}/assignment`, { vehicleId: o.vehicleId, driverId: o.driverCode })
  await put(`/api/schools/${schoolId}`, {
    name: '水尾镇中心小学',
    stopCode: codes[3],
    classesStart: '08:20',
    termStart: addDays(date, -30),
    termEnd: addDays(date, 60),
    routes: [{ routeId, toSchoolDirection: 0 }],
  })
  return {
    prefix,
    codes,
    routeId,
    schoolId,
    instanceId,
    date,
    at,
    row: (no, name, stop, phone, extra = '') =>
      `${no},${name},三年级1班,${routeId},${codes[stop]},${codes[3]},${codes[3]},${codes[stop]},每天,${name.slice(0, 1)}建国,${phone},是${extra}`,
    async importCsv(session, csv) {
      const res = await fetch(`${server.baseUrl}/api/schools/${schoolId}/roster`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie: session.cookie },
        body: csv,
      })
      return { status: res.status, body: (await res.json()) as never }
    },
  }
}

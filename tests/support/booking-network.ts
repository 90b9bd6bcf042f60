/** A small network for the booking tests and bench: one route of five stops, a daily calendar, trips made to order. */
import { randomBytes } from 'node:crypto'
import { serviceDayOf, type ServiceDate } from '@rb/domain'
import type { RoleSession, TestServer } from './server.js'

export const DAY_MS = 86_400_000
const ORIGIN: [number, number] = [105.44, 28.1]
const at = (m: number): [number, number] => [ORIGIN[0], ORIGIN[1] + m / 111_195]

export interface BookingNetwork {
  prefix: string
  /** Stop codes in the order of travel. */
  stops: string[]
  /** Saves a trip on the route (daily, 08:00, 10 minutes between stops) and returns its instance id on `date`. */
  trip(id: string, date: ServiceDate, over?: Record<string, unknown>): Promise<string>
  /** A calendar that runs on `date` only; returns its id. */
  onlyOn(date: ServiceDate): Promise<string>
}

/** The service day `days` from now (Asia/Shanghai). */
export const dayFromNow = (days: number): ServiceDate => serviceDayOf(Date.now() + days * DAY_MS)

/** Builds it through the HTTP API as an operator or admin (`apiJson` of a test server, or any signed-in client). */
export async function bookingNetwork(server: Pick<TestServer, 'apiJson'>, prefix: string): Promise<BookingNetwork> {
  const put = async (path: string, body: unknown, method = 'PUT'): Promise<{ code?: string }> => {
    const r = await server.apiJson<{ code?: string }>(method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  await put('/api/operators/OP1', { name: '叙永公交', phone: null })
  await put(`/api/townships/${prefix}-T01`, { name: '叙永镇', nameEn: 'Xuyong', center: ORIGIN })
  const names = ['场镇', '石坝村', '中学', '水尾村', '卫生院']
  const stops: string[] = []
  for (const [i, name] of names.entries()) {
    stops.push(
      (
        await put(
          '/api/stops',
          { name, nameEn: name, townshipId: `${prefix}-T01`, point: at(i * 1000), installedOn: '2026-01-01' },
          'POST',
        )
      ).code as string,
    )
  }
  await put(`/api/routes/${prefix}-R01`, {
    name: '场镇—卫生院',
    kind: 'medical',
    operatorId: 'OP1',
    geometry: [at(0), at(4000)],
    stopCodes: stops,
  })
  await put('/api/calendars/daily', {
    name: '每天',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  })
  return {
    prefix,
    stops,
    async trip(id, date, over = {}) {
      await put(`/api/schedule/trips/${id}`, {
        routeId: `${prefix}-R01`,
        calendarId: 'daily',
        direction: 0,
        headsign: '卫生院',
        departureS: 8 * 3600,
        stopOffsetsS: [0, 600, 1200, 1800, 2400],
        seats: 30,
        bookingPolicy: 'optional',
        minRiders: 0,
        bookingCutoffMin: 60,
        ...over,
      })
      return `${id}_${date.replaceAll('-', '')}`
    },
    async onlyOn(date) {
      const id = `on-${date.replaceAll('-', '')}`
      await put(`/api/calendars/${id}`, {
        name: date,
        rules: { rule: { kind: 'dateRange', start: date, end: date }, added: [], removed: [] },
      })
      return id
    },
  }
}

/**
 * A one-seat booking on `trip` taken by `staff` (a dispatcher: the phone channel), then marked on the
 * manifest as `status` (boarded or no-show) unless null. Throws when either step is refused.
 */
export async function bookedRide(
  server: Pick<TestServer, 'apiJson'>,
  staff: RoleSession,
  trip: string,
  ride: { boardStop: string; alightStop: string; name: string; phone: string; status: 'boarded' | 'no_show' | null },
): Promise<{ code: string; phone: string }> {
  const b = await server.apiJson<{ code: string }>(
    'POST',
    `/api/trip-instances/${trip}/bookings`,
    {
      boardStop: ride.boardStop,
      alightStop: ride.alightStop,
      seats: 1,
      name: ride.name,
      phone: ride.phone,
      idempotencyKey: `k-${randomBytes(8).toString('hex')}`,
    },
    staff,
  )
  if (b.status !== 201) throw new Error(`booking on ${trip}: ${b.status} ${JSON.stringify(b.body)}`)
  if (ride.status) {
    const marked = await server.apiJson(
      'POST',
      `/api/trip-instances/${trip}/manifest`,
      { code: b.body.code, status: ride.status },
      staff,
    )
    if (marked.status !== 200) throw new Error(`marking ${b.body.code} ${ride.status}: ${marked.status}`)
  }
  return { code: b.body.code, phone: ride.phone }
}

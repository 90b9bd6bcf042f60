/**
 * The reports behind the console's Reports view, through the real server: known events,
 * bookings, positions and tickets go into the database, and every figure comes back exactly —
 * day bounds in Asia/Shanghai, the −1/+5 min on-time window's edges, a run that starts before its
 * service day's midnight, a pair of fixes straddling midnight, an even count's median — as JSON
 * and as CSV (BOM, header, quoting, file name). Access and range checks too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '@rb/db'
import { startServer, targets, type RoleSession, type TestServer } from '../support/server.js'

const at = (local: string): number => Date.parse(`${local}+08:00`)
const T = (p: number): string => `to_timestamp($${p}::float8 / 1000.0)`
const R = 6_371_008.8
const rad = (d: number): number => (d * Math.PI) / 180
/** Distance by the spherical law of cosines: a different formula from the server's haversine. */
const cosineLaw = (a: [number, number], b: [number, number]): number =>
  R *
  Math.acos(
    Math.sin(rad(a[1])) * Math.sin(rad(b[1])) + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.cos(rad(b[0] - a[0])),
  )

async function seed(db: Db): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params)
  await q(`INSERT INTO operator (id, name) VALUES ('OPA', '叙永公交')`)
  await q(`INSERT INTO township (id, name, lng, lat) VALUES ('TA', '叙永镇', 105.44, 28.1)`)
  for (const c of ['A-0001', 'A-0002', 'A-0003'])
    await q(`INSERT INTO stop (code, name, township_id, lng, lat) VALUES ($1, '石坝村', 'TA', 105.44, 28.1)`, [c])
  await q(
    `INSERT INTO route (id, name, kind, operator_id, geometry, length_m) VALUES ('R1', '赶场1路', 'market', 'OPA', '[]', 1000), ('R2', '学生专线,"早班"', 'student', 'OPA', '[]', 1000)`,
  )
  await q(`INSERT INTO calendar (id, name, rules) VALUES ('daily', '每天', '{}')`)
  await q(
    `INSERT INTO trip (id, route_id, calendar_id, direction, departure_s, stop_offsets_s, seats) VALUES ('T1', 'R1', 'daily', 0, 28800, '{0,600}', 19), ('T2', 'R2', 'daily', 0, 28800, '{0,600}', 19)`,
  )
  await q(`INSERT INTO vehicle (id, plate, seats, operator_id) VALUES ('V1', '川E·12345', 19, 'OPA')`)
  await q(
    `INSERT INTO driver (id, name, phone, licence_class, service_since) VALUES ('XY-D999', '李师傅', '13900000000', 'B1', '2020-01-01')`,
  )

  // ── vehicle events ──
  let n = 0
  const ev = async (
    vehicle: string,
    ts: number,
    type: string,
    instance: string,
    data: Record<string, unknown>,
  ): Promise<void> => {
    n++
    await q(
      `INSERT INTO vehicle_event (vehicle_id, ts, type, trip_instance_id, stop_code, data) VALUES ($1, ${T(2)}, $3, $4, NULL, $5::jsonb)`,
      [vehicle, ts + n, type, instance, JSON.stringify(data)],
    )
  }
  const dep = (vehicle: string, ts: number, instance: string, delayS: number, passed = false) =>
    ev(vehicle, ts, 'departure', instance, { seq: 1, delayS, passedWithoutStopping: passed, scheduledTs: ts })
  // T1 on 2 March: −60 and +300 are on time (the edges), −61 early, +301 late.
  await ev('V1', at('2026-03-02T07:55:00'), 'trip_start', 'T1_20260302', {})
  for (const d of [-60, 0, 300, 301, -61]) await dep('V1', at('2026-03-02T08:10:00'), 'T1_20260302', d)
  await ev('V1', at('2026-03-02T09:00:00'), 'trip_end', 'T1_20260302', { reason: 'completed' })
  // T1 on 3 March starts before midnight: it still counts for 3 March. It is abandoned, not completed.
  await ev('V1', at('2026-03-02T23:50:00'), 'trip_start', 'T1_20260303', {})
  for (const d of [120, 240]) await dep('V1', at('2026-03-03T08:10:00'), 'T1_20260303', d)
  await ev('V1', at('2026-03-03T09:00:00'), 'trip_end', 'T1_20260303', { reason: 'abandoned' })
  // T2 on 2 March: a stop passed without stopping, 10 min late; a departure without a delay is not counted.
  await ev('V2', at('2026-03-02T07:55:00'), 'trip_start', 'T2_20260302', {})
  await dep('V2', at('2026-03-02T08:10:00'), 'T2_20260302', 600, true)
  await ev('V2', at('2026-03-02T08:20:00'), 'departure', 'T2_20260302', { seq: 2 })
  await ev('V2', at('2026-03-02T09:00:00'), 'trip_end', 'T2_20260302', { reason: 'completed' })
  // Outside the range: 1 March's instance (though its event falls on 2 March), and 4 March's.
  await dep('V1', at('2026-03-02T00:30:00'), 'T1_20260301', 0)
  await dep('V1', at('2026-03-04T08:10:00'), 'T1_20260304', 0)

  // ── bookings ──
  for (const id of ['T1_20260302', 'T2_20260302', 'T1_20260301'])
    await q(`INSERT INTO booking_trip (trip_instance_id) VALUES ($1)`, [id])
  let b = 0
  const book = async (instance: string, seats: number, status: string): Promise<void> => {
    b++
    await q(
      `INSERT INTO booking (code, trip_instance_id, board_stop, alight_stop, board_seq, alight_seq, seats, passenger_name, phone, status, channel, idempotency_key, created_at, updated_at)
       VALUES ($1, $2, 'A-0001', 'A-0002', 0, 1, $3, '王', '13800000000', $4, 'web', $1, now(), now())`,
      [`BK${b}`, instance, seats, status],
    )
  }
  for (const [seats, status] of [
    [2, 'boarded'],
    [1, 'boarded'],
    [3, 'no_show'],
    [2, 'cancelled'],
    [1, 'confirmed'],
    [1, 'waitlisted'],
  ] as const)
    await book('T1_20260302', seats, status)
  await book('T2_20260302', 4, 'boarded')
  await book('T1_20260301', 5, 'boarded')

  // ── positions ──
  const fix = (vehicle: string, ts: number, lng: number, lat: number) =>
    q(`INSERT INTO position (vehicle_id, ts, lng, lat, speed_kmh, heading_deg) VALUES ($1, ${T(2)}, $3, $4, 30, 0)`, [
      vehicle,
      ts,
      lng,
      lat,
    ])
  await fix('V1', at('2026-03-01T23:59:00'), 105.44, 27.0) // the day before: not counted, nor its jump to the next fix
  await fix('V1', at('2026-03-02T08:00:00'), 105.44, 28.1)
  await fix('V1', at('2026-03-02T08:01:00'), 105.44, 28.11)
  await fix('V1', at('2026-03-02T08:02:00'), 105.44, 28.12)
  await fix('V1', at('2026-03-02T23:59:59'), 105.44, 28.13)
  await fix('V1', at('2026-03-03T00:00:01'), 105.44, 28.5) // straddles midnight with the previous one: counts for neither day
  await fix('V2', at('2026-03-03T10:00:00'), 105.4, 28.1)
  await fix('V2', at('2026-03-03T10:05:00'), 105.45, 28.1)
  await fix('V2', at('2026-03-04T00:00:00'), 106.0, 28.1) // 4 March: outside

  // ── repair tickets ──
  let k = 0
  const ticket = async (
    kind: string,
    category: string,
    status: string,
    opened: number,
    closed: number | null,
  ): Promise<void> => {
    k++
    await q(
      `INSERT INTO repair_ticket (kind, category, dedupe_key, stop_code, lng, lat, status, report_count, opened_at, updated_at, closed_at)
       VALUES ($1, $2, $3, 'A-0003', 105.44, 28.1, $4, 1, ${T(5)}, ${T(5)}, ${closed === null ? 'NULL' : T(6)})`,
      closed === null
        ? [kind, category, `key-${k}`, status, opened]
        : [kind, category, `key-${k}`, status, opened, closed],
    )
  }
  await ticket('sign', 'faded', 'fixed', at('2026-03-01T10:00:00'), at('2026-03-02T10:00:00')) // 24 h
  await ticket('sign', 'faded', 'fixed', at('2026-03-02T08:00:00'), at('2026-03-02T10:00:00')) // 2 h
  await ticket('sign', 'faded', 'fixed', at('2026-03-01T00:00:00'), at('2026-03-03T12:00:00')) // 60 h
  await ticket('sign', 'missing', 'fixed', at('2026-03-03T20:30:00'), at('2026-03-03T23:00:00')) // 2.5 h
  await ticket('sign', 'missing', 'fixed', at('2026-03-03T10:00:00'), at('2026-03-03T13:30:00')) // 3.5 h
  await ticket('road', 'landslide', 'fixed', at('2026-03-01T10:00:00'), at('2026-03-01T23:59:59')) // before the range
  await ticket('road', 'landslide', 'fixed', at('2026-03-03T10:00:00'), at('2026-03-04T00:00:00')) // after it (the end is exclusive)
  await ticket('sign', 'faded', 'rejected', at('2026-03-02T08:00:00'), at('2026-03-02T09:00:00'))
  await ticket('sign', 'bent', 'open', at('2026-03-02T08:00:00'), null)
}

describe.each(targets())('reports API ($name)', ({ env }) => {
  let server: TestServer
  let dispatcher: RoleSession
  const RANGE = 'from=2026-03-02&to=2026-03-03'
  const get = async (path: string, as?: RoleSession): Promise<Response> =>
    fetch(`${server.baseUrl}${path}`, { headers: as ? as.headers : {} })
  const json = async <T>(path: string): Promise<T> => {
    const res = await get(path, dispatcher)
    expect(res.status, await res.clone().text()).toBe(200)
    return (await res.json()) as T
  }

  beforeAll(async () => {
    server = await startServer(env)
    await seed(server.app.rb.db)
    dispatcher = await server.loginAs('dispatcher')
  })
  afterAll(async () => server?.close())

  it('on-time performance by route and day: the −1/+5 min window, mean delay, trips started and completed', async () => {
    const body = await json<{ from: string; to: string; rows: unknown[] }>(`/api/analytics/on-time?${RANGE}`)
    expect(body.from).toBe('2026-03-02')
    expect(body.to).toBe('2026-03-03')
    expect(body.rows).toEqual([
      {
        day: '2026-03-02',
        routeId: 'R1',
        routeName: '赶场1路',
        departures: 5,
        onTime: 3,
        early: 1,
        late: 1,
        onTimeShare: 0.6,
        meanDelayS: 96,
        tripsStarted: 1,
        tripsCompleted: 1,
      },
      {
        day: '2026-03-02',
        routeId: 'R2',
        routeName: '学生专线,"早班"',
        departures: 1,
        onTime: 0,
        early: 0,
        late: 1,
        onTimeShare: 0,
        meanDelayS: 600,
        tripsStarted: 1,
        tripsCompleted: 1,
      },
      {
        day: '2026-03-03',
        routeId: 'R1',
        routeName: '赶场1路',
        departures: 2,
        onTime: 2,
        early: 0,
        late: 0,
        onTimeShare: 1,
        meanDelayS: 180,
        tripsStarted: 1,
        tripsCompleted: 0,
      },
    ])
  })

  it('on-time as CSV: BOM, header row, CRLF, quoted name, file name', async () => {
    const res = await get(`/api/analytics/on-time?${RANGE}&format=csv`, dispatcher)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="on-time_2026-03-02_2026-03-03.csv"')
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe(
      '\uFEFFdate,route_id,route_name,departures,on_time,early,late,on_time_share,mean_delay_s,trips_started,trips_completed\r\n' +
        '2026-03-02,R1,赶场1路,5,3,1,1,0.6,96,1,1\r\n' +
        '2026-03-02,R2,"学生专线,""早班""",1,0,0,1,0,600,1,1\r\n' +
        '2026-03-03,R1,赶场1路,2,2,0,0,1,180,1,0\r\n',
    )
  })

  it('ridership and no-shows by service kind and day (seats; cancelled and waitlisted apart)', async () => {
    const body = await json<{ rows: unknown[] }>(`/api/analytics/ridership?${RANGE}`)
    expect(body.rows).toEqual([
      {
        day: '2026-03-02',
        kind: 'market',
        bookings: 5,
        seatsBooked: 7,
        seatsBoarded: 3,
        seatsNoShow: 3,
        seatsCancelled: 2,
        seatsOpen: 1,
        noShowRate: 0.5,
      },
      {
        day: '2026-03-02',
        kind: 'student',
        bookings: 1,
        seatsBooked: 4,
        seatsBoarded: 4,
        seatsNoShow: 0,
        seatsCancelled: 0,
        seatsOpen: 0,
        noShowRate: 0,
      },
    ])
    const csv = await (await get(`/api/analytics/ridership?${RANGE}&format=csv`, dispatcher)).text()
    expect(csv.split('\r\n')).toEqual([
      'date,kind,bookings,seats_booked,seats_boarded,seats_no_show,seats_open,seats_cancelled,no_show_rate',
      '2026-03-02,market,5,7,3,3,1,2,0.5',
      '2026-03-02,student,1,4,4,0,0,0,0',
      '',
    ])
  })

  it('kilometres per vehicle and day: haversine between consecutive fixes, nothing across midnight', async () => {
    const body = await json<{ rows: unknown[] }>(`/api/analytics/kilometres?${RANGE}`)
    // Along a meridian the distance is R·Δφ: three steps of 0.01°.
    const v1 = Math.round(R * rad(0.03)) / 1000
    const v2 = Math.round(cosineLaw([105.4, 28.1], [105.45, 28.1])) / 1000
    expect(v1).toBe(3.336)
    expect(body.rows).toEqual([
      { day: '2026-03-02', vehicleId: 'V1', plate: '川E·12345', km: v1, points: 4 },
      { day: '2026-03-03', vehicleId: 'V1', plate: '川E·12345', km: 0, points: 1 },
      { day: '2026-03-03', vehicleId: 'V2', plate: null, km: v2, points: 2 },
    ])
    expect(v2).toBeCloseTo(4.904, 3)
    const csv = await (await get(`/api/analytics/kilometres?${RANGE}&format=csv`, dispatcher)).text()
    expect(csv.split('\r\n')).toEqual([
      'date,vehicle_id,plate,km,points',
      `2026-03-02,V1,川E·12345,${v1},4`,
      '2026-03-03,V1,川E·12345,0,1',
      `2026-03-03,V2,,${v2},2`,
      '',
    ])
  })

  it('repair turnaround: tickets fixed in the range, median (even count too), mean and longest hours', async () => {
    const body = await json<{ rows: unknown[] }>(`/api/analytics/repairs?${RANGE}`)
    expect(body.rows).toEqual([
      { kind: 'sign', category: 'faded', fixed: 3, medianHours: 24, meanHours: 28.67, maxHours: 60 },
      { kind: 'sign', category: 'missing', fixed: 2, medianHours: 3, meanHours: 3, maxHours: 3.5 },
    ])
    const res = await get(`/api/analytics/repairs?${RANGE}&format=csv`, dispatcher)
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="repair-turnaround_2026-03-02_2026-03-03.csv"',
    )
  })

  it('a day with nothing gives no rows (and a CSV of the header alone)', async () => {
    expect((await json<{ rows: unknown[] }>('/api/analytics/on-time?from=2026-01-01&to=2026-01-01')).rows).toEqual([])
    expect(
      await (await get('/api/analytics/kilometres?from=2026-01-01&to=2026-01-01&format=csv', dispatcher)).text(),
    ).toBe('date,vehicle_id,plate,km,points\r\n') // text() drops the BOM
  })

  it('ranges: at most 92 days, to not before from, real dates', async () => {
    expect((await get('/api/analytics/ridership?from=2026-01-01&to=2026-04-02', dispatcher)).status).toBe(200) // 92 days
    for (const qs of [
      'from=2026-01-01&to=2026-04-03',
      'from=2026-03-03&to=2026-03-02',
      'from=2026-02-30&to=2026-03-02',
      'from=2026-3-1&to=2026-03-02',
    ]) {
      const res = await get(`/api/analytics/ridership?${qs}`, dispatcher)
      expect(res.status, qs).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_TIME_RANGE')
    }
    expect((await get('/api/analytics/ridership?from=2026-03-02', dispatcher)).status).toBe(400)
  })

  it('staff only: dispatcher, operator and admin read; a driver and no session do not', async () => {
    const operator = await server.loginAs('operator')
    const admin = await server.loginAs('admin')
    const driver = await server.loginAs('driver', { driverCode: 'XY-D999' })
    for (const path of ['on-time', 'ridership', 'kilometres', 'repairs']) {
      const url = `/api/analytics/${path}?${RANGE}`
      expect((await get(url)).status, url).toBe(401)
      expect((await get(url, operator)).status, url).toBe(200)
      expect((await get(url, admin)).status, url).toBe(200)
      expect((await get(url, driver)).status, url).toBe(403)
    }
  })
})

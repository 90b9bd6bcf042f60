/**
 * The duty roster through the real server (docs/roster.md): duties and the rules that refuse
 * them, changes, the hand assignment's overlap check, generation from templates and by copy,
 * publication and the driver's duties, and the automatic roster of today.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, weekdayOf, type ServiceDate } from '@rb/domain'
import { startServer, targets, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

interface RosterTrip {
  instanceId: string
  tripId: string
  departureTs: number
  endTs: number
  bookedSeats: number
  status: string
}
interface Duty {
  id: string
  date: string
  vehicleId: string
  driverId: string
  note: string | null
  trips: RosterTrip[]
  drivingMin: number
  startTs: number | null
  endTs: number | null
  problems: string[]
}
interface Roster {
  date: string
  published: boolean
  publishedAt: number | null
  limits: { dailyDrivingMin: number; turnaroundMin: number }
  duties: Duty[]
  unassigned: RosterTrip[]
  warnings?: string[]
}
interface ErrorBody {
  error: { code: string; message: string; details?: { problems?: string[] } }
}
interface TripView {
  id: string
  vehicleId: string | null
  driverId: string | null
}
interface DriverDuties {
  days: {
    date: string
    published: boolean
    duty: Duty | null
    vehicle: { id: string; plate: string; seats: number } | null
  }[]
}

const LIMIT_MIN = 120

describe.each(targets())('duty roster on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  const call = <T>(method: string, path: string, body?: unknown, as?: RoleSession) =>
    server.apiJson<T>(method, path, body, as ?? dispatcher)
  /** A trip of the test route (40 min, five stops) at `hhmm` running on `date` only; its instance id. */
  const trip = async (
    date: ServiceDate,
    hhmm: string,
    id = `RS-${hhmm.replace(':', '')}-${randomBytes(2).toString('hex')}`,
  ): Promise<string> => {
    const [h, m] = hhmm.split(':').map(Number) as [number, number]
    return net.trip(id, date, { calendarId: await net.onlyOn(date), departureS: h * 3600 + m * 60 })
  }
  const duty = (date: ServiceDate, vehicleId: string, driverId: string, tripInstanceIds: string[], note?: string) =>
    call<Duty & ErrorBody>('POST', '/api/roster/duties', {
      date,
      vehicleId,
      driverId,
      tripInstanceIds,
      ...(note ? { note } : {}),
    })
  const roster = async (date: ServiceDate): Promise<Roster> =>
    (await call<Roster>('GET', `/api/roster?date=${date}`)).body
  const tripsOn = async (date: ServiceDate): Promise<TripView[]> =>
    (await call<{ items: TripView[] }>('GET', `/api/trips?date=${date}`)).body.items

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'RS', ROSTER_DRIVING_LIMIT_MIN: String(LIMIT_MIN) })
    net = await bookingNetwork(server, 'RS')
    await server.apiJson('PUT', '/api/operators/OP2', { name: '永宁农村客运', phone: null })
    for (const [id, seats, operatorId, status] of [
      ['RS-V001', 30, 'OP1', 'active'],
      ['RS-V002', 30, 'OP1', 'active'],
      ['RS-V003', 19, 'OP2', 'active'],
      ['RS-V004', 30, 'OP1', 'retired'],
    ] as const) {
      const r = await server.apiJson('PUT', `/api/vehicles/${id}`, {
        plate: `川E·${id.slice(-4)}`,
        seats,
        operatorId,
        model: '宇通',
        status,
      })
      expect(r.status).toBe(200)
    }
    for (let i = 1; i <= 6; i++) {
      const r = await server.apiJson('PUT', `/api/drivers/RS-D00${i}`, {
        name: `司机${i}`,
        phone: `1381234000${i}`,
        licenceClass: 'A1',
        serviceSince: '2012-05-01',
        pioneer: false,
        status: i === 6 ? 'retired' : 'active',
      })
      expect(r.status).toBe(200)
    }
    // The county's daily driving limit: the county settings when they carry it, else ROSTER_DRIVING_LIMIT_MIN.
    expect((await server.apiJson('PUT', '/api/settings', { dailyDrivingLimitMin: LIMIT_MIN })).status).toBe(200)
    dispatcher = await server.loginAs('dispatcher')
  })
  afterAll(async () => {
    await server?.close()
  })

  it("makes a duty, shows it on the day's board, and gives its trips its vehicle and driver", async () => {
    const date = dayFromNow(3)
    const [a, b, loose] = [await trip(date, '08:00'), await trip(date, '09:00'), await trip(date, '13:00')]
    const made = await duty(date, 'RS-V001', 'RS-D001', [b, a], '早班')
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({
      date,
      vehicleId: 'RS-V001',
      driverId: 'RS-D001',
      note: '早班',
      drivingMin: 80,
      problems: [],
    })
    expect(made.body.trips.map((t) => t.instanceId)).toEqual([a, b])
    expect(made.body.endTs).toBe((made.body.startTs as number) + 100 * 60_000)

    const trips = await tripsOn(date)
    expect(trips.filter((t) => [a, b].includes(t.id)).map((t) => [t.vehicleId, t.driverId])).toEqual([
      ['RS-V001', 'RS-D001'],
      ['RS-V001', 'RS-D001'],
    ])
    const day = await roster(date)
    expect(day).toMatchObject({
      date,
      published: false,
      publishedAt: null,
      limits: { dailyDrivingMin: LIMIT_MIN, turnaroundMin: 10 },
    })
    expect(day.duties.map((d) => d.id)).toEqual([made.body.id])
    expect(day.unassigned.map((t) => t.instanceId)).toEqual([loose])
    expect((await call<Duty>('GET', `/api/roster/duties/${made.body.id}`)).body.trips).toHaveLength(2)
  })

  it('refuses a duty the rules do not allow, saying each problem in details.problems', async () => {
    const date = dayFromNow(3)
    const [early, overlapping, t1, t2, t3, t4] = [
      await trip(date, '06:00'),
      await trip(date, '06:20'),
      await trip(date, '10:00'),
      await trip(date, '11:00'),
      await trip(date, '12:00'),
      await trip(date, '14:00'),
    ]
    expect((await duty(date, 'RS-V002', 'RS-D002', [early])).status).toBe(201)
    // The driver, and then the bus, on two trips at once.
    const sameDriver = await duty(date, 'RS-V003', 'RS-D002', [overlapping])
    expect([sameDriver.status, sameDriver.body.error.code]).toEqual([409, 'ROSTER_CONFLICT'])
    expect(sameDriver.body.error.details?.problems).toEqual([
      expect.stringMatching(
        new RegExp(
          `^driver RS-D002 is already on trip ${early} \\(06:00–06:40, duty D\\w+-\\w+\\) when trip ${overlapping} \\(06:20–07:00\\) runs$`,
        ),
      ),
    ])
    expect((await duty(date, 'RS-V002', 'RS-D003', [overlapping])).body.error.details?.problems?.[0]).toMatch(
      /^vehicle RS-V002 is already on trip/,
    )
    // Over the county's daily driving limit (120 min here): four trips of 40 minutes.
    const long = await duty(date, 'RS-V003', 'RS-D003', [t1, t2, t3, t4])
    expect(long.body.error.details?.problems).toEqual([
      `driver RS-D003 would drive 160 min on ${date}; the daily limit is ${LIMIT_MIN} min`,
    ])
    // Retired crews, a cancelled trip.
    expect((await duty(date, 'RS-V004', 'RS-D006', [t1])).body.error.details?.problems).toEqual([
      'vehicle RS-V004 is retired; choose another vehicle',
      'driver RS-D006 is retired; choose another driver',
    ])
    expect((await call('POST', `/api/trip-instances/${t4}/cancel`, { reason: '道路塌方' })).status).toBe(200)
    expect((await duty(date, 'RS-V003', 'RS-D004', [t4])).body.error.details?.problems).toEqual([
      `trip ${t4} (14:00–14:40) is cancelled; take it out of the duty`,
    ])
    // Bad input is a 4xx, never a 500.
    expect((await duty(date, 'RS-V999', 'RS-D004', [t1])).body.error.code).toBe('VEHICLE_NOT_FOUND')
    expect((await duty(date, 'RS-V003', 'RS-D999', [t1])).body.error.code).toBe('NOT_FOUND')
    expect((await duty(date, 'RS-V003', 'RS-D004', [`RS-NOPE_${date.replaceAll('-', '')}`])).body.error.code).toBe(
      'TRIP_NOT_FOUND',
    )
    expect((await duty(date, 'RS-V003', 'RS-D004', [t1.replace(/\d{8}$/, '20200101')])).status).toBe(400)
    expect(
      (
        await call<ErrorBody>('POST', '/api/roster/duties', {
          date: '2026-02-30',
          vehicleId: 'RS-V003',
          driverId: 'RS-D004',
          tripInstanceIds: [],
        })
      ).status,
    ).toBe(400)
  })

  it('refuses a bus with fewer seats than a trip has booked', async () => {
    const date = dayFromNow(3)
    const full = await trip(date, '16:00')
    for (let i = 0; i < 4; i++) {
      const r = await call('POST', `/api/trip-instances/${full}/bookings`, {
        boardStop: net.stops[0],
        alightStop: net.stops[3],
        seats: 5,
        name: '乘客',
        phone: `1350000000${i}`,
        idempotencyKey: `rs-${randomBytes(8).toString('hex')}`,
      })
      expect(r.status).toBe(201)
    }
    const small = await duty(date, 'RS-V003', 'RS-D004', [full])
    expect(small.body.error.details?.problems).toEqual([
      `vehicle RS-V003 has 19 seats but trip ${full} (16:00–16:40) has 20 seats booked`,
    ])
    expect((await roster(date)).unassigned.find((t) => t.instanceId === full)?.bookedSeats).toBe(20)
    expect((await duty(date, 'RS-V001', 'RS-D004', [full])).status).toBe(201)
  })

  it('changes a duty, moves a trip between duties, lets a problem be taken out, and deletes a duty', async () => {
    const date = dayFromNow(4)
    const [a, b, c, d] = [
      await trip(date, '07:00'),
      await trip(date, '08:00'),
      await trip(date, '09:00'),
      await trip(date, '10:00'),
    ]
    const first = (await duty(date, 'RS-V001', 'RS-D001', [a, b])).body
    const second = (await duty(date, 'RS-V002', 'RS-D002', [c])).body
    // Move c into the first duty: out of the second, which stays, empty.
    const moved = await call<Duty>('POST', `/api/roster/duties/${first.id}/trips`, { tripInstanceId: c })
    expect(moved.body.trips.map((t) => t.instanceId)).toEqual([a, b, c])
    const emptied = (await roster(date)).duties.find((x) => x.id === second.id)
    expect(emptied).toMatchObject({ trips: [], drivingMin: 0, startTs: null, endTs: null })
    // A fourth trip would pass the limit: refused, and nothing changed.
    const over = await call<ErrorBody>('POST', `/api/roster/duties/${first.id}/trips`, { tripInstanceId: d })
    expect([over.status, over.body.error.details?.problems]).toEqual([
      409,
      [`driver RS-D001 would drive 160 min on ${date}; the daily limit is ${LIMIT_MIN} min`],
    ])
    expect((await call<Duty>('GET', `/api/roster/duties/${first.id}`)).body.trips).toHaveLength(3)
    // A trip cancelled after it was planned shows as a problem; taking it out is allowed.
    await call('POST', `/api/trip-instances/${b}/cancel`, { reason: '停电' })
    expect((await call<Duty>('GET', `/api/roster/duties/${first.id}`)).body.problems).toEqual([
      `trip ${b} (08:00–08:40) is cancelled; take it out of the duty`,
    ])
    const fixed = await call<Duty>('PUT', `/api/roster/duties/${first.id}`, {
      tripInstanceIds: [a, c],
      driverId: 'RS-D003',
      note: '替班',
    })
    expect(fixed.status).toBe(200)
    expect(fixed.body).toMatchObject({ driverId: 'RS-D003', note: '替班', problems: [] })
    const trips = await tripsOn(date)
    expect(trips.find((t) => t.id === b)).toMatchObject({ vehicleId: null, driverId: null })
    expect(trips.find((t) => t.id === c)).toMatchObject({ vehicleId: 'RS-V001', driverId: 'RS-D003' })
    // Deleted: its trips are unassigned.
    expect((await call('DELETE', `/api/roster/duties/${first.id}`)).status).toBe(204)
    expect((await call<ErrorBody>('DELETE', `/api/roster/duties/${first.id}`)).body.error.code).toBe('DUTY_NOT_FOUND')
    expect((await roster(date)).unassigned.map((t) => t.instanceId)).toEqual(expect.arrayContaining([a, c]))
    expect((await tripsOn(date)).find((t) => t.id === a)).toMatchObject({ vehicleId: null, driverId: null })
  })

  it('refuses a hand assignment of a driver or a bus already on an overlapping trip; a trip set by hand to another bus leaves its duty', async () => {
    const date = dayFromNow(5)
    const [a, b, c] = [await trip(date, '12:39'), await trip(date, '12:56'), await trip(date, '14:00')]
    const assign = (id: string, vehicleId: string | null, driverId: string | null) =>
      call<TripView & ErrorBody>('PUT', `/api/trip-instances/${id}/assignment`, { vehicleId, driverId })
    expect((await assign(a, null, 'RS-D001')).status).toBe(200)
    const refused = await assign(b, null, 'RS-D001')
    expect([refused.status, refused.body.error.code]).toEqual([409, 'ROSTER_CONFLICT'])
    expect(refused.body.error.message).toBe(
      `driver RS-D001 is already on trip ${a} (12:39–13:19, assigned by hand) when trip ${b} (12:56–13:36) runs`,
    )
    expect((await tripsOn(date)).find((t) => t.id === b)).toMatchObject({ driverId: null })
    expect((await assign(a, 'RS-V001', 'RS-D001')).status).toBe(200)
    expect((await assign(b, 'RS-V001', 'RS-D002')).body.error.message).toMatch(/^vehicle RS-V001 is already on trip/)
    expect((await assign(b, 'RS-V002', 'RS-D002')).status).toBe(200)

    const d = (await duty(date, 'RS-V003', 'RS-D003', [c])).body
    expect((await assign(c, 'RS-V003', 'RS-D003')).status).toBe(200)
    expect((await call<Duty>('GET', `/api/roster/duties/${d.id}`)).body.trips.map((t) => t.instanceId)).toEqual([c])
    expect((await assign(c, 'RS-V001', 'RS-D003')).status).toBe(200)
    expect((await call<Duty>('GET', `/api/roster/duties/${d.id}`)).body.trips).toEqual([])
    expect((await roster(date)).unassigned.map((t) => t.instanceId)).not.toContain(c)
  })

  it('makes a day from the weekly templates (and the planner), refuses to do it twice unless replace, copies it forward, publishes it to the driver', async () => {
    const date = dayFromNow(6)
    const next = addDays(date, 7)
    const calendarId = `rs-${weekdayOf(date)}`
    await server.apiJson('PUT', `/api/calendars/${calendarId}`, {
      name: '每周一天',
      rules: { rule: { kind: 'weekdays', weekdays: [weekdayOf(date)] }, added: [], removed: [] },
    })
    const weekly = async (hhmm: string): Promise<string> => {
      const [h, m] = hhmm.split(':').map(Number) as [number, number]
      const id = `RS-W${hhmm.replace(':', '')}`
      await net.trip(id, date, { calendarId, departureS: h * 3600 + m * 60 })
      return id
    }
    const [w7, w8, w9] = [await weekly('07:00'), await weekly('08:00'), await weekly('09:00')]
    const saved = await call<{ id: string; tripIds: string[] } & ErrorBody>('PUT', '/api/roster/templates/RS-T1', {
      name: '每周早班',
      weekdays: [weekdayOf(date)],
      vehicleId: 'RS-V002',
      driverId: 'RS-D005',
      tripIds: [w8, w7],
      active: true,
    })
    expect(saved.status).toBe(200)
    expect(saved.body.tripIds).toEqual([w7, w8])
    const busy = await call<ErrorBody>('PUT', '/api/roster/templates/RS-T2', {
      name: 'x',
      weekdays: [weekdayOf(date)],
      vehicleId: 'RS-V003',
      driverId: 'RS-D005',
      tripIds: [w7],
      active: true,
    })
    expect([busy.status, busy.body.error.details?.problems]).toEqual([
      400,
      [`trip ${w7} is already in template RS-T1 on weekday ${weekdayOf(date)}`],
    ])
    expect((await call<ErrorBody>('DELETE', '/api/roster/templates/RS-T2')).body.error.code).toBe('NOT_FOUND')

    const generated = await call<Roster>('POST', '/api/roster/generate', { date, from: 'template', fill: true })
    expect(generated.status).toBe(200)
    expect(generated.body.warnings).toEqual([])
    const ymd = date.replaceAll('-', '')
    const fromTemplate = generated.body.duties.find((d) => d.note === '每周早班')
    expect(fromTemplate).toMatchObject({ vehicleId: 'RS-V002', driverId: 'RS-D005' })
    expect(fromTemplate?.trips.map((t) => t.instanceId)).toEqual([`${w7}_${ymd}`, `${w8}_${ymd}`])
    expect(generated.body.duties.flatMap((d) => d.trips.map((t) => t.instanceId))).toContain(`${w9}_${ymd}`)
    expect(generated.body.unassigned).toEqual([])
    expect(generated.body.published).toBe(false)
    const twice = await call<ErrorBody>('POST', '/api/roster/generate', { date, from: 'template' })
    expect([twice.status, twice.body.error.code]).toEqual([409, 'ROSTER_CONFLICT'])
    const again = await call<Roster>('POST', '/api/roster/generate', { date, from: 'template', replace: true })
    expect(again.body.duties.map((d) => d.note)).toEqual(['每周早班'])

    // Copied a week forward: the same crew on the same trips.
    const copied = await call<Roster>('POST', '/api/roster/generate', { date: next, from: 'copy', sourceDate: date })
    expect(copied.body.duties.map((d) => [d.vehicleId, d.driverId, d.trips.map((t) => t.tripId)])).toEqual([
      ['RS-V002', 'RS-D005', [w7, w8]],
    ])
    expect((await call<ErrorBody>('POST', '/api/roster/generate', { date: next, from: 'copy' })).status).toBe(400)

    // Drivers see published days only.
    const driver = await server.loginAs('driver', { username: 'rs-driver5', driverCode: 'RS-D005' })
    const mine = async () => (await call<DriverDuties>('GET', '/api/driver/duties?days=7', undefined, driver)).body.days
    expect((await mine())[6]).toEqual({ date, published: false, duty: null, duties: [], vehicle: null })
    const published = await call<Roster>('POST', '/api/roster/publish', { date })
    expect(published.body).toMatchObject({ published: true, publishedAt: expect.any(Number) })
    const shown = (await mine())[6]
    expect(shown).toMatchObject({
      date,
      published: true,
      duty: { vehicleId: 'RS-V002', driverId: 'RS-D005' },
      vehicle: { id: 'RS-V002', plate: '川E·V002', seats: 30 },
    })
    expect((await mine()).map((d) => d.date)).toEqual(Array.from({ length: 7 }, (_, i) => dayFromNow(i)))
    // Only their own; staff name the driver.
    expect((await call<ErrorBody>('GET', '/api/driver/duties?driverId=RS-D001', undefined, driver)).status).toBe(403)
    expect(
      (await call<DriverDuties>('GET', '/api/driver/duties?driverId=RS-D005&days=7')).body.days[6]?.duty?.driverId,
    ).toBe('RS-D005')
    expect((await call<ErrorBody>('GET', '/api/driver/duties')).status).toBe(400)
    expect((await call<ErrorBody>('GET', '/api/roster?date=' + date, undefined, driver)).status).toBe(403)

    // Saved as templates for another weekday: the day's duties come back as trip ids.
    const other = ((weekdayOf(date) % 7) + 1) as number
    const fromDay = await call<{ items: { vehicleId: string; weekdays: number[]; tripIds: string[] }[] }>(
      'POST',
      '/api/roster/templates/from-day',
      { date, weekdays: [other] },
    )
    expect(fromDay.body.items).toEqual([
      expect.objectContaining({ vehicleId: 'RS-V002', weekdays: [other], tripIds: [w7, w8] }),
    ])
    const templates = (await call<{ items: { id: string }[] }>('GET', '/api/roster/templates')).body.items.map(
      (t) => t.id,
    )
    expect(templates).toEqual(expect.arrayContaining(['RS-T1', `TPL-${other}-RS-V002`]))
  })

  it('gives today and tomorrow a published roster of the templates and the planner when they have none, and leaves a day that has one alone', async () => {
    const today = dayFromNow(0)
    const tomorrow = dayFromNow(1)
    const [a, b] = [await trip(today, '06:00'), await trip(today, '06:50')]
    const c = await trip(tomorrow, '07:00')
    // At start there were no trips: no roster was made.
    expect((await roster(today)).published).toBe(false)
    await server.app.rb.roster.auto?.runOnce()
    const day = await roster(today)
    expect(day.published).toBe(true)
    expect(day.unassigned).toEqual([])
    const covered = (await tripsOn(today)).filter((t) => [a, b].includes(t.id))
    expect(covered.every((t) => t.vehicleId !== null && t.driverId !== null)).toBe(true)
    expect((await roster(tomorrow)).duties.flatMap((d) => d.trips.map((t) => t.instanceId))).toEqual([c])
    // A trip added afterwards is the dispatcher's to place: the day has its roster.
    const late = await trip(today, '18:00')
    await server.app.rb.roster.auto?.runOnce()
    expect((await roster(today)).unassigned.map((t) => t.instanceId)).toEqual([late])
  })

  it('puts a driver on one of two overlapping trips when two dispatchers ask at once, never on both', async () => {
    const date = dayFromNow(8)
    const [a, b] = [await trip(date, '10:00'), await trip(date, '10:10')]
    const answers = await Promise.all([duty(date, 'RS-V001', 'RS-D004', [a]), duty(date, 'RS-V002', 'RS-D004', [b])])
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409])
    const assigned = (await tripsOn(date)).filter((t) => t.driverId === 'RS-D004')
    expect(assigned).toHaveLength(1)
  })

  it('lets dispatchers and operators plan, and nobody else', async () => {
    const operator = await server.loginAs('operator')
    expect((await call('GET', `/api/roster?date=${dayFromNow(3)}`, undefined, operator)).status).toBe(200)
    expect((await call('GET', '/api/roster/templates', undefined, operator)).status).toBe(200)
    const anonymous = await fetch(`${server.baseUrl}/api/roster?date=${dayFromNow(3)}`)
    expect(anonymous.status).toBe(401)
  })
})

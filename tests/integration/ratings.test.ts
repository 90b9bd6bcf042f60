/**
 * Ride ratings through the real server: one rating per ridden booking (a second one, a no-show, a
 * ride not yet taken and bad input refused with nothing stored), the driver card's average, the
 * SMS link after the ride, a complaint as the dispatcher's ticket (upheld or dismissed, audited),
 * and the 先锋司机 badge on and off by the county's rule.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookedRide, bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'
import { startServer, targets, villagerRequest, type RoleSession, type TestServer } from '../support/server.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Ride {
  code: string
  rateable: boolean
  driver: { code: string; name: string } | null
  rating: { stars: number; tags: string[]; complained: boolean } | null
  driverRating?: { average: number | null; count: number; pioneer: boolean }
}
interface Crew {
  driver: { pioneer: boolean; rating: { average: number | null; count: number } }
}
interface DriverRow {
  driverId: string
  average: number | null
  count: number
  pioneer: boolean
  openComplaints: number
  upheldComplaints: number
}
interface Complaint {
  id: number
  status: string
  body: string
  bookingCode: string
  driverId: string
  phoneMasked: string
}

const DAY = 86_400_000

describe.each(targets())('ride ratings on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  let operator: RoleSession
  let phones = 0
  let trips = 0

  /** A request without a session (a villager) from its own client address. */
  const pub = <T>(method: string, path: string, body?: unknown) =>
    villagerRequest<T>(server.baseUrl, method, path, body)
  const count = async (table: string): Promise<number> =>
    Number((await server.app.rb.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n)

  /** A trip two days ahead whose bookings may be marked already (its cutoff is a week before), driven by `driverId`. */
  const tripOf = async (driverId: string): Promise<string> => {
    // One an hour, so that a driver's trips never overlap.
    const trip = await net.trip(`RT-${randomBytes(3).toString('hex')}`, dayFromNow(2), {
      bookingCutoffMin: 10_080,
      departureS: (6 + trips++) * 3600,
    })
    const assigned = await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, {
      vehicleId: null,
      driverId,
    })
    expect(assigned.status).toBe(200)
    return trip
  }
  /** A booking on the trip, marked `status` by the dispatcher; answers its code and phone. */
  const ride = (trip: string, status: 'boarded' | 'no_show' | null): Promise<{ code: string; phone: string }> =>
    bookedRide(server, dispatcher, trip, {
      boardStop: net.stops[0]!,
      alightStop: net.stops[3]!,
      name: '乘客',
      phone: `1390000${String(1000 + phones++)}`,
      status,
    })
  const rate = (body: Record<string, unknown>) => pub<Ride & ErrorBody>('POST', '/api/ratings', body)
  const crewOf = async (trip: string): Promise<Crew['driver']> =>
    (await pub<Crew>('GET', `/api/trips/${trip}/crew`)).body.driver
  const driverRow = async (id: string): Promise<DriverRow | undefined> =>
    (await server.apiJson<{ items: DriverRow[] }>('GET', '/api/ratings/drivers', undefined, operator)).body.items.find(
      (d) => d.driverId === id,
    )

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'RT',
      TRUST_PROXY: '127.0.0.1',
      PUBLIC_URL: 'https://bus.example.org',
    })
    net = await bookingNetwork(server, 'RT')
    for (const [code, name] of [
      ['RT-D001', '王建国'],
      ['RT-D002', '李明'],
      ['RT-D003', '赵强'],
    ] as const)
      await server.apiJson('PUT', `/api/drivers/${code}`, {
        name,
        phone: `13812340${code.slice(-3)}`,
        licenceClass: 'A1',
        serviceSince: '2010-05-01',
        pioneer: false,
        status: 'active',
      })
    dispatcher = await server.loginAs('dispatcher')
    operator = await server.loginAs('operator')
  })

  afterAll(async () => {
    await server?.close()
  })

  it('takes one rating per ridden booking; a second, a no-show, a ride to come and bad input change nothing', async () => {
    const trip = await tripOf('RT-D001')
    const rode = await ride(trip, 'boarded')
    const absent = await ride(trip, 'no_show')
    const coming = await ride(trip, null)

    const shown = await pub<Ride>('GET', `/api/ratings/ride?code=${rode.code}&phone=${rode.phone}`)
    expect(shown.body).toMatchObject({ code: rode.code, rateable: true, rating: null, driver: { code: 'RT-D001' } })

    const bad: [Record<string, unknown>, string][] = [
      [{ stars: 6 }, 'stars'],
      [{ stars: 3.5 }, 'stars'],
      [{ stars: 4, tags: ['cheap'] }, 'tags'],
      [{ stars: 2, complaint: '太'.repeat(501) }, 'complaint'],
    ]
    for (const [body, field] of bad) {
      const r = await rate({ code: rode.code, phone: rode.phone, ...body })
      expect([r.status, r.body.error.details?.field]).toEqual([400, field])
    }
    expect(await count('ride_rating')).toBe(0)

    const first = await rate({ code: rode.code, phone: rode.phone, stars: 4, tags: ['smooth', 'on_time'] })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      rateable: false,
      rating: { stars: 4, tags: ['on_time', 'smooth'], complained: false },
      driverRating: { average: 4, count: 1, pioneer: false },
    })

    // The same booking again, whatever way the phone is typed: refused, the first rating stands.
    const again = await rate({ code: rode.code.toLowerCase(), phone: `+86 ${rode.phone}`, stars: 1 })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('RATING_EXISTS')
    expect(again.body.error.message).toMatch(/one rating per ride/)
    // Two at once: one is stored.
    const raced = await ride(trip, 'boarded')
    const both = await Promise.all([
      rate({ code: raced.code, phone: raced.phone, stars: 5 }),
      rate({ code: raced.code, phone: raced.phone, stars: 5 }),
    ])
    expect(both.map((r) => r.status).sort()).toEqual([201, 409])

    const noShow = await rate({ code: absent.code, phone: absent.phone, stars: 5 })
    expect([noShow.status, noShow.body.error.code, noShow.body.error.details?.reason]).toEqual([
      409,
      'RATING_NOT_ALLOWED',
      'no_show',
    ])
    const early = await rate({ code: coming.code, phone: coming.phone, stars: 5 })
    expect(early.body.error.details?.reason).toBe('not_ridden')
    const wrongPhone = await rate({ code: rode.code, phone: '13900009999', stars: 5 })
    expect([wrongPhone.status, wrongPhone.body.error.code]).toEqual([404, 'BOOKING_NOT_FOUND'])
    expect(await count('ride_rating')).toBe(2)
    expect(
      (await pub<Ride>('GET', `/api/ratings/ride?code=${rode.code}&phone=${rode.phone}`)).body.rating,
    ).toMatchObject({ stars: 4 })

    // The driver card shows the average and count.
    expect(await crewOf(trip)).toMatchObject({ pioneer: false, rating: { average: 4.5, count: 2 } })
  })

  it('texts a link after the ride that rates it without typing the code or phone', async () => {
    const trip = await tripOf('RT-D001')
    const rode = await ride(trip, 'boarded')
    const absent = await ride(trip, 'no_show')
    const ratings = server.app.rb.engagement.ratings
    // Before the bus is due at the alighting stop: nothing yet.
    await ratings.sweep(Date.now())
    const sent = async () =>
      (
        await server.app.rb.db.query<{ recipient: string; body: string }>(
          `SELECT recipient, body FROM notification_outbox WHERE kind = 'rating_invite'`,
        )
      ).rows
    expect((await sent()).some((m) => m.recipient === rode.phone)).toBe(false)
    // Three days on, the ride is over: one link to the rider, none to the no-show — however often it sweeps.
    await Promise.all([ratings.sweep(Date.now() + 3 * DAY), ratings.sweep(Date.now() + 3 * DAY)])
    await ratings.sweep(Date.now() + 3 * DAY)
    const mine = (await sent()).filter((m) => m.recipient === rode.phone)
    expect(mine).toHaveLength(1)
    expect((await sent()).some((m) => m.recipient === absent.phone)).toBe(false)
    const link = /https:\/\/bus\.example\.org\/s\/(RT-\d+)#rate\/(rt-[0-9a-f]{24})/.exec(mine[0]?.body ?? '')
    expect(mine[0]?.body).toMatch(/^【乡村公交】感谢乘坐/)
    expect(link?.[1]).toBe(net.stops[0])
    const token = link?.[2] as string

    const shown = await pub<Ride & { phoneMasked: string }>('GET', `/api/ratings/ride?invite=${token}`)
    expect(shown.body).toMatchObject({ code: rode.code, rateable: true, phoneMasked: '139****' + rode.phone.slice(-4) })
    const r = await rate({ invite: token, stars: 5, tags: ['friendly', 'clean'] })
    expect(r.status).toBe(201)
    const stored = await server.app.rb.db.query<{ channel: string }>(
      'SELECT r.channel FROM ride_rating r JOIN booking b ON b.id = r.booking_id WHERE b.code = $1',
      [rode.code],
    )
    expect(stored.rows).toEqual([{ channel: 'sms_link' }])
    expect((await rate({ invite: token, stars: 1 })).body.error.code).toBe('RATING_EXISTS')
    const forged = await rate({ invite: 'rt-000000000000000000000000', stars: 5 })
    expect([forged.status, forged.body.error.details?.field]).toEqual([404, 'invite'])
  })

  it("makes a complaint the dispatcher's ticket: upheld or dismissed once, audited", async () => {
    const trip = await tripOf('RT-D003')
    const rode = await ride(trip, 'boarded')
    const r = await rate({ code: rode.code, phone: rode.phone, stars: 1, complaint: '司机开车时一直打电话' })
    expect(r.body.rating).toMatchObject({ stars: 1, complained: true })
    const open = await server.apiJson<{ items: Complaint[] }>(
      'GET',
      '/api/ratings/complaints?status=open',
      undefined,
      operator,
    )
    const ticket = open.body.items.find((c) => c.bookingCode === rode.code) as Complaint
    expect(ticket).toMatchObject({ status: 'open', body: '司机开车时一直打电话', driverId: 'RT-D003' })
    expect(ticket.phoneMasked).toMatch(/^139\*\*\*\*\d{4}$/)
    expect(JSON.stringify(open.body)).not.toContain(rode.phone)
    expect((await driverRow('RT-D003'))?.openComplaints).toBe(1)

    const path = `/api/ratings/complaints/${ticket.id}/decision`
    expect((await server.apiJson('POST', path, { decision: 'upheld' }, operator)).status).toBe(403)
    expect((await server.apiJson<ErrorBody>('POST', path, { decision: 'maybe' }, dispatcher)).status).toBe(400)
    const upheld = await server.apiJson<Complaint>(
      'POST',
      path,
      { decision: 'upheld', note: '已核实行车记录' },
      dispatcher,
    )
    expect(upheld.body).toMatchObject({ status: 'upheld' })
    const twice = await server.apiJson<ErrorBody>('POST', path, { decision: 'dismissed' }, dispatcher)
    expect([twice.status, twice.body.error.code]).toEqual([409, 'COMPLAINT_DECIDED'])
    expect(
      (await server.apiJson<ErrorBody>('POST', '/api/ratings/complaints/999999/decision', { decision: 'upheld' })).body
        .error.code,
    ).toBe('COMPLAINT_NOT_FOUND')
    const audit = await server.apiJson<{ items: { target: string; username: string; after: unknown }[] }>(
      'GET',
      '/api/audit?action=complaint.uphold',
    )
    expect(audit.body.items).toEqual([
      expect.objectContaining({ target: `complaint:${ticket.id}`, username: dispatcher.user.username }),
    ])
    expect(await driverRow('RT-D003')).toMatchObject({ openComplaints: 0, upheldComplaints: 1 })
  })

  it('awards the 先锋司机 badge by the county rule, and takes it away with an upheld complaint', async () => {
    const admin = await server.loginAs('admin')
    const rule = await server.apiJson<{ pioneer: { minRatings: number } } & ErrorBody>(
      'PUT',
      '/api/settings',
      { pioneer: { minAverage: 4.5, minRatings: 3 } },
      admin,
    )
    expect(rule.body.pioneer).toEqual({ minAverage: 4.5, minRatings: 3, ratingDays: 90, complaintDays: 90 })
    const refused = await server.apiJson<ErrorBody>('PUT', '/api/settings', { pioneer: { minAverage: 4.55 } }, admin)
    expect([refused.status, refused.body.error.details?.field]).toEqual([400, 'pioneer.minAverage'])

    const trip = await tripOf('RT-D002')
    const rides = [await ride(trip, 'boarded'), await ride(trip, 'boarded'), await ride(trip, 'boarded')]
    await rate({ ...rides[0], stars: 5 })
    await rate({ ...rides[1], stars: 4 })
    // 9 stars over 2: not enough ratings yet.
    expect(await crewOf(trip)).toMatchObject({ pioneer: false, rating: { average: 4.5, count: 2 } })
    const third = await rate({ ...rides[2], stars: 5, tags: ['friendly'] })
    expect(third.body.driverRating).toEqual({ average: 4.67, count: 3, upheldComplaints: 0, pioneer: true })
    expect(await crewOf(trip)).toMatchObject({ pioneer: true, rating: { average: 4.67, count: 3 } })
    expect(await driverRow('RT-D002')).toMatchObject({ pioneer: true, count: 3 })

    // The county raises the bar: off.
    await server.apiJson('PUT', '/api/settings', { pioneer: { minAverage: 4.8 } }, admin)
    expect((await crewOf(trip)).pioneer).toBe(false)
    await server.apiJson('PUT', '/api/settings', { pioneer: { minAverage: 4.5 } }, admin)

    // A dismissed complaint leaves it; an upheld one takes it away.
    const more = [await ride(trip, 'boarded'), await ride(trip, 'boarded')]
    await rate({ ...more[0], stars: 5, complaint: '车开得太快' })
    await rate({ ...more[1], stars: 5, complaint: '没有等我坐好就开车' })
    const tickets = (
      await server.apiJson<{ items: Complaint[] }>('GET', '/api/ratings/complaints?status=open', undefined, dispatcher)
    ).body.items.filter((c) => c.driverId === 'RT-D002')
    expect(tickets).toHaveLength(2)
    const [second, first] = tickets as [Complaint, Complaint]
    await server.apiJson('POST', `/api/ratings/complaints/${first.id}/decision`, { decision: 'dismissed' }, dispatcher)
    expect((await crewOf(trip)).pioneer).toBe(true)
    await server.apiJson('POST', `/api/ratings/complaints/${second.id}/decision`, { decision: 'upheld' }, dispatcher)
    expect(await crewOf(trip)).toMatchObject({ pioneer: false, rating: { count: 5 } })
    expect(await driverRow('RT-D002')).toMatchObject({ pioneer: false, upheldComplaints: 1 })
    const dismissed = await server.apiJson<{ items: unknown[] }>('GET', '/api/audit?action=complaint.dismiss')
    expect(dismissed.body.items).toHaveLength(1)
  })
})

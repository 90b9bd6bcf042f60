/**
 * What the driver's phone page uses: GET /api/driver/trips (a driver's own trips of a day with
 * seat counts), the live room `trip:<id>` (that trip's driver and the staff only, and only that
 * trip's changes), and the page itself at /driver (built, compressed, cached by hashed name).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io as connectSocket, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, LiveBookingChange, ServerToClientEvents, SubscribeAck } from '@rb/protocol'
import { buildDriver } from '../../apps/driver/scripts/build.js'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>
interface DriverTrips {
  date: string
  driver: { id: string; name: string }
  items: {
    id: string
    status: string
    cancelReason: string | null
    from: { name: string }
    to: { name: string }
    vehiclePlate: string | null
    seats: number
    counts: { riders: number; waitlisted: number }
  }[]
}
interface ErrorBody {
  error: { code: string }
}

describe.each(targets())('driver page support on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  let liu: RoleSession
  let zhang: RoleSession
  const sockets: LiveSocket[] = []

  const get = async <T>(path: string, as?: RoleSession): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${server.baseUrl}${path}`, { headers: as?.headers ?? {} })
    return { status: res.status, body: (await res.json()) as T }
  }
  const phoneBook = (trip: string, phone: string, seats = 1) =>
    server.apiJson<{ code: string; status: string }>(
      'POST',
      `/api/trip-instances/${trip}/bookings`,
      {
        boardStop: net.stops[0],
        alightStop: net.stops[2],
        seats,
        name: '乘客',
        phone,
        idempotencyKey: `k-${randomBytes(8).toString('hex')}`,
      },
      dispatcher,
    )
  const subscribe = async (
    who: RoleSession | null,
    rooms: string[],
  ): Promise<{ ack: SubscribeAck; live: LiveBookingChange[] }> => {
    const socket: LiveSocket = connectSocket(server.baseUrl, {
      transports: ['websocket'],
      ...(who ? { auth: { token: who.token } } : {}),
    })
    sockets.push(socket)
    const live: LiveBookingChange[] = []
    socket.on('bookings', (batch) => live.push(...batch))
    return { ack: await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', rooms, resolve)), live }
  }

  beforeAll(async () => {
    await buildDriver({ quiet: true })
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'DV' })
    net = await bookingNetwork(server, 'DV')
    dispatcher = await server.loginAs('dispatcher')
    for (const [code, name, phone] of [
      ['DV-D001', '刘师傅', '13812340001'],
      ['DV-D002', '张师傅', '13812340002'],
    ] as const) {
      await server.apiJson('PUT', `/api/drivers/${code}`, {
        name,
        phone,
        licenceClass: 'A1',
        serviceSince: '2012-05-01',
        pioneer: false,
        status: 'active',
      })
    }
    await server.apiJson('PUT', '/api/vehicles/DV-V001', {
      plate: '川E·00001',
      seats: 19,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    liu = await server.loginAs('driver', { username: 'dv-liu', driverCode: 'DV-D001' })
    zhang = await server.loginAs('driver', { username: 'dv-zhang', driverCode: 'DV-D002' })
  })
  afterAll(async () => {
    for (const s of sockets) s.close()
    await server?.close()
  })

  it("lists a driver's own trips of a day in departure order, with seat counts and cancellations", async () => {
    const date = dayFromNow(3)
    const early = await net.trip('DV-A', date, { departureS: 7 * 3600, seats: 2 })
    const late = await net.trip('DV-B', date, { departureS: 15 * 3600 })
    const others = await net.trip('DV-C', date, { departureS: 9 * 3600 })
    await server.apiJson('PUT', `/api/trip-instances/${late}/assignment`, { vehicleId: null, driverId: 'DV-D001' })
    await server.apiJson('PUT', `/api/trip-instances/${early}/assignment`, {
      vehicleId: 'DV-V001',
      driverId: 'DV-D001',
    })
    await server.apiJson('PUT', `/api/trip-instances/${others}/assignment`, { vehicleId: null, driverId: 'DV-D002' })
    await phoneBook(early, '13500000001', 2)
    await phoneBook(early, '13500000002')
    await server.apiJson('POST', `/api/trip-instances/${late}/cancel`, { reason: '停电' }, dispatcher)

    const mine = await get<DriverTrips>(`/api/driver/trips?date=${date}`, liu)
    expect(mine.status).toBe(200)
    expect(mine.body.driver).toEqual({ id: 'DV-D001', name: '刘师傅' })
    expect(mine.body.items.map((x) => x.id)).toEqual([early, late])
    expect(mine.body.items[0]).toMatchObject({
      status: 'scheduled',
      from: { name: '场镇' },
      to: { name: '卫生院' },
      vehiclePlate: '川E·00001',
      seats: 2,
      counts: { riders: 2, waitlisted: 1 },
    })
    expect(mine.body.items[1]).toMatchObject({ status: 'cancelled', cancelReason: '停电', vehiclePlate: null })
    expect(JSON.stringify(mine.body)).not.toMatch(/1350000000|13812340001/)

    // Without a date: today (Asia/Shanghai).
    expect((await get<DriverTrips>('/api/driver/trips', liu)).body.date).toBe(dayFromNow(0))
    // A dispatcher names the driver, and sees what that driver sees.
    expect(
      (await get<DriverTrips>(`/api/driver/trips?date=${date}&driverId=DV-D002`, dispatcher)).body.items.map(
        (x) => x.id,
      ),
    ).toEqual([others])
    expect((await get<ErrorBody>(`/api/driver/trips?date=${date}`, dispatcher)).body.error.code).toBe(
      'VALIDATION_FAILED',
    )
    expect((await get<ErrorBody>(`/api/driver/trips?driverId=DV-D999`, dispatcher)).body.error.code).toBe('NOT_FOUND')
    // A driver sees only their own.
    const asked = await get<ErrorBody>(`/api/driver/trips?date=${date}&driverId=DV-D002`, liu)
    expect([asked.status, asked.body.error.code]).toEqual([403, 'FORBIDDEN'])
    expect((await get<DriverTrips>(`/api/driver/trips?date=${date}&driverId=DV-D001`, liu)).status).toBe(200)
    expect((await get<ErrorBody>('/api/driver/trips?date=2026-02-30', liu)).body.error.code).toBe('VALIDATION_FAILED')
    expect((await get<ErrorBody>('/api/driver/trips')).status).toBe(401)
    expect((await get<ErrorBody>(`/api/driver/trips?driverId=DV-D001`, await server.loginAs('operator'))).status).toBe(
      403,
    )
  })

  it("admits to a trip's room its driver and the staff only, and sends it that trip's changes only", async () => {
    const date = dayFromNow(4)
    const a = await net.trip('DV-R1', date)
    // After a's end: one driver is on one trip at a time (docs/roster.md).
    const b = await net.trip('DV-R2', date, { departureS: 10 * 3600 })
    await server.apiJson('PUT', `/api/trip-instances/${a}/assignment`, { vehicleId: null, driverId: 'DV-D001' })
    await server.apiJson('PUT', `/api/trip-instances/${b}/assignment`, { vehicleId: null, driverId: 'DV-D001' })

    const own = await subscribe(liu, [`trip:${a}`])
    expect(own.ack).toEqual({ ok: true, joined: [`trip:${a}`], refused: [] })
    const other = await subscribe(zhang, [`trip:${a}`, 'all', `trip:DV-NOPE_${date.replaceAll('-', '')}`])
    expect(other.ack.joined).toEqual([])
    expect(other.ack.refused.map((r) => r.reason)).toEqual([
      `${a} is not assigned to driver DV-D002`,
      expect.stringMatching(/dispatcher, operator or admin/),
      expect.stringMatching(/is not assigned to driver DV-D002/),
    ])
    expect((await subscribe(null, [`trip:${a}`])).ack.refused[0]?.reason).toMatch(/sign in first/)
    expect((await subscribe(dispatcher, [`trip:${b}`])).ack.joined).toEqual([`trip:${b}`])
    expect((await subscribe(liu, ['trip:bad id!'])).ack.refused[0]?.reason).toMatch(/not a room name/)

    const onB = (await phoneBook(b, '13500000011')).body
    const onA = (await phoneBook(a, '13500000012')).body
    const seen = await waitFor(() => own.live.find((c) => c.codes.includes(onA.code)))
    expect(seen).toMatchObject({ tripInstanceId: a, kind: 'booked', counts: { riders: 1 } })
    expect(own.live.some((c) => c.codes.includes(onB.code))).toBe(false)
    expect(other.live).toEqual([])

    // Reassigned: the room is the new driver's.
    await server.apiJson('PUT', `/api/trip-instances/${a}/assignment`, { vehicleId: null, driverId: 'DV-D002' })
    expect((await subscribe(zhang, [`trip:${a}`])).ack.joined).toEqual([`trip:${a}`])
    expect((await subscribe(liu, [`trip:${a}`])).ack.joined).toEqual([])
  })

  it('serves the page at /driver and its script compressed, cached by its hashed name', async () => {
    const page = await fetch(`${server.baseUrl}/driver`)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    expect(html).toContain('<div id="app">')
    const script = /<script[^>]+src="(\/driver\/assets\/[\w-]+\.js)"/.exec(html)?.[1]
    expect(script).toBeDefined()
    const js = await fetch(`${server.baseUrl}${script}`, { headers: { 'accept-encoding': 'br, gzip' } })
    expect(js.status).toBe(200)
    expect(js.headers.get('content-encoding')).toBe('br')
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable/)
    expect((await fetch(`${server.baseUrl}/driver/assets/..%2F..%2Fpackage.json`)).status).toBe(404)
    expect((await fetch(`${server.baseUrl}/driver/assets/nope.js`)).status).toBe(404)
  })
})

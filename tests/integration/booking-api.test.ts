/**
 * Bookings through the real server: a villager books, looks up and cancels with code + phone;
 * seats freed at a stop are sold again; the waitlist moves; dispatchers book by phone and see
 * phones; drivers read and mark their own manifest, which reaches the vehicle's MQTT downlink;
 * on-demand trips are decided at their cutoff, with messages in the outbox and a live event.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { bookingRepo } from '@rb/db'
import {
  type ClientToServerEvents,
  type LiveBookingChange,
  type ManifestCommand,
  type ServerToClientEvents,
} from '@rb/protocol'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'
import { jt808TextTerminal } from '../support/jt808-terminal.js'

interface Booking {
  code: string
  status: string
  phoneMasked: string
  phone?: string
  waitlistPosition: number | null
  cancelReason: string | null
  channel: string
  noShows?: number
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
type Res<T> = { status: number; body: T; headers: Headers }

const key = (): string => `k-${randomBytes(8).toString('hex')}`

describe.each(targets())('booking API on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  let s: string[]

  /**
   * A request without a session (a villager), or with `as`; each from its own client address
   * (the server trusts X-Forwarded-For from loopback) unless `from` is given.
   */
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { as?: RoleSession; headers?: Record<string, string>; from?: string } = {},
  ): Promise<Res<T>> => {
    const from = opts.from ?? `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`
    const headers: Record<string, string> = {
      'x-forwarded-for': from,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.as?.headers ?? {}),
      ...(opts.headers ?? {}),
    }
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers }
  }
  const book = (tripInstanceId: string, over: Record<string, unknown> = {}, idem = key()) =>
    call<Booking & ErrorBody>(
      'POST',
      '/api/bookings',
      { tripInstanceId, boardStop: s[0], alightStop: s[4], seats: 1, name: '王芳', phone: '138 1234 5678', ...over },
      { headers: { 'idempotency-key': idem } },
    )

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'BK',
      BOOKING_WAITLIST_SEATS: '2',
      BOOKING_RATE_LIMIT: '5',
      TRUST_PROXY: '127.0.0.1',
    })
    net = await bookingNetwork(server, 'BK')
    s = net.stops
    dispatcher = await server.loginAs('dispatcher')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('books a seat with a short code; a resent request with the same key gets the same booking', async () => {
    const trip = await net.trip('BK-A', dayFromNow(3))
    const idem = key()
    const first = await book(trip, {}, idem)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({
      status: 'confirmed',
      tripInstanceId: trip,
      boardStop: s[0],
      alightStop: s[4],
      seats: 1,
      channel: 'web',
      phoneMasked: '138****5678',
      boardStopName: '场镇',
    })
    expect(first.body.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}$/)
    expect(JSON.stringify(first.body)).not.toContain('13812345678')
    const again = await book(trip, {}, idem)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body.code).toBe(first.body.code)
    const list = await call<{ items: Booking[] }>('GET', `/api/trip-instances/${trip}/bookings`, undefined, {
      as: dispatcher,
    })
    expect(list.body.items).toHaveLength(1)
    const other = await book(trip, { seats: 2 }, idem)
    expect(other.status).toBe(409)
    expect(other.body.error.code).toBe('CONFLICT')
  })

  it('refuses a booking without an idempotency key, with a bad stop, and on a trip that takes no bookings', async () => {
    const trip = await net.trip('BK-B', dayFromNow(3))
    const noKey = await call<ErrorBody>('POST', '/api/bookings', {
      tripInstanceId: trip,
      boardStop: s[0],
      alightStop: s[1],
      name: '王芳',
      phone: '13812345678',
    })
    expect(noKey.status).toBe(400)
    expect(noKey.body.error.message).toMatch(/Idempotency-Key/)
    expect(
      (
        await call('POST', '/api/bookings', {
          tripInstanceId: trip,
          boardStop: s[0],
          alightStop: s[1],
          name: '王芳',
          phone: '13812345678',
          idempotencyKey: key(),
        })
      ).status,
    ).toBe(201)
    const backwards = await book(trip, { boardStop: s[3], alightStop: s[1] })
    expect(backwards.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `stop ${s[1]} does not come after ${s[3]} on this trip`,
    })
    expect((await book(`BK-B_${dayFromNow(3).replaceAll('-', '').slice(0, 4)}0231`)).body.error.code).toBe(
      'TRIP_NOT_FOUND',
    )
    const none = await book(await net.trip('BK-C', dayFromNow(3), { bookingPolicy: 'none' }))
    expect(none.status).toBe(409)
    expect(none.body.error.code).toBe('BOOKING_CLOSED')
    expect((await book(trip, { phone: '12ab' })).body.error.code).toBe('VALIDATION_FAILED')
  })

  it('sells a seat freed at a stop again for the rest of the trip, then waitlists, then refuses', async () => {
    const trip = await net.trip('BK-D', dayFromNow(3), { seats: 2 })
    expect((await book(trip, { seats: 2, boardStop: s[0], alightStop: s[2] })).body.status).toBe('confirmed')
    expect((await book(trip, { seats: 2, boardStop: s[2], alightStop: s[4] })).body.status).toBe('confirmed')
    const wait = await book(trip, { boardStop: s[1], alightStop: s[3] })
    expect(wait.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 })
    const refused = await book(trip, { boardStop: s[0], alightStop: s[1], waitlist: false })
    expect(refused.status).toBe(409)
    expect(refused.body.error).toMatchObject({ code: 'SEAT_UNAVAILABLE', details: { seatsFree: 0 } })
    expect((await book(trip, { boardStop: s[0], alightStop: s[1] })).body).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 2,
    })
    // The waitlist holds 2 seats (BOOKING_WAITLIST_SEATS).
    expect((await book(trip, { boardStop: s[0], alightStop: s[1] })).body.error.message).toMatch(/waitlist is full/)
  })

  it('lets a passenger see their booking only with code and phone, phone masked', async () => {
    const trip = await net.trip('BK-E', dayFromNow(3))
    const { code } = (await book(trip, { phone: '+86 139-0000-1111' })).body
    const mine = await call<Booking>('GET', `/api/bookings/lookup?code=${code.toLowerCase()}&phone=13900001111`)
    expect(mine.status).toBe(200)
    expect(mine.body).toMatchObject({ code, phoneMasked: '139****1111', status: 'confirmed' })
    expect(JSON.stringify(mine.body)).not.toContain('13900001111')
    expect((await call<Booking>('GET', `/api/bookings/${code}?phone=13900001111`)).body.code).toBe(code)
    const wrong = await call<ErrorBody>('GET', `/api/bookings/${code}?phone=13900001112`)
    expect(wrong.status).toBe(404)
    const unknown = await call<ErrorBody>('GET', '/api/bookings/ZZZZZZ?phone=13900001111')
    expect(wrong.body.error).toEqual(unknown.body.error)
    expect((await call('GET', `/api/bookings/${code}`)).status).toBe(400)
  })

  it('lets a passenger cancel before the cutoff: the seat goes to the waitlist in order, and both are told', async () => {
    const trip = await net.trip('BK-F', dayFromNow(3), { seats: 1 })
    const held = (await book(trip, { phone: '13700000001' })).body
    const first = (await book(trip, { phone: '13700000002' })).body
    const second = (await book(trip, { phone: '13700000003' })).body
    expect([first.status, second.status]).toEqual(['waitlisted', 'waitlisted'])
    const cancelled = await call<Booking>('POST', `/api/bookings/${held.code}/cancel`, { phone: '13700000001' })
    expect(cancelled.body).toMatchObject({ status: 'cancelled' })
    expect((await call<Booking>('GET', `/api/bookings/${first.code}?phone=13700000002`)).body).toMatchObject({
      status: 'confirmed',
      waitlistPosition: null,
    })
    expect((await call<Booking>('GET', `/api/bookings/${second.code}?phone=13700000003`)).body).toMatchObject({
      status: 'waitlisted',
      waitlistPosition: 1,
    })
    // Cancelling again answers the same booking.
    expect(
      (await call<Booking>('POST', `/api/bookings/${held.code}/cancel`, { phone: '13700000001' })).body.status,
    ).toBe('cancelled')
    const messages = await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: trip })
    expect(messages.map((m) => [m.kind, m.recipient])).toEqual([
      ['booked', '13700000001'],
      ['waitlisted', '13700000002'],
      ['waitlisted', '13700000003'],
      ['cancelled', '13700000001'],
      ['promoted', '13700000002'],
    ])
    expect(messages[4]?.body).toContain(first.code)
    // The log notifier takes them all.
    await waitFor(async () =>
      (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: trip })).every((m) => m.sentTs !== null),
    )
  })

  it('after the cutoff: the villager page is closed, a dispatcher books by phone, the passenger cannot cancel, a dispatcher can with a reason', async () => {
    // Bookings close 7 days before departure, two days from now: the cutoff has passed.
    const trip = await net.trip('BK-G', dayFromNow(2), { bookingCutoffMin: 10_080 })
    expect((await book(trip)).body.error.code).toBe('BOOKING_CLOSED')
    const body = { boardStop: s[1], alightStop: s[4], seats: 2, name: '李大爷', phone: '0830-6222222' }
    expect(
      (await call('POST', `/api/trip-instances/${trip}/bookings`, body, { headers: { 'idempotency-key': key() } }))
        .status,
    ).toBe(401)
    const byPhone = await call<Booking & ErrorBody>('POST', `/api/trip-instances/${trip}/bookings`, body, {
      as: dispatcher,
      headers: { 'idempotency-key': key() },
    })
    expect(byPhone.status).toBe(201)
    expect(byPhone.body).toMatchObject({ status: 'confirmed', channel: 'phone', phone: '08306222222', noShows: 0 })
    const code = byPhone.body.code
    const late = await call<ErrorBody>('POST', `/api/bookings/${code}/cancel`, { phone: '08306222222' })
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('BOOKING_CLOSED')
    expect((await call('POST', `/api/bookings/${code}/cancel`, { reason: '乘客来电取消' })).status).toBe(401)
    expect(
      (await call<ErrorBody>('POST', `/api/bookings/${code}/cancel`, {}, { as: dispatcher })).body.error.code,
    ).toBe('VALIDATION_FAILED')
    const done = await call<Booking>(
      'POST',
      `/api/bookings/${code}/cancel`,
      { reason: '乘客来电取消' },
      { as: dispatcher },
    )
    expect(done.body).toMatchObject({ status: 'cancelled', cancelReason: '乘客来电取消' })
    const audit = await server.apiJson<{ items: { action: string; target: string; username: string }[] }>(
      'GET',
      '/api/audit?limit=50',
    )
    expect(audit.body.items.map((a) => `${a.action} ${a.target} ${a.username}`)).toEqual(
      expect.arrayContaining([
        `booking.phone booking:${code} t-dispatcher`,
        `booking.cancel booking:${code} t-dispatcher`,
      ]),
    )
  })

  it('shows full phones to dispatchers only, and the manifest to the assigned driver only', async () => {
    const trip = await net.trip('BK-H', dayFromNow(3))
    await book(trip, { phone: '13600000001', boardStop: s[1], alightStop: s[3] })
    expect((await call('GET', `/api/trip-instances/${trip}/bookings`)).status).toBe(401)
    await server.apiJson('PUT', '/api/drivers/BK-D001', {
      name: '王建国',
      phone: '13812340001',
      licenceClass: 'A1',
      serviceSince: '2008-05-01',
      pioneer: true,
      status: 'active',
    })
    await server.apiJson('PUT', '/api/drivers/BK-D002', {
      name: '张勇',
      phone: '13812340002',
      licenceClass: 'A1',
      serviceSince: '2010-05-01',
      pioneer: false,
      status: 'active',
    })
    await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId: null, driverId: 'BK-D001' })
    const driver = await server.loginAs('driver', { username: 'bk-driver1', driverCode: 'BK-D001' })
    const otherDriver = await server.loginAs('driver', { username: 'bk-driver2', driverCode: 'BK-D002' })
    expect((await call('GET', `/api/trip-instances/${trip}/bookings`, undefined, { as: driver })).status).toBe(403)
    const list = await call<{ items: Booking[]; counts: { riders: number } }>(
      'GET',
      `/api/trips/${trip}/bookings`,
      undefined,
      { as: dispatcher },
    )
    expect(list.body.items[0]).toMatchObject({ phone: '13600000001', phoneMasked: '136****0001' })
    expect(list.body.counts.riders).toBe(1)
    const manifest = await call<{
      stops: { stopCode: string; boarding: Booking[]; alighting: Booking[]; loadAfter: number }[]
    }>('GET', `/api/trip-instances/${trip}/manifest`, undefined, { as: driver })
    expect(manifest.status).toBe(200)
    expect(manifest.body.stops.map((x) => [x.boarding.length, x.alighting.length, x.loadAfter])).toEqual([
      [0, 0, 0],
      [1, 0, 1],
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
    ])
    expect(JSON.stringify(manifest.body)).not.toContain('13600000001')
    expect(
      (await call<ErrorBody>('GET', `/api/trip-instances/${trip}/manifest`, undefined, { as: otherDriver })).body.error
        .code,
    ).toBe('FORBIDDEN')
    expect((await call('GET', `/api/trip-instances/${trip}/manifest`)).status).toBe(401)
  })

  it('lets the driver mark boarded and no-show; the manifest goes to the vehicle downlink and no-shows are counted per phone', async () => {
    const vehicleId = `BK-V${String(100 + Math.floor(Math.random() * 899))}`
    await server.apiJson('PUT', `/api/vehicles/${vehicleId}`, {
      plate: `川E·${vehicleId.slice(-3)}BK`,
      seats: 30,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    await server.apiJson('PUT', '/api/drivers/BK-D003', {
      name: '刘师傅',
      phone: '13812340003',
      licenceClass: 'A1',
      serviceSince: '2012-05-01',
      pioneer: false,
      status: 'active',
    })
    const trip = await net.trip('BK-I', dayFromNow(2), { bookingCutoffMin: 10_080 })
    await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId, driverId: 'BK-D003' })
    const driver = await server.loginAs('driver', { username: 'bk-driver3', driverCode: 'BK-D003' })
    const device = await mqtt.connectAsync(server.mqttUrl, {
      clientId: `${vehicleId}-dev-${randomBytes(3).toString('hex')}`,
    })
    const commands: ManifestCommand[] = []
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString()) as ManifestCommand))
    await device.subscribeAsync(`rb/v1/veh/${vehicleId}/cmd`, { qos: 1 })
    try {
      const phoneBook = (phone: string) =>
        call<Booking>(
          'POST',
          `/api/trip-instances/${trip}/bookings`,
          { boardStop: s[1], alightStop: s[4], name: '赵', phone },
          { as: dispatcher, headers: { 'idempotency-key': key() } },
        )
      const a = (await phoneBook('13500000001')).body
      const b = (await phoneBook('13500000002')).body
      const first = await waitFor(() =>
        commands.find((c) => c.changes.some((x) => x.kind === 'booked' && x.codes.includes(b.code))),
      )
      expect(first).toMatchObject({ type: 'manifest', tripInstanceId: trip, tripStatus: 'scheduled' })
      expect(first.manifest.counts.riders).toBe(2)
      expect(JSON.stringify(first)).not.toContain('13500000001')

      const marked = await call<{ stops: { boarding: Booking[] }[]; counts: { boarded: number; noShow: number } }>(
        'POST',
        `/api/trip-instances/${trip}/manifest`,
        { code: a.code, status: 'boarded' },
        { as: driver },
      )
      expect(marked.status).toBe(200)
      expect(marked.body.counts).toMatchObject({ boarded: 1 })
      await call('POST', `/api/trip-instances/${trip}/manifest`, { code: b.code, status: 'no_show' }, { as: driver })
      const last = await waitFor(() => commands.find((c) => c.changes.some((x) => x.kind === 'no_show')))
      expect(last.manifest.counts).toMatchObject({ boarded: 1, noShow: 1, riders: 1 })
      expect(
        (
          await call<ErrorBody>(
            'POST',
            `/api/trip-instances/${trip}/manifest`,
            { code: 'ZZZZZZ', status: 'boarded' },
            { as: driver },
          )
        ).body.error.code,
      ).toBe('BOOKING_NOT_FOUND')
      // A no-show cannot be cancelled any more.
      expect(
        (await call<ErrorBody>('POST', `/api/bookings/${b.code}/cancel`, { reason: '测试' }, { as: dispatcher })).body
          .error.code,
      ).toBe('CONFLICT')

      const noShows = await call<{ phone: string; noShows: number }>(
        'GET',
        '/api/bookings/no-shows?phone=135-0000-0002',
        undefined,
        { as: dispatcher },
      )
      expect(noShows.body).toMatchObject({ phone: '13500000002', noShows: 1 })
      expect((await call('GET', '/api/bookings/no-shows?phone=13500000002', undefined, { as: driver })).status).toBe(
        403,
      )
      const list = await call<{ items: Booking[] }>('GET', `/api/trip-instances/${trip}/bookings`, undefined, {
        as: dispatcher,
      })
      expect(list.body.items.find((x) => x.code === b.code)).toMatchObject({ status: 'no_show', noShows: 1 })
    } finally {
      await device.endAsync()
    }
  })

  it('decides on-demand trips at the cutoff: runs with enough riders, else cancelled; driver and passengers are told, the console sees it', async () => {
    const date = dayFromNow(4)
    // Runs on that day only: a daily trip would have earlier instances decided by the same call.
    const calendarId = await net.onlyOn(date)
    const runs = await net.trip('BK-OD1', date, {
      calendarId,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 120,
    })
    const fails = await net.trip('BK-OD2', date, {
      calendarId,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 120,
      departureS: 9 * 3600,
    })
    // Departs at 05:00, before any time this test runs the check at: left undecided (the server "was down").
    const departed = await net.trip('BK-OD3', date, {
      calendarId,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 120,
      departureS: 5 * 3600,
    })
    await server.apiJson('PUT', '/api/drivers/BK-D004', {
      name: '陈师傅',
      phone: '13812340004',
      licenceClass: 'A1',
      serviceSince: '2012-05-01',
      pioneer: false,
      status: 'active',
    })
    await server.apiJson('PUT', `/api/trip-instances/${runs}/assignment`, { vehicleId: null, driverId: 'BK-D004' })
    await server.apiJson('PUT', `/api/trip-instances/${fails}/assignment`, { vehicleId: null, driverId: 'BK-D004' })
    await book(runs, { seats: 2, phone: '13400000001' })
    await book(runs, { seats: 1, phone: '13400000002' })
    const lonely = (await book(fails, { seats: 2, phone: '13400000003' })).body

    const socket = connectSocket(server.baseUrl, {
      transports: ['websocket'],
      auth: { token: dispatcher.token },
    }) as Socket<ServerToClientEvents, ClientToServerEvents>
    const live: LiveBookingChange[] = []
    socket.on('bookings', (batch) => live.push(...batch))
    try {
      await new Promise<void>((resolve) => socket.emit('subscribe', ['all'], () => resolve()))
      const trips = (
        await server.apiJson<{ items: { id: string; departure: string }[] }>('GET', `/api/trips?date=${date}`)
      ).body.items
      const cutoffOf = (id: string): number =>
        Date.parse(trips.find((t) => t.id === id)?.departure ?? '') - 120 * 60_000
      const onDemand = server.app.rb.booking.onDemand

      expect(await onDemand.runOnce(cutoffOf(runs) - 1)).toEqual([])
      expect(await onDemand.runOnce(cutoffOf(runs))).toEqual([
        { tripInstanceId: runs, decision: 'confirmed', riders: 3, minRiders: 3 },
      ])
      expect(await onDemand.runOnce(cutoffOf(runs) + 1)).toEqual([])
      expect(await onDemand.runOnce(cutoffOf(fails))).toEqual([
        { tripInstanceId: fails, decision: 'cancelled', riders: 2, minRiders: 3 },
      ])

      const dayTrips = (
        await server.apiJson<{ items: { id: string; status: string; cancelReason: string | null }[] }>(
          'GET',
          `/api/trips?date=${date}`,
        )
      ).body.items
      expect(dayTrips.find((t) => t.id === runs)?.status).toBe('scheduled')
      expect(dayTrips.find((t) => t.id === departed)?.status).toBe('scheduled')
      expect(
        (
          await call<{ trip: { onDemand: string } }>('GET', `/api/trip-instances/${departed}/bookings`, undefined, {
            as: dispatcher,
          })
        ).body.trip.onDemand,
      ).toBe('pending')
      expect(dayTrips.find((t) => t.id === fails)).toMatchObject({
        status: 'cancelled',
        cancelReason: '截止时预约2人，不足3人',
      })
      expect((await call<Booking>('GET', `/api/bookings/${lonely.code}?phone=13400000003`)).body).toMatchObject({
        status: 'cancelled',
        cancelReason: '截止时预约2人，不足3人',
      })
      expect((await book(fails)).body.error.code).toBe('TRIP_CANCELLED')
      const summary = await call<{ trip: { onDemand: string } }>(
        'GET',
        `/api/trip-instances/${runs}/bookings`,
        undefined,
        { as: dispatcher },
      )
      expect(summary.body.trip.onDemand).toBe('confirmed')

      const kinds = async (id: string) =>
        (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: id })).map((m) => `${m.kind}→${m.recipient}`)
      expect(await kinds(runs)).toEqual(
        expect.arrayContaining([
          'trip_confirmed→13400000001',
          'trip_confirmed→13400000002',
          'driver_trip_confirmed→13812340004',
        ]),
      )
      expect(await kinds(fails)).toEqual(
        expect.arrayContaining(['trip_cancelled→13400000003', 'driver_trip_cancelled→13812340004']),
      )

      const seen = await waitFor(() => (live.some((c) => c.kind === 'trip_cancelled') ? live : null))
      expect(seen.find((c) => c.tripInstanceId === runs && c.kind === 'trip_confirmed')).toMatchObject({
        counts: { riders: 3 },
        tripStatus: 'scheduled',
      })
      expect(seen.find((c) => c.tripInstanceId === fails && c.kind === 'trip_cancelled')).toMatchObject({
        codes: [lonely.code],
        counts: { riders: 0, cancelled: 2 },
        tripStatus: 'cancelled',
      })
      expect(JSON.stringify(seen)).not.toMatch(/134000000/)
    } finally {
      socket.close()
    }
  })

  it("sends the manifest as text to the vehicle's JT/T 808 terminal when a booking changes", async () => {
    const vehicleId = `BK-V${String(100 + Math.floor(Math.random() * 899))}`
    const phone = `0139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
    await server.apiJson('PUT', `/api/vehicles/${vehicleId}`, {
      plate: `川E·${vehicleId.slice(-3)}JT`,
      seats: 30,
      operatorId: 'OP1',
      model: '宇通',
      jt808Phone: phone,
      status: 'active',
    })
    const trip = await net.trip('BK-J', dayFromNow(3))
    await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId, driverId: null })
    const terminal = await jt808TextTerminal(server.app.rb.jt808Port as number, phone)
    try {
      await waitFor(() => server.app.rb.jt808?.isConnected(vehicleId))
      const { code } = (await book(trip, { seats: 2, boardStop: s[1], alightStop: s[3] })).body
      const text = await waitFor(() => terminal.texts.find((t) => t.includes(code)))
      expect(text.split('\n')).toEqual([`08:00 ${trip} 订座2/30`, `石坝村 上${code}×2`, '水尾村 下2'])
    } finally {
      terminal.close()
    }
  })

  it('limits booking requests without a session per client address, not dispatchers', async () => {
    const trip = await net.trip('BK-L', dayFromNow(3))
    const from = '10.250.0.1'
    const attempt = (over: Record<string, unknown> = {}) =>
      call<ErrorBody>(
        'POST',
        '/api/bookings',
        { tripInstanceId: trip, boardStop: s[0], alightStop: s[1], name: '王芳', phone: '13812345678', ...over },
        { from, headers: { 'idempotency-key': key() } },
      )
    for (let i = 0; i < 4; i++) expect((await attempt()).status).toBe(201)
    // Look-ups count too.
    expect((await call('GET', '/api/bookings/ZZZZZZ?phone=13812345678', undefined, { from })).status).toBe(404)
    const sixth = await attempt()
    expect(sixth.status).toBe(429)
    expect(sixth.body.error.code).toBe('RATE_LIMITED')
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(
      (await call('GET', '/api/bookings/ZZZZZZ?phone=13812345678', undefined, { from: '10.250.0.2' })).status,
    ).toBe(404)
    const list = await call('GET', `/api/trip-instances/${trip}/bookings`, undefined, { from, as: dispatcher })
    expect(list.status).toBe(200)
  })

  it('publishes the booking API in the OpenAPI document', async () => {
    const doc = await call<{ paths: Record<string, unknown> }>('GET', '/docs/json')
    for (const path of [
      '/api/bookings',
      '/api/bookings/lookup',
      '/api/bookings/{code}',
      '/api/bookings/{code}/cancel',
      '/api/trip-instances/{id}/bookings',
      '/api/trip-instances/{id}/manifest',
      '/api/bookings/no-shows',
    ]) {
      expect(doc.body.paths).toHaveProperty([path])
    }
  })
})

/**
 * A dispatcher cancels a trip instance: its confirmed and waitlisted bookings are cancelled with
 * the trip's reason (boarded ones stay), each passenger and the assigned driver get a message,
 * the console and the driver's trip room get a `trip_cancelled` event, the vehicle its manifest,
 * and the trip takes no more bookings. A repeated cancel tells nobody twice; a pending on-demand
 * trip is not decided again at its cutoff; bookings racing the cancellation end up cancelled;
 * a cancellation whose cascade never ran (the server stopped) is finished by the sweep.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { io as connectSocket, type Socket } from 'socket.io-client'
import { bookingRepo, createPgDb, networkRepo } from '@rb/db'
import { serviceDate } from '@rb/domain'
import type {
  ClientToServerEvents,
  LiveBookingChange,
  ManifestCommand,
  ServerToClientEvents,
  SubscribeAck,
} from '@rb/protocol'
import { BookingService } from '../../apps/server/src/booking/service.js'
import { NetworkService } from '../../apps/server/src/network/service.js'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

interface Booking {
  code: string
  status: string
  cancelReason: string | null
  cancelledBy?: string | null
}
interface ErrorBody {
  error: { code: string; message: string }
}
type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>

const key = (): string => `k-${randomBytes(8).toString('hex')}`

describe.each(targets())('cancelling a trip instance on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  let s: string[]
  const sockets: LiveSocket[] = []

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    as?: RoleSession,
  ): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = {
      'x-forwarded-for': `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
      'idempotency-key': key(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(as?.headers ?? {}),
    }
    const res = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  /** A dispatcher's phone booking (open after the cutoff, until the bus is due). */
  const phoneBook = (trip: string, phone: string, over: Record<string, unknown> = {}) =>
    call<Booking & ErrorBody>(
      'POST',
      `/api/trip-instances/${trip}/bookings`,
      { boardStop: s[1], alightStop: s[4], name: '乘客', phone, ...over },
      dispatcher,
    )
  const cancelTrip = (trip: string, reason: string) =>
    call<{ status: string; cancelReason: string } & ErrorBody>(
      'POST',
      `/api/trip-instances/${trip}/cancel`,
      { reason },
      dispatcher,
    )
  const bookingsOf = async (trip: string) =>
    (
      await call<{ items: Booking[]; counts: { riders: number; cancelled: number } }>(
        'GET',
        `/api/trip-instances/${trip}/bookings`,
        undefined,
        dispatcher,
      )
    ).body
  const messages = async (trip: string) =>
    (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: trip }))
      .map((m) => `${m.kind}→${m.recipient}`)
      .sort()
  const driver = async (code: string, phone: string): Promise<RoleSession> => {
    await server.apiJson('PUT', `/api/drivers/${code}`, {
      name: '刘师傅',
      phone,
      licenceClass: 'A1',
      serviceSince: '2012-05-01',
      pioneer: false,
      status: 'active',
    })
    return server.loginAs('driver', { username: code.toLowerCase(), driverCode: code })
  }
  const assign = async (trip: string, driverId: string | null, vehicleId: string | null = null) => {
    const r = await server.apiJson('PUT', `/api/trip-instances/${trip}/assignment`, { vehicleId, driverId })
    expect(r.status).toBe(200)
  }
  /** A socket signed in as `who`, in `rooms`, collecting booking events. */
  const liveAs = async (
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
    const ack = await new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', rooms, resolve))
    return { ack, live }
  }

  beforeAll(async () => {
    server = await startServer({ ...target.env, COUNTY_PREFIX: 'CX', TRUST_PROXY: '127.0.0.1' })
    net = await bookingNetwork(server, 'CX')
    s = net.stops
    dispatcher = await server.loginAs('dispatcher')
  })
  afterAll(async () => {
    for (const socket of sockets) socket.close()
    await server?.close()
  })

  it('cancels confirmed and waitlisted bookings with the reason, keeps boarded ones, tells passengers, driver, console, driver room and vehicle', async () => {
    const vehicleId = `CX-V${100 + randomInt(899)}`
    await server.apiJson('PUT', `/api/vehicles/${vehicleId}`, {
      plate: `川E·${vehicleId.slice(-3)}CX`,
      seats: 30,
      operatorId: 'OP1',
      model: '宇通',
      status: 'active',
    })
    // The cutoff (7 days before) has passed: the driver may mark, dispatchers book by phone.
    const trip = await net.trip('CX-A', dayFromNow(2), { seats: 2, bookingCutoffMin: 10_080 })
    const liu = await driver('CX-D001', '13812340001')
    await assign(trip, 'CX-D001', vehicleId)
    const a = (await phoneBook(trip, '13500000001')).body
    const boarded = (await phoneBook(trip, '13500000002')).body
    const waiting = (await phoneBook(trip, '13500000003')).body
    expect([a.status, boarded.status, waiting.status]).toEqual(['confirmed', 'confirmed', 'waitlisted'])
    expect(
      (await call('POST', `/api/trip-instances/${trip}/manifest`, { code: boarded.code, status: 'boarded' }, liu))
        .status,
    ).toBe(200)

    const desk = await liveAs(dispatcher, ['all'])
    const room = await liveAs(liu, [`trip:${trip}`])
    expect(room.ack).toMatchObject({ ok: true, joined: [`trip:${trip}`] })
    const device = await mqtt.connectAsync(server.mqttUrl, {
      clientId: `${vehicleId}-dev-${randomBytes(3).toString('hex')}`,
    })
    const commands: ManifestCommand[] = []
    device.on('message', (_t, payload) => commands.push(JSON.parse(payload.toString()) as ManifestCommand))
    await device.subscribeAsync(`rb/v1/veh/${vehicleId}/cmd`, { qos: 1 })
    try {
      const cancelled = await cancelTrip(trip, '道路塌方')
      expect(cancelled.status).toBe(200)
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '道路塌方' })

      // The answer comes after the bookings are cancelled.
      const after = await bookingsOf(trip)
      const byCode = new Map(after.items.map((b) => [b.code, b]))
      expect(byCode.get(a.code)).toMatchObject({
        status: 'cancelled',
        cancelReason: '道路塌方',
        cancelledBy: 't-dispatcher',
      })
      expect(byCode.get(waiting.code)).toMatchObject({
        status: 'cancelled',
        cancelReason: '道路塌方',
        cancelledBy: 't-dispatcher',
      })
      expect(byCode.get(boarded.code)).toMatchObject({ status: 'boarded', cancelReason: null })
      expect(after.counts).toMatchObject({ riders: 1, cancelled: 2 })

      const told = await messages(trip)
      expect(told.filter((m) => m.startsWith('trip_cancelled') || m.startsWith('driver_'))).toEqual([
        'driver_trip_cancelled→13812340001',
        'trip_cancelled→13500000001',
        'trip_cancelled→13500000003',
      ])
      const texts = await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: trip })
      expect(texts.find((m) => m.kind === 'trip_cancelled')?.body).toContain('道路塌方')
      expect(texts.find((m) => m.kind === 'driver_trip_cancelled')?.body).toMatch(
        /^【乡村公交】班次取消：.*道路塌方，无需出车。$/,
      )

      const expected = {
        tripInstanceId: trip,
        kind: 'trip_cancelled',
        codes: [a.code, waiting.code].sort(),
        tripStatus: 'cancelled',
        counts: { riders: 1, boarded: 1, waitlisted: 0 },
      }
      const seen = await waitFor(() => desk.live.find((c) => c.kind === 'trip_cancelled'))
      expect({ ...seen, codes: [...seen.codes].sort() }).toMatchObject(expected)
      const inRoom = await waitFor(() => room.live.find((c) => c.kind === 'trip_cancelled'))
      expect({ ...inRoom, codes: [...inRoom.codes].sort() }).toMatchObject(expected)
      const command = await waitFor(() => commands.find((c) => c.changes.some((x) => x.kind === 'trip_cancelled')))
      expect(command).toMatchObject({
        tripInstanceId: trip,
        tripStatus: 'cancelled',
        manifest: { counts: { riders: 1 } },
      })
      expect(JSON.stringify([seen, inRoom, command])).not.toMatch(/1350000000/)
    } finally {
      await device.endAsync()
    }

    // No more bookings, by phone or by villagers, and no marks.
    expect((await phoneBook(trip, '13500000004')).body.error.code).toBe('TRIP_CANCELLED')
    const villager = await call<ErrorBody>('POST', '/api/bookings', {
      tripInstanceId: trip,
      boardStop: s[0],
      alightStop: s[2],
      name: '王芳',
      phone: '13500000005',
    })
    expect(villager.body.error.code).toBe('TRIP_CANCELLED')
    expect(
      (
        await call<ErrorBody>(
          'POST',
          `/api/trip-instances/${trip}/manifest`,
          { code: boarded.code, status: 'confirmed' },
          liu,
        )
      ).body.error.code,
    ).toBe('TRIP_CANCELLED')
  })

  it('tells nobody twice when the cancel is repeated, and tells the driver even of a trip nobody booked', async () => {
    const trip = await net.trip('CX-B', dayFromNow(2), { bookingCutoffMin: 10_080 })
    await driver('CX-D002', '13812340002')
    await assign(trip, 'CX-D002')
    const desk = await liveAs(dispatcher, ['all'])
    expect((await cancelTrip(trip, '车辆故障')).status).toBe(200)
    expect(await messages(trip)).toEqual(['driver_trip_cancelled→13812340002'])
    const first = await waitFor(() => desk.live.find((c) => c.tripInstanceId === trip))
    expect(first).toMatchObject({ kind: 'trip_cancelled', codes: [], tripStatus: 'cancelled' })

    const again = await cancelTrip(trip, '车辆故障，改日')
    expect(again.body).toMatchObject({ status: 'cancelled', cancelReason: '车辆故障，改日' })
    expect(await messages(trip)).toEqual(['driver_trip_cancelled→13812340002'])
    // Give a second event the time to arrive (several hub ticks): none does.
    await new Promise((r) => setTimeout(r, 600))
    expect(desk.live.filter((c) => c.tripInstanceId === trip)).toHaveLength(1)
    // A trip without a driver cancels fine and texts nobody.
    const nobody = await net.trip('CX-C', dayFromNow(2), { bookingCutoffMin: 10_080 })
    const lone = (await phoneBook(nobody, '13500000011')).body
    expect((await cancelTrip(nobody, '天气')).status).toBe(200)
    expect(await messages(nobody)).toEqual(['booked→13500000011', 'trip_cancelled→13500000011'])
    expect((await bookingsOf(nobody)).items[0]).toMatchObject({
      code: lone.code,
      status: 'cancelled',
      cancelReason: '天气',
    })
  })

  it('a pending on-demand trip cancelled by a dispatcher is not decided again at its cutoff', async () => {
    const date = dayFromNow(5)
    const calendarId = await net.onlyOn(date)
    const trip = await net.trip('CX-OD', date, {
      calendarId,
      bookingPolicy: 'required',
      minRiders: 3,
      bookingCutoffMin: 120,
    })
    await driver('CX-D003', '13812340003')
    await assign(trip, 'CX-D003')
    const rider = (
      await call<Booking>('POST', '/api/bookings', {
        tripInstanceId: trip,
        boardStop: s[0],
        alightStop: s[4],
        name: '张',
        phone: '13500000021',
      })
    ).body
    expect(rider.status).toBe('confirmed')
    expect((await cancelTrip(trip, '卫生院停诊')).status).toBe(200)
    const summary = await call<{ trip: { onDemand: string; status: string } }>(
      'GET',
      `/api/trip-instances/${trip}/bookings`,
      undefined,
      dispatcher,
    )
    expect(summary.body.trip).toMatchObject({ onDemand: 'cancelled', status: 'cancelled' })
    const departure = Date.parse(
      (
        await server.apiJson<{ items: { id: string; departure: string }[] }>('GET', `/api/trips?date=${date}`)
      ).body.items.find((t) => t.id === trip)?.departure ?? '',
    )
    expect(await server.app.rb.booking.onDemand.runOnce(departure - 120 * 60_000)).toEqual([])
    const told = await messages(trip)
    expect(told.filter((m) => m.startsWith('driver_'))).toEqual(['driver_trip_cancelled→13812340003'])
    expect(told.filter((m) => m.startsWith('trip_cancelled'))).toEqual(['trip_cancelled→13500000021'])
    const text = (await bookingRepo.messagesFor(server.app.rb.db, { tripInstanceId: trip })).find(
      (m) => m.kind === 'driver_trip_cancelled',
    )?.body
    expect(text).toMatch(/^【乡村公交】按需班次取消：/)
  })

  it('bookings sent while the trip is cancelled are refused or cancelled: none stays open', async () => {
    const trip = await net.trip('CX-R', dayFromNow(2), { seats: 30, bookingCutoffMin: 10_080 })
    const racing = Array.from({ length: 24 }, (_, i) => phoneBook(trip, `1360000${String(i).padStart(4, '0')}`))
    const cancel = cancelTrip(trip, '临时停运')
    const answers = await Promise.all(racing)
    expect((await cancel).status).toBe(200)
    for (const r of answers)
      expect(r.status === 201 ? 'booked' : `${r.status} ${r.body.error.code}`).toMatch(/^(booked|409 TRIP_CANCELLED)$/)
    const left = (await bookingsOf(trip)).items.filter((b) => b.status !== 'cancelled')
    expect(left).toEqual([])
    // Every booking that was made was also told it is cancelled.
    const made = answers.filter((r) => r.status === 201).length
    expect((await messages(trip)).filter((m) => m.startsWith('trip_cancelled'))).toHaveLength(made)
  })

  // On the embedded database transactions take turns, so another instance cannot hold the lock meanwhile.
  it.skipIf(target.name === 'embedded')(
    'a booking that waited for the lock while its trip was cancelled is refused (another instance held the lock)',
    async () => {
      const trip = await net.trip('CX-L', dayFromNow(2), { bookingCutoffMin: 10_080 })
      expect((await phoneBook(trip, '13500000041')).status).toBe(201)
      const { databaseUrl, databaseSchema } = server.app.rb.config
      const other = createPgDb({ url: databaseUrl as string, ...(databaseSchema ? { schema: databaseSchema } : {}) })
      try {
        const elsewhere = new BookingService({
          db: other,
          network: new NetworkService(other, server.app.rb.network.settings),
          settings: { waitlistMaxSeats: 0 },
          randomInt,
        })
        let release = (): void => {}
        const gate = new Promise<void>((resolve) => (release = resolve))
        let held = (): void => {}
        const holding = new Promise<void>((resolve) => (held = resolve))
        const blocker = elsewhere.locked(await server.app.rb.network.instance(trip), async () => {
          held()
          await gate
          return { result: null, changes: [], messages: [] }
        })
        await holding
        // The server reads the trip (running), then waits for the lock …
        const waiting = phoneBook(trip, '13500000042')
        const waiters = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%booking_trip%FOR UPDATE%'`
        await waitFor(async () => ((await other.query<{ n: number }>(waiters)).rows[0]?.n ?? 0) > 0, 60_000)
        // … while the trip is cancelled and the lock let go.
        await networkRepo.cancelInstance(server.app.rb.db, {
          id: trip,
          tripId: 'CX-L',
          serviceDate: serviceDate(dayFromNow(2)),
          reason: '临时停运',
        })
        release()
        await blocker
        const answer = await waiting
        expect(`${answer.status} ${answer.body.error?.code}`).toBe('409 TRIP_CANCELLED')
      } finally {
        await other.close()
      }
    },
  )

  it('the sweep finishes a cancellation whose bookings were left open (the server stopped in between)', async () => {
    const trip = await net.trip('CX-S', dayFromNow(2), { bookingCutoffMin: 10_080 })
    await driver('CX-D004', '13812340004')
    await assign(trip, 'CX-D004')
    const open = (await phoneBook(trip, '13500000031')).body
    // The network's cancellation alone, as if the server stopped before the booking module heard of it.
    await networkRepo.cancelInstance(server.app.rb.db, {
      id: trip,
      tripId: 'CX-S',
      serviceDate: serviceDate(dayFromNow(2)),
      reason: '停电',
    })
    const swept = await server.app.rb.booking.cancellations.sweep(Date.now())
    // The server's own periodic sweep may have got there first on a slow box; then this one finds nothing left.
    const mine = swept.find((o) => o.tripInstanceId === trip)
    if (mine) expect(mine).toEqual({ tripInstanceId: trip, cancelled: [open.code], driverTold: false })
    expect((await bookingsOf(trip)).items[0]).toMatchObject({
      status: 'cancelled',
      cancelReason: '停电',
      cancelledBy: 'system',
    })
    expect((await messages(trip)).filter((m) => !m.startsWith('booked'))).toEqual(['trip_cancelled→13500000031'])
    expect(
      (await server.app.rb.booking.cancellations.sweep(Date.now())).find((o) => o.tripInstanceId === trip),
    ).toBeUndefined()
  })
})

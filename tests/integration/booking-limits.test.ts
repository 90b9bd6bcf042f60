/**
 * Booking limits against filling a bus with fake bookings: per phone and trip (seats and
 * bookings), per phone, per address and per signed-in account in a day, a per-account request
 * limit for drivers and staff, SMS code confirmation with the seats held meanwhile, and the
 * dispatcher's view of suspicious phones, addresses and accounts.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookingRepo } from '@rb/db'
import { startServer, targets, waitFor, type RoleSession, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}
interface Booking {
  code: string
  status: string
  verification?: { required: boolean; expiresAt: string; resendAt: string | null }
}
type Res<T> = { status: number; body: T }

const key = (): string => `k-${randomBytes(8).toString('hex')}`
let phoneSeq = 0
/** A phone number no other booking of this file uses. */
const newPhone = (): string => `135${String(Date.now() % 1e4).padStart(4, '0')}${String(phoneSeq++).padStart(4, '0')}`

const LIMITS = {
  TRUST_PROXY: '127.0.0.1',
  BOOKING_RATE_LIMIT: '0',
  BOOKING_PHONE_TRIP_SEATS: '4',
  BOOKING_PHONE_TRIP_BOOKINGS: '2',
  BOOKING_PHONE_DAILY: '6',
  BOOKING_ADDRESS_DAILY: '12',
  BOOKING_ACCOUNT_DAILY: '8',
  BOOKING_ACCOUNT_RATE_LIMIT: '20',
}

function client(server: () => TestServer, net: () => BookingNetwork) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { from?: string; as?: RoleSession; headers?: Record<string, string> } = {},
  ): Promise<Res<T>> => {
    const res = await fetch(`${server().baseUrl}${path}`, {
      method,
      headers: {
        'x-forwarded-for':
          opts.from ?? `10.${phoneSeq % 250}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.as?.headers ?? {}),
        ...(opts.headers ?? {}),
      },
      body: body === undefined ? null : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  const book = (trip: string, over: Record<string, unknown> = {}, opts: { from?: string; as?: RoleSession } = {}) =>
    call<Booking & ErrorBody>(
      'POST',
      '/api/bookings',
      {
        tripInstanceId: trip,
        boardStop: net().stops[0],
        alightStop: net().stops[3],
        seats: 1,
        name: '王芳',
        phone: newPhone(),
        waitlist: false,
        ...over,
      },
      { ...opts, headers: { 'idempotency-key': key() } },
    )
  return { call, book }
}

describe.each(targets())('booking limits on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  let dispatcher: RoleSession
  const { call, book } = client(
    () => server,
    () => net,
  )

  beforeAll(async () => {
    server = await startServer({ ...target.env, ...LIMITS, COUNTY_PREFIX: 'BL' })
    net = await bookingNetwork(server, 'BL')
    dispatcher = await server.loginAs('dispatcher')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('one address cannot fill a 19-seat medical bus with made-up names and phones', async () => {
    const trip = await net.trip('BL-MED', dayFromNow(3), { seats: 19 })
    const from = '10.200.0.1'
    const all = await Promise.all(Array.from({ length: 19 }, (_, i) => book(trip, { name: `假名${i}` }, { from })))
    expect(all.filter((r) => r.status === 201)).toHaveLength(12)
    const refused = all.filter((r) => r.status === 429)
    expect(refused).toHaveLength(7)
    expect(refused[0]?.body.error).toMatchObject({ code: 'BOOKING_LIMIT', details: { limit: 'address_day', max: 12 } })
    // Villagers elsewhere still book the seats that are left.
    expect((await book(trip, {}, { from: '10.200.0.2' })).status).toBe(201)
  })

  it('holds one phone to 4 seats and 2 bookings on a trip, also when its requests race', async () => {
    const trip = await net.trip('BL-P1', dayFromNow(3))
    const phone = newPhone()
    expect((await book(trip, { phone, seats: 3 })).status).toBe(201)
    const more = await book(trip, { phone, seats: 2 })
    expect(more.status).toBe(429)
    expect(more.body.error.details).toMatchObject({ limit: 'phone_trip_seats', max: 4 })
    const one = await book(trip, { phone, seats: 1 })
    expect(one.status).toBe(201)
    const third = await book(trip, { phone, seats: 1 })
    expect(third.body.error.details).toMatchObject({ limit: 'phone_trip_bookings', max: 2 })
    // A cancelled booking no longer counts.
    expect((await call('POST', `/api/bookings/${one.body.code}/cancel`, { phone })).status).toBe(200)
    expect((await book(trip, { phone, seats: 1 })).status).toBe(201)

    const racer = newPhone()
    const raced = await Promise.all(Array.from({ length: 6 }, () => book(trip, { phone: racer, seats: 1 })))
    expect(raced.filter((r) => r.status === 201)).toHaveLength(2)
    expect(raced.filter((r) => r.status === 429)).toHaveLength(4)
  })

  it('caps one phone at 6 booking requests a day, across trips', async () => {
    const phone = newPhone()
    const date = dayFromNow(4)
    const trips = await Promise.all(Array.from({ length: 7 }, (_, i) => net.trip(`BL-D${i}`, date)))
    for (const t of trips.slice(0, 6)) expect((await book(t, { phone })).status).toBe(201)
    const seventh = await book(trips[6] as string, { phone })
    expect(seventh.status).toBe(429)
    expect(seventh.body.error.details).toMatchObject({ limit: 'phone_day', max: 6 })
  })

  it('limits a driver account too: bookings per day, and requests per minute (no guessing codes)', async () => {
    await server.apiJson('PUT', '/api/drivers/BL-D001', {
      name: '刘师傅',
      phone: '13812340001',
      licenceClass: 'A1',
      serviceSince: '2012-05-01',
      pioneer: false,
      status: 'active',
    })
    const driver = await server.loginAs('driver', { username: 'bl-driver', driverCode: 'BL-D001' })
    const trip = await net.trip('BL-DRV', dayFromNow(3), { seats: 30 })
    const from = '10.201.0.1'
    const made = []
    for (let i = 0; i < 9; i++) made.push(await book(trip, {}, { as: driver, from }))
    expect(made.slice(0, 8).map((r) => r.status)).toEqual(Array(8).fill(201))
    expect(made[8]?.body.error).toMatchObject({ code: 'BOOKING_LIMIT', details: { limit: 'account_day', max: 8 } })
    // 20 requests a minute per account: the guessing stops at once.
    const guesses = []
    for (let i = 0; i < 15; i++)
      guesses.push(
        (await call('GET', `/api/bookings/ZZZZZ${i % 10}?phone=13800000000`, undefined, { as: driver, from })).status,
      )
    expect(guesses).toContain(429)
    expect(guesses.filter((s) => s === 404).length).toBeLessThanOrEqual(20 - 9)
  })

  it('shows dispatchers the addresses, phones and accounts that hit a limit, with their bookings', async () => {
    const r = await call<{
      items: {
        kind: string
        key: string
        refused: number
        limits: string[]
        bookings: { code: string; phone: string }[]
      }[]
    }>('GET', '/api/bookings/suspicious', undefined, { as: dispatcher })
    expect(r.status).toBe(200)
    const address = r.body.items.find((i) => i.kind === 'address' && i.key === '10.200.0.1')
    expect(address).toMatchObject({ refused: 7, limits: ['address_day'] })
    expect(address?.bookings).toHaveLength(12)
    expect(r.body.items.find((i) => i.kind === 'account' && i.key === 'bl-driver')).toMatchObject({
      limits: ['account_day'],
    })
    const driver = await server.loginAs('driver', { username: 'bl-driver', driverCode: 'BL-D001' })
    expect((await call('GET', '/api/bookings/suspicious', undefined, { as: driver })).status).toBe(403)
  })
})

describe.each(targets())('SMS code confirmation on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  const { call, book } = client(
    () => server,
    () => net,
  )

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      ...LIMITS,
      COUNTY_PREFIX: 'BV',
      BOOKING_VERIFY: 'demand',
      BOOKING_VERIFY_HOLD_S: '120',
      BOOKING_HIGH_DEMAND_PCT: '50',
    })
    net = await bookingNetwork(server, 'BV')
  })
  afterAll(async () => {
    await server?.close()
  })

  const messages = (bookingId: number) => bookingRepo.messagesFor(server.app.rb.db, { bookingId })

  it('holds the seat of an on-demand booking until the phone confirms its code; the booked text waits for it', async () => {
    const trip = await net.trip('BV-OD', dayFromNow(3), { bookingPolicy: 'required', minRiders: 2 })
    const phone = newPhone()
    const res = await book(trip, { phone })
    expect(res.status).toBe(201)
    expect(res.body.verification).toMatchObject({ required: true })
    const stored = await bookingRepo.bookingByCode(server.app.rb.db, res.body.code)
    const codeText = await waitFor(async () =>
      (await messages(stored?.id ?? 0)).find((m) => m.kind === 'verify_code' && m.sentTs !== null),
    )
    const sms = /验证码(\d{6})/.exec(codeText.body)?.[1] as string
    // Held: the seat counts, the booked text is not sent.
    expect((await messages(stored?.id ?? 0)).find((m) => m.kind === 'booked')?.sentTs).toBeNull()
    const wrong = await call<ErrorBody>('POST', `/api/bookings/${res.body.code}/verify`, {
      phone,
      smsCode: sms === '000000' ? '111111' : '000000',
    })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details).toMatchObject({ field: 'code', triesLeft: 4 })
    const ok = await call<Booking>('POST', `/api/bookings/${res.body.code}/verify`, { phone, smsCode: sms })
    expect(ok.status).toBe(200)
    expect(ok.body.status).toBe('confirmed')
    await waitFor(
      async () => (await messages(stored?.id ?? 0)).find((m) => m.kind === 'booked' && m.sentTs !== null),
      60_000,
      100,
    )
    // The phone is remembered: its next booking stands at once.
    expect((await book(trip, { phone })).body.verification).toBeUndefined()
  })

  it('sends the code again a minute apart at the soonest, three codes in all; a new code replaces the old; a look-up says the seat is held', async () => {
    const trip = await net.trip('BV-RS', dayFromNow(3), { bookingPolicy: 'required', minRiders: 2 })
    const phone = newPhone()
    const res = await book(trip, { phone })
    const v = res.body.verification
    expect(Date.parse(v?.resendAt ?? '') - Date.now()).toBeGreaterThan(30_000)
    const stored = await bookingRepo.bookingByCode(server.app.rb.db, res.body.code)
    const codes = async () =>
      (await messages(stored?.id ?? 0))
        .filter((m) => m.kind === 'verify_code')
        .map((m) => /验证码(\d{6})/.exec(m.body)?.[1] as string)
    await waitFor(async () => (await codes()).length === 1)
    // A look-up by the passenger says the seat is held, and until when.
    const looked = await call<Booking>('GET', `/api/bookings/lookup?code=${res.body.code}&phone=${phone}`)
    expect(looked.body.verification).toMatchObject({ required: true, expiresAt: v?.expiresAt })
    const resend = () =>
      call<{ sent: boolean; verification: { resendAt: string | null } | null } & ErrorBody>(
        'POST',
        `/api/bookings/${res.body.code}/verify/resend`,
        { phone },
      )
    // At once: too soon, with the wait.
    const soon = await resend()
    expect(soon.status).toBe(429)
    expect(soon.body.error.details).toMatchObject({ reason: 'too_soon' })
    expect(soon.body.error.details?.retryAfterS).toBeGreaterThan(30)
    // A minute later (moved back in the database), twice: two new codes, then no more.
    const aMinuteAgo = () =>
      server.app.rb.db.query(
        "UPDATE booking_hold SET code_sent_at = now() - interval '61 seconds' WHERE booking_id = $1",
        [stored?.id],
      )
    for (const n of [2, 3]) {
      await aMinuteAgo()
      const again = await resend()
      expect(again.status).toBe(200)
      expect(again.body.sent).toBe(true)
      expect(again.body.verification?.resendAt ?? null).toEqual(n === 3 ? null : expect.any(String))
      await waitFor(async () => (await codes()).length === n)
    }
    await aMinuteAgo()
    const noMore = await resend()
    expect(noMore.status).toBe(429)
    expect(noMore.body.error.details).toMatchObject({ reason: 'too_many_sends' })
    // Only the newest code works.
    const [first, , newest] = await codes()
    if (first !== newest)
      expect(
        (await call<ErrorBody>('POST', `/api/bookings/${res.body.code}/verify`, { phone, smsCode: first })).status,
      ).toBe(400)
    expect(
      (await call<Booking>('POST', `/api/bookings/${res.body.code}/verify`, { phone, smsCode: newest })).status,
    ).toBe(200)
    expect(
      (await call<Booking>('GET', `/api/bookings/lookup?code=${res.body.code}&phone=${phone}`)).body.verification,
    ).toBeUndefined()
    expect((await resend()).body).toMatchObject({ sent: false, verification: null })
  })

  it('releases the seats of a booking whose code never comes back', async () => {
    const trip = await net.trip('BV-HD', dayFromNow(3), { seats: 2 })
    expect((await book(trip)).body.verification).toBeUndefined()
    // Half the seats are taken: the trip is in high demand now.
    const held = await book(trip)
    expect(held.body.verification).toMatchObject({ required: true })
    expect((await book(trip)).status).toBe(409)
    // The hold runs out (the sweep is asked directly, at a time past it).
    const abuse = server.app.rb.booking.abuse
    await server.app.rb.db.query(
      "UPDATE booking_hold SET expires_at = now() - interval '1 second' WHERE booking_id = (SELECT id FROM booking WHERE code = $1)",
      [held.body.code],
    )
    await waitFor(
      async () =>
        (await abuse.sweep()) >= 0 &&
        (await bookingRepo.bookingByCode(server.app.rb.db, held.body.code))?.status === 'cancelled',
      60_000,
      100,
    )
    const stored = await bookingRepo.bookingByCode(server.app.rb.db, held.body.code)
    expect(stored?.cancelReason).toMatch(/未在2分钟内确认手机号/)
    // The passenger is told; the seat is free again.
    expect((await messages(stored?.id ?? 0)).some((m) => m.kind === 'cancelled')).toBe(true)
    expect((await book(trip)).status).toBe(201)
  })
})

/**
 * Never oversold, never doubled: 500 simultaneous booking attempts on a 30-seat trip confirm
 * exactly 30 seats, with a weak connection's resent requests (same idempotency key) answered with
 * the same booking; and two server instances on one database stay exact too, which only the
 * trip-instance row lock can guarantee (each instance's in-memory queue sees half the requests).
 */
import { randomBytes, randomInt } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookingRepo, createPgDb, type Db } from '@rb/db'
import { AppError } from '@rb/domain'
import { BookingService } from '../../apps/server/src/booking/service.js'
import { NetworkService } from '../../apps/server/src/network/service.js'
import { startServer, targets, type TestServer } from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

const SEATS = 30
const WAITLIST = 100

describe.each(targets())('booking under contention on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork
  const run = randomBytes(4).toString('hex')

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'BC',
      BOOKING_WAITLIST_SEATS: String(WAITLIST),
      BOOKING_RATE_LIMIT: '0',
    })
    net = await bookingNetwork(server, 'BC')
  })
  afterAll(async () => {
    await server?.close()
  })

  const seatsBy = (bookings: { status: string; seats: number }[], status: string): number =>
    bookings.filter((b) => b.status === status).reduce((n, b) => n + b.seats, 0)

  it('confirms exactly 30 of 500 simultaneous attempts, waitlists 100 and refuses the rest; resent keys get the same booking', async () => {
    const trip = await net.trip('BC-A', dayFromNow(3), { seats: SEATS })
    const [board, alight] = [net.stops[0], net.stops[4]]
    const attempt = async (i: number): Promise<{ i: number; status: number; code?: string; error?: string }> => {
      const res = await fetch(`${server.baseUrl}/api/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `bc-${run}-${i}` },
        body: JSON.stringify({
          tripInstanceId: trip,
          boardStop: board,
          alightStop: alight,
          seats: 1,
          name: `乘客${i}`,
          phone: `139${String(i).padStart(8, '0')}`,
        }),
      })
      const body = (await res.json()) as { code?: string; error?: { code: string } }
      return {
        i,
        status: res.status,
        ...(body.code ? { code: body.code } : {}),
        ...(body.error ? { error: body.error.code } : {}),
      }
    }
    // Every tenth attempt is sent twice at once, as a weak 3G connection resends.
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => i).flatMap((i) => (i % 10 === 0 ? [attempt(i), attempt(i)] : [attempt(i)])),
    )
    expect(answers).toHaveLength(550)
    expect(answers.filter((a) => a.status !== 201 && a.status !== 409)).toEqual([])
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.error))).toEqual(new Set(['SEAT_UNAVAILABLE']))

    const byKey = new Map<number, typeof answers>()
    for (const a of answers) byKey.set(a.i, [...(byKey.get(a.i) ?? []), a])
    for (const [i, same] of byKey) {
      if (same.length < 2) continue
      expect(
        same.map((a) => a.status),
        `attempt ${i}`,
      ).toEqual([same[0]?.status, same[0]?.status])
      expect(same[1]?.code, `attempt ${i}`).toBe(same[0]?.code)
    }

    const stored = await bookingRepo.bookingsOf(server.app.rb.db, trip)
    expect(seatsBy(stored, 'confirmed')).toBe(SEATS)
    expect(seatsBy(stored, 'waitlisted')).toBe(WAITLIST)
    expect(stored).toHaveLength(SEATS + WAITLIST)
    expect(new Set(stored.map((b) => b.idempotencyKey)).size).toBe(stored.length)
    expect(new Set(stored.map((b) => b.code)).size).toBe(stored.length)
    const accepted = [...byKey.values()].filter((same) => same[0]?.status === 201)
    expect(accepted).toHaveLength(SEATS + WAITLIST)
    expect(new Set(accepted.map((same) => same[0]?.code))).toEqual(new Set(stored.map((b) => b.code)))
    // The waitlist is in request order: the first 30 taken hold the seats.
    expect(stored.slice(0, SEATS).every((b) => b.status === 'confirmed')).toBe(true)
  })

  it('looks a trip up once for simultaneous requests, and afresh after a change', async () => {
    const trip = await net.trip('BC-L', dayFromNow(3), { seats: SEATS })
    const network = server.app.rb.network
    const same = await Promise.all(Array.from({ length: 20 }, () => network.instance(trip)))
    expect(new Set(same).size).toBe(1)
    expect(same[0]?.status).toBe('scheduled')
    await network.cancel(trip, '道路塌方')
    expect((await network.instance(trip)).status).toBe('cancelled')
    const refused = await fetch(`${server.baseUrl}/api/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `bc-${run}-after-cancel` },
      body: JSON.stringify({
        tripInstanceId: trip,
        boardStop: net.stops[0],
        alightStop: net.stops[4],
        seats: 1,
        name: '乘客',
        phone: '13900000999',
      }),
    })
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TRIP_CANCELLED')
  })

  it('stays exact with two server instances on one database: the trip row lock decides, not the in-memory queue', async () => {
    const trip = await net.trip('BC-B', dayFromNow(3), { seats: SEATS })
    const config = server.app.rb.config
    const second: Db = config.databaseUrl
      ? createPgDb({ url: config.databaseUrl, ...(config.databaseSchema ? { schema: config.databaseSchema } : {}) })
      : server.app.rb.db
    try {
      const instance = (db: Db): BookingService =>
        new BookingService({
          db,
          network: new NetworkService(db, server.app.rb.network.settings),
          settings: { waitlistMaxSeats: 0 },
          randomInt,
        })
      const services = [instance(server.app.rb.db), instance(second)]
      const outcomes = await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          (services[i % 2] as BookingService)
            .book(
              {
                tripInstanceId: trip,
                boardStop: net.stops[1] as string,
                alightStop: net.stops[3] as string,
                seats: 1 + (i % 2),
                name: `乘客${i}`,
                phone: `137${String(i).padStart(8, '0')}`,
                waitlist: true,
                idempotencyKey: `bc2-${run}-${i}`,
              },
              { kind: 'passenger' },
            )
            .then(
              (r) => r.booking.status,
              (err: unknown) => (err instanceof AppError ? err.code : `unexpected ${(err as Error).message}`),
            ),
        ),
      )
      expect(new Set(outcomes)).toEqual(new Set(['confirmed', 'SEAT_UNAVAILABLE']))
      const stored = await bookingRepo.bookingsOf(server.app.rb.db, trip)
      expect(seatsBy(stored, 'confirmed')).toBe(SEATS)
      expect(stored.every((b) => b.status === 'confirmed')).toBe(true)
    } finally {
      if (second !== server.app.rb.db) await second.close()
    }
  })
})

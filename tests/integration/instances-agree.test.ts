/**
 * Instances agree on the network, the county settings and sign-in delays, and no instance
 * confirms beyond a bus's seats.
 *
 * Two instances sharing PostgreSQL, MQTT and Redis (needs TEST_DATABASE_URL, TEST_MQTT_URL and
 * TEST_REDIS_URL, as scale-out.test.ts): a trip made on A is known to B at once, seats cut on A
 * bind bookings on B, a county setting changed on A applies on B at once, and failed sign-ins
 * on either make the next attempt wait the same on both. On one instance (embedded database
 * too): seats cut in the database behind the server's cached network still bind, because the
 * booking transaction reads the capacity.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  startServer,
  targets,
  TEST_USER_PASSWORD,
  waitFor,
  type RoleSession,
  type TestServer,
} from '../support/server.js'
import { bookingNetwork, dayFromNow, type BookingNetwork } from '../support/booking-network.js'

const env = process.env
const cluster = Boolean(env.TEST_DATABASE_URL && env.TEST_MQTT_URL && env.TEST_REDIS_URL)

interface Counts {
  capacity: number
  confirmed: number
  waitlisted: number
}

let batch = 0

/** `n` one-seat bookings at once, each from its own phone and address, refusing the waitlist. */
async function bookMany(server: TestServer, trip: string, stops: string[], n: number, tag: string): Promise<number[]> {
  const prefix = `13${batch++ % 10}`
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetch(`${server.baseUrl}/api/bookings`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `${tag}-${i}-${randomBytes(4).toString('hex')}`,
          'x-forwarded-for': `10.77.${Math.floor(i / 200)}.${i % 200}`,
        },
        body: JSON.stringify({
          tripInstanceId: trip,
          boardStop: stops[0],
          alightStop: stops[3],
          seats: 1,
          name: `乘客${i}`,
          phone: `${prefix}${String(i).padStart(8, '0')}`,
          waitlist: false,
        }),
      })
      await res.arrayBuffer()
      return res.status
    }),
  )
}

describe.skipIf(!cluster)('two instances agree', () => {
  let a: TestServer
  let b: TestServer
  let net: BookingNetwork
  let dispatcherA: RoleSession
  const tag = randomBytes(4).toString('hex')

  beforeAll(async () => {
    const shared = {
      DATABASE_URL: env.TEST_DATABASE_URL as string,
      DATABASE_SCHEMA: `t_agree_${tag}`,
      MQTT_URL: env.TEST_MQTT_URL as string,
      MQTT_SESSION_EXPIRY_S: '60',
      REDIS_URL: env.TEST_REDIS_URL as string,
      CLUSTER_NAME: `g${tag}`,
      MQTT_SHARED_GROUP: `g${tag}`,
      COUNTY_PREFIX: 'IA',
      TRUST_PROXY: '127.0.0.1',
      BOOKING_RATE_LIMIT: '0',
      LOGIN_FREE_FAILURES: '3',
    }
    a = await startServer({ ...shared, INSTANCE_ID: `a-${tag}`, MQTT_CLIENT_ID: `rb-a-${tag}` })
    b = await startServer({ ...shared, INSTANCE_ID: `b-${tag}`, MQTT_CLIENT_ID: `rb-b-${tag}` })
    net = await bookingNetwork(a, 'IA')
    dispatcherA = await a.loginAs('dispatcher')
  })

  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('knows on B a trip created on A, without a write on B', async () => {
    const date = dayFromNow(2)
    const first = await net.trip('IA-1', date)
    // B has read the network (and cached it) before the new trip exists.
    await waitFor(
      async () =>
        (
          await fetch(`${b.baseUrl}/api/trip-instances/${first}/bookings`, {
            headers: (await b.loginAs('dispatcher')).headers,
          })
        ).status === 200,
      60_000,
      50,
    )
    const later = await net.trip('IA-2', date)
    const seen = await waitFor(
      async () =>
        (
          await fetch(`${b.baseUrl}/api/trip-instances/${later}/bookings`, {
            headers: (await b.loginAs('dispatcher')).headers,
          })
        ).status === 200
          ? true
          : null,
      60_000,
      50,
    )
    expect(seen).toBe(true)
  })

  it('books on B within the seats cut on A: nobody confirms beyond capacity', async () => {
    const trip = await net.trip('IA-3', dayFromNow(2), { seats: 40 })
    await waitFor(async () => (await bookMany(b, trip, net.stops, 1, `${tag}-warm`))[0] === 201, 60_000, 50)
    // Cut to 5 on A (the trip as it was, seats changed).
    await net.trip('IA-3', dayFromNow(2), { seats: 5 })
    const statuses = await bookMany(b, trip, net.stops, 20, `${tag}-b`)
    expect(statuses.filter((s) => s === 201)).toHaveLength(4)
    expect(statuses.filter((s) => s === 409)).toHaveLength(16)
    const onA = await a.apiJson<{ counts: Counts }>(
      'GET',
      `/api/trip-instances/${trip}/bookings`,
      undefined,
      dispatcherA,
    )
    expect(onA.body.counts).toMatchObject({ capacity: 5, confirmed: 5 })
  })

  it('applies on B at once a county setting changed on A', async () => {
    // B's own minute re-read is stopped: only A's announcement can bring the change.
    b.app.rb.settings.close()
    const lateS = b.app.rb.settings.get().lateness.lateS === 420 ? 480 : 420
    expect((await a.apiJson('PUT', '/api/settings', { lateness: { lateS } })).status).toBe(200)
    const seen = await waitFor(
      async () => {
        const r = await b.apiJson<{ lateness: { lateS: number }; updatedBy: string | null }>('GET', '/api/settings')
        return r.body.lateness.lateS === lateS ? r.body : null
      },
      60_000,
      50,
    )
    expect(seen.updatedBy).toBe('admin')
    // B's tracking engine judges its buses by the new threshold too.
    expect(b.app.rb.tracking.engine.config.lateThresholdS).toBe(lateS)
  })

  /** Sign-in attempts from `from`, answered with the status and Retry-After. */
  const login = async (server: TestServer, username: string, password: string, from: string) => {
    const res = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ username, password }),
    })
    await res.arrayBuffer()
    return { status: res.status, retryAfter: Number(res.headers.get('retry-after') ?? 0) }
  }
  /** Six failures taken in turns on A and B (each once its wait is over): the wait reaches 8 s. */
  const failInTurns = async (attempt: (i: number) => [TestServer, string, string]) => {
    for (let i = 0; i < 6; i++) {
      const [server, username, from] = attempt(i)
      await waitFor(async () => (await login(server, username, 'not-the-password', from)).status === 401, 60_000, 100)
    }
  }

  it('makes an address wait as long on B as on A after failures seen by both', async () => {
    const from = '10.88.1.1'
    await failInTurns((i) => [i % 2 === 0 ? a : b, `nobody-${i}`, from])
    const [onA, onB] = [await login(a, 'nobody-x', 'not-it', from), await login(b, 'nobody-x', 'not-it', from)]
    expect(onA.status).toBe(429)
    expect(onB.status).toBe(429)
    expect(Math.abs(onA.retryAfter - onB.retryAfter)).toBeLessThanOrEqual(1)
  })

  it('makes a user name wait as long on B as on A from new addresses, and lets it in from a known one', async () => {
    // t-dispatcher signed in on A from 127.0.0.1 (dispatcherA): a known address of the account.
    await failInTurns((i) => [i % 2 === 0 ? b : a, 't-dispatcher', `10.89.${i}.1`])
    const [onA, onB] = [
      await login(a, 't-dispatcher', TEST_USER_PASSWORD, '10.89.99.1'),
      await login(b, 't-dispatcher', TEST_USER_PASSWORD, '10.89.99.2'),
    ]
    expect(onA.status).toBe(429)
    expect(onB.status).toBe(429)
    expect(Math.abs(onA.retryAfter - onB.retryAfter)).toBeLessThanOrEqual(1)
    expect((await login(b, 't-dispatcher', TEST_USER_PASSWORD, '127.0.0.1')).status).toBe(200)
  })
})

describe.each(targets())('seats are read inside the booking transaction on $name', (target) => {
  let server: TestServer
  let net: BookingNetwork

  beforeAll(async () => {
    server = await startServer({
      ...target.env,
      COUNTY_PREFIX: 'IC',
      TRUST_PROXY: '127.0.0.1',
      BOOKING_RATE_LIMIT: '0',
    })
    net = await bookingNetwork(server, 'IC')
  })
  afterAll(async () => {
    await server?.close()
  })

  it('confirms no more than the seats the database holds, whatever the cached network says', async () => {
    const trip = await net.trip('IC-1', dayFromNow(2), { seats: 40 })
    expect(await bookMany(server, trip, net.stops, 1, 'ic-warm')).toEqual([201])
    // Behind the server's back: its cached network still says 40.
    await server.app.rb.db.query('UPDATE trip SET seats = 5 WHERE id = $1', ['IC-1'])
    expect((await server.app.rb.network.instance(trip)).seats).toBe(40)
    const statuses = await bookMany(server, trip, net.stops, 20, 'ic')
    expect(statuses.filter((s) => s === 201)).toHaveLength(4)
    expect(statuses.filter((s) => s === 409)).toHaveLength(16)
    const confirmed = await server.app.rb.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM booking WHERE trip_instance_id = $1 AND status = 'confirmed'",
      [trip],
    )
    expect(confirmed.rows[0]?.n).toBe(5)
  })
})

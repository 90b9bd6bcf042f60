/**
 * Booking latency under contention (docs/design.md §4: 500 simultaneous attempts on a 30-seat trip,
 * exactly 30 seats confirmed): the real server as a child process per setup, a fresh 30-seat trip
 * per round, 500 villager requests fired at once, each timed from send to answer. Figures only;
 * a round that confirms any other number of seats is marked WRONG and the exit code is 2.
 *
 *   node --import tsx tests/bench/booking.ts [--targets embedded,postgres] [--rounds 3] [--attempts 500]
 *
 * `benchBookings(baseUrl, token)` is exported for the bench runner (`npm run bench` runs it too).
 */
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { bookingNetwork, dayFromNow } from '../support/booking-network.js'
import { parseOptions, type TargetName } from './options.js'
import { startTarget } from './server.js'

const SEATS = 30

/** Villagers' requests have no session: lift the per-address limits the bench's one address would hit. */
// Every attempt comes from one address with few phones: the per-address and per-phone booking limits are off here.
export const BOOKING_SERVER_ENV: Record<string, string> = {
  PUBLIC_RATE_LIMIT: '0',
  BOOKING_RATE_LIMIT: '0',
  BOOKING_PHONE_TRIP_SEATS: '1000',
  BOOKING_PHONE_TRIP_BOOKINGS: '100',
  BOOKING_PHONE_DAILY: '0',
  BOOKING_ADDRESS_DAILY: '0',
  BOOKING_ACCOUNT_DAILY: '0',
}

/** Whether every round confirmed exactly the seats there are and answered every request. */
export const bookingsExact = (rounds: readonly BookingRound[]): boolean =>
  rounds.every((r) => r.exact && r.failed === 0)

export interface BookingRound {
  attempts: number
  confirmedSeats: number
  waitlisted: number
  refused: number
  /** Answers other than 201 and 409 (should be none). */
  failed: number
  wallMs: number
  /** Send → answer per request, ms. */
  ms: { p50: number; p90: number; p99: number; max: number }
  exact: boolean
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0

/** Signed-in JSON calls for setting up the network. */
function client(baseUrl: string, token: string) {
  return {
    async apiJson<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
      })
      const text = await res.text()
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
    },
  }
}

/** Runs `rounds` rounds of `attempts` simultaneous bookings on fresh 30-seat trips. */
export async function benchBookings(
  baseUrl: string,
  token: string,
  opts: { rounds?: number; attempts?: number } = {},
): Promise<BookingRound[]> {
  const rounds = opts.rounds ?? 3
  const attempts = opts.attempts ?? 500
  const prefix = 'BB'
  const net = await bookingNetwork(client(baseUrl, token), prefix)
  const out: BookingRound[] = []
  for (let r = 0; r < rounds; r++) {
    const trip = await net.trip(`BB-${Date.now().toString(36)}-${r}`, dayFromNow(3), { seats: SEATS })
    const one = async (i: number): Promise<{ status: number; ms: number; booking?: string }> => {
      const t0 = performance.now()
      const res = await fetch(`${baseUrl}/api/bookings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${trip}-${i}` },
        body: JSON.stringify({
          tripInstanceId: trip,
          boardStop: net.stops[0],
          alightStop: net.stops[4],
          seats: 1,
          name: `乘客${i}`,
          phone: `139${String(i).padStart(8, '0')}`,
        }),
      })
      const body = (await res.json()) as { status?: string }
      return { status: res.status, ms: performance.now() - t0, ...(body.status ? { booking: body.status } : {}) }
    }
    const started = performance.now()
    const answers = await Promise.all(Array.from({ length: attempts }, (_, i) => one(i)))
    const wallMs = performance.now() - started
    const sorted = answers.map((a) => a.ms).sort((a, b) => a - b)
    const confirmedSeats = answers.filter((a) => a.booking === 'confirmed').length
    out.push({
      attempts,
      confirmedSeats,
      waitlisted: answers.filter((a) => a.booking === 'waitlisted').length,
      refused: answers.filter((a) => a.status === 409).length,
      failed: answers.filter((a) => a.status !== 201 && a.status !== 409).length,
      wallMs,
      ms: {
        p50: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        max: sorted.at(-1) ?? 0,
      },
      exact: confirmedSeats === Math.min(SEATS, attempts),
    })
  }
  return out
}

export function bookingTable(target: string, rounds: readonly BookingRound[]): string {
  const head = `Bookings — ${target}: ${rounds[0]?.attempts ?? 0} simultaneous attempts on a ${SEATS}-seat trip per round`
  const rows = rounds.map(
    (r, i) =>
      `  round ${i + 1}: confirmed ${r.confirmedSeats}${r.exact ? '' : ' WRONG'}, waitlisted ${r.waitlisted}, refused ${r.refused}, failed ${r.failed}; ` +
      `all answered in ${Math.round(r.wallMs)} ms; per request p50 ${Math.round(r.ms.p50)} ms, p90 ${Math.round(r.ms.p90)} ms, p99 ${Math.round(r.ms.p99)} ms, max ${Math.round(r.ms.max)} ms`,
  )
  return [head, ...rows].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      targets: { type: 'string' },
      rounds: { type: 'string', default: '3' },
      attempts: { type: 'string', default: '500' },
    },
    strict: true,
  })
  const base = parseOptions(values.targets ? ['--targets', values.targets] : [], process.env)
  const opts = { ...base, serverEnv: { ...base.serverEnv, ...BOOKING_SERVER_ENV } }
  let wrong = false
  for (const name of opts.targets.filter((t): t is TargetName => !t.endsWith('+mqtt'))) {
    console.log(`  … starting the server: ${name}`)
    const target = await startTarget(name, opts)
    try {
      const rounds = await benchBookings(target.baseUrl, target.token, {
        rounds: Number(values.rounds),
        attempts: Number(values.attempts),
      })
      console.log(bookingTable(`${name} (${target.describe})`, rounds))
      wrong ||= !bookingsExact(rounds)
    } finally {
      await target.stop()
    }
  }
  if (wrong) process.exitCode = 2
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}

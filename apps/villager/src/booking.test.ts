import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from './api.js'
import { Bookings, submit, type Attempt, type BookingRequest } from './booking.js'
import type { BookingView } from './model.js'
import { memoryStore, randomKey } from './store.js'

const REQ: BookingRequest = {
  tripInstanceId: 'XY-R21-0800_20261130',
  boardStop: 'XY-0005',
  alightStop: 'XY-0009',
  seats: 2,
  name: '王秀英',
  phone: '13812345678',
}

function view(code: string, req: BookingRequest): BookingView {
  const t = '2026-11-30T00:30:00.000Z'
  return {
    code,
    status: 'confirmed',
    tripInstanceId: req.tripInstanceId,
    serviceDate: '2026-11-30',
    headsign: '县人民医院',
    departure: t,
    boardStop: req.boardStop,
    boardStopName: '石坝村',
    boardTime: t,
    alightStop: req.alightStop,
    alightStopName: '卫生院',
    alightTime: t,
    seats: req.seats,
    name: req.name,
    phoneMasked: '138****5678',
    waitlistPosition: null,
    cancelBefore: t,
    cancelReason: null,
  }
}

/**
 * A booking server as the booking API behaves: the first request with a key books; a resent key
 * answers the same booking. `loseAnswers` answers are made but never reach the phone.
 */
function flakyServer(loseAnswers: number, refuseFirst = 0) {
  const byKey = new Map<string, BookingView>()
  const keys: string[] = []
  let lost = 0
  let refused = 0
  return {
    byKey,
    keys,
    async send(a: Attempt): Promise<BookingView> {
      keys.push(a.key)
      if (refused < refuseFirst) {
        refused++
        throw new ApiError(503, 'UNAVAILABLE', 'restarting', null, null)
      }
      let b = byKey.get(a.key)
      if (!b) byKey.set(a.key, (b = view(`K${byKey.size + 1}M3QX`, a.request)))
      if (lost < loseAnswers) {
        lost++
        throw new NetworkError('connection reset')
      }
      return b
    },
  }
}

const noSleep = async () => {}
const newBookings = (store = memoryStore()) =>
  new Bookings(
    store,
    () => randomKey('bk'),
    () => 1000,
  )

describe('a booking on a flaky connection', () => {
  it('resends the same key until an answer comes, and the server made one booking', async () => {
    const bookings = newBookings()
    const server = flakyServer(2)
    const retries: number[] = []
    const out = await submit(bookings, bookings.attemptFor(REQ), {
      send: (a) => server.send(a),
      sleep: noSleep,
      onRetry: (n) => retries.push(n),
    })
    expect(out).toMatchObject({ kind: 'booked', booking: { code: 'K1M3QX' } })
    expect(server.keys).toHaveLength(3)
    expect(new Set(server.keys).size).toBe(1)
    expect(server.byKey.size).toBe(1)
    expect(retries).toEqual([2, 3])
    expect(bookings.pending()).toBeNull()
    expect(bookings.list().map((b) => [b.code, b.phone])).toEqual([['K1M3QX', '13812345678']])
    expect(bookings.profile()).toEqual({ name: '王秀英', phone: '13812345678' })
  })

  it('keeps the attempt when no answer came, and "try again" — even after a reload — sends the same key', async () => {
    const store = memoryStore()
    const first = newBookings(store)
    const server = flakyServer(10)
    const attempt = first.attemptFor(REQ)
    const out = await submit(first, attempt, { send: (a) => server.send(a), sleep: noSleep, delaysMs: [1, 1] })
    expect(out.kind).toBe('unreachable')
    expect(server.byKey.size).toBe(1) // the server did book; the phone never heard

    const reloaded = newBookings(store)
    expect(reloaded.pending()?.key).toBe(attempt.key)
    const again = reloaded.attemptFor({ ...REQ })
    expect(again.key).toBe(attempt.key)
    const answered = flakyServer(0)
    answered.byKey.set(attempt.key, server.byKey.get(attempt.key) as BookingView)
    expect(await submit(reloaded, again, { send: (a) => answered.send(a), sleep: noSleep })).toMatchObject({
      kind: 'booked',
      booking: { code: 'K1M3QX' },
    })
    expect(answered.byKey.size).toBe(1)
  })

  it('makes a new key when the villager changes the request (a different booking)', () => {
    const bookings = newBookings()
    const a = bookings.attemptFor(REQ)
    expect(bookings.attemptFor({ ...REQ }).key).toBe(a.key)
    const b = bookings.attemptFor({ ...REQ, seats: 3 })
    expect(b.key).not.toBe(a.key)
    expect(bookings.pending()?.key).toBe(b.key)
  })

  it('stops at a refusal: no retry, nothing pending, nothing saved', async () => {
    const bookings = newBookings()
    let sends = 0
    const out = await submit(bookings, bookings.attemptFor(REQ), {
      sleep: noSleep,
      send: async () => {
        sends++
        throw new ApiError(409, 'SEAT_UNAVAILABLE', 'no seat', { seatsFree: 0 }, null)
      },
    })
    expect(out).toMatchObject({ kind: 'refused', error: { code: 'SEAT_UNAVAILABLE' } })
    expect(sends).toBe(1)
    expect(bookings.pending()).toBeNull()
    expect(bookings.list()).toEqual([])
  })

  it('retries a server that is restarting or busy, waiting as long as it asks', async () => {
    const bookings = newBookings()
    const server = flakyServer(0, 1)
    const waits: number[] = []
    let busy = true
    const out = await submit(bookings, bookings.attemptFor(REQ), {
      sleep: async (ms) => void waits.push(ms),
      send: async (a) => {
        if (busy) {
          busy = false
          throw new ApiError(429, 'RATE_LIMITED', 'slow down', null, 7)
        }
        return server.send(a)
      },
    })
    expect(out.kind).toBe('booked')
    expect(waits).toEqual([7000, 3000])
  })

  it('remembers bookings newest first, one entry per code', async () => {
    const bookings = newBookings()
    bookings.save(view('AAAAAA', REQ), REQ)
    bookings.save(view('BBBBBB', REQ), REQ)
    bookings.save({ ...view('AAAAAA', REQ), status: 'cancelled' }, REQ)
    expect(bookings.list().map((b) => [b.code, b.view.status])).toEqual([
      ['AAAAAA', 'cancelled'],
      ['BBBBBB', 'confirmed'],
    ])
  })
})

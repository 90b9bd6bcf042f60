/**
 * The notification outbox against a real database and a stand-in SMS gateway (a local HTTP
 * server; the machine has no real one): messages survive a failing gateway, are retried with
 * doubling backoff on an explicit clock, carry a stable idempotency key, and a message leased by
 * a sender that died is sent by another after the lease.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bookingRepo, type OpenedDb } from '@rb/db'
import { testDatabases } from '../../packages/db/src/testing/databases.js'
import { OutboxSender, WebhookNotifier } from '../../apps/server/src/notify/index.js'

interface Received {
  headers: IncomingHttpHeaders
  body: { id: number; to: string; text: string; kind: string; role: string }
}

const T0 = Date.UTC(2026, 10, 30, 0, 0)

describe.each(testDatabases())('notification outbox on $name', (target) => {
  let opened: OpenedDb
  let gateway: Server
  let url: string
  let down = true
  const received: Received[] = []
  const warnings: object[] = []
  const log = { info: () => {}, warn: (o: object) => warnings.push(o), error: () => {} }

  beforeAll(async () => {
    opened = await target.open()
    gateway = createServer((req, res) => {
      let raw = ''
      req.on('data', (c: Buffer) => (raw += c.toString()))
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(raw) as Received['body'] })
        res.writeHead(down ? 503 : 200, { 'content-type': 'text/plain' }).end(down ? 'gateway busy' : 'ok')
      })
    })
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve()))
    const addr = gateway.address()
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/sms`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => gateway?.close(() => resolve()))
    await opened?.db.close()
  })

  const message = (recipient: string, tripInstanceId: string) => ({
    kind: 'booked',
    recipient,
    recipientRole: 'passenger' as const,
    body: '【乡村公交】预约成功',
    bookingId: null,
    tripInstanceId,
  })

  it('keeps messages through a failing gateway and delivers them once it answers, retrying with backoff', async () => {
    let now = T0
    const trip = `NT-A_${target.name}`
    await bookingRepo.enqueueMessages(opened.db, [message('13800000001', trip), message('13800000002', trip)], now)
    const sender = new OutboxSender(
      opened.db,
      new WebhookNotifier({ url, token: 'secret-token', timeoutMs: 5000 }),
      { pollMs: 3_600_000, retryBaseMs: 1000, retryMaxMs: 60_000, now: () => now },
      log,
    )
    const round = async (at: number): Promise<number> => {
      now = at
      const before = received.length
      sender.kick()
      await sender.idle()
      return received.length - before
    }
    try {
      expect(await round(T0)).toBe(2)
      expect(await round(T0 + 999)).toBe(0)
      expect(await round(T0 + 1000)).toBe(2)
      let stored = await bookingRepo.messagesFor(opened.db, { tripInstanceId: trip })
      expect(stored.map((m) => [m.attempts, m.sentTs, m.lastError])).toEqual([
        [2, null, 'SMS gateway answered 503: gateway busy'],
        [2, null, 'SMS gateway answered 503: gateway busy'],
      ])
      expect(warnings.length).toBeGreaterThanOrEqual(4)
      down = false
      expect(await round(T0 + 1000 + 1999)).toBe(0)
      expect(await round(T0 + 1000 + 2000)).toBe(2)
      stored = await bookingRepo.messagesFor(opened.db, { tripInstanceId: trip })
      expect(stored.map((m) => [m.attempts, m.sentTs, m.lastError])).toEqual([
        [3, T0 + 3000, null],
        [3, T0 + 3000, null],
      ])
      expect(await round(T0 + 100_000)).toBe(0)
      const last = received.at(-1) as Received
      expect(last.headers.authorization).toBe('Bearer secret-token')
      expect(last.body).toMatchObject({
        to: '13800000002',
        text: '【乡村公交】预约成功',
        kind: 'booked',
        role: 'passenger',
      })
      // Every attempt of one message carries the same key, so the gateway can drop a repeat.
      const keys = received.filter((r) => r.body.to === '13800000001').map((r) => r.headers['idempotency-key'])
      expect(new Set(keys)).toEqual(new Set([`rb-notification-${stored[0]?.id}`]))
    } finally {
      await sender.close()
    }
  })

  it('sends a message another sender leased and never finished, once the lease ends', async () => {
    down = false
    const trip = `NT-B_${target.name}`
    await bookingRepo.enqueueMessages(opened.db, [message('13800000003', trip)], T0)
    // A sender takes it and dies before sending.
    expect(await bookingRepo.claimDueMessages(opened.db, T0, T0 + 60_000, 10)).toHaveLength(1)
    let now = T0 + 59_999
    const sender = new OutboxSender(
      opened.db,
      new WebhookNotifier({ url, timeoutMs: 5000 }),
      { pollMs: 3_600_000, retryBaseMs: 1000, retryMaxMs: 60_000, now: () => now },
      log,
    )
    try {
      sender.kick()
      await sender.idle()
      expect((await bookingRepo.messagesFor(opened.db, { tripInstanceId: trip }))[0]?.sentTs).toBeNull()
      now = T0 + 60_000
      sender.kick()
      await sender.idle()
      expect((await bookingRepo.messagesFor(opened.db, { tripInstanceId: trip }))[0]).toMatchObject({
        sentTs: T0 + 60_000,
        attempts: 1,
      })
      expect(received.at(-1)?.body.to).toBe('13800000003')
    } finally {
      await sender.close()
    }
  })
})

import { randomUUID } from 'node:crypto'
import { createClient, type RedisClientType } from 'redis'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryRateStore, RateLimiter, RedisRateStore, type RateStore } from './rate-limit.js'

const redisUrl = process.env.TEST_REDIS_URL
const clients: RedisClientType[] = []
afterAll(async () => {
  for (const c of clients) await c.quit()
})

async function redisStore(prefix: string): Promise<RateStore> {
  const c: RedisClientType = createClient({ url: redisUrl })
  await c.connect()
  clients.push(c)
  return new RedisRateStore(c, prefix)
}

const stores: [string, (prefix: string) => Promise<RateStore> | RateStore][] = [
  ['memory', () => new MemoryRateStore()],
  ...(redisUrl ? [['redis', redisStore] as [string, (prefix: string) => Promise<RateStore>]] : []),
]

describe.each(stores)('RateLimiter on %s', (_name, makeStore) => {
  it('allows max hits per key per window, then says how long to wait', async () => {
    const l = new RateLimiter(await makeStore(`rb-test:${randomUUID()}:`), 'login', { max: 3, windowMs: 60_000 })
    const t0 = Date.now()
    expect([await l.hit('a', t0), await l.hit('a', t0 + 1), await l.hit('a', t0 + 2)]).toEqual([0, 0, 0])
    const wait = await l.hit('a', t0 + 10_000)
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(60)
    expect(await l.hit('b', t0 + 10_000)).toBe(0)
  })

  it('keeps limits of different names apart', async () => {
    const store = await makeStore(`rb-test:${randomUUID()}:`)
    const a = new RateLimiter(store, 'a', { max: 1, windowMs: 60_000 })
    const b = new RateLimiter(store, 'b', { max: 1, windowMs: 60_000 })
    const now = Date.now()
    expect([await a.hit('k', now), await b.hit('k', now)]).toEqual([0, 0])
    expect(await a.hit('k', now)).toBeGreaterThan(0)
  })

  it('is off with max 0', async () => {
    const l = new RateLimiter(await makeStore(`rb-test:${randomUUID()}:`), 'off', { max: 0, windowMs: 1000 })
    for (let i = 0; i < 100; i++) expect(await l.hit('x', i)).toBe(0)
  })
})

describe('MemoryRateStore', () => {
  it('starts a new window when the last one ended', async () => {
    const l = new RateLimiter(new MemoryRateStore(), 'w', { max: 1, windowMs: 1000 })
    expect(await l.hit('a', 0)).toBe(0)
    expect(await l.hit('a', 500)).toBe(1)
    expect(await l.hit('a', 1000)).toBe(0)
  })
})

describe.runIf(redisUrl)('RedisRateStore', () => {
  it('counts one limit across instances: two servers allow the limit once, not twice', async () => {
    const prefix = `rb-test:${randomUUID()}:`
    const one = new RateLimiter(await redisStore(prefix), 'bookings', { max: 4, windowMs: 60_000 })
    const two = new RateLimiter(await redisStore(prefix), 'bookings', { max: 4, windowMs: 60_000 })
    const now = Date.now()
    const waits = [
      await one.hit('10.0.0.1', now),
      await two.hit('10.0.0.1', now),
      await one.hit('10.0.0.1', now),
      await two.hit('10.0.0.1', now),
      await one.hit('10.0.0.1', now),
      await two.hit('10.0.0.1', now),
    ]
    expect(waits.map((w) => w > 0)).toEqual([false, false, false, false, true, true])
  })
})

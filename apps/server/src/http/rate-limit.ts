/**
 * The one rate limiter of the server: fixed windows per key, counted in a store that every
 * instance shares — Redis in cluster mode (`REDIS_URL`), so N instances allow the limit once and
 * not N times; memory when the server runs alone. The limits blunt guessing and floods (sign-in,
 * bookings, reports, reminders, the anonymous public API); they are not a meter.
 *
 * Ours rather than @fastify/rate-limit: its Redis store needs ioredis while the server already
 * speaks Redis through node-redis (the socket.io adapter, leases, pub/sub), and our limits are
 * counted on keys a route decides after the session is known (an account, not only an address;
 * signed-in staff not at all), and answered as the API's RATE_LIMITED error with `retryAfterS`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { RedisClientType } from 'redis'
import { AppError } from '@rb/domain'

export interface Limit {
  /** Most hits per key in one window; 0 = unlimited. */
  max: number
  windowMs: number
}

/** Where hits are counted: one window per key, started by its first hit. */
export interface RateStore {
  /** Counts one hit; returns the hits in the key's window so far and when the window ends (epoch ms). */
  hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }>
}

/** Hits counted in this process (one server instance). */
export class MemoryRateStore implements RateStore {
  readonly #windows = new Map<string, { count: number; resetAt: number }>()
  #sweptAt = 0

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    this.#sweep(now)
    let w = this.#windows.get(key)
    if (!w || now >= w.resetAt) {
      w = { count: 0, resetAt: now + windowMs }
      this.#windows.set(key, w)
    }
    w.count++
    return { count: w.count, resetAt: w.resetAt }
  }

  /** Forgets ended windows now and then, so a flood of addresses does not stay in memory. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < 60_000) return
    this.#sweptAt = now
    for (const [k, w] of this.#windows) if (now >= w.resetAt) this.#windows.delete(k)
  }
}

/** Hits counted in Redis, shared by every instance: INCR, and the window's expiry set by its first hit. */
export class RedisRateStore implements RateStore {
  constructor(
    private readonly redis: Pick<RedisClientType, 'multi'>,
    private readonly prefix: string,
  ) {}

  async hit(key: string, windowMs: number, now: number): Promise<{ count: number; resetAt: number }> {
    const k = `${this.prefix}${key}`
    const [count, , ttl] = (await this.redis.multi().incr(k).pExpire(k, windowMs, 'NX').pTTL(k).exec()) as unknown as [
      number,
      unknown,
      number,
    ]
    return { count: Number(count), resetAt: now + (Number(ttl) > 0 ? Number(ttl) : windowMs) }
  }
}

/** One named limit over a store. */
export class RateLimiter {
  constructor(
    private readonly store: RateStore,
    private readonly name: string,
    private readonly limit: Limit,
  ) {}

  /** Counts one hit of `key`; returns the seconds to wait when it went over the limit, else 0. */
  async hit(key: string, now: number): Promise<number> {
    if (this.limit.max <= 0) return 0
    const { count, resetAt } = await this.store.hit(`${this.name}:${key}`, this.limit.windowMs, now)
    return count > this.limit.max ? Math.max(1, Math.ceil((resetAt - now) / 1000)) : 0
  }
}

/** Throws RATE_LIMITED with a Retry-After header when `wait` > 0. */
export function refuseIfLimited(reply: FastifyReply, wait: number, what: string): void {
  if (wait <= 0) return
  void reply.header('retry-after', String(wait))
  throw new AppError('RATE_LIMITED', `too many ${what}; try again in ${wait} s`, { retryAfterS: wait })
}

/**
 * A limit as a route hook: counts the request under the key `keyOf` gives (null: not limited,
 * e.g. signed-in staff) and refuses it past the limit.
 * `onRequest: limitHook(limiter, (req) => (req.user ? null : req.ip), 'bookings from this address')`.
 */
export function limitHook(
  limiter: RateLimiter,
  keyOf: (request: FastifyRequest) => string | null,
  what: string | ((request: FastifyRequest) => string),
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    const key = keyOf(request)
    if (key !== null)
      refuseIfLimited(reply, await limiter.hit(key, Date.now()), typeof what === 'string' ? what : what(request))
  }
}

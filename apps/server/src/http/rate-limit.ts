/**
 * Small in-memory rate limiters (per instance: N instances allow N times the rate; the limits
 * are there to blunt guessing and floods, not to meter). Fixed windows per key.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '@rb/domain'

export interface Limit {
  /** Most hits per key in one window; 0 = unlimited. */
  max: number
  windowMs: number
}

export class RateLimiter {
  readonly #limit: Limit
  #windowStart = 0
  #counts = new Map<string, number>()

  constructor(limit: Limit) {
    this.#limit = limit
  }

  #roll(now: number): void {
    if (now - this.#windowStart >= this.#limit.windowMs) {
      this.#windowStart = now
      this.#counts = new Map()
    }
  }

  /** Seconds until the key may try again, or 0 when it is under the limit (nothing counted). */
  blockedFor(key: string, now: number): number {
    if (this.#limit.max <= 0) return 0
    this.#roll(now)
    if ((this.#counts.get(key) ?? 0) < this.#limit.max) return 0
    return Math.max(1, Math.ceil((this.#windowStart + this.#limit.windowMs - now) / 1000))
  }

  /** Counts one hit; returns the seconds to wait when it went over the limit, else 0. */
  hit(key: string, now: number): number {
    if (this.#limit.max <= 0) return 0
    const wait = this.blockedFor(key, now)
    if (wait > 0) return wait
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1)
    return 0
  }

  /** Forgets a key (a successful sign-in clears its user name's failures). */
  reset(key: string): void {
    this.#counts.delete(key)
  }
}

/** Throws RATE_LIMITED with a Retry-After header when `wait` > 0. */
export function refuseIfLimited(reply: FastifyReply, wait: number, what: string): void {
  if (wait <= 0) return
  void reply.header('retry-after', String(wait))
  throw new AppError('RATE_LIMITED', `too many ${what}; try again in ${wait} s`, { retryAfterS: wait })
}

/**
 * A per-client limit as a route hook, for public endpoints that take writes (bookings, reports):
 * `onRequest: perClientLimit({ max: 10, windowMs: 60_000 }, 'bookings')`.
 */
export function perClientLimit(limit: Limit, what: string): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const limiter = new RateLimiter(limit)
  return async (request, reply) => refuseIfLimited(reply, limiter.hit(request.ip, Date.now()), what)
}

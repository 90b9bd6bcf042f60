import { describe, expect, it } from 'vitest'
import { RateLimiter } from './rate-limit.js'

describe('RateLimiter', () => {
  it('allows max hits per key per window, then says how long to wait', () => {
    const l = new RateLimiter({ max: 3, windowMs: 60_000 })
    const t0 = 1_000_000
    expect([l.hit('a', t0), l.hit('a', t0 + 1), l.hit('a', t0 + 2)]).toEqual([0, 0, 0])
    expect(l.hit('a', t0 + 10_000)).toBe(50)
    expect(l.hit('b', t0 + 10_000)).toBe(0)
    expect(l.hit('a', t0 + 60_000)).toBe(0)
  })

  it('checks without counting, and forgets a key on reset', () => {
    const l = new RateLimiter({ max: 1, windowMs: 1000 })
    expect(l.blockedFor('u', 0)).toBe(0)
    expect(l.blockedFor('u', 0)).toBe(0)
    l.hit('u', 0)
    expect(l.blockedFor('u', 1)).toBe(1)
    l.reset('u')
    expect(l.blockedFor('u', 2)).toBe(0)
  })

  it('is off with max 0', () => {
    const l = new RateLimiter({ max: 0, windowMs: 1000 })
    for (let i = 0; i < 1000; i++) expect(l.hit('x', i)).toBe(0)
  })
})

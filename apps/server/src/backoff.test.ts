import { describe, expect, it } from 'vitest'
import { Backoff, backoffMs } from './backoff.js'

describe('backoff', () => {
  it('doubles from the base up to the longest wait', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, { baseMs: 1000, maxMs: 10_000 }))).toEqual([
      1000, 2000, 4000, 8000, 10_000,
    ])
    expect(backoffMs(500, { baseMs: 1000, maxMs: 10_000 })).toBe(10_000)
    expect(backoffMs(0, { baseMs: 1000, maxMs: 10_000 })).toBe(1000)
  })

  it('spreads the wait by the jitter fraction', () => {
    const policy = { baseMs: 1000, maxMs: 10_000, jitter: 0.2 }
    expect(backoffMs(2, policy, () => 0)).toBeCloseTo(1600)
    expect(backoffMs(2, policy, () => 0.5)).toBeCloseTo(2000)
    expect(backoffMs(2, policy, () => 0.999999)).toBeCloseTo(2400, 2)
  })

  it('counts failures in a row and starts over after a success', () => {
    const b = new Backoff({ baseMs: 250, maxMs: 1000 })
    expect([b.failed(), b.failed(), b.failed(), b.failed()]).toEqual([250, 500, 1000, 1000])
    expect(b.failures).toBe(4)
    b.succeeded()
    expect(b.failures).toBe(0)
    expect(b.failed()).toBe(250)
  })
})

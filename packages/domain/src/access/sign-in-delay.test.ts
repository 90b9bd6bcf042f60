import { describe, expect, it } from 'vitest'
import { signInDelay, signInWait, withFailure, type SignInBackoff } from './sign-in-delay.js'

const b: SignInBackoff = { freeFailures: 3, baseMs: 1000, maxMs: 60_000, forgetMs: 3_600_000 }

describe('sign-in delays', () => {
  it('costs nothing for the free failures, then doubles from the base up to the ceiling', () => {
    expect([0, 1, 2, 3, 4, 5, 8, 9, 30].map((n) => signInDelay(n, b))).toEqual([
      0, 0, 0, 1000, 2000, 4000, 32_000, 60_000, 60_000,
    ])
  })

  it('counts failures and waits from the last one', () => {
    let rec = withFailure(undefined, 0, b)
    rec = withFailure(rec, 10, b)
    expect(signInWait(rec, 20, b)).toBe(0)
    rec = withFailure(rec, 100, b)
    expect(rec).toEqual({ count: 3, lastTs: 100 })
    expect(signInWait(rec, 100, b)).toBe(1000)
    expect(signInWait(rec, 600, b)).toBe(500)
    expect(signInWait(rec, 1100, b)).toBe(0)
  })

  it('forgets failures after a quiet spell: never a lock for good', () => {
    let rec: ReturnType<typeof withFailure> | undefined
    for (let i = 0; i < 50; i++) rec = withFailure(rec, i, b)
    expect(signInWait(rec, 100, b)).toBe(60_000 + 49 - 100)
    expect(signInWait(rec, 49 + 3_600_000, b)).toBe(0)
    expect(withFailure(rec, 49 + 3_600_000, b)).toEqual({ count: 1, lastTs: 49 + 3_600_000 })
  })
})

import { describe, expect, it } from 'vitest'
import { openWithRetry, type RetryStatus } from './startup.js'

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })

describe('opening the database at start', () => {
  it('retries while the server cannot be reached, doubling the wait up to the most, then goes on', async () => {
    const seen: RetryStatus[] = []
    let calls = 0
    const db = await openWithRetry(
      async () => {
        calls++
        if (calls <= 4) throw refused()
        return 'opened'
      },
      { minMs: 1, maxMs: 4, onRetry: (s) => seen.push(s) },
    )
    expect(db).toBe('opened')
    expect(seen.map((s) => [s.attempt, s.waitMs])).toEqual([[1, 1], [2, 2], [3, 4], [4, 4]])
    expect(seen[0]?.error).toMatch(/ECONNREFUSED/)
  })

  it('stops at once on an error that waiting cannot fix (a wrong password)', async () => {
    const badPassword = Object.assign(new Error('password authentication failed for user "rb"'), { code: '28P01' })
    const seen: RetryStatus[] = []
    await expect(openWithRetry(() => Promise.reject(badPassword), { minMs: 1, maxMs: 4, onRetry: (s) => seen.push(s) })).rejects.toThrow(/password authentication failed/)
    expect(seen).toEqual([])
  })

  it('ends the wait when told to stop', async () => {
    const stop = new AbortController()
    const waiting = openWithRetry(() => Promise.reject(refused()), { minMs: 60_000, maxMs: 60_000, signal: stop.signal, onRetry: () => stop.abort(new Error('SIGTERM')) })
    await expect(waiting).rejects.toThrow('SIGTERM')
  })
})

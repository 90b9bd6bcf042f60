import { describe, expect, it } from 'vitest'
import { openWithRetry, StartupSteps, type RetryStatus } from './startup.js'

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
    expect(seen.map((s) => [s.attempt, s.waitMs])).toEqual([
      [1, 1],
      [2, 2],
      [3, 4],
      [4, 4],
    ])
    expect(seen[0]?.error).toMatch(/ECONNREFUSED/)
  })

  it('stops at once on an error that waiting cannot fix (a wrong password)', async () => {
    const badPassword = Object.assign(new Error('password authentication failed for user "rb"'), { code: '28P01' })
    const seen: RetryStatus[] = []
    await expect(
      openWithRetry(() => Promise.reject(badPassword), { minMs: 1, maxMs: 4, onRetry: (s) => seen.push(s) }),
    ).rejects.toThrow(/password authentication failed/)
    expect(seen).toEqual([])
  })

  it('ends the wait when told to stop', async () => {
    const stop = new AbortController()
    const waiting = openWithRetry(() => Promise.reject(refused()), {
      minMs: 60_000,
      maxMs: 60_000,
      signal: stop.signal,
      onRetry: () => stop.abort(new Error('SIGTERM')),
    })
    await expect(waiting).rejects.toThrow('SIGTERM')
  })
})

describe('start-up steps and their undos', () => {
  const quietLog = () => {
    const lines: { step?: string; msg: string }[] = []
    return { lines, error: (obj: { step?: string }, msg: string) => lines.push({ step: obj.step, msg }) }
  }

  it('a failing step undoes the steps before it, last first, and passes its error on', async () => {
    const log = quietLog()
    const steps = new StartupSteps(log)
    const undone: string[] = []
    const started: string[] = []
    const failure = new Error('port 1883 is already in use')
    await expect(
      steps.run(async (s) => {
        for (const name of ['database', 'hub', 'broker']) {
          started.push(name)
          s.add(name, async () => {
            await Promise.resolve()
            undone.push(name)
          })
        }
        throw failure
      }),
    ).rejects.toBe(failure)
    expect(started).toEqual(['database', 'hub', 'broker'])
    expect(undone).toEqual(['broker', 'hub', 'database'])
    expect(log.lines).toEqual([])
  })

  it('an undo that throws does not stop the others; every failure is logged and reported', async () => {
    const log = quietLog()
    const steps = new StartupSteps(log)
    const undone: string[] = []
    steps.add('database', () => void undone.push('database'))
    steps.add('hub', () => {
      throw new Error('hub stuck')
    })
    steps.add('broker', () => void undone.push('broker'))
    steps.add('timers', () => Promise.reject(new Error('timer gone')))
    const closing = steps.undo()
    await expect(closing).rejects.toThrow('could not undo start-up steps: timers, hub')
    const err = await closing.catch((e: unknown) => e)
    expect((err as AggregateError).errors.map((e: Error) => e.message)).toEqual(['timer gone', 'hub stuck'])
    expect(undone).toEqual(['broker', 'database'])
    expect(log.lines.map((l) => l.step)).toEqual(['timers', 'hub'])
  })

  it('a failed start still passes on its own error when an undo throws too', async () => {
    const log = quietLog()
    const steps = new StartupSteps(log)
    const undone: string[] = []
    steps.add('database', () => void undone.push('database'))
    await expect(
      steps.run(async (s) => {
        s.add('broker', () => {
          throw new Error('broker stuck')
        })
        throw new Error('seeding failed')
      }),
    ).rejects.toThrow('seeding failed')
    expect(undone).toEqual(['database'])
    expect(log.lines).toEqual([{ step: 'broker', msg: 'start-up step "broker" could not be undone' }])
  })

  it('undoes once: closing twice runs each undo once, and no step is taken after', async () => {
    const steps = new StartupSteps(quietLog())
    let closed = 0
    steps.add('database', () => void closed++)
    await steps.undo()
    await steps.undo()
    expect(closed).toBe(1)
    expect(() => steps.add('late', () => undefined)).toThrow(/after the steps were undone/)
    expect(steps.done).toEqual(['database'])
  })
})

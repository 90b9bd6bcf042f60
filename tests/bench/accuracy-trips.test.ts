import { describe, expect, it } from 'vitest'
import { confusion, matchTimes, spread, summarizeMatches, trueClass } from './accuracy-trips.js'

const T = 1_780_000_000_000
/** A fix every 5 s from T − 60 s. */
const fixes = new Map([['V1', Array.from({ length: 60 }, (_, i) => T - 60_000 + i * 5000)]])

describe('time to match', () => {
  it('counts the fixes from the bus leaving (or first seen moving) to the one that matched, both included', () => {
    const [t] = matchTimes(
      [{ tripInstanceId: 'A', vehicleId: 'V1', fromTs: T, groups: [] }],
      [{ tripInstanceId: 'A', vehicleId: 'V1', ts: T + 5000, dropped: false }],
      fixes,
    )
    expect(t).toMatchObject({ matched: true, dropped: false, fixes: 2, seconds: 5 })
  })

  it('a bus on its trip before it left (the roster) took no fixes; a dropped match is not a match', () => {
    const cases = [
      { tripInstanceId: 'A', vehicleId: 'V1', fromTs: T, groups: [] },
      { tripInstanceId: 'B', vehicleId: 'V1', fromTs: T, groups: ['other operator'] },
      { tripInstanceId: 'C', vehicleId: 'V1', fromTs: T, groups: [] },
    ]
    const starts = [
      { tripInstanceId: 'A', vehicleId: 'V1', ts: T - 30_000, dropped: false },
      { tripInstanceId: 'B', vehicleId: 'V1', ts: T + 10_000, dropped: true },
      // Matched to C by another bus first: that does not count for V1.
      { tripInstanceId: 'C', vehicleId: 'V2', ts: T + 5000, dropped: false },
    ]
    const [a, b, c] = matchTimes(cases, starts, fixes)
    expect(a).toMatchObject({ matched: true, fixes: 0, seconds: 0 })
    expect(b).toMatchObject({ matched: false, dropped: true, fixes: 3 })
    expect(c).toMatchObject({ matched: false, dropped: false, fixes: null })
    const s = summarizeMatches(
      [a, b, c].filter((x) => x !== undefined),
      3,
    )
    expect(s).toMatchObject({ trips: 3, matched: 1 })
    expect(s.slow.map((x) => x.tripInstanceId)).toEqual(['B', 'C'])
  })

  it('spreads by nearest rank', () => {
    expect(spread([3, 1, 2, 2, 9])).toEqual({ n: 5, p50: 2, p95: 9, max: 9 })
    expect(spread([])).toEqual({ n: 0, p50: null, p95: null, max: null })
  })
})

describe('trip classification', () => {
  it('is completed at the last stop, partial before it, missed without any visit, cancelled when the dispatcher said so', () => {
    expect(trueClass(false, [1, 2, 3, 4], 4)).toBe('completed')
    expect(trueClass(false, [1, 2], 4)).toBe('partial')
    expect(trueClass(false, [], 4)).toBe('missed')
    expect(trueClass(true, [], 4)).toBe('cancelled')
  })

  it('tables truth against the engine and lists what it got wrong', () => {
    const c = confusion([
      { tripInstanceId: 'A', truth: 'completed', engine: 'completed' },
      { tripInstanceId: 'B', truth: 'completed', engine: 'missed' },
      { tripInstanceId: 'C', truth: 'partial', engine: 'partial' },
      { tripInstanceId: 'D', truth: 'missed', engine: 'missed' },
    ])
    expect(c.table.completed).toEqual({ completed: 1, missed: 1 })
    expect(c.table.cancelled).toEqual({})
    expect(c).toMatchObject({
      total: 4,
      right: 3,
      share: 0.75,
      wrong: [{ tripInstanceId: 'B', truth: 'completed', engine: 'missed' }],
    })
  })
})

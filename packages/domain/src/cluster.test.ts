import { describe, expect, it } from 'vitest'
import { partitionOf, planLeases } from './cluster.js'

describe('partitions', () => {
  it('puts a vehicle always in the same partition, and spreads vehicles evenly', () => {
    expect(partitionOf('XY-V012', 64)).toBe(partitionOf('XY-V012', 64))
    const counts = new Array<number>(16).fill(0)
    for (let i = 0; i < 16_000; i++) {
      const p = partitionOf(`XY-V${i}`, 16)
      counts[p] = (counts[p] ?? 0) + 1
    }
    for (const c of counts) expect(c).toBeGreaterThan(800)
  })
})

describe('lease plan', () => {
  it('a lone instance takes every partition', () => {
    expect(planLeases([null, null, null, null], 'a', ['a'])).toEqual({ acquire: [0, 1, 2, 3], release: [] })
  })

  it('a second instance takes free and orphaned partitions up to its share; the first gives back its excess', () => {
    const owners = ['a', 'a', 'a', 'gone']
    expect(planLeases(owners, 'a', ['a', 'b'])).toEqual({ acquire: [], release: [2] })
    expect(planLeases(owners, 'b', ['a', 'b'])).toEqual({ acquire: [3], release: [] })
    // Once a released one, b takes it too: two each.
    expect(planLeases(['a', 'a', null, 'b'], 'b', ['a', 'b'])).toEqual({ acquire: [2], release: [] })
  })

  it('never takes a partition another live instance holds', () => {
    expect(planLeases(['a', 'b', 'a', 'b'], 'c', ['a', 'b', 'c'])).toEqual({ acquire: [], release: [] })
  })
})

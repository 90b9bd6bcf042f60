import { describe, expect, it } from 'vitest'
import { judgeService, type ZonePass } from './service.js'

const pass = (over: Partial<ZonePass>): ZonePass => ({
  entryTs: 0,
  exitTs: 8000,
  zoneM: 80,
  inZoneKmh: [36],
  beforeKmh: 36,
  afterKmh: 36,
  gapS: 10,
  ...over,
})

describe('stop service', () => {
  it('a fix standing in the zone is a stop, surer with two', () => {
    expect(judgeService(pass({ inZoneKmh: [0], exitTs: 30_000 }))).toEqual({ served: true, confidence: 0.95 })
    expect(judgeService(pass({ inZoneKmh: [3, 0], exitTs: 40_000 }))).toEqual({ served: true, confidence: 0.99 })
  })

  it('the zone driven through at the speeds reported is a pass-by, whatever fix fell in it', () => {
    const j = judgeService(pass({}))
    expect(j.served).toBe(false)
    expect(j.confidence).toBe(0.9)
    // Crossed between two fixes: a little less sure, and less across a long gap.
    expect(judgeService(pass({ inZoneKmh: [] })).confidence).toBe(0.8)
    expect(judgeService(pass({ inZoneKmh: [], gapS: 60 })).confidence).toBe(0.4)
  })

  it('time in the zone well beyond driving through is a stop no fix saw', () => {
    // 80 m at 36 km/h is 8 s; 30 s in the zone leaves 22 s standing somewhere.
    const j = judgeService(pass({ exitTs: 30_000, inZoneKmh: [20] }))
    expect(j.served).toBe(true)
    expect(j.confidence).toBeGreaterThan(0.5)
    expect(j.confidence).toBeLessThanOrEqual(0.9)
    // A few seconds more than driving through is still a pass-by.
    expect(judgeService(pass({ exitTs: 12_000 })).served).toBe(false)
  })

  it('without any usable speed only the time tells', () => {
    expect(judgeService(pass({ inZoneKmh: [], beforeKmh: null, afterKmh: null, exitTs: 40_000 })).served).toBe(true)
    expect(judgeService(pass({ inZoneKmh: [], beforeKmh: null, afterKmh: null, exitTs: 5_000 })).served).toBe(false)
  })
})

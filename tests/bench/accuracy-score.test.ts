import { describe, expect, it } from 'vitest'
import { scoreEtas, scoreVisits, type TruthVisit } from './accuracy-score.js'

const T = 1_780_000_000_000
const truth: TruthVisit[] = [
  { tripInstanceId: 'A', seq: 1, arrivalTs: T, departureTs: T + 30_000 },
  { tripInstanceId: 'A', seq: 2, arrivalTs: T + 600_000, departureTs: T + 620_000 },
]

describe('accuracy scoring', () => {
  it('counts a visit matched only for the same trip and stop within the tolerance', () => {
    const s = scoreVisits(truth, [
      { tripInstanceId: 'A', seq: 1, arrivalTs: T + 5000, departureTs: T + 40_000 },
      { tripInstanceId: 'A', seq: 2, arrivalTs: T + 600_000 + 300_000, departureTs: null },
      { tripInstanceId: 'B', seq: 1, arrivalTs: T, departureTs: null },
    ])
    expect(s).toMatchObject({ truth: 2, detected: 3, matched: 1, arrivalMaeS: 5, departureMaeS: 10 })
    expect(s.precision).toBeCloseTo(1 / 3)
    expect(s.recall).toBe(0.5)
  })

  it('buckets predictions by true horizon and applies each bucket’s early/late window', () => {
    const arrival = T + 600_000
    const s = scoreEtas(truth, [
      // 2 min ahead: the bus came 60 s after the prediction (within +90 s) → accurate.
      { tripInstanceId: 'A', seq: 2, madeTs: arrival - 120_000, etaTs: arrival - 60_000 },
      // 2 min ahead: the bus came 40 s before the prediction (beyond −30 s) → not accurate.
      { tripInstanceId: 'A', seq: 2, madeTs: arrival - 120_000, etaTs: arrival + 40_000 },
      // 10 min ahead, 50 s off: counts in the 10-minute MAE and the 10–15 bucket.
      { tripInstanceId: 'A', seq: 2, madeTs: arrival - 600_000, etaTs: arrival - 50_000 },
      // For a trip nobody ran: not verifiable.
      { tripInstanceId: 'Z', seq: 2, madeTs: T, etaTs: T },
    ])
    expect(s.verifiable).toBe(3)
    expect(s.buckets[0]).toEqual({ name: '0-3 min', n: 2, accuracy: 0.5 })
    expect(s.buckets[3]).toEqual({ name: '10-15 min', n: 1, accuracy: 1 })
    expect(s.maeS['10min']).toEqual({ n: 1, maeS: 50 })
    expect(s.bucketScore).toBeCloseTo((0.5 + 0 + 0 + 1) / 4)
  })
})

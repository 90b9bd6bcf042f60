import { describe, expect, it } from 'vitest'
import { predictArrivals, type SegmentStats } from './eta.js'
import { TimetablePace } from './pace.js'
import { createVehicleTracker } from './tracker.js'
import { T0, makeInstance, makeTrack } from './test-factories.js'

describe("today's timetable pace, leg by leg", () => {
  it('a leg driven today on one route sets the expectation of the same road on another', () => {
    const p = new TimetablePace()
    // Route R's buses drive its legs at 0.9 of the timetable; the road a>b takes 60 s.
    for (let i = 0; i < 10; i++) p.add('R|0', `s${i}>s${i + 1}`, 90, 100)
    p.add('R|0', 'a>b', 60, 100)
    p.add('R|0', 'a>b', 60, 100)
    // Route S drives the same road a>b, timetabled at 120 s: two buses took 60 s.
    expect(p.legFactor('S|0', 'a>b', 120)).toBeLessThan(0.65)
    // A road nobody drove today: the route's prior (else the network's).
    expect(p.legFactor('R|0', 'x>y', 100)).toBeCloseTo(p.prior('R|0'), 6)
    expect(p.prior('R|0')).toBeLessThan(1)
  })

  it("counts a trip's own pace fast against the bare timetable, slowly once today's buses taught it", () => {
    const p = new TimetablePace()
    const bare = p.ownHalfS()
    for (let i = 0; i < 30; i++) p.add('R|0', `s${i}>s${i + 1}`, 80, 100)
    expect(bare).toBeLessThan(60)
    expect(p.ownHalfS()).toBeGreaterThan(10 * bare)
  })

  it('knows the stops buses drive through from the ones they serve', () => {
    const p = new TimetablePace()
    for (let i = 0; i < 8; i++) {
      p.addStop(true, 'village')
      p.addStop(false, 'township')
    }
    expect(p.passShareAt('village')).toBeGreaterThan(0.6)
    expect(p.passShareAt('township')).toBeLessThan(0.2)
    // A stop not seen yet: the network's share.
    expect(p.passShareAt('new')).toBeCloseTo(p.passShare(), 6)
  })
})

describe('the wait for the timetable at a stop the bus may drive through', () => {
  const noStats: SegmentStats = () => undefined
  /** A bus 45 km/h on a 30 km/h timetable (early), seen at `toM`. */
  const early = (toM: number) => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    for (const f of makeTrack({ coords, startTs: T0 - 60_000, dwells: [{ atM: 0, dwellS: 60 }], toM, speedKmh: 45 }))
      tracker.update(f)
    return { instance, state: tracker.state() }
  }
  const base = { defaultDwellS: 20, holdAtStops: true, stats: noStats }

  it('is leaned early by the chance the stop is served: a stop often driven through is hardly waited at', () => {
    const { instance, state } = early(1800)
    const served = predictArrivals({ ...base, instance, state, stopPassShare: () => 0 })
    const oftenPassed = predictArrivals({ ...base, instance, state, stopPassShare: () => 0.5 })
    // Stop 4 lies beyond stop 3, where the early bus would wait for its time.
    const s4 = (etas: typeof served) => etas.find((e) => e.seq === 4)?.etaTs ?? 0
    expect(s4(oftenPassed)).toBeLessThan(s4(served) - 30_000)
  })

  it('a bus standing in a stop zone waits there for its time; one still moving through it may not', () => {
    const { instance, coords } = makeInstance()
    const at = (speedKmh: number) => {
      const tracker = createVehicleTracker({ instance, coords })
      // Early into stop 2's zone (1,000 m), then a fix in the zone at `speedKmh`.
      const fixes = makeTrack({
        coords,
        startTs: T0 - 60_000,
        dwells: [{ atM: 0, dwellS: 60 }],
        toM: 1000,
        speedKmh: 45,
      })
      for (const f of fixes) tracker.update(f)
      const last = fixes.at(-1)
      if (last) tracker.update({ ...last, ts: last.ts + 5_000, speedKmh })
      return (
        predictArrivals({ ...base, instance, state: tracker.state(), stopPassShare: () => 0.3 }).find(
          (e) => e.seq === 3,
        )?.etaTs ?? 0
      )
    }
    expect(at(0)).toBeGreaterThan(at(40) + 10_000)
  })
})

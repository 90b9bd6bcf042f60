import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { predictArrivals, type SegmentStats } from './eta.js'
import { createVehicleTracker } from './tracker.js'
import { T0, makeInstance, makeTrack } from './test-factories.js'

/** A tracker fed a bus that leaves `lateS` late at 30 km/h (the timetable's speed) and is stopped at `toM`. */
function trackedTo(toM: number, lateS = 0, speedKmh = 30) {
  const { instance, coords } = makeInstance()
  const tracker = createVehicleTracker({ instance, coords })
  const fixes = makeTrack({ coords, startTs: T0 - 60_000, dwells: [{ atM: 0, dwellS: 60 + lateS }], toM, speedKmh })
  for (const f of fixes) tracker.update(f)
  return { instance, state: tracker.state(), last: fixes.at(-1) as Position }
}

const noStats: SegmentStats = () => undefined
const base = { defaultDwellS: 0, holdAtStops: true, stats: noStats }
const offsetS = (etaTs: number, scheduledTs: number) => Math.round((etaTs - scheduledTs) / 1000)

describe('ETA', () => {
  it('before departure: the timetable from the departure time', () => {
    const { instance, state } = trackedTo(0)
    const etas = predictArrivals({ ...base, instance, state })
    expect(etas.map((e) => e.seq)).toEqual([2, 3, 4, 5])
    for (const e of etas) expect(Math.abs(offsetS(e.etaTs, e.scheduledTs))).toBeLessThanOrEqual(2)
  })

  it('carries the current delay forward to every stop ahead', () => {
    const { instance, state } = trackedTo(1800, 120)
    const etas = predictArrivals({ ...base, instance, state })
    expect(etas.map((e) => e.seq)).toEqual([3, 4, 5])
    for (const e of etas) expect(offsetS(e.etaTs, e.scheduledTs)).toBeGreaterThanOrEqual(110)
    for (const e of etas) expect(offsetS(e.etaTs, e.scheduledTs)).toBeLessThanOrEqual(130)
  })

  it('uses observed leg times once there are enough of them', () => {
    const { instance, state } = trackedTo(1800)
    // Leg 3→4 (1.5 km) is observed to take 300 s, not the timetable's 180 s.
    const slowLeg: SegmentStats = (_r, _d, fromSeq) => (fromSeq === 3 ? { travelS: 300, dwellS: 0, n: 12 } : undefined)
    const etas = predictArrivals({ ...base, instance, state, stats: slowLeg })
    const [s3, s4, s5] = etas
    expect(Math.abs(offsetS(s3?.etaTs ?? 0, s3?.scheduledTs ?? 0))).toBeLessThanOrEqual(10)
    expect(offsetS(s4?.etaTs ?? 0, s4?.scheduledTs ?? 0)).toBeGreaterThanOrEqual(110)
    expect(offsetS(s5?.etaTs ?? 0, s5?.scheduledTs ?? 0)).toBeGreaterThanOrEqual(110)
    // Too few observations: the timetable still decides.
    const thin: SegmentStats = (_r, _d, fromSeq) => (fromSeq === 3 ? { travelS: 300, dwellS: 0, n: 1 } : undefined)
    expect(Math.abs(offsetS(predictArrivals({ ...base, instance, state, stats: thin })[1]?.etaTs ?? 0, s4?.scheduledTs ?? 0))).toBeLessThanOrEqual(10)
  })

  it('a bus running early is held at its next stop until the scheduled time', () => {
    // 45 km/h against a 30 km/h timetable: early at stop 3, but it may not leave before its time.
    const { instance, state } = trackedTo(1800, 0, 45)
    const [s3, s4] = predictArrivals({ ...base, instance, state })
    expect(offsetS(s3?.etaTs ?? 0, s3?.scheduledTs ?? 0)).toBeLessThan(-30)
    expect(Math.abs(offsetS(s4?.etaTs ?? 0, s4?.scheduledTs ?? 0))).toBeLessThanOrEqual(2)
    const free = predictArrivals({ ...base, holdAtStops: false, instance, state })
    expect(offsetS(free[1]?.etaTs ?? 0, free[1]?.scheduledTs ?? 0)).toBeLessThan(-30)
  })

  it('is empty before tracking starts and after the last stop', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    expect(predictArrivals({ ...base, instance, state: tracker.state() })).toEqual([])
    for (const f of makeTrack({ coords, startTs: T0 })) tracker.update(f)
    expect(predictArrivals({ ...base, instance, state: tracker.state() })).toEqual([])
  })
})

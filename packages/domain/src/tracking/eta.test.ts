import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { expectedStartDelayS, predictArrivals, type SegmentStats, type StartStats } from './eta.js'
import { tripPace } from './pace.js'
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
/** The walk along history and timetable alone (the bus's own pace is tested below). */
const base = { defaultDwellS: 0, holdAtStops: true, stats: noStats, ownPace: false }
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
    expect(
      Math.abs(
        offsetS(predictArrivals({ ...base, instance, state, stats: thin })[1]?.etaTs ?? 0, s4?.scheduledTs ?? 0),
      ),
    ).toBeLessThanOrEqual(10)
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

describe("ETA with the bus's own pace", () => {
  /** The true arrival at each stop of a bus driving at `speedKmh` from T0 (no dwells). */
  const trueArrival = (distM: number, speedKmh: number) => T0 + (distM / (speedKmh / 3.6)) * 1000
  const errorS = (speedKmh: number, toM: number, ownPace: boolean) => {
    const { instance, state } = trackedTo(toM, 0, speedKmh)
    const etas = predictArrivals({ ...base, holdAtStops: false, ownPace, instance, state })
    const last = etas.at(-1)
    const stop = instance.stops.find((x) => x.seq === last?.seq)
    return Math.round(((last?.etaTs ?? 0) - trueArrival(stop?.distM ?? 0, speedKmh)) / 1000)
  }

  it('a driver slower than the timetable: the ETA follows the bus, closer the more it has seen', () => {
    // 24 km/h on a 30 km/h timetable: the last stop is 180 s later than the timetable says.
    const blind = errorS(24, 2600, false)
    const early = errorS(24, 1100, true)
    const later = errorS(24, 2600, true)
    expect(blind).toBeLessThan(-60)
    expect(Math.abs(later)).toBeLessThan(Math.abs(blind) / 2)
    expect(Math.abs(later)).toBeLessThan(Math.abs(early))
  })

  it('a bus faster than a slack timetable: early ETAs where it may arrive early', () => {
    expect(errorS(40, 2600, false)).toBeGreaterThan(60)
    expect(Math.abs(errorS(40, 2600, true))).toBeLessThan(errorS(40, 2600, false) / 2)
  })

  it('the pace is neutral before anything was seen, and a breakdown counts as twice as slow at most', () => {
    const { instance } = makeInstance()
    const stops = instance.stops
    const none = tripPace({
      stops,
      visits: [],
      progressM: 0,
      lastTs: T0,
      expectedLegS: () => 120,
      expectedDwellS: () => 0,
      hasHistory: () => false,
    })
    expect(none).toEqual({ history: 1, timetable: 1, dwell: 1 })
    const broke = tripPace({
      stops,
      visits: [
        {
          seq: 1,
          stopCode: 'a',
          scheduledTs: T0,
          arrivalTs: T0 - 60_000,
          departureTs: T0,
          passedWithoutStopping: false,
          serviceConfidence: 1,
        },
      ],
      progressM: 500,
      lastTs: T0 + 3_600_000,
      expectedLegS: () => 120,
      expectedDwellS: () => 0,
      hasHistory: () => false,
    })
    expect(broke.timetable).toBeGreaterThan(1)
    expect(broke.timetable).toBeLessThanOrEqual(2)
  })
})

describe('ETA against the real clock', () => {
  it('anchors at the last fix but is never earlier than now', () => {
    const { instance, state } = trackedTo(1800)
    const at = predictArrivals({ ...base, instance, state })
    const now = (state.lastTs ?? 0) + 400_000
    const later = predictArrivals({ ...base, instance, state, now })
    expect(later.map((e) => e.seq)).toEqual(at.map((e) => e.seq))
    for (const e of later) expect(e.etaTs).toBeGreaterThanOrEqual(now)
    // A second after the fix the walk is the same.
    const soon = predictArrivals({ ...base, instance, state, now: (state.lastTs ?? 0) + 1000 })
    expect(soon.at(-1)?.etaTs).toBe(at.at(-1)?.etaTs)
  })
})

describe('a bus waiting at its first stop', () => {
  const stats = (route?: number, driver?: number, n = 10): StartStats => ({
    route: () => (route === undefined ? undefined : { delayS: route, n }),
    driver: () => (driver === undefined ? undefined : { delayS: driver, n }),
  })

  it("leaves when the route's and the driver's buses typically leave", () => {
    expect(expectedStartDelayS(stats(), 'R', 0, 'D')).toBe(0)
    expect(expectedStartDelayS(stats(30), 'R', 0, null)).toBe(30)
    // Ten starts of the driver weigh 10/15 against the route.
    expect(expectedStartDelayS(stats(30, 120), 'R', 0, 'D')).toBeCloseTo(90, 5)
    // Too few starts: not history yet.
    expect(expectedStartDelayS(stats(30, 120, 2), 'R', 0, 'D')).toBe(0)
  })

  it('its ETAs move by that delay', () => {
    const { instance, state } = trackedTo(0)
    const onTime = predictArrivals({ ...base, instance, state })
    const late = predictArrivals({ ...base, instance, state, startDelayS: 90 })
    for (const [i, e] of late.entries()) expect(offsetS(e.etaTs, onTime[i]?.etaTs ?? 0)).toBe(90)
  })
})

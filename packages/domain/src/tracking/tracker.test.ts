import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { createVehicleTracker, type VehicleTracker } from './tracker.js'
import type { StopVisitEvent, TrackerEvent } from './types.js'
import { T0, makeInstance, makePosition, makeTrack, offsetPoint, outAndBackRoute, pointAtM } from './test-factories.js'

function feed(tracker: VehicleTracker, fixes: readonly Position[]): TrackerEvent[] {
  return fixes.flatMap((f) => tracker.update(f))
}
const visitsOf = (events: TrackerEvent[]) => events.filter((e): e is StopVisitEvent => e.type !== 'delay')
const summary = (events: TrackerEvent[]) => visitsOf(events).map((e) => `${e.type[0]}${e.seq}`)
const sec = (ms: number) => ms / 1000

describe('clean run', () => {
  it('gives one arrival and one departure per stop, in order, on time', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const events = feed(tracker, makeTrack({ coords, startTs: T0 }))
    // The last stop is the end of the line: the bus arrives and the trip is over.
    expect(summary(events)).toEqual(['a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    for (const e of visitsOf(events)) expect(Math.abs(e.delayS)).toBeLessThanOrEqual(10)
    // It never stops: every stop but the first (where the trip starts) is passed, said on leaving.
    const judged = visitsOf(events)
      .filter((e) => e.type === 'departure')
      .map((e) => [e.seq, e.passedWithoutStopping])
    expect(judged).toEqual([
      [1, false],
      [2, true],
      [3, true],
      [4, true],
    ])
    expect(events.filter((e) => e.type === 'delay')).toEqual([])
    const st = tracker.state()
    expect(st.nextStopSeq).toBeNull()
    expect(st.visits).toHaveLength(5)
    expect(st.progressM).toBeCloseTo(6000, -1)
    expect(Math.abs(st.delayS ?? Infinity)).toBeLessThanOrEqual(10)
    expect(st.counters).toMatchObject({ stale: 0, jumps: 0, offRoute: 0 })
  })

  it('reports departure on the far edge of the zone, interpolated between fixes', () => {
    const { instance, coords } = makeInstance()
    const events = feed(createVehicleTracker({ instance, coords }), makeTrack({ coords, startTs: T0 }))
    const d1 = visitsOf(events).find((e) => e.type === 'departure' && e.seq === 1)
    // 40 m at 30 km/h is 4.8 s after the start.
    expect(sec((d1?.ts ?? 0) - T0)).toBeCloseTo(4.8, 0)
  })
})

describe('dwells', () => {
  it('a 10-minute wait at the depot: arrival at the first fix, departure when it leaves, no delay while waiting', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({ coords, startTs: T0 - 600_000, dwells: [{ atM: 0, dwellS: 600 }] })
    const waiting = fixes.filter((f) => f.ts < T0)
    const waitEvents = feed(tracker, waiting)
    expect(summary(waitEvents)).toEqual(['a1'])
    expect(tracker.state().delayS).toBe(0)
    const events = [
      ...waitEvents,
      ...feed(
        tracker,
        fixes.filter((f) => f.ts >= T0),
      ),
    ]
    expect(summary(events)).toEqual(['a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    const [a1, d1] = visitsOf(events)
    expect(a1?.ts).toBe(T0 - 600_000)
    expect(d1?.delayS).toBeGreaterThanOrEqual(0)
    expect(d1?.delayS).toBeLessThanOrEqual(10)
    expect(events.filter((e) => e.type === 'delay')).toEqual([])
  })

  it('a 20-minute wait at the market stop: one arrival, one departure, delay grows while it waits', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const events = feed(tracker, makeTrack({ coords, startTs: T0, dwells: [{ atM: 2500, dwellS: 1200 }] }))
    expect(summary(events)).toEqual(['a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    const at3 = visitsOf(events).filter((e) => e.seq === 3)
    expect(sec((at3[1]?.ts ?? 0) - (at3[0]?.ts ?? 0))).toBeGreaterThanOrEqual(1200)
    expect(at3[1]?.delayS).toBeGreaterThanOrEqual(1195)
    const delays = events.filter((e) => e.type === 'delay').map((e) => e.delayS)
    expect(delays.length).toBeGreaterThanOrEqual(15)
    for (let i = 1; i < delays.length; i++)
      expect((delays[i] as number) - (delays[i - 1] as number)).toBeGreaterThanOrEqual(60)
    expect(Math.abs((tracker.state().delayS ?? 0) - 1200)).toBeLessThanOrEqual(10)
  })
})

describe('a stop passed without stopping', () => {
  it('at 40 km/h with a fix every 30 s gets an interpolated, flagged visit', () => {
    const { instance, coords } = makeInstance({ stopDistsM: [0, 1150, 2500, 4000, 6000], scheduleSpeedKmh: 40 })
    const fixes = makeTrack({ coords, startTs: T0, speedKmh: 40, intervalS: 30 })
    // No fix falls inside the zone of stop 2 (1110–1190 m): fixes are at 1000 m and 1333 m.
    const events = feed(createVehicleTracker({ instance, coords }), fixes)
    const stop2 = visitsOf(events).filter((e) => e.seq === 2)
    expect(stop2.map((e) => e.type)).toEqual(['arrival', 'departure'])
    for (const e of stop2) {
      expect(e.passedWithoutStopping).toBe(true)
      // 1150 m at 40 km/h is 103.5 s after the start.
      expect(sec(e.ts - T0)).toBeCloseTo(103.5, 0)
      expect(Math.abs(e.delayS)).toBeLessThanOrEqual(1)
    }
    expect(summary(events).slice(0, 4)).toEqual(['a1', 'd1', 'a2', 'd2'])
  })
})

describe('stop service from speeds and dwell', () => {
  const departures = (events: TrackerEvent[]) => visitsOf(events).filter((e) => e.type === 'departure')

  it('at one fix per 10 s a bus driving through leaves a fix in the zone, and is still judged passing', () => {
    const { instance, coords } = makeInstance()
    const fixes = makeTrack({ coords, startTs: T0, speedKmh: 35, intervalS: 10, dwells: [{ atM: 2500, dwellS: 30 }] })
    const events = feed(createVehicleTracker({ instance, coords }), fixes)
    const byStop = new Map(departures(events).map((e) => [e.seq, e]))
    expect(byStop.get(2)?.passedWithoutStopping).toBe(true)
    expect(byStop.get(2)?.serviceConfidence).toBeGreaterThanOrEqual(0.8)
    // Stopped 30 s at stop 3: a fix fell in the wait.
    expect(byStop.get(3)?.passedWithoutStopping).toBe(false)
    expect(byStop.get(3)?.serviceConfidence).toBeGreaterThanOrEqual(0.95)
    expect(byStop.get(4)?.passedWithoutStopping).toBe(true)
    // The arrival is told before the judgement: the departure carries it, and so does the visit.
    expect(visitsOf(events).find((e) => e.type === 'arrival' && e.seq === 2)?.serviceConfidence).toBeNull()
  })

  it('a short stop no fix caught is served by the time it took, with less confidence', () => {
    const { instance, coords } = makeInstance()
    // 6 s stop between fixes 10 s apart, the bus slow through the zone: the time in the zone gives it away.
    const fixes = makeTrack({
      coords,
      startTs: T0 + 3000,
      speedKmh: 30,
      intervalS: 10,
      dwells: [{ atM: 1000, dwellS: 14 }],
    })
    const st = createVehicleTracker({ instance, coords })
    feed(
      st,
      fixes.map((f) => (f.speedKmh === 0 ? { ...f, speedKmh: 12 } : f)),
    )
    const v2 = st.state().visits.find((v) => v.seq === 2)
    expect(v2?.passedWithoutStopping).toBe(false)
    expect(v2?.serviceConfidence).toBeGreaterThanOrEqual(0.5)
    expect(v2?.serviceConfidence).toBeLessThan(0.95)
  })
})

describe('noisy and bad fixes', () => {
  it('jitter of ±15 m around a standing bus never moves progress back and adds no visits', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({
      coords,
      startTs: T0,
      dwells: [
        { atM: 2500, dwellS: 600 },
        { atM: 4500, dwellS: 300 },
      ],
      jitterM: 15,
      seed: 7,
    })
    const events: TrackerEvent[] = []
    let progress = -Infinity
    for (const f of fixes) {
      events.push(...tracker.update(f))
      const p = tracker.state().progressM ?? -Infinity
      expect(p).toBeGreaterThanOrEqual(progress)
      progress = p
    }
    expect(summary(events)).toEqual(['a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
  })

  it('ignores and counts a 5 km jump in one second', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({ coords, startTs: T0 })
    feed(tracker, fixes.slice(0, 40))
    const before = tracker.state()
    const last = fixes[39] as Position
    const [lng, lat] = offsetPoint([last.lng, last.lat], 0, 5000)
    expect(tracker.update(makePosition({ ts: last.ts + 1000, lng, lat, speedKmh: 30 }))).toEqual([])
    const after = tracker.state()
    expect(after.counters.jumps).toBe(1)
    expect(after.progressM).toBe(before.progressM)
    expect(after.lastTs).toBe(before.lastTs)
    const events = feed(tracker, fixes.slice(40))
    expect(tracker.state().nextStopSeq).toBeNull()
    expect(visitsOf(events).at(-1)?.seq).toBe(5)
  })

  it('recovers when the first fix was the glitch', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const [lng, lat] = offsetPoint(coords[0] as [number, number], 0, 5000)
    tracker.update(makePosition({ ts: T0 - 1000, lng, lat }))
    const events = feed(tracker, makeTrack({ coords, startTs: T0, dwells: [{ atM: 0, dwellS: 60 }] }))
    // The 3rd good fix is the 3rd in a row to disagree with the glitch: it becomes the reference.
    expect(tracker.state().counters.jumps).toBe(2)
    expect(summary(events)).toEqual(['a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    expect(visitsOf(events)[0]?.ts).toBe(T0 + 10_000)
  })

  it('ignores and counts a stale or repeated point', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({ coords, startTs: T0 })
    feed(tracker, fixes.slice(0, 30))
    const before = tracker.state()
    expect(tracker.update(fixes[10] as Position)).toEqual([])
    expect(tracker.update(fixes[29] as Position)).toEqual([])
    const after = tracker.state()
    expect(after.counters.stale).toBe(2)
    expect({ ...after, counters: before.counters }).toEqual(before)
  })

  it('reports a fix far from the line as off route without moving progress', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    feed(tracker, makeTrack({ coords, startTs: T0, toM: 900 }))
    const before = tracker.state()
    const [lng, lat] = offsetPoint(pointAtM(coords, 950), 0, 300)
    expect(tracker.update(makePosition({ ts: (before.lastTs ?? 0) + 30_000, lng, lat }))).toEqual([])
    const st = tracker.state()
    expect(st.offRoute).toBe(true)
    expect(st.offsetM).toBeGreaterThan(250)
    expect(st.progressM).toBe(before.progressM)
    expect(st.counters.offRoute).toBe(1)
  })
})

describe('a route that doubles back on itself', () => {
  it('does not snap the bus on the way back to the outbound leg', () => {
    const coords = outAndBackRoute()
    const { instance } = makeInstance({ coords, stopDistsM: [0, 1000, 2000, 3000, 3970] })
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({ coords, startTs: T0 })
    tracker.update(fixes[0] as Position)
    // The start is 30 m from the end of the line: the first fix is the start.
    expect(tracker.state().progressM).toBeLessThan(10)
    const events: TrackerEvent[] = []
    for (const f of fixes.slice(1)) {
      events.push(...tracker.update(f))
      // Stop 4 (3000 m) stands where stop 2 (1000 m) does; on the way back it must be stop 4.
      if (Math.abs(sec(f.ts - T0) - 3000 / (30 / 3.6)) < 3) expect(tracker.state().progressM).toBeCloseTo(3000, -2)
    }
    expect(summary(events)).toEqual(['d1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    for (const e of visitsOf(events)) expect(Math.abs(e.delayS)).toBeLessThanOrEqual(10)
  })
})

describe('delay', () => {
  it('a bus that starts 6 minutes late reports about 360 s at the first stops', () => {
    const { instance, coords } = makeInstance()
    const tracker = createVehicleTracker({ instance, coords })
    const fixes = makeTrack({ coords, startTs: T0 + 360_000 })
    const first = tracker.update(fixes[0] as Position)
    expect(first).toContainEqual({ type: 'delay', ts: T0 + 360_000, delayS: 360 })
    const events = [...first, ...feed(tracker, fixes.slice(1, 150))]
    const v = visitsOf(events)
    const d1 = v.find((e) => e.type === 'departure' && e.seq === 1)
    const a2 = v.find((e) => e.type === 'arrival' && e.seq === 2)
    expect(Math.abs((d1?.delayS ?? 0) - 360)).toBeLessThanOrEqual(10)
    expect(Math.abs((a2?.delayS ?? 0) - 360)).toBeLessThanOrEqual(10)
    expect(Math.abs((tracker.state().delayS ?? 0) - 360)).toBeLessThanOrEqual(10)
    expect(events.filter((e) => e.type === 'delay')).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { TrackingEngine } from './engine.js'
import type { EngineInstance, EngineNetwork, EngineOutput } from './engine-types.js'
import type { EngineConfigInput } from './config.js'
import type { TripInstance } from '../network/timetable.js'
import type { LngLat } from './types.js'
import { T0, makeInstance, makePosition, makeTrack, offsetPoint, pointAtM } from './test-factories.js'

const VEH = 'XY-V001'

function engineInstance(instance: TripInstance, over: Partial<EngineInstance> = {}): EngineInstance {
  return { ...instance, status: 'scheduled', cancelReason: null, vehicleId: null, driverId: null, ...over }
}

function setup(
  instances: EngineInstance[],
  coords: LngLat[],
  config: EngineConfigInput = {},
  speedLimitKmh = 60,
): TrackingEngine {
  const engine = new TrackingEngine(config)
  const net: EngineNetwork = {
    instances,
    routes: [{ id: 'XY-R01', operatorId: 'op1', geometry: coords, speedLimitKmh }],
    vehicles: [
      { id: VEH, operatorId: 'op1' },
      { id: 'XY-V002', operatorId: 'op1' },
    ],
  }
  engine.setNetwork(net)
  return engine
}

/** Feeds fixes as if each arrived when it was taken; runs the clock rules every 5 s of fix time. */
function run(engine: TrackingEngine, fixes: readonly Position[]): EngineOutput {
  const out: EngineOutput = { events: [], alerts: [], segments: [], changedVehicles: [], changedInstances: [] }
  let lastTick = fixes[0]?.ts ?? 0
  for (const f of fixes) {
    engine.onPosition(f, f.ts)
    if (f.ts - lastTick >= 5000) {
      engine.tick(f.ts)
      lastTick = f.ts
    }
    const o = engine.drain()
    out.events.push(...o.events)
    out.alerts.push(...o.alerts)
    out.segments.push(...o.segments)
  }
  return out
}

const kinds = (o: EngineOutput) =>
  o.events.map((e) => (e.type === 'arrival' || e.type === 'departure' ? `${e.type[0]}${String(e.data.seq)}` : e.type))

describe('an assigned vehicle', () => {
  it('runs its trip: start, every stop, end; the board says completed', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH, driverId: 'XY-D001' })], coords)
    const out = run(engine, makeTrack({ coords, startTs: T0 - 120_000, dwells: [{ atM: 0, dwellS: 120 }] }))
    expect(kinds(out)).toEqual(['trip_start', 'a1', 'd1', 'a2', 'd2', 'a3', 'd3', 'a4', 'd4', 'a5'])
    expect(out.events[0]?.data.match).toBe('assigned')
    // The depot arrival is the first fix seen there, two minutes before departure.
    expect(out.events[1]?.ts).toBe(T0 - 120_000)
    expect(out.alerts).toEqual([])
    // Legs driven become ETA history: four legs, dwell unknown at the first stop.
    expect(out.segments.map((s) => s.fromSeq)).toEqual([1, 2, 3, 4])
    expect(out.segments[0]?.dwellS).toBeNull()
    // A minute after the last stop the trip ends and the bus is free.
    const after = run(engine, [makePosition({ ts: T0 + 900_000, ...lnglat(pointAtM(coords, 6000)) })])
    expect(kinds(after)).toEqual(['trip_end'])
    expect(after.events[0]?.data.reason).toBe('completed')
    expect(engine.state(VEH)?.status).toBe('off_duty')
  })

  it('ignores points older than its state and GPS jumps, and counts them', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    const track = makeTrack({ coords, startTs: T0, toM: 2000 })
    run(engine, track.slice(0, 40))
    const before = engine.state(VEH)
    // A 5 km jump one second later, then an old point resent: neither moves anything.
    const last = track[39] as Position
    engine.onPosition(
      makePosition({ ts: last.ts + 1000, ...lnglat(offsetPoint([last.lng, last.lat], 5000, 0)) }),
      last.ts + 1000,
    )
    engine.onPosition(track[10] as Position, last.ts + 2000)
    expect(engine.counters.jumps).toBe(1)
    expect(engine.counters.stale).toBe(1)
    expect(engine.state(VEH)?.progressM).toBe(before?.progressM)
  })
})

describe('trip matching of an unassigned vehicle', () => {
  it('never matches a parked bus; once it drives off it matches the trip due now and recovers the wait at the first stop', () => {
    const { instance: early, coords } = makeInstance({ departureTs: T0 - 3600_000 })
    const due = makeInstance({ departureTs: T0 }).instance
    const engine = setup([engineInstance({ ...early, id: 'E_20260302' }), engineInstance(due)], coords)
    // Parked 10 minutes at the first stop around departure time, then drives.
    const parked = makeTrack({ coords, startTs: T0 - 300_000, dwells: [{ atM: 0, dwellS: 300 }], toM: 0 })
    const out1 = run(engine, parked)
    expect(out1.events).toEqual([])
    expect(engine.state(VEH)?.status).toBe('off_duty')
    const out2 = run(engine, makeTrack({ coords, startTs: T0 + 5000 }))
    expect(out2.events[0]).toMatchObject({ type: 'trip_start', tripInstanceId: due.id, data: { match: 'inferred' } })
    const arrival1 = out2.events.find((e) => e.type === 'arrival' && e.data.seq === 1)
    expect(arrival1?.ts).toBe(T0 - 300_000)
    expect(engine.progressOf(due.id)?.completedTs).not.toBeNull()
  })

  it('picks the direction whose heading fits on a road both directions use', () => {
    const { instance, coords } = makeInstance({ stopDistsM: [0, 3000, 6000] })
    const back: TripInstance = {
      ...instance,
      id: 'B_20260302',
      tripId: 'B',
      direction: 1,
      stops: instance.stops.map((s, i, all) => ({
        ...s,
        distM: 6000 - (all[all.length - 1 - i]?.distM ?? 0),
        stopCode: all[all.length - 1 - i]?.stopCode ?? '',
      })),
    }
    const engine = setup([engineInstance(back), engineInstance(instance)], coords)
    const out = run(engine, makeTrack({ coords, startTs: T0, toM: 1500 }))
    expect(out.events[0]).toMatchObject({ type: 'trip_start', tripInstanceId: instance.id })
  })

  it('drops a match that goes bad (off route for minutes) and does not match it again', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance)], coords, { match: { badMatchOffRouteS: 120 } })
    const onRoute = makeTrack({ coords, startTs: T0, toM: 1500 })
    run(engine, onRoute)
    expect(engine.runOf(VEH)?.match).toBe('inferred')
    // Then it drives 400 m away from the line for 5 minutes.
    const last = onRoute.at(-1) as Position
    const away = Array.from({ length: 60 }, (_, i) =>
      makePosition({
        ts: last.ts + (i + 1) * 5000,
        ...lnglat(offsetPoint(pointAtM(coords, 1500), 0, -400 - i * 10)),
        speedKmh: 20,
        headingDeg: 180,
      }),
    )
    const out = run(engine, away)
    expect(out.events.find((e) => e.type === 'trip_end')?.data.reason).toBe('bad_match')
    expect(engine.runOf(VEH)).toBeNull()
    expect(engine.counters.badMatches).toBe(1)
    // Back on the route, it is not put on the same trip again.
    run(engine, makeTrack({ coords, startTs: last.ts + 400_000, fromM: 1600, toM: 2600 }))
    expect(engine.runOf(VEH)).toBeNull()
  })

  it('does not match a bus far outside the early/late window', () => {
    const { instance, coords } = makeInstance({ departureTs: T0 + 3 * 3600_000 })
    const engine = setup([engineInstance(instance)], coords)
    run(engine, makeTrack({ coords, startTs: T0, toM: 2000 }))
    expect(engine.runOf(VEH)).toBeNull()
  })
})

describe('alerts', () => {
  /** A bus on its trip that at 1500 m leaves the line by `offsetM` for `forS` seconds, then returns. */
  function detour(offsets: { offsetM: number; forS: number }[]) {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    const track = makeTrack({ coords, startTs: T0, toM: 1500, intervalS: 5 })
    const fixes: Position[] = [...track]
    let ts = (track.at(-1) as Position).ts
    let m = 1500
    for (const o of offsets) {
      for (let t = 0; t < o.forS; t += 5) {
        ts += 5000
        m += 40
        fixes.push(
          makePosition({
            ts,
            ...lnglat(offsetPoint(pointAtM(coords, m), 0, -o.offsetM)),
            speedKmh: 29,
            headingDeg: 90,
          }),
        )
      }
    }
    return run(engine, fixes)
  }

  it('off route: not for a short excursion; raised after the hold, cleared only well back inside', () => {
    expect(
      detour([
        { offsetM: 150, forS: 40 },
        { offsetM: 10, forS: 60 },
      ]).alerts,
    ).toEqual([])
    const out = detour([
      { offsetM: 150, forS: 120 },
      { offsetM: 90, forS: 60 },
      { offsetM: 10, forS: 60 },
    ])
    expect(out.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['off_route:active', 'off_route:cleared'])
    const [raised, cleared] = out.alerts
    // Cleared after 30 s within 80 m, not while hovering at 90 m.
    expect(((cleared?.clearedTs ?? 0) - (raised?.ts ?? 0)) / 1000).toBeGreaterThanOrEqual(180)
    expect(kinds(out)).toContain('off_route')
    expect(kinds(out)).toContain('back_on_route')
  })

  it('overspeed: a short burst is tolerated; sustained speed above the route limit is raised and cleared', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords, {}, 40)
    const burst = run(
      engine,
      makeTrack({ coords, startTs: T0, toM: 1000, speedKmh: 30 }).concat(
        makeTrack({ coords, startTs: T0 + 200_000, fromM: 1000, toM: 1100, speedKmh: 60 }),
      ),
    )
    expect(burst.alerts).toEqual([])
    const fast = run(engine, makeTrack({ coords, startTs: T0 + 300_000, fromM: 1100, toM: 2100, speedKmh: 70 }))
    expect(fast.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['overspeed:active'])
    expect(fast.alerts[0]?.data).toMatchObject({ limitKmh: 40 })
    const slow = run(engine, makeTrack({ coords, startTs: T0 + 400_000, fromM: 2100, toM: 2600, speedKmh: 30 }))
    expect(slow.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['overspeed:cleared'])
    expect(slow.alerts[0]?.data.maxSpeedKmh).toBe(70)
  })

  it('late start: raised when an assigned bus has not left 5 minutes after departure; cleared when it leaves', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    const out = run(engine, makeTrack({ coords, startTs: T0 - 60_000, dwells: [{ atM: 0, dwellS: 480 }], toM: 1200 }))
    expect(out.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['late_start:active', 'late_start:cleared'])
    expect(out.alerts[0]?.ts).toBe(T0 + 300_000)
    expect(kinds(out)).toContain('late_start')
  })

  it('early departure: leaving a stop before its time is flagged (a villager on time misses the bus)', () => {
    const { instance, coords } = makeInstance({ scheduleSpeedKmh: 20 })
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    // Driven at 30 km/h against a 20 km/h timetable: stop 2 (1 km) is left 55 s early, within
    // the 60 s tolerance; stop 3 (2.5 km) 2.4 min early.
    const out = run(engine, makeTrack({ coords, startTs: T0, toM: 2600 }))
    const early = out.alerts.filter((a) => a.type === 'early_departure')
    expect(early.map((a) => a.stopCode)).toEqual(['XY-0003'])
    expect(early[0]?.data.earlyS).toBeGreaterThan(60)
  })

  it('offline after silence in service, back online on the next fix; the last will is immediate', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    const track = makeTrack({ coords, startTs: T0, toM: 1000 })
    run(engine, track)
    const lastTs = (track.at(-1) as Position).ts
    engine.tick(lastTs + 100_000)
    expect(engine.drain().alerts).toEqual([])
    engine.tick(lastTs + 200_000)
    const o = engine.drain()
    expect(o.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['offline:active'])
    expect(engine.state(VEH)?.status).toBe('offline')
    const back = run(engine, makeTrack({ coords, startTs: lastTs + 210_000, fromM: 1000, toM: 1100 }))
    expect(back.alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['offline:cleared'])
    expect(kinds(back)).toContain('online')
    engine.onLink(VEH, false, lastTs + 300_000)
    expect(engine.drain().alerts.map((a) => `${a.type}:${a.state}`)).toEqual(['offline:active'])
  })

  it('driver alarm is raised at once', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([engineInstance(instance, { vehicleId: VEH })], coords)
    engine.onAlarm(VEH, T0, 'emergency', { source: 'jt808' })
    const [a] = engine.drain().alerts
    expect(a).toMatchObject({ type: 'driver_alarm', severity: 'critical', vehicleId: VEH, state: 'active' })
  })
})

function lnglat(p: LngLat): { lng: number; lat: number } {
  return { lng: p[0], lat: p[1] }
}

/**
 * The live picture a dispatcher trusts: which trip a bus runs (across operators, joined mid-route),
 * what a trip nobody ran is (missed), when a trip ends (at its last stop, even if the bus goes
 * quiet there), who drives, and one lateness rule.
 */
import { describe, expect, it } from 'vitest'
import type { Position } from '@rb/protocol'
import { tripBoard } from './board.js'
import { TrackingEngine } from './engine.js'
import type { EngineInstance, EngineOutput } from './engine-types.js'
import type { EngineConfigInput } from './config.js'
import type { TripInstance } from '../network/timetable.js'
import type { LngLat } from './types.js'
import { T0, makeInstance, makePosition, makeTrack, pointAtM } from './test-factories.js'

const VEH = 'XY-V001'
const LENT = 'XY-V030'

function inst(instance: TripInstance, over: Partial<EngineInstance> = {}): EngineInstance {
  return { ...instance, status: 'scheduled', cancelReason: null, vehicleId: null, driverId: null, ...over }
}

function setup(instances: EngineInstance[], coords: LngLat[], config: EngineConfigInput = {}): TrackingEngine {
  const engine = new TrackingEngine(config)
  engine.setNetwork({
    instances,
    routes: [{ id: 'XY-R01', operatorId: 'XY-OP1', geometry: coords, speedLimitKmh: 60 }],
    vehicles: [
      { id: VEH, operatorId: 'XY-OP1' },
      { id: LENT, operatorId: 'XY-OP2' },
    ],
  })
  return engine
}

function feed(engine: TrackingEngine, fixes: readonly Position[], tickEveryMs = 5000): EngineOutput {
  const out: EngineOutput = { events: [], alerts: [], segments: [], changedVehicles: [], changedInstances: [] }
  let lastTick = fixes[0]?.ts ?? 0
  for (const f of fixes) {
    engine.onPosition(f, f.ts)
    if (f.ts - lastTick >= tickEveryMs) {
      engine.tick(f.ts)
      lastTick = f.ts
    }
    collect(out, engine.drain())
  }
  return out
}

function collect(into: EngineOutput, o: EngineOutput): EngineOutput {
  into.events.push(...o.events)
  into.alerts.push(...o.alerts)
  return into
}

const alertsOf = (o: EngineOutput) => o.alerts.map((a) => `${a.type}:${a.state}`)

describe('matching', () => {
  it('matches a bus lent by another operator to the route it drives within 2 fixes of leaving the terminus', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    feed(
      engine,
      makeTrack({ coords, startTs: T0 - 120_000, toM: 0, dwells: [{ atM: 0, dwellS: 120 }], vehicleId: LENT }),
    )
    expect(engine.runOf(LENT)).toBeNull()
    const driving = makeTrack({ coords, startTs: T0 + 5000, toM: 1000, vehicleId: LENT })
    feed(engine, driving.slice(0, 2))
    expect(engine.runOf(LENT)?.instance.id).toBe(instance.id)
    expect(engine.state(LENT)).toMatchObject({ tripInstanceId: instance.id, match: 'inferred', status: 'on_time' })
  })

  it('a bus first seen mid-route is in progress within 3 fixes, with its delay from where it is, and never late to start', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH, driverId: 'XY-D007' })], coords)
    // Timetable at 30 km/h: 2,500 m is due at T0 + 300 s; the terminal comes on there at T0 + 420 s.
    const out = feed(engine, makeTrack({ coords, startTs: T0 + 420_000, fromM: 2500, toM: 2600 }).slice(0, 3))
    engine.tick(T0 + 440_000)
    collect(out, engine.drain())
    expect(engine.state(VEH)).toMatchObject({ tripInstanceId: instance.id, status: 'on_time', punctuality: 'on_time' })
    expect(engine.state(VEH)?.delayS).toBeGreaterThan(100)
    expect(engine.progressOf(instance.id)).toMatchObject({ joinedMidRoute: true })
    expect(alertsOf(out)).toEqual([])
    const board = tripBoard(engine)[0]
    expect(board).toMatchObject({ status: 'in_progress', driverCode: 'XY-D007' })
  })

  it('an unassigned bus first seen mid-route is matched by inference within 3 fixes', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    feed(engine, makeTrack({ coords, startTs: T0 + 300_000, fromM: 2500, toM: 2700 }).slice(0, 3))
    expect(engine.runOf(VEH)?.instance.id).toBe(instance.id)
  })
})

describe('matching rules found by the accuracy bench', () => {
  it('a bus leaving a shared terminus late takes its own late trip, not the next one out', () => {
    const { instance, coords } = makeInstance()
    const next = { ...makeInstance({ departureTs: T0 + 600_000 }).instance, id: 'N_20260302', tripId: 'N' }
    const engine = setup([inst(instance), inst(next)], coords)
    // 7.5 min late for T0; 2.5 min early for the next one.
    feed(engine, makeTrack({ coords, startTs: T0 + 420_000, toM: 0, dwells: [{ atM: 0, dwellS: 30 }] }))
    feed(engine, makeTrack({ coords, startTs: T0 + 455_000, toM: 200 }))
    expect(engine.runOf(VEH)?.instance.id).toBe(instance.id)
  })

  it('an inferred run that has followed its trip through several stops survives a long detour', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    feed(engine, makeTrack({ coords, startTs: T0, toM: 2700 }))
    // Then 6 minutes 300 m off the line, and back on it.
    const off: Position[] = []
    for (let t = 0; t < 360_000; t += 5000) {
      const p = pointAtM(coords, 2700 + t / 300)
      off.push(makePosition({ ts: T0 + 330_000 + t, lng: p[0] + 0.0035, lat: p[1], speedKmh: 25, headingDeg: 0 }))
    }
    const out = feed(engine, off)
    expect(out.events.filter((e) => e.type === 'trip_end')).toEqual([])
    expect(engine.runOf(VEH)?.instance.id).toBe(instance.id)
  })

  it('a bus standing at the first stop keeps the trip from being called missed; one moving off is not late to start', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    // Parked at the first stop from T0 - 2 min until T0 + 13 min, nobody rostered: not missed at +10.
    feed(engine, makeTrack({ coords, startTs: T0 - 120_000, toM: 0, dwells: [{ atM: 0, dwellS: 900 }] }))
    engine.tick(T0 + 780_000)
    expect(engine.drain().alerts).toEqual([])
    expect(tripBoard(engine)[0]?.status).not.toBe('missed')
    const out = feed(engine, makeTrack({ coords, startTs: T0 + 790_000, toM: 400 }))
    expect(alertsOf(out).filter((a) => a.startsWith('late_start') || a.startsWith('trip_missed'))).toEqual([])
    expect(engine.runOf(VEH)?.instance.id).toBe(instance.id)
  })
})

describe('the end of a trip', () => {
  it('a bus that reaches its last stop and goes quiet there completes the trip, is on layover/off duty, never offline', () => {
    const { instance, coords } = makeInstance()
    const later = makeInstance({ departureTs: T0 + 3600_000 }).instance
    const engine = setup(
      [inst(instance, { vehicleId: VEH }), inst({ ...later, id: 'N_20260302', tripId: 'N' }, { vehicleId: VEH })],
      coords,
    )
    const track = makeTrack({ coords, startTs: T0 - 60_000, dwells: [{ atM: 0, dwellS: 60 }] })
    const out = feed(engine, track)
    const lastTs = (track.at(-1) as Position).ts
    for (let t = lastTs + 5000; t <= lastTs + 900_000; t += 5000) {
      engine.tick(t)
      collect(out, engine.drain())
    }
    expect(out.events.filter((e) => e.type === 'trip_end').map((e) => e.data.reason)).toEqual(['completed'])
    expect(alertsOf(out)).toEqual([])
    expect(engine.state(VEH)?.status).toBe('layover')
    expect(tripBoard(engine)[0]?.status).toBe('completed')
  })

  it('the last will of a bus parked between trips raises nothing; on a trip it is offline', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH })], coords)
    feed(engine, makeTrack({ coords, startTs: T0 - 3 * 3600_000, toM: 0, dwells: [{ atM: 0, dwellS: 30 }] }))
    engine.onLink(VEH, false, T0 - 3 * 3600_000 + 60_000)
    expect(engine.drain().alerts).toEqual([])
    feed(engine, makeTrack({ coords, startTs: T0, toM: 1500 }))
    engine.onLink(VEH, false, T0 + 300_000)
    expect(alertsOf(engine.drain())).toEqual(['offline:active'])
  })

  it('a run that stops serving its trip mid-way ends partial; an earlier late start ends with it', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH })], coords)
    const out = feed(engine, makeTrack({ coords, startTs: T0 - 60_000, dwells: [{ atM: 0, dwellS: 420 }], toM: 2000 }))
    expect(alertsOf(out)).toEqual(['late_start:active', 'late_start:cleared'])
    engine.tick(T0 + 3 * 3600_000)
    expect(tripBoard(engine)[0]?.status).toBe('partial')
  })
})

describe('trips nobody ran', () => {
  it('are missed with one alert at departure + grace; a bus that turns up later takes it back', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH })], coords, { missedGraceS: 600 })
    engine.tick(T0 + 300_000)
    expect(tripBoard(engine)[0]?.status).toBe('assigned')
    expect(engine.drain().alerts).toEqual([])
    engine.tick(T0 + 600_000)
    engine.tick(T0 + 700_000)
    const missed = engine.drain().alerts
    expect(alertsOf({ ...engine.drain(), alerts: missed })).toEqual(['trip_missed:active'])
    expect(missed[0]).toMatchObject({ tripInstanceId: instance.id, vehicleId: VEH, ts: T0 + 600_000 })
    expect(tripBoard(engine)[0]?.status).toBe('missed')
    const out = feed(engine, makeTrack({ coords, startTs: T0 + 720_000, toM: 500 }))
    expect(alertsOf(out)).toContain('trip_missed:cleared')
    expect(tripBoard(engine)[0]?.status).toBe('in_progress')
  })

  it('a trip missed long before the engine ran (a morning before the first start) is classified without an alert', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    engine.tick(T0 + 6 * 3600_000)
    expect(engine.drain().alerts).toEqual([])
    expect(tripBoard(engine)[0]?.status).toBe('missed')
  })

  it('a deadline that passed before the engine could see the fleet (its first start) raises nothing', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance)], coords)
    engine.watchFrom(T0 + 700_000)
    engine.tick(T0 + 710_000)
    expect(engine.drain().alerts).toEqual([])
    expect(tripBoard(engine)[0]?.status).toBe('missed')
  })

  it('restored outcomes survive a restart: a completed trip stays completed', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH })], coords)
    engine.restoreProgress([
      {
        instanceId: instance.id,
        vehicleId: VEH,
        match: 'assigned',
        departedTs: T0,
        completedTs: T0 + 700_000,
        endedTs: null,
        endReason: 'completed',
        delayS: 12,
        nextStopSeq: null,
        joinedMidRoute: false,
      },
    ])
    engine.tick(T0 + 6 * 3600_000)
    expect(engine.drain().alerts).toEqual([])
    expect(tripBoard(engine)[0]).toMatchObject({ status: 'completed', delayS: 12, punctuality: 'on_time' })
  })
})

describe('who drives', () => {
  it('the card in the terminal shows over the roster; a different driver raises a mismatch that ends with the trip', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH, driverId: 'XY-D001' })], coords)
    feed(engine, makeTrack({ coords, startTs: T0, toM: 500 }))
    expect(engine.state(VEH)).toMatchObject({
      driverCode: 'XY-D001',
      driverSource: 'roster',
      rosteredDriverCode: 'XY-D001',
    })
    engine.onDriver(VEH, {
      ts: T0 + 70_000,
      driverId: 'XY-D009',
      name: '王强',
      cert: '510524200112345678',
      source: 'card',
      action: 'on',
    })
    expect(engine.state(VEH)).toMatchObject({
      driverCode: 'XY-D009',
      driverSource: 'card',
      rosteredDriverCode: 'XY-D001',
    })
    expect(alertsOf(engine.drain())).toEqual(['driver_mismatch:active'])
    engine.onDriver(VEH, { ts: T0 + 80_000, driverId: 'XY-D001', name: null, cert: null, source: 'app', action: 'on' })
    expect(alertsOf(engine.drain())).toEqual(['driver_mismatch:cleared'])
    expect(engine.state(VEH)).toMatchObject({ driverCode: 'XY-D001', driverSource: 'app' })
    engine.onDriver(VEH, { ts: T0 + 90_000, driverId: 'XY-D001', name: null, cert: null, source: 'app', action: 'off' })
    expect(engine.state(VEH)).toMatchObject({ driverCode: 'XY-D001', driverSource: 'roster' })
  })
})

describe('one lateness policy', () => {
  it('14 s behind is on time; the county can move the thresholds', () => {
    const { instance, coords } = makeInstance()
    const engine = setup([inst(instance, { vehicleId: VEH })], coords)
    const p = pointAtM(coords, 1000)
    // 1,000 m is due at T0 + 120 s; there at T0 + 134 s.
    feed(engine, makeTrack({ coords, startTs: T0, toM: 900 }))
    engine.onPosition(
      makePosition({ ts: T0 + 134_000, lng: p[0], lat: p[1], speedKmh: 30, headingDeg: 90 }),
      T0 + 134_000,
    )
    expect(engine.state(VEH)).toMatchObject({ punctuality: 'on_time', status: 'on_time' })
    engine.setPolicy({ earlyS: 60, lateS: 10, missedGraceS: 600 })
    expect(engine.state(VEH)).toMatchObject({ punctuality: 'late', status: 'late' })
  })
})

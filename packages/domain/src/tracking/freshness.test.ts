import { describe, expect, it } from 'vitest'
import { arrivalsAt, tripBoard } from './board.js'
import { TrackingEngine } from './engine.js'
import type { EngineInstance } from './engine-types.js'
import { fixAgeMin, freshnessOf } from './freshness.js'
import { TimetablePace } from './pace.js'
import { T0, makeInstance, makeTrack } from './test-factories.js'
import { whereWords } from '../villager/sms.js'

const VEH = 'XY-V001'
const rules = { etaGraceS: 120, lostAfterS: 900 }

describe('freshness of a bus', () => {
  it('is live within the grace, stale past it, lost much later', () => {
    expect(freshnessOf(T0, T0 + 120_000, rules)).toBe('live')
    expect(freshnessOf(T0, T0 + 121_000, rules)).toBe('stale')
    expect(freshnessOf(T0, T0 + 900_000, rules)).toBe('lost')
    expect(freshnessOf(null, T0, rules)).toBe('lost')
    expect(fixAgeMin(T0, T0 + 199_000)).toBe(3)
  })
})

/** A bus on its trip, silent from 1,800 m on (its last fix at T0 + 216 s). */
function silentBus(config = {}) {
  const { instance, coords } = makeInstance()
  const engine = new TrackingEngine(config)
  const inst: EngineInstance = {
    ...instance,
    status: 'scheduled',
    cancelReason: null,
    vehicleId: VEH,
    driverId: 'XY-D007',
  }
  engine.setNetwork({
    instances: [inst],
    routes: [{ id: 'XY-R01', operatorId: 'op', geometry: coords, speedLimitKmh: 60 }],
    vehicles: [{ id: VEH, operatorId: 'op' }],
  })
  const fixes = makeTrack({ coords, startTs: T0, toM: 1800 })
  for (const f of fixes) engine.onPosition(f, f.ts)
  const lastTs = (fixes.at(-1) as { ts: number }).ts
  return { engine, lastTs, coords }
}

const at = (engine: TrackingEngine, now: number) =>
  arrivalsAt(engine, { stopCode: 'XY-0004', now, horizonMs: 6 * 3600_000, limit: 10, routeNames: () => undefined })[0]

describe('a bus that goes silent mid-trip', () => {
  it('keeps its ETA within the grace, never earlier than now, and says how fresh it is', () => {
    const { engine, lastTs } = silentBus()
    const now = lastTs + 100_000
    const row = at(engine, now)
    expect(row).toMatchObject({ status: 'on_the_way', lastFixTs: lastTs, online: true, freshness: 'live' })
    expect(row?.etaTs).toBeGreaterThanOrEqual(now)
    for (const e of engine.etas(VEH, now)) expect(e.etaTs).toBeGreaterThanOrEqual(now)
  })

  it('past the grace: no ETA and no "due" — the timetable, with the age of the last fix', () => {
    const { engine, lastTs } = silentBus()
    // Eight minutes on, the frozen ETA to the next stop would be minutes in the past.
    const now = lastTs + 8 * 60_000
    const row = at(engine, now)
    expect(row).toMatchObject({
      status: 'no_position',
      etaTs: null,
      lastFixTs: lastTs,
      freshness: 'stale',
      vehicleId: VEH,
      stopsAway: 1,
    })
    expect(row?.scheduledTs).toBe(makeInstance().instance.stops[3]?.arrivalTs)
    expect(engine.etas(VEH, now)).toEqual([])
    engine.tick(now)
    expect(engine.state(VEH)).toMatchObject({
      freshness: 'stale',
      online: false,
      status: 'offline',
      nextStop: { etaTs: null },
    })
  })

  it('is lost to the dispatcher after lostAfterS, and back in progress with its next fix', () => {
    const { engine, lastTs, coords } = silentBus()
    engine.tick(lastTs + 600_000)
    expect(tripBoard(engine)[0]).toMatchObject({ status: 'in_progress', lastFixTs: lastTs })
    engine.tick(lastTs + 900_000)
    expect(tripBoard(engine)[0]).toMatchObject({ status: 'lost', lastFixTs: lastTs, vehicleId: VEH })
    expect(engine.drain().changedInstances).toContain(tripBoard(engine)[0]?.instanceId)
    const back = makeTrack({ coords, startTs: lastTs + 900_000, fromM: 1900, toM: 2100 })
    for (const f of back) engine.onPosition(f, f.ts)
    engine.tick((back.at(-1) as { ts: number }).ts)
    expect(tripBoard(engine)[0]?.status).toBe('in_progress')
    expect(at(engine, (back.at(-1) as { ts: number }).ts)?.freshness).toBe('live')
  })

  it('the SMS answer to a stop query says the same: no live position, the timetable', () => {
    const { engine, lastTs } = silentBus()
    const now = lastTs + 8 * 60_000
    const row = at(engine, now)
    expect(row).toBeDefined()
    const words = whereWords(row as NonNullable<typeof row>, now)
    expect(words).toContain('暂无车辆实时位置')
    expect(words).not.toContain('即将到站')
    expect(whereWords(at(engine, lastTs + 30_000) as NonNullable<typeof row>, lastTs + 30_000)).toContain('正在路上')
  })

  it('follows a grace the county set', () => {
    const { engine, lastTs } = silentBus({ etaGraceS: 600 })
    expect(at(engine, lastTs + 8 * 60_000)?.freshness).toBe('live')
  })
})

describe('a bus waiting at its first stop', () => {
  it("predicts its departure from the route's and the driver's start history, and tells it when it leaves", () => {
    const { instance, coords } = makeInstance()
    const engine = new TrackingEngine()
    engine.setNetwork({
      instances: [{ ...instance, status: 'scheduled', cancelReason: null, vehicleId: VEH, driverId: 'XY-D007' }],
      routes: [{ id: 'XY-R01', operatorId: 'op', geometry: coords, speedLimitKmh: 60 }],
      vehicles: [{ id: VEH, operatorId: 'op' }],
    })
    const track = makeTrack({ coords, startTs: T0 - 300_000, dwells: [{ atM: 0, dwellS: 400 }], toM: 500 })
    const waiting = track.filter((f) => f.ts < T0 - 60_000)
    for (const f of waiting) engine.onPosition(f, f.ts)
    const now = (waiting.at(-1) as { ts: number }).ts
    const onTime = engine.etas(VEH, now)
    engine.setStartStats({
      route: () => ({ delayS: 30, n: 20 }),
      driver: (id) => (id === 'XY-D007' ? { delayS: 120, n: 20 } : undefined),
    })
    const late = engine.etas(VEH, now)
    const shiftS = ((late[0]?.etaTs ?? 0) - (onTime[0]?.etaTs ?? 0)) / 1000
    // The driver's 20 starts weigh 20/25 against the route's.
    expect(shiftS).toBeCloseTo(0.8 * 120 + 0.2 * 30, 0)
    expect(engine.expectedStartTs(VEH, now)).toBe(T0 + Math.round(shiftS) * 1000)
    for (const f of track.filter((x) => x.ts >= T0 - 60_000)) engine.onPosition(f, f.ts)
    const dep = engine.drain().events.find((e) => e.type === 'departure' && e.data.seq === 1)
    // Left 100 s late; the departure is timed at the zone's far edge, 40 m on at 30 km/h.
    expect(dep?.data).toMatchObject({ routeId: 'XY-R01', direction: 0, startDelayS: 105, driverId: 'XY-D007' })
  })
})

describe("today's pace of the timetable", () => {
  it("starts new trips from how today's buses drive the timetable: the route's, else the network's", () => {
    const p = new TimetablePace()
    expect(p.prior('R|0')).toBe(1)
    for (let i = 0; i < 20; i++) p.add('R|0', 'a>b', 70, 100)
    expect(p.prior('R|0')).toBeLessThan(0.8)
    expect(p.prior('S|1')).toBeLessThan(0.9)
    expect(p.prior('S|1')).toBeGreaterThan(p.prior('R|0'))
    // A breakdown is not a pace: one leg counts as twice as slow at most.
    p.add('Q|0', 'a>b', 100_000, 100)
    expect(p.prior('Q|0')).toBeLessThan(1.5)
  })

  it('counts the stops driven through, five served ones assumed first', () => {
    const p = new TimetablePace()
    expect(p.passShare()).toBe(0)
    p.addStop(true)
    p.addStop(false)
    expect(p.passShare()).toBeCloseTo(1 / 7)
  })
})

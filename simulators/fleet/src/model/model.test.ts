import { describe, expect, it } from 'vitest'
import { cumulativeDistancesM, distanceM, projectOnLine } from '@rb/geo'
import { createFleet } from './fleet.js'
import { makeConfig, makeNetwork } from './test-factories.js'
import type { FaultRecord, LngLat, SimEvent, SimFix, SimTrip, StopVisitRecord } from './types.js'

const run = (events: SimEvent[]) => ({
  fixes: events.flatMap((e) => (e.type === 'fix' ? [e.fix] : [])),
  truth: events.flatMap((e) => (e.type === 'truth' ? [e.record] : [])),
  visits: events.flatMap((e) => (e.type === 'truth' && e.record.kind === 'stop_visit' ? [e.record] : [])),
  faults: events.flatMap((e) => (e.type === 'truth' && e.record.kind === 'fault' ? [e.record] : [])),
})

describe('reproducibility', () => {
  const network = makeNetwork({
    trips: [{}, { direction: 1, departureS: 8 * 3600 }, { departureS: 10 * 3600, vehicleId: null }],
    vehicles: [{}, {}],
  })
  const everything = (seed: number, stepMs?: number): string => {
    const fleet = createFleet(network, makeConfig(seed, {}, 'heavy'))
    const events: SimEvent[] = []
    if (stepMs === undefined) events.push(...fleet.advance(Infinity))
    else
      for (let t = (fleet.window?.fromTs ?? 0) - 3_600_000; fleet.nextTs() !== null; t += stepMs)
        events.push(...fleet.advance(t))
    return JSON.stringify(events)
  }

  it('gives identical fixes and truth for the same seed, however the clock is stepped', () => {
    const once = everything(7)
    expect(once.length).toBeGreaterThan(10_000)
    expect(everything(7)).toBe(once)
    expect(everything(7, 1_000)).toBe(once)
    expect(everything(7, 37_321)).toBe(once)
  })

  it('gives a different run for a different seed', () => {
    const a = run(JSON.parse(everything(7)) as SimEvent[])
    const b = run(JSON.parse(everything(8)) as SimEvent[])
    expect(b.fixes.map((f) => [f.ts, f.lng, f.lat])).not.toEqual(a.fixes.map((f) => [f.ts, f.lng, f.lat]))
    expect(b.truth).not.toEqual(a.truth)
  })
})

describe('movement', () => {
  it('keeps fixes on whole seconds, strictly increasing per vehicle, a few metres off the truth', () => {
    const { fixes } = run(
      createFleet(makeNetwork({ trips: [{}, { direction: 1, departureS: 9 * 3600 }] }), makeConfig(3)).advance(
        Infinity,
      ),
    )
    expect(fixes.length).toBeGreaterThan(300)
    fixes.forEach((f, i) => {
      expect(f.ts % 1000).toBe(0)
      if (i > 0) expect(f.ts).toBeGreaterThan((fixes[i - 1] as SimFix).ts)
      expect(distanceM([f.lng, f.lat], f.meta.truePoint)).toBeLessThan(20)
    })
  })

  it('drives faster on the straight valley road than on the switchbacks', () => {
    const { fixes } = run(
      createFleet(makeNetwork({ trips: [{ offsetsMin: [0, 3, 7, 11, 16] }] }), makeConfig(4)).advance(Infinity),
    )
    const driving = fixes.filter((f) => f.meta.phase === 'drive' && f.speedKmh > 5)
    const mean = (xs: SimFix[]): number => xs.reduce((s, f) => s + f.speedKmh, 0) / xs.length
    const valley = driving.filter((f) => (f.meta.routeDistM as number) > 400 && (f.meta.routeDistM as number) < 2600)
    const climb = driving.filter((f) => (f.meta.routeDistM as number) > 3500 && (f.meta.routeDistM as number) < 5800)
    expect(mean(valley)).toBeGreaterThan(mean(climb) * 1.15)
  })

  it('follows the route backwards on direction-1 trips', () => {
    const network = makeNetwork({ trips: [{ direction: 1 }] })
    const { fixes } = run(createFleet(network, makeConfig(5)).advance(Infinity))
    const along = fixes.filter((f) => f.meta.tripInstanceId !== null).map((f) => f.meta.routeDistM as number)
    expect(along[0]).toBeGreaterThan(6000)
    expect(along.at(-1)).toBeLessThan(50)
    along.forEach((d, i) => i > 0 && expect(d).toBeLessThanOrEqual((along[i - 1] as number) + 1))
  })
})

describe('stop visits in the truth match the movement', () => {
  const network = makeNetwork({ trips: [{}, { direction: 1, departureS: 9 * 3600 }], townshipStops: [0, 2, 4] })
  const { fixes, visits } = run(
    createFleet(network, makeConfig(11, { lateStart: { probability: 1 } })).advance(Infinity),
  )
  const stopPoint = new Map(network.stops.map((s) => [s.code, s.point]))

  it('has the vehicle within ~30 m of the stop from arrival to departure', () => {
    expect(visits).toHaveLength(10)
    for (const v of visits.filter((x) => !x.passedWithoutStopping)) {
      const at = fixes.filter((f) => f.ts >= v.arrivalTs && f.ts <= v.departureTs)
      expect(at.length, `fixes at ${v.stopCode} (${v.tripInstanceId})`).toBeGreaterThan(0)
      for (const f of at) expect(distanceM([f.lng, f.lat], stopPoint.get(v.stopCode) as LngLat)).toBeLessThan(30)
    }
  })

  it('passes a stop only where no township centre is, and arrives close to the schedule', () => {
    for (const v of visits) {
      if (v.passedWithoutStopping) {
        expect(['XY-0002', 'XY-0004']).toContain(v.stopCode)
        expect(v.departureTs).toBe(v.arrivalTs)
      }
      // Late start (≤ 10 min) is the only delay injected here.
      expect(Math.abs(v.arrivalTs - v.scheduledArrivalTs)).toBeLessThan(15 * 60_000)
    }
    const firstStops = visits.filter((v) => v.seq === 1)
    expect(firstStops.every((v) => v.departureTs > v.scheduledArrivalTs)).toBe(true)
  })
})

describe('fault injection', () => {
  const onRoute = (network: ReturnType<typeof makeNetwork>) => {
    const line = network.routes[0]?.geometry as LngLat[]
    const cum = cumulativeDistancesM(line)
    return (p: LngLat): number => projectOnLine(line, cum, p)?.offsetM ?? Infinity
  }

  it('a breakdown is a stopped interval in the fixes and a truth record', () => {
    const network = makeNetwork()
    const { fixes, faults } = run(
      createFleet(
        network,
        makeConfig(21, { breakdown: { probability: 1, durationS: { min: 300, max: 600 } } }),
      ).advance(Infinity),
    )
    const b = faults.find((f) => f.type === 'breakdown') as FaultRecord
    expect(b).toBeDefined()
    expect(b.toTs - b.fromTs).toBeGreaterThanOrEqual(300_000)
    expect(b.toTs - b.fromTs).toBeLessThanOrEqual(600_000)
    const during = fixes.filter((f) => f.ts > b.fromTs && f.ts < b.toTs)
    expect(during.length).toBeGreaterThan(100)
    for (const f of during) {
      expect(f.speedKmh).toBe(0)
      expect(f.meta.phase).toBe('breakdown')
      expect(distanceM(f.meta.truePoint, [b.details.lng as number, b.details.lat as number])).toBeLessThan(1)
    }
  })

  it('a breakdown for good ends the trip where the bus stood, and its day with it', () => {
    const network = makeNetwork({ trips: [{}, { direction: 1, departureS: 9 * 3600 }] })
    const [first, second] = network.trips as [SimTrip, SimTrip]
    const { fixes, faults, visits } = run(
      createFleet(
        network,
        makeConfig(24, { strandings: [{ tripInstanceId: first.id, atShare: 0.5, standS: 900 }] }),
      ).advance(Infinity),
    )
    const b = faults.find((f) => f.type === 'breakdown') as FaultRecord
    expect(b).toMatchObject({ tripInstanceId: first.id, toTs: b.fromTs + 900_000, details: { final: true } })
    // Stops beyond half-way are never reached, and the next trip is not run at all.
    expect(visits.map((v) => v.seq)).toEqual([1, 2, 3])
    expect(fixes.some((f) => f.meta.tripInstanceId === second.id)).toBe(false)
    const after = fixes.filter((f) => f.ts >= b.fromTs)
    expect(after.length).toBeGreaterThan(150)
    expect(Math.max(...after.map((f) => f.ts))).toBeLessThanOrEqual(b.toTs)
    for (const f of after) expect(f.meta.phase).toBe('breakdown')
  })

  it('a detour leaves the route by more than 100 m and comes back', () => {
    const network = makeNetwork()
    const { fixes, faults } = run(
      createFleet(network, makeConfig(22, { detour: { probability: 1 } })).advance(Infinity),
    )
    const d = faults.find((f) => f.type === 'detour') as FaultRecord
    expect(d).toBeDefined()
    const off = onRoute(network)
    const offsets = fixes.filter((f) => f.ts >= d.fromTs && f.ts <= d.toTs).map((f) => off([f.lng, f.lat]))
    expect(Math.max(...offsets)).toBeGreaterThan(100)
    for (const f of fixes.filter((x) => x.ts < d.fromTs || x.ts > d.toTs)) expect(off([f.lng, f.lat])).toBeLessThan(25)
  })

  it('a GPS jump is one fix hundreds of metres off, recorded in the truth', () => {
    const { fixes, faults } = run(
      createFleet(makeNetwork(), makeConfig(23, { gpsJump: { probability: 0.02 } })).advance(Infinity),
    )
    const jumps = faults.filter((f) => f.type === 'gps_jump')
    expect(jumps.length).toBeGreaterThan(0)
    for (const j of jumps) {
      const f = fixes.find((x) => x.ts === j.fromTs) as SimFix
      expect(distanceM([f.lng, f.lat], f.meta.truePoint)).toBeGreaterThan(190)
    }
    const far = fixes.filter((f) => distanceM([f.lng, f.lat], f.meta.truePoint) > 100)
    expect(far).toHaveLength(jumps.length)
  })

  it('a reboot drops the link and the fixes for its duration, and is over before the bus reaches its last stop', () => {
    const fleet = createFleet(
      makeNetwork(),
      makeConfig(24, { reboot: { probability: 1, durationS: { min: 60, max: 60 } } }),
    )
    const events = fleet.advance(Infinity)
    const r = run(events).faults.find((f) => f.type === 'reboot') as FaultRecord
    // This draw starts the reboot less than a minute before the last stop: the device is back 1 s before the bus gets there.
    const lastStop = run(events).visits.at(-1) as StopVisitRecord
    expect(r.toTs).toBe(lastStop.arrivalTs - 1000)
    expect(r.toTs - r.fromTs).toBeLessThanOrEqual(60_000)
    expect(run(events).fixes.filter((f) => f.ts >= lastStop.arrivalTs).length).toBeGreaterThan(0)
    expect(run(events).fixes.filter((f) => f.ts >= r.fromTs && f.ts < r.toTs)).toHaveLength(0)
    expect(events.filter((e) => e.type === 'link_down' && e.reason === 'reboot').map((e) => e.ts)).toEqual([r.fromTs])
    expect(events.filter((e) => e.type === 'link_up' && e.reason === 'reboot').map((e) => e.ts)).toEqual([r.toTs])
  })

  it('duplicates are marked on the fix and recorded', () => {
    const events = createFleet(makeNetwork(), makeConfig(25, { duplicate: { probability: 0.05 } })).advance(Infinity)
    const dups = events.filter((e) => e.type === 'fix' && e.duplicate).map((e) => e.ts)
    expect(dups.length).toBeGreaterThan(5)
    expect(
      run(events)
        .faults.filter((f) => f.type === 'duplicate')
        .map((f) => f.fromTs),
    ).toEqual(dups)
  })
})

describe('dead zones', () => {
  const network = makeNetwork({ trips: [{}, { direction: 1, departureS: 9 * 3600 }] })
  const zone = { routeId: 'R1', fromM: 1000, toM: 2000 }
  const events = createFleet(network, makeConfig(31, { deadZones: [zone] })).advance(Infinity)
  const inZone = (f: SimFix): boolean =>
    (f.meta.routeDistM as number) >= zone.fromM && (f.meta.routeDistM as number) <= zone.toM

  it('sends nothing live inside the stretch and everything of it as one batch on exit, in order', () => {
    const live = events.flatMap((e) => (e.type === 'fix' ? [e.fix] : []))
    expect(live.filter(inZone)).toHaveLength(0)
    const batches = events.flatMap((e, i) => (e.type === 'batch' ? [{ e, i }] : []))
    expect(batches).toHaveLength(2)
    for (const { e, i } of batches) {
      if (e.type !== 'batch') continue
      expect(e.fixes.length).toBeGreaterThan(20)
      expect(e.fixes.every(inZone)).toBe(true)
      e.fixes.forEach((f, k) => k > 0 && expect(f.ts).toBeGreaterThan((e.fixes[k - 1] as SimFix).ts))
      // Announced by link_down before the first kept point, link_up right before the batch, the next live fix after it.
      const down = events
        .slice(0, i)
        .filter((x) => x.type === 'link_down')
        .at(-1)
      expect(down?.ts).toBe(e.fixes[0]?.ts)
      expect(events[i - 1]?.type).toBe('link_up')
      const next = events.slice(i).find((x) => x.type === 'fix')
      expect(next && next.type === 'fix' && !inZone(next.fix)).toBe(true)
      expect(next?.ts).toBeGreaterThan(e.fixes.at(-1)?.ts ?? Infinity)
    }
    const records = run(events).faults.filter((f) => f.type === 'dead_zone')
    expect(records.map((r) => r.details.points)).toEqual(
      batches.map(({ e }) => (e.type === 'batch' ? e.fixes.length : 0)),
    )
  })

  it('keeps every point the vehicle took in the stretch', () => {
    const all = events.flatMap((e) => (e.type === 'fix' ? [e.fix] : e.type === 'batch' ? e.fixes : []))
    const stepS = 2
    const [first, second] = run(events).visits.filter((v) => v.seq === 1) as StopVisitRecord[]
    expect(first && second).toBeTruthy()
    // No gaps: consecutive fixes of one trip are one interval apart, dead zone or not.
    const trip1 = all.filter((f) => f.meta.tripInstanceId === first?.tripInstanceId).sort((a, b) => a.ts - b.ts)
    trip1.forEach((f, k) => k > 0 && expect(f.ts - (trip1[k - 1] as SimFix).ts).toBe(stepS * 1000))
  })
})

describe('blocks', () => {
  it("gives a route's trips only to its operator's vehicles", () => {
    const net = makeNetwork({
      route: { operatorId: 'OP2' },
      trips: [{ vehicleId: null }, { vehicleId: null, departureS: 7 * 3600 + 120 }],
      vehicles: [{ operatorId: 'OP1' }, { operatorId: 'OP2' }, { operatorId: null }],
    })
    const fleet = createFleet(net, makeConfig(3))
    const byVehicle = Object.fromEntries(fleet.vehicles.map((v) => [v.vehicle.id, v.trips.length]))
    // XY-V001 belongs to another operator; V002 is the operator's own, V003's operator is unknown.
    expect(byVehicle['XY-V001']).toBeUndefined()
    expect(byVehicle['XY-V002']).toBe(1)
    expect(byVehicle['XY-V003']).toBe(1)
  })
})

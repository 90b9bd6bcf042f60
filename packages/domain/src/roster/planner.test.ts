import { describe, expect, it } from 'vitest'
import { planRoster } from './planner.js'
import { drivingMin, dutyProblems, tripsOf, withDuties } from './rules.js'
import { assigned, makeDay, makeDriver, makeTrip, makeVehicle } from './factories.js'
import type { DayTrip, RosterDay } from './types.js'

const ids = (trips: readonly DayTrip[]): string[] => trips.map((t) => t.instanceId)
const drivers = (n: number) => Array.from({ length: n }, (_, i) => makeDriver({ id: `D${i + 1}` }))

/** Out from A to B and back, `count` times from `from` on, each leg `legMin` long with 10 min turnaround. */
function shuttle(from: string, count: number, legMin: number, over: Partial<DayTrip> = {}): DayTrip[] {
  const [h, m] = from.split(':').map(Number) as [number, number]
  return Array.from({ length: count }, (_, i) => {
    const start = h * 60 + m + i * (legMin + 10)
    const hhmm = `${String(Math.floor(start / 60)).padStart(2, '0')}:${String(start % 60).padStart(2, '0')}`
    return makeTrip({
      from: hhmm,
      durationMin: legMin,
      tripId: `${over.routeId ?? 'R1'}-${hhmm.replace(':', '')}`,
      fromStop: i % 2 === 0 ? 'A' : 'B',
      toStop: i % 2 === 0 ? 'B' : 'A',
      ...over,
    })
  })
}

describe('planRoster: vehicle blocks', () => {
  it('keeps a bus on the trips that leave from where its last one ended', () => {
    const trips = shuttle('07:00', 4, 50)
    const day = makeDay({
      trips,
      vehicles: [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V2' })],
      drivers: drivers(2),
    })
    const plan = planRoster(day)
    expect(plan.unplaced).toEqual([])
    expect(plan.duties).toEqual([{ vehicleId: 'V1', driverId: 'D1', instanceIds: ids(trips) }])
  })

  it("gives a trip to a free bus of its route's operator before another operator's bus waiting at the stop", () => {
    const out = makeTrip({ from: '07:00', operatorId: 'OP2', routeId: 'R2', tripId: 'R2-0700' })
    const back = makeTrip({ from: '08:00', fromStop: 'B', toStop: 'A' })
    const day = makeDay({
      trips: [out, back],
      vehicles: [makeVehicle({ id: 'V1', operatorId: 'OP1' }), makeVehicle({ id: 'V2', operatorId: 'OP2' })],
      drivers: drivers(2),
    })
    const plan = planRoster(day)
    // V2 (OP2) ran the 07:00 and waits at B, but the 08:00 is OP1's: V1 takes it.
    expect(plan.duties.map((d) => [d.vehicleId, d.instanceIds])).toEqual([
      ['V2', [out.instanceId]],
      ['V1', [back.instanceId]],
    ])
  })

  it("borrows another operator's bus only when none of the route's operator is free", () => {
    const a = makeTrip({ from: '07:00', tripId: 'R1-a' })
    const b = makeTrip({ from: '07:10', tripId: 'R1-b' })
    const day = makeDay({
      trips: [a, b],
      vehicles: [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V9', operatorId: 'OP2', seats: 19 })],
      drivers: drivers(2),
    })
    const plan = planRoster(day)
    expect(plan.duties.map((d) => [d.vehicleId, d.instanceIds])).toEqual([
      ['V1', [a.instanceId]],
      ['V9', [b.instanceId]],
    ])
  })

  it('prefers a bus waiting at the first stop to one not out yet, and that to one elsewhere', () => {
    const first = makeTrip({ from: '07:00', toStop: 'B' })
    const other = makeTrip({ from: '07:00', tripId: 'R1-0700x', fromStop: 'C', toStop: 'D' })
    const fromB = makeTrip({ from: '08:00', tripId: 'R1-0800', fromStop: 'B', toStop: 'E' })
    const fromE = makeTrip({ from: '09:00', tripId: 'R1-0900', fromStop: 'X', toStop: 'Y' })
    const day = makeDay({
      trips: [first, other, fromB, fromE],
      vehicles: ['V1', 'V2', 'V3'].map((id) => makeVehicle({ id })),
      drivers: drivers(3),
    })
    const byVehicle = Object.fromEntries(planRoster(day).duties.map((d) => [d.vehicleId, d.instanceIds]))
    expect(byVehicle).toEqual({
      V1: [first.instanceId, fromB.instanceId],
      V2: [other.instanceId],
      V3: [fromE.instanceId],
    })
  })

  it('needs a bus with the seats already booked, and prefers the seats the trip is planned for', () => {
    const booked = makeTrip({ bookedSeats: 22, seats: 33 })
    const day = makeDay({
      trips: [booked],
      vehicles: [
        makeVehicle({ id: 'V1', seats: 19 }),
        makeVehicle({ id: 'V2', seats: 45 }),
        makeVehicle({ id: 'V3', seats: 33 }),
      ],
    })
    expect(planRoster(day).duties.map((d) => d.vehicleId)).toEqual(['V3'])
    const tooMany = makeDay({ trips: [makeTrip({ bookedSeats: 50 })], vehicles: [makeVehicle({ seats: 45 })] })
    expect(planRoster(tooMany)).toEqual({
      duties: [],
      unplaced: [
        { instanceId: 'R1-0700_20261130', reason: 'no vehicle with at least 50 seats is free for 07:00–07:50' },
      ],
    })
  })

  it('works around the buses and drivers already on trips, and leaves those trips as they are', () => {
    const [taken, free] = [makeTrip({ from: '07:00', tripId: 'T' }), makeTrip({ from: '07:20', tripId: 'F' })]
    const day = makeDay({
      trips: [taken, free],
      vehicles: [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V2' })],
      drivers: drivers(2),
      assignments: assigned([taken], 'V1', 'D1', 'D-x'),
    })
    expect(planRoster(day).duties).toEqual([{ vehicleId: 'V2', driverId: 'D2', instanceIds: [free.instanceId] }])
  })

  it('places no cancelled trip', () => {
    expect(planRoster(makeDay({ trips: [makeTrip({ status: 'cancelled' })] }))).toEqual({ duties: [], unplaced: [] })
  })
})

describe('planRoster: drivers and the driving limit', () => {
  it('cuts a block longer than the limit into two duties of about equal length: the same bus, a second driver', () => {
    // Ten legs of 55 min: 550 min of driving on one bus.
    const trips = shuttle('06:00', 10, 55)
    const day = makeDay({ trips, drivers: drivers(3) })
    const plan = planRoster(day)
    expect(plan.unplaced).toEqual([])
    expect(plan.duties.map((d) => [d.vehicleId, d.driverId, d.instanceIds.length])).toEqual([
      ['V1', 'D1', 5],
      ['V1', 'D2', 5],
    ])
    for (const d of plan.duties) expect(drivingMin(tripsOf(day, d.instanceIds))).toBeLessThanOrEqual(480)
  })

  it('gives each piece a driver with no work that day first, and never one who would pass the limit', () => {
    const mine = shuttle('14:00', 2, 60, { routeId: 'R2' })
    const busy = makeTrip({ from: '06:00', durationMin: 400, tripId: 'BUSY' })
    const day = makeDay({
      trips: [busy, ...mine],
      vehicles: [makeVehicle({ id: 'V1' }), makeVehicle({ id: 'V2' })],
      drivers: drivers(2),
      assignments: assigned([busy], 'V1', 'D1', 'D-x'),
    })
    expect(planRoster(day).duties).toEqual([{ vehicleId: 'V2', driverId: 'D2', instanceIds: ids(mine) }])
    const onlyD1 = { ...day, drivers: new Map([['D1', makeDriver({ id: 'D1' })]]) } satisfies RosterDay
    expect(planRoster(onlyD1).unplaced.map((u) => u.reason)).toEqual([
      'no driver is free for 14:00–16:10 within the daily limit of 480 min (120 min of driving)',
      'no driver is free for 14:00–16:10 within the daily limit of 480 min (120 min of driving)',
    ])
  })

  it('makes duties the rules accept, on a busy day of three operators', () => {
    const trips = [
      ...shuttle('06:00', 9, 50, { routeId: 'R1' }),
      ...shuttle('06:20', 9, 45, { routeId: 'R2', operatorId: 'OP2' }),
      ...shuttle('07:00', 6, 70, { routeId: 'R3', operatorId: 'OP3' }),
      ...shuttle('06:30', 8, 40, { routeId: 'R4' }),
    ]
    const vehicles = [
      makeVehicle({ id: 'V1' }),
      makeVehicle({ id: 'V2', operatorId: 'OP2' }),
      makeVehicle({ id: 'V3', operatorId: 'OP2' }),
      makeVehicle({ id: 'V4', operatorId: 'OP3' }),
    ]
    const day = makeDay({ trips, vehicles, drivers: drivers(8) })
    const plan = planRoster(day)
    expect(plan.unplaced).toEqual([])
    expect(new Set(plan.duties.flatMap((d) => d.instanceIds))).toEqual(new Set(ids(trips)))
    const after = withDuties(
      day,
      plan.duties.map((d, i) => ({ ...d, dutyId: `P${i}` })),
    )
    plan.duties.forEach((d, i) => expect(dutyProblems(d, after, { dutyId: `P${i}` })).toEqual([]))
  })

  it('gives the same plan whatever order the day lists things in', () => {
    const trips = [...shuttle('06:00', 7, 50), ...shuttle('06:10', 7, 50, { routeId: 'R2' })]
    const vehicles = ['V3', 'V1', 'V2'].map((id) => makeVehicle({ id }))
    const a = makeDay({ trips, vehicles, drivers: drivers(4) })
    const b = makeDay({ trips: [...trips].reverse(), vehicles: [...vehicles].reverse(), drivers: drivers(4).reverse() })
    expect(planRoster(b)).toEqual(planRoster(a))
  })
})

import { describe, expect, it } from 'vitest'
import {
  assignmentProblems,
  drivingMin,
  dutyIssues,
  dutyProblems,
  tripsClash,
  uncoveredTrips,
  worsened,
} from './rules.js'
import { assigned, at, makeDay, makeDriver, makeTrip, makeVehicle } from './factories.js'

const crew = { vehicleId: 'V1', driverId: 'D1' }

describe('when one bus or driver cannot run two trips', () => {
  it('needs the 10 minutes of turnaround after the scheduled end, and no more', () => {
    const first = makeTrip({ from: '07:00', durationMin: 50 })
    expect(tripsClash(first, makeTrip({ from: '07:59' }), 10)).toBe(true)
    expect(tripsClash(first, makeTrip({ from: '08:00' }), 10)).toBe(false)
    expect(tripsClash(makeTrip({ from: '06:00' }), first, 10)).toBe(false)
  })

  it('finds the two overlapping assignments of one driver the old endpoint accepted (12:39–13:14, 12:56–13:31)', () => {
    expect(
      tripsClash(makeTrip({ from: '12:39', durationMin: 35 }), makeTrip({ from: '12:56', durationMin: 35 }), 10),
    ).toBe(true)
  })
})

describe('dutyProblems', () => {
  it('finds nothing wrong with a crew on two trips that follow each other', () => {
    const trips = [makeTrip({ from: '07:00' }), makeTrip({ from: '08:00', fromStop: 'B', toStop: 'A' })]
    expect(dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, makeDay({ trips }))).toEqual([])
  })

  it('names two trips of the duty that overlap', () => {
    const trips = [makeTrip({ from: '07:00' }), makeTrip({ from: '07:55' })]
    expect(dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, makeDay({ trips }))).toEqual([
      "trips R1-0700_20261130 (07:00–07:50) and R1-0755_20261130 (07:55–08:45) overlap: the bus and driver need 10 min after a trip's scheduled end",
    ])
  })

  it("names the other duty's trip a driver is already on", () => {
    const mine = makeTrip({ from: '12:56', durationMin: 35 })
    const theirs = makeTrip({ from: '12:39', durationMin: 35, routeId: 'R2', tripId: 'R2-1239' })
    const day = makeDay({
      trips: [mine, theirs],
      vehicles: [makeVehicle(), makeVehicle({ id: 'V2' })],
      assignments: assigned([theirs], 'V2', 'D1', 'D20261130-a'),
    })
    expect(dutyProblems({ ...crew, instanceIds: [mine.instanceId] }, day)).toEqual([
      'driver D1 is already on trip R2-1239_20261130 (12:39–13:14, duty D20261130-a) when trip R1-1256_20261130 (12:56–13:31) runs',
    ])
  })

  it('names a vehicle set by hand on an overlapping trip', () => {
    const mine = makeTrip({ from: '09:00' })
    const theirs = makeTrip({ from: '09:30', tripId: 'R1-0930b' })
    const day = makeDay({ trips: [mine, theirs], assignments: assigned([theirs], 'V1', null) })
    expect(dutyProblems({ ...crew, instanceIds: [mine.instanceId] }, day)).toEqual([
      'vehicle V1 is already on trip R1-0930b_20261130 (09:30–10:20, assigned by hand) when trip R1-0900_20261130 (09:00–09:50) runs',
    ])
  })

  it('counts the driving of the whole day against the limit, other duties included', () => {
    const trips = [makeTrip({ from: '06:00', durationMin: 200 }), makeTrip({ from: '10:00', durationMin: 200 })]
    const other = makeTrip({ from: '15:00', durationMin: 100, tripId: 'R9-1500' })
    const alone = makeDay({ trips })
    expect(dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, alone)).toEqual([])
    const withOther = makeDay({ trips: [...trips, other], assignments: assigned([other], 'V9', 'D1', 'D-x') })
    expect(dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, withOther)).toEqual([
      'driver D1 would drive 500 min on 2026-11-30 (this duty 400 min, other trips 100 min); the daily limit is 480 min',
    ])
    expect(
      dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, makeDay({ trips, dailyDrivingMin: 360 })),
    ).toEqual(['driver D1 would drive 400 min on 2026-11-30; the daily limit is 360 min'])
  })

  it('refuses a bus with fewer seats than a trip has booked', () => {
    const trip = makeTrip({ bookedSeats: 24 })
    const day = makeDay({ trips: [trip], vehicles: [makeVehicle({ seats: 19 })] })
    expect(dutyProblems({ ...crew, instanceIds: [trip.instanceId] }, day)).toEqual([
      'vehicle V1 has 19 seats but trip R1-0700_20261130 (07:00–07:50) has 24 seats booked',
    ])
    expect(
      dutyProblems(
        { ...crew, instanceIds: [trip.instanceId] },
        makeDay({ trips: [makeTrip({ bookedSeats: 19 })], vehicles: [makeVehicle({ seats: 19 })] }),
      ),
    ).toEqual([])
  })

  it('names a retired vehicle and driver, a cancelled trip and one that does not run that day', () => {
    const cancelled = makeTrip({ status: 'cancelled' })
    const day = makeDay({
      trips: [cancelled],
      vehicles: [makeVehicle({ status: 'retired' })],
      drivers: [makeDriver({ status: 'retired' })],
    })
    expect(dutyProblems({ ...crew, instanceIds: [cancelled.instanceId, 'R7-0800_20261130'] }, day)).toEqual([
      'vehicle V1 is retired; choose another vehicle',
      'driver D1 is retired; choose another driver',
      'trip R7-0800_20261130 does not run on 2026-11-30',
      'trip R1-0700_20261130 (07:00–07:50) is cancelled; take it out of the duty',
    ])
  })

  it('lets cancelled trips neither clash nor count as driving', () => {
    const cancelled = makeTrip({ from: '07:00', durationMin: 400, status: 'cancelled' })
    const other = makeTrip({ from: '07:30', tripId: 'R2-0730', durationMin: 200 })
    const day = makeDay({ trips: [cancelled, other], assignments: assigned([cancelled], 'V1', 'D1', 'D-x') })
    expect(dutyProblems({ ...crew, instanceIds: [other.instanceId] }, day)).toEqual([])
    expect(drivingMin([cancelled, other])).toBe(200)
  })

  it("does not count the duty's own trips as another's when it is changed", () => {
    const trips = [makeTrip({ from: '07:00' }), makeTrip({ from: '08:00' })]
    const day = makeDay({ trips, assignments: assigned(trips, 'V1', 'D1', 'D-1') })
    expect(dutyProblems({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, day, { dutyId: 'D-1' })).toEqual([])
  })
})

describe('worsened: which problems a change brings', () => {
  const cancelled = makeTrip({ from: '07:00', status: 'cancelled' })
  const later = makeTrip({ from: '09:00' })

  it('lets a duty with a cancelled trip lose another trip, and lose the cancelled one', () => {
    const day = makeDay({ trips: [cancelled, later] })
    const before = dutyIssues({ ...crew, instanceIds: [cancelled.instanceId, later.instanceId] }, day)
    expect(worsened(before, dutyIssues({ ...crew, instanceIds: [cancelled.instanceId] }, day))).toEqual([])
    expect(worsened(before, dutyIssues({ ...crew, instanceIds: [later.instanceId] }, day))).toEqual([])
  })

  it('refuses more driving for a driver already over the limit, and allows less', () => {
    const trips = [
      makeTrip({ from: '06:00', durationMin: 300 }),
      makeTrip({ from: '11:30', durationMin: 200 }),
      makeTrip({ from: '15:00', durationMin: 60 }),
    ]
    const day = makeDay({ trips })
    const two = dutyIssues({ ...crew, instanceIds: trips.slice(0, 2).map((t) => t.instanceId) }, day)
    const three = dutyIssues({ ...crew, instanceIds: trips.map((t) => t.instanceId) }, day)
    expect(two.map((i) => i.key)).toEqual(['limit:D1'])
    expect(worsened(two, three).map((i) => i.message)).toEqual([
      'driver D1 would drive 560 min on 2026-11-30; the daily limit is 480 min',
    ])
    expect(worsened(three, two)).toEqual([])
  })
})

describe('assignmentProblems: a trip set by hand', () => {
  const a = makeTrip({ from: '12:39', durationMin: 35, tripId: 'A' })
  const b = makeTrip({ from: '12:56', durationMin: 35, tripId: 'B' })
  const c = makeTrip({ from: '13:30', durationMin: 35, tripId: 'C' })

  it('refuses a driver or a vehicle already on an overlapping trip that day', () => {
    const day = makeDay({ trips: [a, b, c], assignments: assigned([a], 'V1', 'D1') })
    expect(assignmentProblems(b.instanceId, 'V2', 'D1', day)).toEqual([
      'driver D1 is already on trip A_20261130 (12:39–13:14, assigned by hand) when trip B_20261130 (12:56–13:31) runs',
    ])
    expect(assignmentProblems(b.instanceId, 'V1', null, day)).toEqual([
      'vehicle V1 is already on trip A_20261130 (12:39–13:14, assigned by hand) when trip B_20261130 (12:56–13:31) runs',
    ])
  })

  it('accepts the next trip after the turnaround, the same trip again, and clearing', () => {
    const day = makeDay({ trips: [a, b, c], assignments: assigned([a], 'V1', 'D1') })
    expect(assignmentProblems(c.instanceId, 'V1', 'D1', day)).toEqual([])
    expect(assignmentProblems(a.instanceId, 'V1', 'D1', day)).toEqual([])
    expect(assignmentProblems(b.instanceId, null, null, day)).toEqual([])
  })
})

describe('uncoveredTrips', () => {
  it('lists the trips in no duty with no vehicle and no driver, in departure order', () => {
    const [nine, seven, eight, ten] = [
      makeTrip({ from: '09:00' }),
      makeTrip({ from: '07:00' }),
      makeTrip({ from: '08:00' }),
      makeTrip({ from: '10:00' }),
    ]
    const day = makeDay({
      trips: [nine, seven, eight, ten],
      assignments: [...assigned([eight], 'V1', null), ...assigned([ten], null, 'D1')],
    })
    expect(uncoveredTrips(day).map((t) => t.departureTs)).toEqual([at('07:00'), at('09:00')])
  })
})

import { describe, expect, it } from 'vitest'
import { rt } from './bindings.js'
import {
  DEP,
  PLATE,
  SPEED_MS,
  STOP_CODES,
  VEH,
  at,
  drive,
  fixes,
  makeContext,
  makeEngine,
  makeInstance,
  onTimeRun,
} from './test-factories.js'
import { vehiclePositionsFeed } from './vehicle-positions.js'

const { VehicleStopStatus } = rt.VehiclePosition

describe('VehiclePositions', () => {
  it('names the trip, vehicle and next stop as the static feed does, with the position in m/s', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    const feed = vehiclePositionsFeed(
      engine,
      makeContext(now + 2000, { headingDeg: (id, ts) => (id === VEH && ts === now ? -10 : undefined) }),
    )

    expect(feed.header).toEqual({
      gtfsRealtimeVersion: '2.0',
      incrementality: rt.FeedHeader.Incrementality.FULL_DATASET,
      timestamp: Math.floor((now + 2000) / 1000),
    })
    expect(feed.entity).toHaveLength(1)
    const e = feed.entity?.[0]
    expect(e?.id).toBe(VEH)
    expect(e?.vehicle).toMatchObject({
      trip: {
        tripId: 'XY-R01-0700',
        routeId: 'XY-R01',
        directionId: 0,
        startDate: '20260302',
        startTime: '07:00:00',
        scheduleRelationship: rt.TripDescriptor.ScheduleRelationship.SCHEDULED,
      },
      vehicle: { id: VEH, label: `${VEH} XY-D001`, licensePlate: PLATE },
      currentStopSequence: 3,
      stopId: STOP_CODES[2],
      currentStatus: VehicleStopStatus.IN_TRANSIT_TO,
      timestamp: now / 1000,
    })
    const [lng, lat] = at(1500)
    expect(e?.vehicle?.position?.latitude).toBeCloseTo(lat, 6)
    expect(e?.vehicle?.position?.longitude).toBeCloseTo(lng, 6)
    expect(e?.vehicle?.position?.speed).toBeCloseTo(SPEED_MS, 1)
    // A heading of −10° is 350° as GTFS-Realtime bearings go (clockwise from north, 0–360).
    expect(e?.vehicle?.position?.bearing).toBe(350)
  })

  it('labels the bus with the driver on board when the bus says who drives, never a name; the bus number alone without a driver', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    engine.onDriver(VEH, {
      ts: now,
      driverId: 'XY-D007',
      name: '王建国',
      cert: '5105242008123456',
      source: 'card',
      action: 'on',
    })
    expect(vehiclePositionsFeed(engine, makeContext(now + 1000)).entity?.[0]?.vehicle?.vehicle).toEqual({
      id: VEH,
      label: `${VEH} XY-D007`,
      licensePlate: PLATE,
    })
    const nobody = makeEngine([makeInstance({ driverId: null })])
    const t = onTimeRun(nobody, 1500)
    expect(vehiclePositionsFeed(nobody, makeContext(t + 1000)).entity?.[0]?.vehicle?.vehicle?.label).toBe(VEH)
  })

  it('leaves the bearing out when the heading of that fix is unknown', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 500)
    const pos = vehiclePositionsFeed(engine, makeContext(now)).entity?.[0]?.vehicle?.position
    expect(pos).toBeDefined()
    expect(pos && 'bearing' in pos).toBe(false)
  })

  it('is STOPPED_AT the first stop while waiting to leave, INCOMING_AT within 200 m of a stop, STOPPED_AT while standing there', () => {
    const engine = makeEngine()
    drive(engine, fixes({ fromTs: DEP - 60_000, toTs: DEP - 5000, fromM: 0, speedMs: 0 }))
    const status = (now: number) => vehiclePositionsFeed(engine, makeContext(now)).entity?.[0]?.vehicle
    expect(status(DEP - 5000)).toMatchObject({
      currentStopSequence: 1,
      stopId: STOP_CODES[0],
      currentStatus: VehicleStopStatus.STOPPED_AT,
    })

    // 1850 m: 150 m before the third stop.
    const t1850 = DEP + 222_000
    drive(engine, fixes({ fromTs: DEP, toTs: t1850, fromM: 0 }))
    expect(status(t1850)).toMatchObject({
      currentStopSequence: 3,
      stopId: STOP_CODES[2],
      currentStatus: VehicleStopStatus.INCOMING_AT,
    })

    // At the stop and standing there half a minute.
    const t2000 = DEP + 240_000
    drive(engine, fixes({ fromTs: t1850 + 6000, toTs: t2000, fromM: 1850 + 6 * SPEED_MS }))
    drive(engine, fixes({ fromTs: t2000 + 5000, toTs: t2000 + 30_000, fromM: 2000, speedMs: 0 }))
    expect(status(t2000 + 30_000)).toMatchObject({
      currentStopSequence: 3,
      stopId: STOP_CODES[2],
      currentStatus: VehicleStopStatus.STOPPED_AT,
    })
    expect(status(t2000 + 30_000)?.position?.speed).toBe(0)
  })

  it('is IN_TRANSIT_TO a stop 300 m ahead', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1700)
    expect(vehiclePositionsFeed(engine, makeContext(now)).entity?.[0]?.vehicle).toMatchObject({
      currentStopSequence: 3,
      currentStatus: VehicleStopStatus.IN_TRANSIT_TO,
    })
  })

  it('is STOPPED_AT the last stop on arrival, and gone once the trip has ended', () => {
    const engine = makeEngine()
    const end = onTimeRun(engine, 3000)
    expect(vehiclePositionsFeed(engine, makeContext(end)).entity?.[0]?.vehicle).toMatchObject({
      currentStopSequence: 4,
      stopId: STOP_CODES[3],
      currentStatus: VehicleStopStatus.STOPPED_AT,
    })
    // A minute at the terminus ends the trip: the bus is out of service.
    drive(engine, fixes({ fromTs: end + 5000, toTs: end + 70_000, fromM: 3000, speedMs: 0 }))
    expect(engine.runOf(VEH)).toBeNull()
    expect(vehiclePositionsFeed(engine, makeContext(end + 70_000)).entity).toEqual([])
  })

  it('leaves out a vehicle off trip and one gone offline', () => {
    const engine = makeEngine()
    // XY-V002 stands in a yard: never matched to a trip.
    drive(engine, fixes({ vehicleId: 'XY-V002', fromTs: DEP, toTs: DEP + 60_000, fromM: 0, eastM: 2000, speedMs: 0 }))
    const now = onTimeRun(engine, 1000)
    expect(engine.state('XY-V002')?.status).toBe('off_duty')
    expect(vehiclePositionsFeed(engine, makeContext(now)).entity?.map((e) => e.id)).toEqual([VEH])
    // Three minutes without data: offline, and its last position is stale.
    engine.tick(now + 181_000)
    expect(engine.state(VEH)?.online).toBe(false)
    expect(vehiclePositionsFeed(engine, makeContext(now + 181_000)).entity).toEqual([])
  })

  it('leaves out a bus still tracked on a trip the dispatcher has cancelled', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1000)
    const instances = [makeInstance({ status: 'cancelled', cancelReason: '道路塌方' })]
    expect(vehiclePositionsFeed(engine, makeContext(now, { instances })).entity).toEqual([])
  })

  it('leaves the stop out when the next stop is not published (removed from the network)', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    const ctx = makeContext(now)
    const stops = new Map(ctx.network.stops)
    stops.delete(STOP_CODES[2] as string)
    const v = vehiclePositionsFeed(engine, { ...ctx, network: { ...ctx.network, stops } }).entity?.[0]?.vehicle
    expect(v?.trip?.tripId).toBe('XY-R01-0700')
    expect(v && ('stopId' in v || 'currentStopSequence' in v || 'currentStatus' in v)).toBe(false)
  })
})

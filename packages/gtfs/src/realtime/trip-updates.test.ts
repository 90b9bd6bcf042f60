import { describe, expect, it } from 'vitest'
import { rt, type transit_realtime } from './bindings.js'
import {
  DEP,
  PLATE,
  STOP_CODES,
  VEH,
  drive,
  fixes,
  makeContext,
  makeEngine,
  makeInstance,
  onTimeRun,
} from './test-factories.js'
import { tripUpdatesFeed } from './trip-updates.js'

const s = (ms: number) => Math.floor(ms / 1000)
/** Scheduled arrival at stop `i` (0-based): two minutes a kilometre. */
const sched = (i: number) => DEP + i * 120_000
const stops = (u: transit_realtime.ITripUpdate | null | undefined) =>
  (u?.stopTimeUpdate ?? []).map((x) => `${x.stopSequence}:${x.stopId}`)

describe('TripUpdates', () => {
  it('predicts the arrival at every stop ahead of a running bus, with delays, and the trip delay', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    const feed = tripUpdatesFeed(engine, makeContext(now + 1000))
    expect(feed.header?.incrementality).toBe(rt.FeedHeader.Incrementality.FULL_DATASET)
    expect(feed.entity).toHaveLength(1)
    const e = feed.entity?.[0]
    expect(e?.id).toBe('XY-R01-0700_20260302')
    const u = e?.tripUpdate
    expect(u?.trip).toEqual({
      tripId: 'XY-R01-0700',
      routeId: 'XY-R01',
      directionId: 0,
      startTime: '07:00:00',
      startDate: '20260302',
      scheduleRelationship: rt.TripDescriptor.ScheduleRelationship.SCHEDULED,
    })
    // The label is the bus's number, then its driver's (the rostered one here: nobody reported on board).
    expect(u?.vehicle).toEqual({ id: VEH, label: `${VEH} XY-D001`, licensePlate: PLATE })
    expect(u?.timestamp).toBe(s(now))
    expect(stops(u)).toEqual([`3:${STOP_CODES[2]}`, `4:${STOP_CODES[3]}`])
    // On time at the timetable's pace: each predicted arrival is its scheduled time, give or take the default dwell.
    for (const [k, x] of (u?.stopTimeUpdate ?? []).entries()) {
      const i = k + 2
      expect(x.departure).toBeUndefined()
      expect(x.arrival?.delay).toBe(Number(x.arrival?.time) - s(sched(i)))
      expect(Math.abs(x.arrival?.delay ?? 999)).toBeLessThanOrEqual(30)
    }
    expect(Math.abs(u?.delay ?? 999)).toBeLessThanOrEqual(10)
  })

  it('carries a late start to every stop ahead', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 500, 240)
    const u = tripUpdatesFeed(engine, makeContext(now)).entity?.[0]?.tripUpdate
    expect(stops(u)).toEqual(STOP_CODES.slice(1).map((c, i) => `${i + 2}:${c}`))
    expect(u?.delay).toBeGreaterThanOrEqual(230)
    for (const x of u?.stopTimeUpdate ?? []) expect(x.arrival?.delay).toBeGreaterThanOrEqual(230)
  })

  it('gives the departure from the first stop while the bus waits there, then the arrivals', () => {
    const engine = makeEngine()
    drive(engine, fixes({ fromTs: DEP - 120_000, toTs: DEP - 60_000, fromM: 0, speedMs: 0 }))
    const u = tripUpdatesFeed(engine, makeContext(DEP - 60_000)).entity?.[0]?.tripUpdate
    expect(stops(u)).toEqual(STOP_CODES.map((c, i) => `${i + 1}:${c}`))
    const first = u?.stopTimeUpdate?.[0]
    expect(first?.arrival).toBeUndefined()
    expect(first?.departure).toEqual({ time: s(DEP), delay: 0 })
    expect(u?.delay).toBe(0)
  })

  it('a bus still at the first stop after its time leaves now at the earliest', () => {
    const engine = makeEngine()
    drive(engine, fixes({ fromTs: DEP - 60_000, toTs: DEP + 90_000, fromM: 0, speedMs: 0 }))
    const first = tripUpdatesFeed(engine, makeContext(DEP + 90_000)).entity?.[0]?.tripUpdate?.stopTimeUpdate?.[0]
    expect(first?.departure).toEqual({ time: s(DEP + 90_000), delay: 90 })
  })

  it('gives the arrival at the stop the bus stands at as it happened', () => {
    const engine = makeEngine()
    const arrived = onTimeRun(engine, 1000)
    drive(engine, fixes({ fromTs: arrived + 5000, toTs: arrived + 15_000, fromM: 1000, speedMs: 0 }))
    const u = tripUpdatesFeed(engine, makeContext(arrived + 15_000)).entity?.[0]?.tripUpdate
    expect(stops(u)).toEqual(STOP_CODES.slice(1).map((c, i) => `${i + 2}:${c}`))
    const here = u?.stopTimeUpdate?.[0]
    const visit = engine.trackerState(VEH)?.visits.at(-1)
    expect(visit?.seq).toBe(2)
    expect(here?.arrival).toEqual({ time: s(visit?.arrivalTs ?? 0), delay: s(visit?.arrivalTs ?? 0) - s(sched(1)) })
  })

  it('has no update for a trip whose bus reached the last stop, or whose bus is offline', () => {
    const engine = makeEngine()
    const end = onTimeRun(engine, 3000)
    expect(tripUpdatesFeed(engine, makeContext(end)).entity).toEqual([])

    const other = makeEngine()
    const now = onTimeRun(other, 1000)
    expect(tripUpdatesFeed(other, makeContext(now)).entity).toHaveLength(1)
    other.tick(now + 181_000)
    expect(tripUpdatesFeed(other, makeContext(now + 181_000)).entity).toEqual([])
  })

  it('marks a cancelled instance CANCELED until its scheduled end, and drops the running update of a bus still on it', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1000)
    const cancelled = makeInstance({ status: 'cancelled', cancelReason: '道路塌方' })
    const later = makeInstance({
      id: 'XY-R01-0900_20260302',
      tripId: 'XY-R01-0900',
      departureTs: DEP + 2 * 3600_000,
      status: 'cancelled',
      cancelReason: null,
      vehicleId: null,
    })
    const feed = tripUpdatesFeed(engine, makeContext(now, { instances: [later, cancelled] }))
    expect(feed.entity?.map((e) => e.id)).toEqual(['XY-R01-0700_20260302', 'XY-R01-0900_20260302'])
    expect(feed.entity?.[0]?.tripUpdate).toEqual({
      trip: {
        tripId: 'XY-R01-0700',
        routeId: 'XY-R01',
        directionId: 0,
        startTime: '07:00:00',
        startDate: '20260302',
        scheduleRelationship: rt.TripDescriptor.ScheduleRelationship.CANCELED,
      },
    })
    expect(feed.entity?.[1]?.tripUpdate?.trip?.startTime).toBe('09:00:00')
    // Once its last stop was due, a cancelled trip is no longer news.
    const over = tripUpdatesFeed(engine, makeContext(sched(3) + 1000, { instances: [later, cancelled] }))
    expect(over.entity?.map((e) => e.id)).toEqual(['XY-R01-0900_20260302'])
  })

  it('names a trip after midnight with hours past 24, as stop_times.txt does', () => {
    const inst = makeInstance({ departureTs: DEP + 18 * 3600_000, status: 'cancelled' })
    const feed = tripUpdatesFeed(makeEngine([inst]), makeContext(DEP))
    expect(feed.entity?.[0]?.tripUpdate?.trip).toMatchObject({ startTime: '25:00:00', startDate: '20260302' })
  })

  it('leaves a stop that is not published out of the stop time updates', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    const ctx = makeContext(now)
    const published = new Map(ctx.network.stops)
    published.delete(STOP_CODES[2] as string)
    const u = tripUpdatesFeed(engine, { ...ctx, network: { ...ctx.network, stops: published } }).entity?.[0]?.tripUpdate
    expect(stops(u)).toEqual([`4:${STOP_CODES[3]}`])
  })
})

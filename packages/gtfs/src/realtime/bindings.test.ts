import { describe, expect, it } from 'vitest'
import { decodeFeed, encodeFeed, feedToJson, rt } from './bindings.js'
import { DEP, VEH, makeContext, makeEngine, makeInstance, onTimeRun } from './test-factories.js'
import { tripUpdatesFeed } from './trip-updates.js'
import { vehiclePositionsFeed } from './vehicle-positions.js'

describe('encoding with the official bindings', () => {
  it('encodes a feed that decodes to the same trips, stops and times', () => {
    const engine = makeEngine([
      makeInstance(),
      makeInstance({
        id: 'XY-R01-0900_20260302',
        tripId: 'XY-R01-0900',
        departureTs: DEP + 7200_000,
        status: 'cancelled',
        vehicleId: null,
      }),
    ])
    const now = onTimeRun(engine, 1500)
    const feed = tripUpdatesFeed(engine, makeContext(now))
    const bytes = encodeFeed(feed)
    const back = decodeFeed(bytes)
    expect(back.header.gtfsRealtimeVersion).toBe('2.0')
    expect(Number(back.header.timestamp)).toBe(Math.floor(now / 1000))
    expect(back.entity.map((e) => e.id)).toEqual(['XY-R01-0700_20260302', 'XY-R01-0900_20260302'])
    const running = back.entity[0]?.tripUpdate
    expect((running?.stopTimeUpdate ?? []).map((u) => [u.stopSequence, u.stopId, Number(u.arrival?.time)])).toEqual(
      feed.entity?.[0]?.tripUpdate?.stopTimeUpdate?.map((u) => [u.stopSequence, u.stopId, u.arrival?.time]),
    )
    expect(back.entity[1]?.tripUpdate?.trip.scheduleRelationship).toBe(rt.TripDescriptor.ScheduleRelationship.CANCELED)
  })

  it('gives people JSON with enum names and plain numbers', () => {
    const engine = makeEngine()
    const now = onTimeRun(engine, 1500)
    const json = feedToJson(vehiclePositionsFeed(engine, makeContext(now))) as {
      header: Record<string, unknown>
      entity: { id: string; vehicle: Record<string, unknown> }[]
    }
    expect(json.header).toEqual({
      gtfsRealtimeVersion: '2.0',
      incrementality: 'FULL_DATASET',
      timestamp: Math.floor(now / 1000),
    })
    expect(json.entity[0]?.id).toBe(VEH)
    expect(json.entity[0]?.vehicle).toMatchObject({
      currentStatus: 'IN_TRANSIT_TO',
      stopId: 'XY-0103',
      currentStopSequence: 3,
      trip: { scheduleRelationship: 'SCHEDULED', startDate: '20260302' },
    })
    // Round-trips through JSON text.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
  })

  it('refuses bytes that are not a feed', () => {
    expect(() => decodeFeed(new Uint8Array([0xff, 0xff, 0xff]))).toThrow()
  })
})

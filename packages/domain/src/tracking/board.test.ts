import { describe, expect, it } from 'vitest'
import { arrivalsAt, tripBoard } from './board.js'
import { TrackingEngine } from './engine.js'
import type { EngineInstance } from './engine-types.js'
import { T0, makeInstance, makeTrack } from './test-factories.js'

const VEH = 'XY-V001'

function world() {
  const { instance, coords } = makeInstance()
  const later = makeInstance({ departureTs: T0 + 2 * 3600_000 }).instance
  const cancelled = makeInstance({ departureTs: T0 + 1800_000 }).instance
  const e = (i: typeof instance, over: Partial<EngineInstance>): EngineInstance => ({
    ...i,
    status: 'scheduled',
    cancelReason: null,
    vehicleId: null,
    driverId: null,
    ...over,
  })
  const engine = new TrackingEngine()
  engine.setNetwork({
    instances: [
      e(instance, { vehicleId: VEH, driverId: 'XY-D007' }),
      e({ ...cancelled, id: 'C_20260302', tripId: 'C' }, { status: 'cancelled', cancelReason: 'landslide' }),
      e({ ...later, id: 'L_20260302', tripId: 'L' }, {}),
    ],
    routes: [{ id: 'XY-R01', operatorId: 'op', geometry: coords, speedLimitKmh: 60 }],
    vehicles: [{ id: VEH, operatorId: 'op' }],
  })
  for (const f of makeTrack({ coords, startTs: T0, toM: 1800 })) engine.onPosition(f, f.ts)
  return { engine, now: T0 + 216_000 }
}

const names = () => ({ name: '赶场线', nameEn: 'Market line' })

describe('next departures at a stop', () => {
  it('lists the tracked bus with live ETA and stops away, the cancelled trip, and the timetable', () => {
    const { engine, now } = world()
    const rows = arrivalsAt(engine, { stopCode: 'XY-0004', now, horizonMs: 6 * 3600_000, limit: 10, routeNames: names })
    expect(rows.map((r) => [r.tripInstanceId, r.status])).toEqual([
      ['T1_20260302', 'on_the_way'],
      ['C_20260302', 'cancelled'],
      ['L_20260302', 'scheduled'],
    ])
    const live = rows[0]
    expect(live).toMatchObject({ vehicleId: VEH, stopsAway: 1, driverCode: 'XY-D007', routeName: '赶场线' })
    expect(Math.abs(((live?.etaTs ?? 0) - (live?.scheduledTs ?? 0)) / 1000)).toBeLessThan(20)
  })

  it('drops a stop the bus has already left, and never lists the last stop of a trip', () => {
    const { engine, now } = world()
    expect(
      arrivalsAt(engine, { stopCode: 'XY-0002', now, horizonMs: 6 * 3600_000, limit: 10, routeNames: names }).map(
        (r) => r.tripInstanceId,
      ),
    ).not.toContain('T1_20260302')
    expect(
      arrivalsAt(engine, { stopCode: 'XY-0005', now, horizonMs: 6 * 3600_000, limit: 10, routeNames: names }),
    ).toEqual([])
  })
})

describe('trip board', () => {
  it('gives every instance of the day its status', () => {
    const { engine } = world()
    const board = Object.fromEntries(tripBoard(engine).map((r) => [r.instanceId, r]))
    expect(board.T1_20260302).toMatchObject({
      status: 'in_progress',
      vehicleId: VEH,
      match: 'assigned',
      nextStopCode: 'XY-0003',
    })
    expect(board.C_20260302).toMatchObject({ status: 'cancelled', cancelReason: 'landslide' })
    expect(board.L_20260302).toMatchObject({ status: 'scheduled', vehicleId: null })
    engine.tick(T0 + 3 * 3600_000)
    expect(tripBoard(engine).find((r) => r.instanceId === 'L_20260302')?.status).toBe('missed')
  })
})

import { describe, expect, it } from 'vitest'
import type { LivePosition, VehicleStateView } from '@rb/protocol'
import { ALL_STATUSES, displayStatus, emptyFilter, Fleet, type NetworkIndex } from './fleet.js'
import { identity, wgs84ToGcj02 } from './gcj02.js'
import { EMERGENCY_COLOUR, STATUS_COLOURS, STATUS_MARKS, statusLabel, STOP_COLOURS } from './map/style.js'

const pos = (vehicleId: string, ts: number, lng = 105.44, lat = 28.16, headingDeg = 90): LivePosition => ({
  vehicleId,
  ts,
  lng,
  lat,
  speedKmh: 30,
  headingDeg,
})
const state = (vehicleId: string, over: Partial<VehicleStateView> = {}): VehicleStateView => ({
  vehicleId,
  status: 'on_time',
  online: true,
  lastTs: 1,
  freshness: 'live',
  tripInstanceId: 'T1_20260302',
  routeId: 'R1',
  match: 'assigned',
  driverCode: 'XY-D001',
  driverSource: 'roster',
  rosteredDriverCode: 'XY-D001',
  delayS: 0,
  punctuality: 'on_time',
  progressM: 100,
  offsetM: 3,
  offRoute: false,
  nextStop: null,
  ...over,
})
const network: NetworkIndex = {
  routes: new Map([
    ['R1', { kind: 'market', townships: new Set(['T-A']) }],
    ['R2', { kind: 'student', townships: new Set(['T-B']) }],
  ]),
  plates: new Map([['XY-V001', '川E·12345']]),
  driverNames: new Map([['XY-D001', '王建国']]),
}

describe('Fleet', () => {
  it('keeps the newest fix per vehicle and ignores one arriving late', () => {
    const f = new Fleet()
    expect(f.applyPositions([pos('XY-V001', 2000, 105.5)])).toBe(1)
    expect(f.applyPositions([pos('XY-V001', 1000, 105.1)])).toBe(0)
    expect(f.vehicles.get('XY-V001')?.lng).toBe(105.5)
    // The same timestamp again (a resent point) is taken: it is the same fix.
    expect(f.applyPositions([pos('XY-V001', 2000, 105.5)])).toBe(1)
  })

  it('draws one feature per vehicle with a position, in display coordinates, with stable ids', () => {
    const f = new Fleet()
    f.applyStates([state('XY-V009')]) // a state before any fix: not drawn
    f.applyPositions([pos('XY-V001', 1), pos('XY-V002', 1, 105.6, 28.2, 270)])
    const fc = f.toGeoJSON(emptyFilter(), network, identity)
    expect(fc.features.map((x) => x.properties.id)).toEqual(['XY-V001', 'XY-V002'])
    expect(fc.features[1]?.geometry.coordinates).toEqual([105.6, 28.2])
    expect(fc.features[1]?.properties.heading).toBe(270)
    const ids = fc.features.map((x) => x.id)
    f.applyPositions([pos('XY-V002', 2, 105.7, 28.2)])
    expect(f.toGeoJSON(emptyFilter(), network, identity).features.map((x) => x.id)).toEqual(ids)
    expect(f.toGeoJSON(emptyFilter(), network, wgs84ToGcj02).features[0]?.geometry.coordinates).toEqual(
      wgs84ToGcj02([105.44, 28.16]),
    )
  })

  it('colours by tracking status, and by the link before tracking knows the vehicle', () => {
    const f = new Fleet()
    f.applyPositions([pos('A', 1), pos('B', 1)])
    const a = (): string => displayStatus(f.vehicles.get('A')!)
    expect(a()).toBe('not_in_service')
    f.applyLinks([{ vehicleId: 'A', online: false, ts: 2 }])
    expect(a()).toBe('offline')
    f.applyPositions([pos('A', 3)])
    expect(a()).toBe('not_in_service')
    f.applyStates([state('A', { status: 'late', delayS: 420 })])
    expect(a()).toBe('late')
    f.applyLinks([{ vehicleId: 'A', online: false, ts: 4 }])
    expect(a()).toBe('offline')
    expect(f.counts()).toMatchObject({ offline: 1, not_in_service: 1, late: 0 })
  })

  it('filters by status, route, service kind, township and search text', () => {
    const f = new Fleet()
    f.applyPositions([pos('XY-V001', 1), pos('XY-V002', 1), pos('XY-V003', 1)])
    f.applyStates([state('XY-V001'), state('XY-V002', { routeId: 'R2', status: 'off_route', driverCode: 'XY-D002' })])
    const ids = (over: Partial<ReturnType<typeof emptyFilter>>): string[] =>
      f.toGeoJSON({ ...emptyFilter(), ...over }, network, identity).features.map((x) => x.properties.id)
    expect(ids({})).toEqual(['XY-V001', 'XY-V002', 'XY-V003'])
    expect(ids({ statuses: new Set(['off_route']) })).toEqual(['XY-V002'])
    expect(ids({ routeId: 'R1' })).toEqual(['XY-V001'])
    expect(ids({ kinds: new Set(['student']) })).toEqual(['XY-V002'])
    expect(ids({ kinds: new Set(['student', 'market']) })).toEqual(['XY-V001', 'XY-V002'])
    expect(ids({ townshipId: 'T-A' })).toEqual(['XY-V001'])
    expect(ids({ query: '12345' })).toEqual(['XY-V001']) // plate
    expect(ids({ query: '王建' })).toEqual(['XY-V001']) // driver name
    expect(ids({ query: 'xy-d002' })).toEqual(['XY-V002']) // driver number, any case
    expect(ids({ query: 'v003' })).toEqual(['XY-V003'])
    expect(ids({ query: 'nobody' })).toEqual([])
  })

  it("shows the server's layover and off-duty states as they come, each in the legend with its count", () => {
    const f = new Fleet()
    f.applyPositions([pos('A', 1), pos('B', 1), pos('C', 1)])
    f.applyStates([
      state('A', { status: 'layover', tripInstanceId: null, delayS: null, punctuality: null }),
      state('B', { status: 'off_duty', tripInstanceId: null }),
      state('C', { status: 'late', delayS: 400, punctuality: 'late' }),
    ])
    expect(['A', 'B', 'C'].map((id) => displayStatus(f.vehicles.get(id)!))).toEqual(['layover', 'off_duty', 'late'])
    expect(f.counts()).toEqual({
      on_time: 0,
      late: 1,
      early: 0,
      off_route: 0,
      layover: 1,
      off_duty: 1,
      not_in_service: 0,
      offline: 0,
    })
    // An off-duty bus whose link drops is offline, like any other.
    f.applyLinks([{ vehicleId: 'B', online: false, ts: 2 }])
    expect(displayStatus(f.vehicles.get('B')!)).toBe('offline')
  })

  it('has a colour and a label for every status, none shared between buses, signs and the emergency red', () => {
    expect(Object.keys(STATUS_COLOURS).sort()).toEqual([...ALL_STATUSES].sort())
    expect(ALL_STATUSES.map(statusLabel)).toEqual([
      '准点',
      '晚点',
      '早点',
      '偏线',
      '站间休息',
      '收车',
      '非运营',
      '离线',
    ])
    // A shape per status too, none shared: a colour-blind dispatcher reads the mark.
    expect(new Set(ALL_STATUSES.map((s) => STATUS_MARKS[s])).size).toBe(ALL_STATUSES.length)
    const all = [...Object.values(STATUS_COLOURS), ...Object.values(STOP_COLOURS), EMERGENCY_COLOUR].map((c) =>
      c.toLowerCase(),
    )
    expect(new Set(all).size).toBe(all.length)
  })

  it('draws a bus with an unresolved SOS as an emergency, past any filter, until it is cleared', () => {
    const f = new Fleet()
    f.applyPositions([pos('A', 1), pos('B', 1)])
    f.applyStates([state('A', { status: 'on_time' }), state('B', { status: 'late' })])
    const v0 = f.version
    f.setEmergencies(new Set(['A']))
    expect(f.version).toBe(v0 + 1)
    f.setEmergencies(new Set(['A'])) // the same set: no redraw
    expect(f.version).toBe(v0 + 1)
    const fc = f.toGeoJSON({ ...emptyFilter(), statuses: new Set(['late']) }, network, identity)
    expect(fc.features.map((x) => [x.properties.id, x.properties.emergency, x.properties.status])).toEqual([
      ['A', true, 'on_time'],
      ['B', false, 'late'],
    ])
    f.setEmergencies(new Set())
    expect(f.toGeoJSON(emptyFilter(), network, identity).features.every((x) => !x.properties.emergency)).toBe(true)
  })

  it('counts a change only when something moved (the map redraws on version changes)', () => {
    const f = new Fleet()
    const v0 = f.version
    f.applyPositions([])
    f.applyLinks([])
    f.applyStates([])
    expect(f.version).toBe(v0)
    f.applyPositions([pos('A', 1)])
    expect(f.version).toBe(v0 + 1)
  })
})

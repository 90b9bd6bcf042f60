import { describe, expect, it } from 'vitest'
import { contains, fenceProblem, fencesFromGeoJson, GeofenceWatch, type Geofence } from './index.js'

const T0 = Date.UTC(2026, 11, 7, 0, 0)
const square: Geofence = {
  id: 'school',
  name: '叙永一中',
  category: 'school',
  active: true,
  shape: {
    kind: 'polygon',
    rings: [
      [
        [105.44, 28.16],
        [105.45, 28.16],
        [105.45, 28.17],
        [105.44, 28.17],
        [105.44, 28.16],
      ],
    ],
  },
  speedLimitKmh: 30,
  alertOnExit: false,
  routeKinds: [],
  dwellS: 120,
}
const corridor: Geofence = {
  ...square,
  id: 'corridor',
  name: '学生车走廊',
  category: 'corridor',
  speedLimitKmh: null,
  alertOnExit: true,
  routeKinds: ['student'],
  dwellS: null,
}
const IN: [number, number] = [105.445, 28.165]
const OUT: [number, number] = [105.46, 28.165]

describe('geofences', () => {
  it('tells inside from outside for polygons (holes outside) and circles', () => {
    expect(contains(square.shape, IN)).toBe(true)
    expect(contains(square.shape, OUT)).toBe(false)
    const holed = {
      kind: 'polygon' as const,
      rings: [
        ...(square.shape as { rings: [number, number][][] }).rings,
        [
          [105.444, 28.164],
          [105.446, 28.164],
          [105.446, 28.166],
          [105.444, 28.166],
          [105.444, 28.164],
        ],
      ] as [number, number][][],
    }
    expect(contains(holed, IN)).toBe(false)
    const circle = { kind: 'circle' as const, center: [105.44, 28.16] as [number, number], radiusM: 500 }
    expect(contains(circle, [105.443, 28.16])).toBe(true) // ~294 m east
    expect(contains(circle, [105.447, 28.16])).toBe(false) // ~687 m
  })

  it('raises enter, dwell once per stay, and exit as a bus crosses; the first fix only places it', () => {
    const w = new GeofenceWatch()
    w.setFences([square])
    const at = (s: number, p: [number, number], speed = 20) =>
      w.step({ vehicleId: 'V1', ts: T0 + s * 1000, point: p, speedKmh: speed, kind: null })
    expect(at(0, OUT).events).toEqual([])
    expect(at(10, IN).events).toEqual([{ vehicleId: 'V1', ts: T0 + 10_000, fenceId: 'school', type: 'enter' }])
    expect(at(60, IN).events).toEqual([])
    expect(at(131, IN).events.map((e) => e.type)).toEqual(['dwell'])
    expect(at(200, IN).events).toEqual([])
    expect(at(210, OUT).events.map((e) => e.type)).toEqual(['exit'])
    // An older fix arriving late changes nothing.
    expect(at(205, IN).events).toEqual([])
    // A bus that starts inside is inside, without an enter event.
    expect(w.step({ vehicleId: 'V2', ts: T0, point: IN, speedKmh: 0, kind: null }).events).toEqual([])
    expect(
      w.step({ vehicleId: 'V2', ts: T0 + 1000, point: OUT, speedKmh: 0, kind: null }).events.map((e) => e.type),
    ).toEqual(['exit'])
  })

  it('alerts by rule: a student bus leaving its corridor (not a market bus), and speeding inside a zone, each cleared when it ends', () => {
    const w = new GeofenceWatch()
    w.setFences([corridor, square])
    const step = (v: string, s: number, p: [number, number], speed: number, kind: 'student' | 'market') =>
      w.step({ vehicleId: v, ts: T0 + s * 1000, point: p, speedKmh: speed, kind }).alerts
    step('S1', 0, IN, 20, 'student')
    expect(step('S1', 5, IN, 45, 'student')).toEqual([
      {
        vehicleId: 'S1',
        ts: T0 + 5000,
        fenceId: 'school',
        rule: 'speeding',
        speedKmh: 45,
        limitKmh: 30,
        cleared: false,
      },
    ])
    expect(step('S1', 9, IN, 28, 'student').map((a) => [a.rule, a.cleared])).toEqual([['speeding', true]])
    expect(step('S1', 20, OUT, 40, 'student').map((a) => [a.fenceId, a.rule, a.cleared])).toEqual([
      ['corridor', 'left_fence', false],
    ])
    expect(step('S1', 60, IN, 20, 'student').map((a) => [a.fenceId, a.rule, a.cleared])).toEqual([
      ['corridor', 'left_fence', true],
    ])
    step('M1', 0, IN, 20, 'market')
    expect(step('M1', 20, OUT, 40, 'market')).toEqual([])
  })

  it('reads fences from GeoJSON and refuses bad shapes naming the part', () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { name: '卫生院' }, geometry: { type: 'Point', coordinates: [105.44, 28.16] } },
        {
          type: 'Feature',
          properties: { name: '卫生院', radius: 300 },
          geometry: { type: 'Point', coordinates: [105.44, 28.16] },
        },
        {
          type: 'Feature',
          properties: { name: '塌方路段' },
          geometry: square.shape.kind === 'polygon' ? { type: 'Polygon', coordinates: square.shape.rings } : null,
        },
      ],
    }
    expect(fencesFromGeoJson(fc)).toEqual([
      { name: '卫生院', shape: { kind: 'circle', center: [105.44, 28.16], radiusM: 300 } },
      { name: '塌方路段', shape: square.shape },
    ])
    expect(
      fenceProblem({
        shape: {
          kind: 'polygon',
          rings: [
            [
              [105, 28],
              [106, 28],
            ],
          ],
        },
        speedLimitKmh: null,
        dwellS: null,
      })?.field,
    ).toBe('shape.rings')
    expect(
      fenceProblem({ shape: { kind: 'circle', center: [105, 28], radiusM: 2 }, speedLimitKmh: null, dwellS: null })
        ?.field,
    ).toBe('shape.radiusM')
    expect(fenceProblem({ ...square, speedLimitKmh: 300 })?.field).toBe('speedLimitKmh')
    expect(fenceProblem(square)).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import type { LngLat } from '@rb/domain'
import {
  canClose,
  circleRing,
  clickVertex,
  closeRing,
  distanceM,
  fenceFeatures,
  fenceFromForm,
  formOf,
  handles,
  importErrorIndex,
  moveShape,
  moveVertex,
  nextFenceId,
  openRing,
  parseGeoJson,
  radiusBetween,
  undoVertex,
  type FenceForm,
  type Geofence,
} from './geofence-model.js'

// Points within ~20 m of each other count as one spot (the page tests pixels instead).
const near = (a: LngLat, b: LngLat): boolean => distanceM(a, b) < 20
const A: LngLat = [105.44, 28.16]
const B: LngLat = [105.45, 28.16]
const C: LngLat = [105.45, 28.17]

const fence = (over: Partial<Geofence> = {}): Geofence => ({
  id: 'fence-1',
  name: '县中学',
  category: 'school',
  shape: { kind: 'polygon', rings: [[A, B, C, A]] },
  speedLimitKmh: 30,
  alertOnExit: false,
  routeKinds: [],
  dwellS: null,
  active: true,
  ...over,
})

const form = (over: Partial<FenceForm> = {}): FenceForm => ({ ...formOf(fence(), 'fence-1'), ...over })

describe('drawing a polygon', () => {
  it('adds corners, ignores the second click of a double click, and closes on the first corner', () => {
    let v: LngLat[] = []
    for (const p of [A, B, C]) v = clickVertex(v, p, near).vertices
    expect(v).toEqual([A, B, C])
    expect(clickVertex(v, [C[0] + 0.00001, C[1]], near)).toEqual({ vertices: [A, B, C], closed: false })
    expect(clickVertex(v, [A[0] + 0.00001, A[1]], near).closed).toBe(true)
    // Two corners do not make a polygon: the first corner is then just a corner.
    expect(clickVertex([A, B], A, near).closed).toBe(false)
    expect(canClose([A, B])).toBe(false)
    expect(canClose([A, B, C])).toBe(true)
  })

  it('undoes the last corner', () => {
    expect(undoVertex([A, B, C])).toEqual([A, B])
    expect(undoVertex([])).toEqual([])
  })

  it('closes and opens rings once', () => {
    expect(closeRing([A, B, C])).toEqual([A, B, C, A])
    expect(closeRing([A, B, C, A])).toEqual([A, B, C, A])
    expect(openRing([A, B, C, A])).toEqual([A, B, C])
    expect(closeRing([])).toEqual([])
  })

  it('moves a corner, the first one together with the closing repeat', () => {
    const D: LngLat = [105.43, 28.15]
    expect(moveVertex([A, B, C, A], 0, D)).toEqual([D, B, C, D])
    expect(moveVertex([A, B, C, A], 2, D)).toEqual([A, B, D, A])
    expect(moveVertex([A, B, C, A], 7, D)).toEqual([A, B, C, A])
  })
})

describe('circles', () => {
  it('draws a circle as a closed ring whose corners are the radius away', () => {
    const ring = circleRing(A, 500, 32)
    expect(ring).toHaveLength(33)
    expect(ring[0]).toEqual(ring[32])
    for (const p of ring) expect(distanceM(A, p)).toBeCloseTo(500, 3)
  })

  it('takes the radius from the centre and a second point, at least 10 m', () => {
    expect(radiusBetween(A, B)).toBe(Math.round(distanceM(A, B)))
    expect(radiusBetween(A, A)).toBe(10)
  })

  it('offers the centre and an edge point as handles, and moves with its centre', () => {
    const h = handles({ kind: 'circle', center: A, radiusM: 300 })
    expect(h.map((x) => x.role)).toEqual(['center', 'radius'])
    expect(distanceM(A, h[1]!.point)).toBeCloseTo(300, 3)
    const moved = moveShape({ kind: 'circle', center: A, radiusM: 300 }, A, B)
    if (moved.kind !== 'circle') throw new Error('a circle stays a circle')
    expect(moved.center[0]).toBeCloseTo(B[0], 9)
    expect(moved.center[1]).toBeCloseTo(B[1], 9)
    expect(moved.radiusM).toBe(300)
    expect(handles(fence().shape)).toHaveLength(3)
  })
})

describe('the fences as map features', () => {
  it('draws polygons closed and circles as rings, in the display projection, with their colours', () => {
    const shift = (p: LngLat): LngLat => [p[0] + 1, p[1]]
    const fc = fenceFeatures(
      [
        fence({ shape: { kind: 'polygon', rings: [[A, B, C]] } }),
        fence({ id: 'c', category: 'hospital', shape: { kind: 'circle', center: A, radiusM: 100 } }),
      ],
      shift,
      'c',
    )
    expect(fc.features[0]!.geometry.coordinates[0]).toEqual([A, B, C, A].map(shift))
    expect(fc.features[1]!.geometry.coordinates[0]).toHaveLength(65)
    expect(fc.features[1]!.properties).toMatchObject({
      id: 'c',
      category: 'hospital',
      colour: '#cf222e',
      selected: true,
    })
    expect(fc.features[0]!.properties?.selected).toBe(false)
  })
})

describe('the form', () => {
  it('gives the PUT body of a good fence, rings closed and service kinds in order', () => {
    const r = fenceFromForm(form({ routeKinds: ['regular', 'student'], dwellS: '300' }), {
      kind: 'polygon',
      rings: [[A, B, C]],
    })
    expect(r).toEqual({
      ok: true,
      id: 'fence-1',
      body: {
        name: '县中学',
        category: 'school',
        shape: { kind: 'polygon', rings: [[A, B, C, A]] },
        speedLimitKmh: 30,
        alertOnExit: false,
        routeKinds: ['student', 'regular'],
        dwellS: 300,
        active: true,
      },
    })
  })

  it('refuses what the server refuses, naming the field', () => {
    const poly = fence().shape
    const field = (f: FenceForm, shape = poly): string | null => {
      const r = fenceFromForm(f, shape)
      return r.ok ? null : r.field
    }
    expect(field(form({ id: 'a b' }))).toBe('id')
    expect(field(form({ name: '  ' }))).toBe('name')
    expect(field(form({ category: 'zoo' }))).toBe('category')
    expect(fenceFromForm(form(), null)).toMatchObject({ ok: false, field: 'shape' })
    expect(field(form({ speedLimitKmh: '200' }))).toBe('speedLimitKmh')
    expect(field(form({ speedLimitKmh: '' }))).toBeNull()
    expect(field(form({ dwellS: '10' }))).toBe('dwellS')
    expect(field(form({ dwellS: '45.5' }))).toBe('dwellS')
    expect(field(form(), { kind: 'polygon', rings: [[A, B]] })).toBe('shape.rings')
    expect(field(form(), { kind: 'circle', center: A, radiusM: 5 })).toBe('shape.radiusM')
  })

  it('fills a new fence with defaults and the next free id', () => {
    expect(nextFenceId(['fence-1', 'fence-2', 'x'])).toBe('fence-3')
    expect(formOf(null, 'fence-3')).toMatchObject({ id: 'fence-3', name: '', category: 'other', active: true })
    expect(formOf(fence({ speedLimitKmh: null, dwellS: 600 }), '')).toMatchObject({ speedLimitKmh: '', dwellS: '600' })
  })
})

describe('GeoJSON import', () => {
  it('reads text before sending it and names the part of a refused file', () => {
    expect(parseGeoJson('{"type":"FeatureCollection","features":[]}')).toMatchObject({ ok: true })
    expect(parseGeoJson('')).toMatchObject({ ok: false })
    expect(parseGeoJson('{"a":1}')).toMatchObject({ ok: false })
    expect(parseGeoJson('{nope')).toMatchObject({ ok: false })
    expect(importErrorIndex('geojson.1.shape.rings')).toBe(1)
    expect(importErrorIndex('geojson')).toBeNull()
  })
})

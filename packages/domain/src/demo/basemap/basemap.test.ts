import { describe, expect, it } from 'vitest'
import { demoCounty } from '../index.js'
import { buildRoads } from '../network.js'
import { mulberry32 } from '../rng.js'
import { DEFAULT_DEMO_SEED } from '../index.js'
import { demoBasemap, holdsDemoCounty, villageOf } from './index.js'
import { bands, contourLines, hillShade, type Grid } from './terrain.js'

const layers = demoBasemap()

describe('the demo county basemap', () => {
  it('draws the very roads the routes and stop signs lie on', () => {
    const roads = buildRoads(mulberry32(DEFAULT_DEMO_SEED).fork('roads')).roads
    const drawn = layers.transportation.features
    expect(drawn).toHaveLength(roads.length)
    for (const road of roads) {
      const f = drawn.find((x) => x.properties?.id === road.id)
      expect(f?.geometry.type).toBe('LineString')
      const coords = (f?.geometry as GeoJSON.LineString).coordinates
      expect(coords).toEqual(road.points)
    }
    expect(new Set(drawn.map((f) => f.properties?.class))).toEqual(new Set(['primary', 'secondary', 'tertiary']))
  })

  it('names its villages after the stop signs that stand in them', () => {
    const stops = demoCounty().stops
    const names = layers.place.features.map((f) => f.properties?.name as string)
    expect(names.length).toBeGreaterThan(40)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) expect(stops.some((s) => villageOf(s.name) === name)).toBe(true)
    for (const f of layers.place.features) expect(f.properties).toMatchObject({ class: 'village' })
  })

  it('has rivers, relief and woods over the county', () => {
    expect(layers.waterway.features.map((f) => f.properties?.name)).toEqual(['永宁河', '倒流河', '赤水河'])
    const levels = layers.contour.features.map((f) => f.properties?.ele as number)
    expect(levels.length).toBeGreaterThan(8)
    expect(levels.every((m) => m % 100 === 0)).toBe(true)
    expect(layers.contour.features.filter((f) => f.properties?.index).map((f) => f.properties?.ele)).toEqual(
      levels.filter((m) => m % 500 === 0),
    )
    expect(new Set(layers.hillshade.features.map((f) => f.properties?.class))).toEqual(new Set(['shadow', 'highlight']))
    expect(layers.landcover.features.length).toBeGreaterThan(0)
    expect(layers.mountain_peak.features.every((f) => (f.properties?.ele as number) >= 900)).toBe(true)
    expect(layers.landuse.features).toHaveLength(14)
  })

  it('is the same for the same seed and differs for another', () => {
    expect(demoBasemap()).toEqual(layers)
    expect(demoBasemap({ seed: 7 }).contour).not.toEqual(layers.contour)
  })
})

describe('villageOf', () => {
  it.each([
    ['杉山村8组', '杉山村'],
    ['兴溪村委会', '兴溪村'],
    ['杉林小学', '杉林村'],
    ['江门镇中心小学', null],
    ['江门场镇', null],
    ['县人民医院', null],
  ])('%s → %s', (stop, village) => expect(villageOf(stop)).toBe(village))
})

describe('holdsDemoCounty', () => {
  it('is true for the demo county and false for another', () => {
    expect(holdsDemoCounty(demoCounty().townships)).toBe(true)
    expect(holdsDemoCounty(demoCounty().townships.slice(1))).toBe(false)
    expect(holdsDemoCounty([{ id: 'XY-T01', name: '别的镇' }])).toBe(false)
  })
})

describe('terrain', () => {
  // A cone 1,000 m high in the middle of a 21 × 21 grid of 100 m cells.
  const cone: Grid = {
    originM: [0, 0],
    cellM: 100,
    cols: 21,
    rows: 21,
    values: Float64Array.from({ length: 441 }, (_, i) =>
      Math.max(0, 1_000 - 100 * Math.hypot((i % 21) - 10, Math.floor(i / 21) - 10)),
    ),
  }

  it('draws a contour as a ring round the cone at its height', () => {
    const [ring] = contourLines(cone, [500])
    expect(ring?.lines).toHaveLength(1)
    for (const [x, y] of ring!.lines[0]!) expect(Math.hypot(x - 1_000, y - 1_000)).toBeCloseTo(500, -1)
    expect(bands(cone, [500])[0]?.polygons).toHaveLength(1)
  })

  it('leaves out the pieces of a band that run along the edge of the grid', () => {
    // Everything above 50 m reaches the edge: its outline there is the grid's end, not a contour.
    const [low] = contourLines(cone, [50])
    for (const line of low!.lines)
      for (const [x, y] of line) expect(Math.min(x, y, 2_000 - x, 2_000 - y)).toBeGreaterThan(50)
  })

  it('lights the north-west face and shades the south-east one', () => {
    const shade = hillShade(cone)
    const at = (c: number, r: number): number => shade.values[r * 21 + c]!
    // Row numbers grow northwards.
    expect(at(6, 14)).toBeGreaterThan(at(14, 6))
    expect(at(14, 6)).toBeLessThan(0.6)
  })
})

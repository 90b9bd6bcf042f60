/**
 * The demo county's own basemap, made from its data so the demo reads as a map with no internet:
 * its roads (the same road tree the routes run on), rivers along the valley roads, the ground
 * (contours, hill shade, woods on the heights), built-up areas round the towns, and village
 * names from the stop signs. Layers and fields follow the OpenMapTiles schema (`transportation`,
 * `waterway`, `landuse`, `landcover`, `place`, `mountain_peak`) so one map style draws this and a
 * county's own OpenMapTiles-schema PMTiles alike; `contour` and `hillshade` are this basemap's own.
 * Pure and seeded: the same seed gives the same layers.
 */
import type { LngLat } from '../../network/types.js'
import { buildRoads, type Road } from '../network.js'
import { DEFAULT_DEMO_SEED, demoCounty } from '../index.js'
import { mulberry32 } from '../rng.js'
import { toLngLat, toXy, windingRoad, type Xy } from '../roads.js'
import { SEAT, TOWNSHIPS } from '../townships.js'
import { bands, contourLines, heightField, hillShade, type Grid } from './terrain.js'

export type BasemapLayerName =
  'landcover' | 'hillshade' | 'landuse' | 'contour' | 'waterway' | 'transportation' | 'place' | 'mountain_peak'
export type BasemapLayers = Record<BasemapLayerName, GeoJSON.FeatureCollection>

export interface DemoBasemapOptions {
  seed?: number
  /** Grid cell of the height field; smaller is finer and slower. */
  cellM?: number
}

const round = (v: number): number => Math.round(v * 1e5) / 1e5
const ll = (p: Xy): [number, number] => {
  const [lng, lat] = toLngLat(p)
  return [round(lng), round(lat)]
}
const feature = <G extends GeoJSON.Geometry>(
  properties: Record<string, string | number | boolean>,
  geometry: G,
): GeoJSON.Feature<G> => ({ type: 'Feature', properties, geometry })
const fc = (features: GeoJSON.Feature[]): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features })

/** A line moved `sideM` metres to its right (negative: left), each vertex along the mean normal of its two segments. */
function offsetLine(pts: readonly Xy[], sideM: number): Xy[] {
  return pts.map((p, i) => {
    const a = pts[Math.max(0, i - 1)] as Xy
    const b = pts[Math.min(pts.length - 1, i + 1)] as Xy
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1
    return [p[0] + (sideM * (b[1] - a[1])) / len, p[1] - (sideM * (b[0] - a[0])) / len]
  })
}

/** Keeps every vertex at least `minM` from the one before (an offset line bunches up on inside bends). */
function thin(pts: readonly Xy[], minM: number): Xy[] {
  const out: Xy[] = []
  for (const p of pts) {
    const last = out.at(-1)
    if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= minM) out.push(p)
  }
  return out
}

const roadXy = (roads: Road[], id: string): Xy[] => {
  const road = roads.find((r) => r.id === id)
  if (!road) throw new RangeError(`no demo road ${id}`)
  return road.points.map(toXy)
}

/** Rivers of the demo county as local-frame lines with their names. */
function rivers(roads: Road[], seed: number): { name: string; line: Xy[] }[] {
  const rng = mulberry32(seed).fork('basemap').fork('rivers')
  const meander = (from: LngLat, to: LngLat, label: string): Xy[] =>
    windingRoad(rng.fork(label), from, to, 'valley').points.map(toXy)
  const at = (p: Xy): LngLat => toLngLat(p)
  // 永宁河 comes down from the south-east past 落卜, through the county seat and north past 江门
  // towards the Yangtze, a couple of hundred metres off the valley road.
  const upper = offsetLine(roadXy(roads, 'XY-T01>XY-T06').reverse(), 180)
  const lower = offsetLine(roadXy(roads, 'XY-T01>XY-T02'), 180)
  const source = meander(
    at([(upper[0] as Xy)[0] + 7_000, (upper[0] as Xy)[1] - 4_000]),
    at(upper[0] as Xy),
    'yongning-source',
  )
  const mouth = meander(
    at(lower.at(-1) as Xy),
    at([(lower.at(-1) as Xy)[0] + 1_500, (lower.at(-1) as Xy)[1] + 7_000]),
    'yongning-mouth',
  )
  const yongning = thin([...source, ...upper, ...lower, ...mouth], 60)
  // 倒流河 runs down the 分水–两河 valley and joins 永宁河 below the seat.
  const west = offsetLine(roadXy(roads, 'XY-T12>XY-T13').reverse(), -160)
  const join = meander(at(west.at(-1) as Xy), at(lower[Math.min(lower.length - 1, 12)] as Xy), 'daoliu-join')
  const daoliu = thin(
    [
      ...meander(at([(west[0] as Xy)[0] - 6_000, (west[0] as Xy)[1] - 3_000]), at(west[0] as Xy), 'daoliu-source'),
      ...west,
      ...join,
    ],
    60,
  )
  // 赤水河 passes 赤水镇 on the county's southern edge.
  const chishui = TOWNSHIPS.find((t) => t.id === 'XY-T08')?.center ?? SEAT
  const c = toXy(chishui)
  const bank: Xy = [c[0] + 150, c[1] - 350]
  const chishuiRiver = thin(
    [
      ...meander(at([c[0] - 14_000, c[1] - 7_000]), at(bank), 'chishui-a'),
      ...meander(at(bank), at([c[0] + 12_000, c[1] + 9_000]), 'chishui-b').slice(1),
    ],
    60,
  )
  return [
    { name: '永宁河', line: yongning },
    { name: '倒流河', line: daoliu },
    { name: '赤水河', line: chishuiRiver },
  ]
}

/** The village a stop sign stands in ("杉山村8组" → "杉山村", "杉林小学" → "杉林村"), if it names one. */
export function villageOf(stopName: string): string | null {
  const village = /^(.+?村)(?:\d+组|委会|$)/.exec(stopName)
  if (village) return village[1] as string
  const school = /^(.+?)小学$/.exec(stopName)
  return school && !/镇|中心/.test(school[1] as string) ? `${school[1]}村` : null
}

/** The highest cell within `radius` cells on every side: peaks worth a label. */
function peaks(g: Grid, radius: number, minM: number): { at: Xy; eleM: number }[] {
  const out: { at: Xy; eleM: number }[] = []
  for (let r = radius; r < g.rows - radius; r += 1) {
    for (let c = radius; c < g.cols - radius; c += 1) {
      const v = g.values[r * g.cols + c] as number
      if (v < minM) continue
      let top = true
      for (let i = -radius; i <= radius && top; i++)
        for (let j = -radius; j <= radius && top; j++)
          if ((g.values[(r + i) * g.cols + c + j] as number) > v) top = false
      if (top) out.push({ at: [g.originM[0] + c * g.cellM, g.originM[1] + r * g.cellM], eleM: Math.round(v) })
    }
  }
  return out
}

const ROAD_CLASS = { valley: 'primary', mountain: 'secondary', urban: 'tertiary' } as const

export function demoBasemap(opts: DemoBasemapOptions = {}): BasemapLayers {
  const seed = opts.seed ?? DEFAULT_DEMO_SEED
  // The same draw as demoCounty's, so these are the roads the routes and stops lie on.
  const net = buildRoads(mulberry32(seed).fork('roads'))
  const county = demoCounty({ seed })
  const all = net.roads.flatMap((r) => r.points.map(toXy))
  // Wide enough that the county at its first zoom is framed by ground, not by the end of the data.
  const margin = 25_000
  const boundsM: [number, number, number, number] = [
    Math.min(...all.map((p) => p[0])) - margin,
    Math.min(...all.map((p) => p[1])) - margin,
    Math.max(...all.map((p) => p[0])) + margin,
    Math.max(...all.map((p) => p[1])) + margin,
  ]
  const water = rivers(net.roads, seed)
  const townFlats = TOWNSHIPS.map((t) => ({ at: toXy(t.center), radiusM: t.id === 'XY-T01' ? 2_500 : 1_200 }))
  const ground = heightField(mulberry32(seed).fork('basemap').fork('terrain'), {
    boundsM,
    cellM: opts.cellM ?? 400,
    rivers: water.map((w) => w.line),
    flats: townFlats,
  })
  const shade = hillShade(ground)
  const dark = { ...shade, values: shade.values.map((v) => 1 - v) }

  const polygons = (polys: Xy[][][]): GeoJSON.MultiPolygon => ({
    type: 'MultiPolygon',
    coordinates: polys.map((poly) => poly.map((ring) => ring.map(ll))),
  })
  const landcover = bands(ground, [750, 1_100]).map((b) =>
    feature({ class: 'wood', subclass: b.value >= 1_100 ? 'forest' : 'wood' }, polygons(b.polygons)),
  )
  const hillshade = [
    ...bands(dark, [0.45, 0.62]).map((b) =>
      feature({ class: 'shadow', level: b.value >= 0.62 ? 2 : 1 }, polygons(b.polygons)),
    ),
    ...bands(shade, [0.9]).map((b) => feature({ class: 'highlight', level: 1 }, polygons(b.polygons))),
  ]
  const thresholds = Array.from({ length: 20 }, (_, i) => (i + 3) * 100)
  const contour = contourLines(ground, thresholds)
    .filter((c) => c.lines.length > 0)
    .map((c) =>
      feature(
        { ele: c.value, index: c.value % 500 === 0 },
        { type: 'MultiLineString', coordinates: c.lines.map((l) => l.map(ll)) },
      ),
    )
  const circle = (at: Xy, radiusM: number): Xy[] =>
    Array.from(
      { length: 25 },
      (_, i) => [at[0] + radiusM * Math.cos((i * Math.PI) / 12), at[1] + radiusM * Math.sin((i * Math.PI) / 12)] as Xy,
    )
  const landuse = townFlats.map((f) =>
    feature({ class: 'residential' }, { type: 'Polygon', coordinates: [circle(f.at, f.radiusM * 0.45).map(ll)] }),
  )
  const waterway = water.map((w) =>
    feature({ class: 'river', name: w.name }, { type: 'LineString', coordinates: w.line.map(ll) }),
  )
  const transportation = net.roads.map((r) =>
    feature(
      { class: ROAD_CLASS[r.style], id: r.id },
      { type: 'LineString', coordinates: r.points.map(([lng, lat]) => [lng, lat]) },
    ),
  )

  const villages = new Map<string, LngLat[]>()
  for (const stop of county.stops) {
    const v = villageOf(stop.name)
    if (v) villages.set(v, [...(villages.get(v) ?? []), stop.point])
  }
  const place = [...villages].map(([name, pts]) => {
    const mean: [number, number] = [
      round(pts.reduce((s, p) => s + p[0], 0) / pts.length),
      round(pts.reduce((s, p) => s + p[1], 0) / pts.length),
    ]
    return feature({ class: 'village', name, 'name:zh': name }, { type: 'Point', coordinates: mean })
  })
  const summits = peaks(ground, 12, 900).map((p) =>
    feature({ class: 'peak', ele: p.eleM }, { type: 'Point', coordinates: ll(p.at) }),
  )

  return {
    landcover: fc(landcover),
    hillshade: fc(hillshade),
    landuse: fc(landuse),
    contour: fc(contour),
    waterway: fc(waterway),
    transportation: fc(transportation),
    place: fc(place),
    mountain_peak: fc(summits),
  }
}

/** Whether a network's townships are the demo county's (then its generated basemap fits it). */
export function holdsDemoCounty(townships: readonly { id: string; name: string }[]): boolean {
  return TOWNSHIPS.every((t) => townships.some((own) => own.id === t.id && own.name === t.name))
}

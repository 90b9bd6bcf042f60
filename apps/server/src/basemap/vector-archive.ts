/**
 * GeoJSON layers → a vector-tile PMTiles archive, in process: each layer is cut into tiles by
 * geojson-vt (what maplibre itself uses for GeoJSON sources), the tiles encoded as Mapbox Vector
 * Tiles, gzip-compressed and written with `writeArchive`.
 */
import { gzipSync } from 'node:zlib'
import { GeoJSONVT } from '@maplibre/geojson-vt'
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import { writeArchive, type ArchiveTile } from './pmtiles-writer.js'

export interface VectorArchiveOptions {
  minZoom: number
  maxZoom: number
  /** Name, attribution and the like, for the archive's metadata. */
  name: string
  attribution: string
}

const EXTENT = 4096

type Bounds = [west: number, south: number, east: number, north: number]

function boundsOf(layers: Record<string, GeoJSON.FeatureCollection>): Bounds {
  const b: Bounds = [180, 90, -180, -90]
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [lng, lat] = c as [number, number]
      b[0] = Math.min(b[0], lng)
      b[1] = Math.min(b[1], lat)
      b[2] = Math.max(b[2], lng)
      b[3] = Math.max(b[3], lat)
    } else if (Array.isArray(c)) for (const inner of c) visit(inner)
  }
  for (const fc of Object.values(layers))
    for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) visit(f.geometry.coordinates)
  return b
}

const tileX = (lng: number, z: number): number => Math.floor(((lng + 180) / 360) * 2 ** z)
const tileY = (lat: number, z: number): number => {
  const r = (lat * Math.PI) / 180
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)
}

const fieldsOf = (fc: GeoJSON.FeatureCollection): Record<string, string> => {
  const fields: Record<string, string> = {}
  for (const f of fc.features)
    for (const [k, v] of Object.entries(f.properties ?? {}))
      fields[k] = typeof v === 'number' ? 'Number' : typeof v === 'boolean' ? 'Boolean' : 'String'
  return fields
}

export function vectorArchive(layers: Record<string, GeoJSON.FeatureCollection>, opts: VectorArchiveOptions): Buffer {
  const indexes = Object.entries(layers).map(([name, fc]) => ({
    name,
    index: new GeoJSONVT(fc, {
      maxZoom: opts.maxZoom,
      indexMaxZoom: opts.maxZoom,
      indexMaxPoints: 0,
      extent: EXTENT,
      buffer: 64,
      tolerance: 3,
    }),
  }))
  const bounds = boundsOf(layers)
  const tiles: ArchiveTile[] = []
  for (let z = opts.minZoom; z <= opts.maxZoom; z++) {
    for (let x = tileX(bounds[0], z); x <= tileX(bounds[2], z); x++) {
      for (let y = tileY(bounds[3], z); y <= tileY(bounds[1], z); y++) {
        const parts: Parameters<typeof fromGeojsonVt>[0] = {}
        for (const { name, index } of indexes) {
          const tile = index.getTile(z, x, y)
          if (tile && tile.features.length > 0) parts[name] = tile
        }
        if (Object.keys(parts).length === 0) continue
        tiles.push({ z, x, y, data: gzipSync(fromGeojsonVt(parts, { version: 2, extent: EXTENT })) })
      }
    }
  }
  const center: [number, number, number] = [
    (bounds[0] + bounds[2]) / 2,
    (bounds[1] + bounds[3]) / 2,
    Math.min(opts.maxZoom, 10),
  ]
  return writeArchive(tiles, {
    tileType: 'mvt',
    tileCompression: 'gzip',
    bounds,
    center,
    metadata: {
      name: opts.name,
      attribution: opts.attribution,
      format: 'pbf',
      minzoom: opts.minZoom,
      maxzoom: opts.maxZoom,
      vector_layers: Object.entries(layers).map(([id, fc]) => ({
        id,
        fields: fieldsOf(fc),
        minzoom: opts.minZoom,
        maxzoom: opts.maxZoom,
      })),
    },
  })
}

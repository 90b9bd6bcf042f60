/**
 * The basemap under the console's own layers, from the server's preset (GET /api/console/config):
 * raster layers (Tianditu map or imagery with its annotations, AMap, any XYZ template or TileJSON),
 * or a vector PMTiles archive drawn with this style — the OpenMapTiles schema a county gets from
 * planetiler or tilemaker, plus the `contour` and `hillshade` layers of the demo county's own
 * generated basemap. No glyph server: maplibre draws every label from local fonts (no `glyphs` in
 * the style), so Chinese place names show with no internet.
 */
import { addProtocol, type LayerSpecification, type StyleSpecification } from 'maplibre-gl'
import { Protocol } from 'pmtiles'
import { FONT } from './style.js'

export interface RasterLayer {
  tiles?: string[]
  url?: string
}

export interface BasemapConfig {
  /** The BASEMAP preset the server uses: none, demo, tianditu, tianditu-imagery, amap, amap-imagery, xyz, tilejson, pmtiles. */
  preset: string
  /** Raster layers, bottom first. */
  raster: RasterLayer[]
  /** A vector PMTiles archive: a path on the server or a URL. */
  pmtiles: string | null
  attribution: string
  /** Tiles are in GCJ-02 (AMap, Tencent): our WGS-84 layers are shifted for display. */
  gcj02: boolean
  maxZoom: number
}

let protocolAdded = false
/** maplibre reads `pmtiles://…` sources through the pmtiles reader (HTTP range requests). */
function addPmtilesProtocol(): void {
  if (protocolAdded) return
  addProtocol('pmtiles', new Protocol({ metadata: false }).tile)
  protocolAdded = true
}

const INK = '#4b5563'
const HALO = 'rgba(255,255,255,0.9)'

/** The layers that draw an OpenMapTiles-schema archive (and the demo's relief), bottom first. */
export function vectorLayers(source: string): LayerSpecification[] {
  const s = { source }
  const roadClass = [
    'match',
    ['get', 'class'],
    ['motorway', 'trunk'],
    1.6,
    'primary',
    1.3,
    'secondary',
    1.1,
    'tertiary',
    0.9,
    0.6,
  ]
  const roadWidth = (base: number): unknown => [
    'interpolate',
    ['exponential', 1.5],
    ['zoom'],
    8,
    ['*', roadClass, base * 0.4],
    12,
    ['*', roadClass, base * 1.4],
    16,
    ['*', roadClass, base * 6],
  ]
  const layers = [
    {
      id: 'bm-landcover-wood',
      type: 'fill',
      ...s,
      'source-layer': 'landcover',
      filter: ['==', ['get', 'class'], 'wood'],
      paint: { 'fill-color': ['match', ['get', 'subclass'], 'forest', '#c5dbb0', '#d5e6c3'], 'fill-opacity': 0.7 },
    },
    {
      id: 'bm-landcover-grass',
      type: 'fill',
      ...s,
      'source-layer': 'landcover',
      filter: ['in', ['get', 'class'], ['literal', ['grass', 'farmland']]],
      paint: { 'fill-color': '#e6eed2', 'fill-opacity': 0.6 },
    },
    {
      id: 'bm-hillshade-shadow',
      type: 'fill',
      ...s,
      'source-layer': 'hillshade',
      filter: ['==', ['get', 'class'], 'shadow'],
      paint: { 'fill-color': '#2d3b4e', 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.07, 14, 0.04] },
    },
    {
      id: 'bm-hillshade-highlight',
      type: 'fill',
      ...s,
      'source-layer': 'hillshade',
      filter: ['==', ['get', 'class'], 'highlight'],
      paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.18 },
    },
    {
      id: 'bm-landuse',
      type: 'fill',
      ...s,
      'source-layer': 'landuse',
      filter: [
        'in',
        ['get', 'class'],
        ['literal', ['residential', 'suburb', 'neighbourhood', 'commercial', 'industrial']],
      ],
      paint: { 'fill-color': '#ebe3d6', 'fill-opacity': 0.8 },
    },
    { id: 'bm-water', type: 'fill', ...s, 'source-layer': 'water', paint: { 'fill-color': '#a9cbe6' } },
    {
      id: 'bm-contour',
      type: 'line',
      ...s,
      'source-layer': 'contour',
      paint: {
        'line-color': '#a8896a',
        'line-opacity': ['case', ['boolean', ['get', 'index'], false], 0.55, 0.3],
        'line-width': ['case', ['boolean', ['get', 'index'], false], 1, 0.5],
      },
    },
    {
      id: 'bm-waterway',
      type: 'line',
      ...s,
      'source-layer': 'waterway',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#6fa8dc',
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          8,
          ['match', ['get', 'class'], 'river', 1.5, 0.5],
          14,
          ['match', ['get', 'class'], 'river', 6, 1.5],
        ],
      },
    },
    {
      id: 'bm-boundary',
      type: 'line',
      ...s,
      'source-layer': 'boundary',
      filter: ['<=', ['get', 'admin_level'], 8],
      paint: { 'line-color': '#9b7aa8', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'bm-road-casing',
      type: 'line',
      ...s,
      'source-layer': 'transportation',
      filter: ['!', ['in', ['get', 'class'], ['literal', ['path', 'rail', 'ferry']]]],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#b9a98f', 'line-width': roadWidth(1.5) },
    },
    {
      id: 'bm-road',
      type: 'line',
      ...s,
      'source-layer': 'transportation',
      filter: ['!', ['in', ['get', 'class'], ['literal', ['path', 'rail', 'ferry']]]],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': [
          'match',
          ['get', 'class'],
          ['motorway', 'trunk'],
          '#f2b36b',
          'primary',
          '#f7d38a',
          'secondary',
          '#fbe7b2',
          '#ffffff',
        ],
        'line-width': roadWidth(1),
      },
    },
    {
      id: 'bm-rail',
      type: 'line',
      ...s,
      'source-layer': 'transportation',
      filter: ['==', ['get', 'class'], 'rail'],
      paint: { 'line-color': '#8c8c8c', 'line-width': 1.2, 'line-dasharray': [4, 3] },
    },
    {
      id: 'bm-waterway-name',
      type: 'symbol',
      ...s,
      'source-layer': 'waterway',
      minzoom: 10,
      filter: ['has', 'name'],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['coalesce', ['get', 'name:zh'], ['get', 'name']],
        'text-font': FONT,
        'text-size': 12,
        'symbol-spacing': 400,
      },
      paint: { 'text-color': '#2f6ea5', 'text-halo-color': HALO, 'text-halo-width': 1.5 },
    },
    {
      id: 'bm-road-name',
      type: 'symbol',
      ...s,
      'source-layer': 'transportation_name',
      minzoom: 12,
      layout: {
        'symbol-placement': 'line',
        'text-field': ['coalesce', ['get', 'name:zh'], ['get', 'name'], ['get', 'ref']],
        'text-font': FONT,
        'text-size': 11,
      },
      paint: { 'text-color': INK, 'text-halo-color': HALO, 'text-halo-width': 1.5 },
    },
    {
      id: 'bm-contour-label',
      type: 'symbol',
      ...s,
      'source-layer': 'contour',
      minzoom: 12,
      filter: ['==', ['get', 'index'], true],
      layout: {
        'symbol-placement': 'line',
        'text-field': ['concat', ['to-string', ['get', 'ele']], ' m'],
        'text-font': FONT,
        'text-size': 10,
        'symbol-spacing': 500,
      },
      paint: { 'text-color': '#8a6d4f', 'text-halo-color': HALO, 'text-halo-width': 1 },
    },
    {
      id: 'bm-peak',
      type: 'symbol',
      ...s,
      'source-layer': 'mountain_peak',
      minzoom: 10,
      layout: {
        'text-field': ['concat', '▲ ', ['to-string', ['get', 'ele']]],
        'text-font': FONT,
        'text-size': 10,
        'text-anchor': 'top',
      },
      paint: { 'text-color': '#7a5c3e', 'text-halo-color': HALO, 'text-halo-width': 1 },
    },
    {
      id: 'bm-place-village',
      type: 'symbol',
      ...s,
      'source-layer': 'place',
      minzoom: 10.5,
      filter: ['in', ['get', 'class'], ['literal', ['village', 'hamlet', 'suburb', 'neighbourhood']]],
      layout: {
        'text-field': ['coalesce', ['get', 'name:zh'], ['get', 'name']],
        'text-font': FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 11, 11, 15, 13],
        'text-padding': 4,
      },
      paint: { 'text-color': '#3f4a57', 'text-halo-color': HALO, 'text-halo-width': 1.5 },
    },
    {
      id: 'bm-place-town',
      type: 'symbol',
      ...s,
      'source-layer': 'place',
      minzoom: 7,
      filter: ['in', ['get', 'class'], ['literal', ['city', 'town']]],
      layout: { 'text-field': ['coalesce', ['get', 'name:zh'], ['get', 'name']], 'text-font': FONT, 'text-size': 14 },
      paint: { 'text-color': '#30363d', 'text-halo-color': HALO, 'text-halo-width': 2 },
    },
  ]
  return layers as LayerSpecification[]
}

/** The style the console starts from: a background, the basemap, and nothing from a glyph or sprite server. */
export function baseStyle(basemap: BasemapConfig, origin: string): StyleSpecification {
  const hasBasemap = basemap.raster.length > 0 || basemap.pmtiles !== null
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [
      {
        id: 'background',
        type: 'background',
        paint: { 'background-color': hasBasemap ? (basemap.pmtiles ? '#f3f1ea' : '#dfe3e8') : '#eef0ea' },
      },
    ],
  }
  basemap.raster.forEach((layer, i) => {
    const id = `basemap-${i}`
    style.sources[id] = layer.url
      ? { type: 'raster', url: layer.url, tileSize: 256, attribution: i === 0 ? basemap.attribution : undefined }
      : {
          type: 'raster',
          tiles: layer.tiles ?? [],
          tileSize: 256,
          maxzoom: basemap.maxZoom,
          attribution: i === 0 ? basemap.attribution : undefined,
        }
    style.layers.push({ id, type: 'raster', source: id })
  })
  if (basemap.pmtiles) {
    addPmtilesProtocol()
    const url = new URL(basemap.pmtiles, origin).href
    style.sources.basemap = { type: 'vector', url: `pmtiles://${url}`, attribution: basemap.attribution || undefined }
    style.layers.push(...vectorLayers('basemap'))
  }
  return style
}

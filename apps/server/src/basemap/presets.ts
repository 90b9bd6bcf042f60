/**
 * Basemap presets: the one setting (BASEMAP) turned into what the console draws — raster layers
 * (Tianditu's map or imagery with its annotation layer, AMap's GCJ-02 tiles, any XYZ template or
 * TileJSON) or a vector PMTiles archive drawn with the console's own OpenMapTiles-schema style
 * (the demo county's generated one, a county's file this server serves, or one on a web server).
 */
import type { BasemapPreset, Config } from '../config.js'

export interface RasterLayer {
  /** Tile URL templates ({z}/{x}/{y}), several for the same tiles on several hosts. */
  tiles?: string[]
  /** A TileJSON document instead of templates. */
  url?: string
}

export interface BasemapSpec {
  preset: Exclude<BasemapPreset, 'auto'>
  /** Raster layers, bottom first. */
  raster: RasterLayer[]
  /** A vector PMTiles archive: a path on this server or an https URL. */
  pmtiles: string | null
  attribution: string
  /** The tiles are in GCJ-02: the console shifts what it draws onto them. */
  gcj02: boolean
  maxZoom: number
}

/** The settings a basemap is made from (configuration.md). */
export type BasemapSettings = Pick<
  Config,
  'basemap' | 'basemapUrl' | 'basemapFile' | 'tiandituKey' | 'basemapAttribution' | 'basemapGcj02' | 'basemapMaxZoom'
>

/** Where this server serves the archives it holds. */
export const DEMO_ARCHIVE_PATH = '/basemap/demo.pmtiles'
export const COUNTY_ARCHIVE_PATH = '/basemap/county.pmtiles'

const hosts = (count: number, make: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => make(i))

/** Tianditu's web-mercator (`_w`) layers: CGCS2000, which agrees with WGS-84 to well under a metre, so nothing is shifted. */
const tianditu = (layer: string, key: string): RasterLayer => ({
  tiles: hosts(8, (i) => `https://t${i}.tianditu.gov.cn/DataServer?T=${layer}_w&x={x}&y={y}&l={z}&tk=${key}`),
})
/** AMap's tiles: the road map from `webrd`, imagery and its road-and-label layer from `webst`; all in GCJ-02. */
const amap = (host: 'webrd' | 'webst', query: string): RasterLayer => ({
  tiles: hosts(4, (i) => `https://${host}0${i + 1}.is.autonavi.com/appmaptile?${query}&x={x}&y={y}&z={z}`),
})

/** The preset `auto` stands for, given the rest of the settings and whether the demo county is loaded. */
export function resolvePreset(s: BasemapSettings, demoCounty: boolean): Exclude<BasemapPreset, 'auto'> {
  if (s.basemap !== 'auto') return s.basemap
  if (s.basemapFile) return 'pmtiles'
  if (s.basemapUrl) return 'xyz'
  return demoCounty ? 'demo' : 'none'
}

export function basemapSpec(s: BasemapSettings, demoCounty: boolean): BasemapSpec {
  const preset = resolvePreset(s, demoCounty)
  const base = {
    preset,
    raster: [] as RasterLayer[],
    pmtiles: null as string | null,
    gcj02: false,
    maxZoom: s.basemapMaxZoom,
  }
  const key = s.tiandituKey ?? ''
  switch (preset) {
    case 'none':
      return { ...base, attribution: s.basemapAttribution }
    case 'demo':
      return { ...base, pmtiles: DEMO_ARCHIVE_PATH, attribution: s.basemapAttribution, maxZoom: 18 }
    case 'tianditu':
      return {
        ...base,
        raster: [tianditu('vec', key), tianditu('cva', key)],
        attribution: s.basemapAttribution || '© 天地图',
        maxZoom: Math.min(18, s.basemapMaxZoom),
      }
    case 'tianditu-imagery':
      return {
        ...base,
        raster: [tianditu('img', key), tianditu('cia', key)],
        attribution: s.basemapAttribution || '© 天地图',
        maxZoom: Math.min(18, s.basemapMaxZoom),
      }
    case 'amap':
      return {
        ...base,
        raster: [amap('webrd', 'lang=zh_cn&size=1&scale=1&style=8')],
        gcj02: true,
        attribution: s.basemapAttribution || '© 高德地图',
        maxZoom: Math.min(18, s.basemapMaxZoom),
      }
    case 'amap-imagery':
      return {
        ...base,
        raster: [amap('webst', 'style=6'), amap('webst', 'style=8')],
        gcj02: true,
        attribution: s.basemapAttribution || '© 高德地图',
        maxZoom: Math.min(18, s.basemapMaxZoom),
      }
    case 'xyz':
      return {
        ...base,
        raster: [{ tiles: [s.basemapUrl ?? ''] }],
        gcj02: s.basemapGcj02,
        attribution: s.basemapAttribution,
      }
    case 'tilejson':
      return {
        ...base,
        raster: [{ url: s.basemapUrl ?? '' }],
        gcj02: s.basemapGcj02,
        attribution: s.basemapAttribution,
      }
    case 'pmtiles':
      return {
        ...base,
        pmtiles: s.basemapFile ? COUNTY_ARCHIVE_PATH : (s.basemapUrl ?? null),
        gcj02: s.basemapGcj02,
        attribution: s.basemapAttribution || '© OpenStreetMap contributors',
      }
  }
}

/**
 * The map's base style: self-contained (a plain background and our own layers, no tile, glyph or
 * sprite URL from the internet), with an optional raster basemap when the server is configured
 * with one (BASEMAP_URL). Text (stop numbers, township names) is drawn from local fonts by maplibre.
 */
import type { StyleSpecification } from 'maplibre-gl'
import type { ServiceKind, StopStatus } from '@rb/domain'
import type { VehicleServiceStatus } from '@rb/protocol'

export interface BasemapConfig {
  /** `{z}/{x}/{y}` raster tile URL template; null = offline style. */
  url: string | null
  attribution: string
  /** Tiles are in GCJ-02 (AMap, Tencent): our WGS-84 layers are shifted for display. */
  gcj02: boolean
  maxZoom: number
}

export const STATUS_COLOURS: Record<VehicleServiceStatus, string> = {
  on_time: '#1a7f37',
  early: '#0969da',
  late: '#d4a72c',
  off_route: '#cf222e',
  offline: '#6e7781',
  not_in_service: '#8250df',
}

export const STATUS_LABELS: Record<VehicleServiceStatus, string> = {
  on_time: 'On time 准点',
  early: 'Early 早点',
  late: 'Late 晚点',
  off_route: 'Off route 偏线',
  offline: 'Offline 离线',
  not_in_service: 'Not in service 非运营',
}

export const STOP_COLOURS: Record<StopStatus, string> = {
  ok: '#2da44e',
  reported: '#e16f24',
  in_repair: '#cf222e',
  removed: '#8c959f',
}

export const KIND_LABELS: Record<ServiceKind, string> = {
  market: 'Market day 赶场车',
  student: 'Student 学生车',
  medical: 'Medical 就医车',
  regular: "People's line 民心专线",
}

/** The local font stack maplibre draws text with (no glyph server). */
export const FONT = ['Noto Sans CJK SC', 'sans-serif']

export function baseStyle(basemap: BasemapConfig): StyleSpecification {
  const style: StyleSpecification = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': basemap.url ? '#dfe3e8' : '#eef0ea' } }],
  }
  if (basemap.url) {
    style.sources.basemap = { type: 'raster', tiles: [basemap.url], tileSize: 256, maxzoom: basemap.maxZoom, attribution: basemap.attribution }
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' })
  }
  return style
}

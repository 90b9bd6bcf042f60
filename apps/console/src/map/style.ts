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

/**
 * Bus colours, one per status, none shared with a sign's colour or the emergency red (a dispatcher
 * reads a dot's colour without looking at its shape).
 */
export const STATUS_COLOURS: Record<VehicleServiceStatus, string> = {
  on_time: '#1a7f37',
  early: '#0969da',
  late: '#d4a72c',
  off_route: '#bf3989',
  layover: '#1b7c83',
  off_duty: '#afb8c1',
  not_in_service: '#8250df',
  offline: '#57606a',
}

export const STATUS_LABELS: Record<VehicleServiceStatus, string> = {
  on_time: 'On time 准点',
  early: 'Early 早点',
  late: 'Late 晚点',
  off_route: 'Off route 偏线',
  layover: 'Layover 站间休息',
  off_duty: 'Off duty 收车',
  not_in_service: 'Not in service 非运营',
  offline: 'Offline 离线',
}

/** A bus whose SOS / emergency alarm is not resolved: drawn in this red with a pulsing halo. */
export const EMERGENCY_COLOUR = '#ff1f1f'
export const EMERGENCY_LABEL = 'SOS 紧急报警'

/** Sign colours: white with a dark ring when fine, so a sign never reads as a bus. */
export const STOP_COLOURS: Record<StopStatus, string> = {
  ok: '#ffffff',
  reported: '#e16f24',
  in_repair: '#7a4100',
  removed: '#d0d7de',
}

export const STOP_LABELS: Record<StopStatus, string> = {
  ok: 'Sign OK 站牌正常',
  reported: 'Sign reported 已报修',
  in_repair: 'Sign in repair 维修中',
  removed: 'Sign removed 已撤站',
}

/** The ring around a sign (buses have a white one). */
export const STOP_STROKE = '#24292f'

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

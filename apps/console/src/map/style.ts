/**
 * What the map draws with: colours, marks and words of bus and sign states, service kinds, and the
 * local font stack. The basemap under them is `basemap-style.ts`.
 */
import type { ServiceKind, StopStatus } from '@rb/domain'
import type { VehicleServiceStatus } from '@rb/protocol'
import { t, type MessageKey } from '../i18n/index.js'

export type { BasemapConfig } from './basemap-style.js'

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

const STATUS_WORDS = {
  on_time: 'On time',
  early: 'Early',
  late: 'Late',
  off_route: 'Off route',
  layover: 'Layover',
  off_duty: 'Off duty',
  not_in_service: 'Not in service',
  offline: 'Offline',
} as const satisfies Record<VehicleServiceStatus, MessageKey>
export const statusLabel = (s: VehicleServiceStatus): string => t(STATUS_WORDS[s])

/**
 * A shape per bus status, drawn inside the dot on the map and in the legend, so a status reads
 * without its colour (colour-blind dispatchers, a grey-scale print).
 */
export const STATUS_MARKS: Record<VehicleServiceStatus, string> = {
  on_time: 'check',
  early: 'chevrons',
  late: 'bang',
  off_route: 'cross',
  layover: 'pause',
  off_duty: 'dash',
  not_in_service: 'ring',
  offline: 'dots',
}

/** A bus whose SOS / emergency alarm is not resolved: drawn in this red with a pulsing halo. */
export const EMERGENCY_COLOUR = '#ff1f1f'
export const emergencyLabel = (): string => t('SOS emergency')

/** Sign colours: white with a dark ring when fine, so a sign never reads as a bus. */
export const STOP_COLOURS: Record<StopStatus, string> = {
  ok: '#ffffff',
  reported: '#e16f24',
  in_repair: '#7a4100',
  removed: '#d0d7de',
}

const STOP_WORDS = {
  ok: 'Sign OK',
  reported: 'Sign reported',
  in_repair: 'Sign in repair',
  removed: 'Sign removed',
} as const satisfies Record<StopStatus, MessageKey>
export const stopLabel = (s: StopStatus): string => t(STOP_WORDS[s])

/** Signs are squares (buses are dots); a sign with a problem has a mark: reported "!", in repair a cross. */
export const STOP_MARKS: Record<StopStatus, string> = {
  ok: 'none',
  reported: 'bang',
  in_repair: 'cross',
  removed: 'none',
}

/** The ring around a sign (buses have a white one). */
export const STOP_STROKE = '#24292f'

const KIND_WORDS = {
  market: 'Market day',
  student: 'Student',
  medical: 'Medical',
  regular: "People's line",
} as const satisfies Record<ServiceKind, MessageKey>
export const ALL_SERVICE_KINDS = Object.keys(KIND_WORDS) as ServiceKind[]
export const kindLabel = (k: ServiceKind): string => t(KIND_WORDS[k])

/** The local font stack maplibre draws text with (no glyph server). */
export const FONT = ['Noto Sans CJK SC', 'sans-serif']

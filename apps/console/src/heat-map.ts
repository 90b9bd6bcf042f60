/**
 * The Reports view's heat map of departures by stop and hour: rows laid out as a grid (stops down
 * in route order, hours across) and a colour per cell. Pure: unit-tested. The colours run from
 * pale yellow to dark blue (one hue ramp that colour-blind readers can order) and every cell also
 * prints its figure.
 */
import type { StopHourRow } from '@rb/domain'

export interface HeatGrid {
  stops: { code: string; name: string }[]
  hours: number[]
  cells: Map<string, StopHourRow>
}

export const cellKey = (stopCode: string, hour: number): string => `${stopCode}@${hour}`

/** Stops in `order` first (a route's order of travel), the rest by code; only hours with a departure. */
export function heatGrid(rows: readonly StopHourRow[], order: readonly string[] = []): HeatGrid {
  const names = new Map<string, string>()
  for (const r of rows) names.set(r.stopCode, r.stopName)
  const rank = new Map(order.map((c, i) => [c, i]))
  const stops = [...names.keys()]
    .sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || a.localeCompare(b))
    .map((code) => ({ code, name: names.get(code) ?? '' }))
  const hours = [...new Set(rows.map((r) => r.hour))].sort((a, b) => a - b)
  return { stops, hours, cells: new Map(rows.map((r) => [cellKey(r.stopCode, r.hour), r])) }
}

/** Five steps, worst to best (on time) or best to worst (delay): yellow → green → blue → indigo. */
export const RAMP = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const

/** The ramp step of a cell: on-time share (1 = best, lightest) or mean delay in minutes (0 = best). */
export function heatStep(metric: 'onTime' | 'delay', r: Pick<StopHourRow, 'onTimeShare' | 'meanDelayS'>): number {
  if (metric === 'onTime') {
    const s = r.onTimeShare
    return s >= 0.95 ? 0 : s >= 0.85 ? 1 : s >= 0.7 ? 2 : s >= 0.5 ? 3 : 4
  }
  const m = Math.abs(r.meanDelayS) / 60
  return m < 1 ? 0 : m < 3 ? 1 : m < 5 ? 2 : m < 10 ? 3 : 4
}

/**
 * The route strip (一键可询): the stops before this one, top to bottom, and where the approaching
 * bus is among them — between the stop it left and its next stop, or at this stop. Built from the
 * departure (stops away, status) and the trip's stops; no map. Pure.
 */
import type { StopArrival, TripStop } from './model.js'

export type StripRow =
  /** Stops before the window, folded into one row (the bus may be among them). */
  | { kind: 'more'; n: number; bus: boolean }
  /** The road between two stops (or before the first one). */
  | { kind: 'gap'; bus: boolean }
  | { kind: 'stop'; stop: TripStop; here: boolean; passed: boolean; bus: boolean }

export interface StripModel {
  rows: StripRow[]
  /** Whether the bus is drawn at all (it is not before it sets out). */
  busShown: boolean
}

/** Stops shown before this one; more are folded. */
const BEFORE = 4

/** Where the bus is: at stop index `at`, or on the road just before stop index `before`. */
type BusPos = { at: number } | { before: number } | null

function busPosition(a: StopArrival, hereIdx: number): BusPos {
  if (a.status === 'at_stop') return { at: hereIdx }
  if (a.status === 'cancelled' || a.status === 'departed' || a.status === 'completed') return null
  if (a.vehicleId === null || a.stopsAway === null || a.stopsAway < 0 || a.etaTs === null) return null
  const next = hereIdx - a.stopsAway
  return next >= 0 ? { before: next } : null
}

export function stripModel(stops: readonly TripStop[], stopCode: string, a: StopArrival): StripModel | null {
  // A route may pass a stop twice: the visit this departure is about has its scheduled time.
  let hereIdx = stops.findIndex((s) => s.code === stopCode && s.scheduledTs === a.scheduledTs)
  if (hereIdx < 0) hereIdx = stops.findIndex((s) => s.code === stopCode)
  if (hereIdx < 0) return null
  const bus = busPosition(a, hereIdx)
  const gap = bus && 'before' in bus ? bus.before : null
  const at = bus && 'at' in bus ? bus.at : null
  const start = Math.max(0, hereIdx - BEFORE)
  const end = Math.min(stops.length - 1, hereIdx + 1)
  const rows: StripRow[] = []
  if (start > 0) rows.push({ kind: 'more', n: start, bus: gap !== null && gap < start })
  for (let i = start; i <= end; i++) {
    if (i > 0 || gap === 0) rows.push({ kind: 'gap', bus: gap === i })
    const reached = gap ?? at
    rows.push({
      kind: 'stop',
      stop: stops[i] as TripStop,
      here: i === hereIdx,
      passed: reached !== null && i < reached,
      bus: at === i,
    })
  }
  return { rows, busShown: bus !== null }
}

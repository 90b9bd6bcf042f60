/**
 * The replay's timeline under the map: a time axis shared by every bus played, each bus's speed
 * over time as a line, and the events (stop visits, alerts, geofence crossings, trips) as marks in
 * lanes on the same axis. Pure (no DOM): the view draws what this computes, and the unit tests
 * check it.
 */
import type { TrackPoint } from './replay.js'

/** A colour per bus played together, told apart from one another and from the map's reds and greens. */
export const REPLAY_COLOURS = ['#0969da', '#e16f24', '#8250df', '#1b7c83', '#bf8700', '#57606a'] as const
export const MAX_REPLAY_BUSES = REPLAY_COLOURS.length

export interface TimeAxis {
  startMs: number
  endMs: number
  widthPx: number
  x(ts: number): number
  ts(x: number): number
}

export function timeAxis(startMs: number, endMs: number, widthPx: number): TimeAxis {
  const span = Math.max(1, endMs - startMs)
  return {
    startMs,
    endMs,
    widthPx,
    x: (ts) => ((ts - startMs) / span) * widthPx,
    ts: (x) => startMs + (Math.min(widthPx, Math.max(0, x)) / widthPx) * span,
  }
}

const MINUTE_MS = 60_000
const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440]
/** Asia/Shanghai has had no daylight saving since 1991: local time is UTC+8. */
const LOCAL_OFFSET_MS = 8 * 3_600_000

/** Ticks at whole local minutes or hours, at least `minGapPx` apart. */
export function ticks(axis: TimeAxis, minGapPx = 70): number[] {
  const span = axis.endMs - axis.startMs
  const fit = Math.max(1, Math.floor(axis.widthPx / minGapPx))
  const stepMin = TICK_STEPS_MIN.find((m) => span / (m * MINUTE_MS) <= fit) ?? (TICK_STEPS_MIN.at(-1) as number)
  const step = stepMin * MINUTE_MS
  const first = Math.ceil((axis.startMs + LOCAL_OFFSET_MS) / step) * step - LOCAL_OFFSET_MS
  const out: number[] = []
  for (let ts = first; ts <= axis.endMs; ts += step) out.push(ts)
  return out
}

/** A round top for the speed scale: the next multiple of 20 km/h above the fastest, at least 40. */
export function speedScaleKmh(tracks: readonly (readonly TrackPoint[])[]): number {
  let max = 0
  for (const t of tracks) for (const p of t) if (p[3] > max) max = p[3]
  return Math.max(40, Math.ceil((max + 1) / 20) * 20)
}

/**
 * An SVG path of speed over time: one vertex per pixel column at most (the lowest and highest
 * speed in it, so a stop or a burst is never smoothed away), and a break wherever no fix came
 * for `maxGapMs` (a dead zone is a gap in the line, not a straight slope across it).
 */
export function speedPath(
  points: readonly TrackPoint[],
  axis: TimeAxis,
  heightPx: number,
  topKmh: number,
  maxGapMs = 120_000,
): string {
  const y = (kmh: number): number => Math.round((heightPx - (Math.min(kmh, topKmh) / topKmh) * heightPx) * 10) / 10
  const parts: string[] = []
  let column = Number.NaN
  let lo = 0
  let hi = 0
  let lastTs = Number.NaN
  let pen = 'M'
  const flush = (): void => {
    if (Number.isNaN(column)) return
    parts.push(`${pen}${column} ${y(lo)}`)
    pen = 'L'
    if (hi !== lo) parts.push(`L${column} ${y(hi)}`)
  }
  for (const p of points) {
    if (p[0] < axis.startMs || p[0] > axis.endMs) continue
    const col = Math.round(axis.x(p[0]) * 10) / 10
    const gap = !Number.isNaN(lastTs) && p[0] - lastTs > maxGapMs
    if (gap || Math.floor(col) !== Math.floor(column)) {
      flush()
      if (gap) pen = 'M'
      column = col
      lo = hi = p[3]
    } else {
      lo = Math.min(lo, p[3])
      hi = Math.max(hi, p[3])
    }
    lastTs = p[0]
  }
  flush()
  return parts.join('')
}

export type MarkKind = 'stop' | 'alert' | 'geofence' | 'trip' | 'other'
/** Lanes top to bottom. */
export const MARK_KINDS: readonly MarkKind[] = ['alert', 'geofence', 'stop', 'trip', 'other']

/** Which lane a stored event or an alert goes in. */
export function markKind(type: string): MarkKind {
  if (type === 'arrival' || type === 'departure' || type === 'stop_passed' || type.startsWith('stop_')) return 'stop'
  if (type.startsWith('geofence')) return 'geofence'
  if (type.startsWith('trip_') || type === 'link' || type === 'unlink') return 'trip'
  if (type === 'alert' || type.startsWith('alert')) return 'alert'
  return 'other'
}

export interface TimelineEvent {
  ts: number
  vehicleId: string
  /** An event type (`arrival`, `geofence_enter` …) or, for an alert, `alert`. */
  type: string
  label: string
}

export interface PlacedMark extends TimelineEvent {
  kind: MarkKind
  x: number
  lane: number
}

/** Events inside the axis, placed: x from their time, lane from their kind; oldest first. */
export function placeMarks(events: readonly TimelineEvent[], axis: TimeAxis): PlacedMark[] {
  return events
    .filter((e) => e.ts >= axis.startMs && e.ts <= axis.endMs)
    .map((e) => {
      const kind = markKind(e.type)
      return { ...e, kind, x: Math.round(axis.x(e.ts) * 10) / 10, lane: MARK_KINDS.indexOf(kind) }
    })
    .sort((a, b) => a.ts - b.ts)
}

/** The mark nearest to `x` within `tolerancePx`, for a click on the timeline. */
export function markAt(marks: readonly PlacedMark[], x: number, lane: number, tolerancePx = 5): PlacedMark | null {
  let best: PlacedMark | null = null
  for (const m of marks)
    if (m.lane === lane && Math.abs(m.x - x) <= tolerancePx && (!best || Math.abs(m.x - x) < Math.abs(best.x - x)))
      best = m
  return best
}

/** The time range every track played together covers; null when none has a fix. */
export function playRange(tracks: readonly (readonly TrackPoint[])[]): [number, number] | null {
  let start = Infinity
  let end = -Infinity
  for (const t of tracks) {
    if (t.length === 0) continue
    start = Math.min(start, (t[0] as TrackPoint)[0])
    end = Math.max(end, (t.at(-1) as TrackPoint)[0])
  }
  return Number.isFinite(start) ? [start, end] : null
}

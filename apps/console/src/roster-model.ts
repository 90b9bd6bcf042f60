/**
 * The roster board's model, without the DOM: the wire shapes of `/api/roster`, where a trip sits on
 * the day's time axis, which trips of a lane collide, how driving time and refusals read, and what
 * moving a trip from one duty to another changes and asks of the server.
 */
import type { DutyView, RosterLimits, RosterTrip, RosterView } from '@rb/domain'
import { clock } from './ui/format.js'
import { t } from './i18n/index.js'

/** The wire shapes of `/api/roster` (defined once in @rb/domain, read here as types only). */
export type { RosterLimits, RosterTrip }
/** A driver and a vehicle running trips in order on one service day; `startTs`/`endTs` null with no trips. */
export type Duty = DutyView
export type RosterDay = RosterView

// ── Dates (service days are Asia/Shanghai, UTC+8 all year) ──

const HOUR_MS = 3_600_000

/** Midnight of a service day, Asia/Shanghai. */
export const dayStartMs = (date: string): number => Date.parse(`${date}T00:00:00+08:00`)
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
/** ISO weekday of a date: 1 Monday … 7 Sunday (as calendars and templates count them). */
export const isoWeekday = (date: string): number => new Date(Date.parse(`${date}T00:00:00Z`)).getUTCDay() || 7

// ── The time axis ──

/** The hours the board shows, widened to whole hours when a trip runs earlier or later. */
export interface Axis {
  startTs: number
  endTs: number
  /** Whole hours from the start to the end, for the ticks (5 … 22). */
  hours: number[]
}

export const AXIS_FROM_H = 5
export const AXIS_TO_H = 22

export function axisFor(date: string, trips: readonly RosterTrip[]): Axis {
  const day0 = dayStartMs(date)
  let fromH = AXIS_FROM_H
  let toH = AXIS_TO_H
  for (const t of trips) {
    fromH = Math.min(fromH, Math.floor((t.departureTs - day0) / HOUR_MS))
    toH = Math.max(toH, Math.ceil((t.endTs - day0) / HOUR_MS))
  }
  const hours: number[] = []
  for (let h = fromH; h <= toH; h++) hours.push(h)
  return { startTs: day0 + fromH * HOUR_MS, endTs: day0 + toH * HOUR_MS, hours }
}

/** Share of the axis, in percent, at an instant (clamped to the axis). */
export function axisPct(axis: Axis, ts: number): number {
  const pct = ((ts - axis.startTs) / (axis.endTs - axis.startTs)) * 100
  return Math.min(100, Math.max(0, pct))
}

/** A trip drawn in a lane: where it starts and how wide, in percent of the axis; its row when trips overlap. */
export interface Block {
  trip: RosterTrip
  leftPct: number
  widthPct: number
  row: number
  /** It overlaps another running trip of the same lane (a conflict in a duty). */
  overlaps: boolean
}

/**
 * The narrowest a block is drawn, in percent of the axis (about 36 min of 17 h, so the departure
 * time fits and a five-minute trip can still be grabbed). Rows are laid out by what is drawn.
 */
export const MIN_WIDTH_PCT = 3.5

const running = (t: RosterTrip): boolean => t.status === 'scheduled'
const MIN_MS = 60_000

/**
 * Ids of the running trips one bus and driver cannot both run: they overlap, counting
 * `turnaroundMin` after each scheduled end (as the server counts; 0 when it does not say).
 */
export function overlapping(trips: readonly RosterTrip[], turnaroundMin = 0): Set<string> {
  const gap = turnaroundMin * MIN_MS
  const out = new Set<string>()
  const live = trips.filter(running).sort((a, b) => a.departureTs - b.departureTs)
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const a = live[i] as RosterTrip
      const b = live[j] as RosterTrip
      if (b.departureTs >= a.endTs + gap) break
      out.add(a.instanceId).add(b.instanceId)
    }
  }
  return out
}

export interface LaneOptions {
  /** Mark trips one crew cannot run together (a duty's lane; not the unassigned trips). */
  clashes?: boolean
  turnaroundMin?: number
  minWidthPct?: number
}

/**
 * Blocks of one lane in departure order; a block that would cover another goes to the next free
 * row (first fit), so every trip stays visible. `rows` is how many rows the lane needs.
 */
export function layoutLane(
  axis: Axis,
  trips: readonly RosterTrip[],
  opts: LaneOptions = {},
): { blocks: Block[]; rows: number } {
  const clash = opts.clashes === false ? new Set<string>() : overlapping(trips, opts.turnaroundMin)
  const minWidth = opts.minWidthPct ?? MIN_WIDTH_PCT
  const rowEnds: number[] = []
  const blocks = [...trips]
    .sort((a, b) => a.departureTs - b.departureTs || a.instanceId.localeCompare(b.instanceId))
    .map((trip) => {
      const leftPct = axisPct(axis, trip.departureTs)
      const widthPct = Math.max(minWidth, axisPct(axis, trip.endTs) - leftPct)
      // A hair of slack: back-to-back trips share a row.
      let row = rowEnds.findIndex((end) => end <= leftPct + 1e-9)
      if (row === -1) row = rowEnds.push(leftPct + widthPct) - 1
      else rowEnds[row] = leftPct + widthPct
      return { trip, leftPct, widthPct, row, overlaps: clash.has(trip.instanceId) }
    })
  return { blocks, rows: Math.max(1, rowEnds.length) }
}

// ── How a duty reads ──

/** `5 h 20 min` from minutes. */
export function hoursText(min: number): string {
  const m = Math.round(min)
  const h = Math.floor(m / 60)
  const r = m % 60
  return h === 0
    ? t('{n} min', { n: r })
    : r === 0
      ? t('{n} h', { n: h })
      : `${t('{n} h', { n: h })} ${t('{n} min', { n: r })}`
}

/** Driving time against the daily limit: the words, the bar's share (capped at 100) and whether it is over. */
export function drivingGauge(drivingMin: number, limitMin: number): { text: string; pct: number; over: boolean } {
  const over = drivingMin > limitMin
  return {
    text: `${hoursText(drivingMin)} / ${hoursText(limitMin)}`,
    pct: limitMin > 0 ? Math.min(100, (drivingMin / limitMin) * 100) : 100,
    over,
  }
}

/** What a duty's lane warns about before the server's own problems: overlaps, driving time, seats. */
export function laneWarnings(duty: Duty, limits: RosterLimits, vehicleSeats: number | undefined): string[] {
  const out: string[] = []
  const limitMin = limits.dailyDrivingMin
  const clash = overlapping(duty.trips, limits.turnaroundMin)
  if (clash.size > 0)
    out.push(
      `${t('Overlapping trips:')} ${duty.trips
        .filter((t) => clash.has(t.instanceId))
        .map((t) => `${clock(t.departureTs)} ${t.routeName}`)
        .join(', ')}`,
    )
  if (duty.drivingMin > limitMin)
    out.push(`${t('Over the daily driving limit:')} ${hoursText(duty.drivingMin)} > ${hoursText(limitMin)}`)
  if (vehicleSeats !== undefined) {
    const full = duty.trips.filter((t) => running(t) && t.bookedSeats > vehicleSeats)
    if (full.length > 0)
      out.push(
        `${t('Too few seats ({n}):', { n: vehicleSeats })} ${full.map((x) => `${clock(x.departureTs)} ${t('{n} seats booked', { n: x.bookedSeats })}`).join(', ')}`,
      )
  }
  return out
}

/** The lines a lane shows: the server's problems, then what the board sees that the server did not say. */
export function problemLines(duty: Duty, limits: RosterLimits, vehicleSeats: number | undefined): string[] {
  const server = duty.problems.filter((p) => p.trim() !== '')
  if (server.length > 0) return server
  return laneWarnings(duty, limits, vehicleSeats)
}

/**
 * The words of a refused change, as the person who made it should read them: each of the server's
 * problems on its own line, or its message when it gave none.
 */
export function refusalLines(message: string, details: unknown): string[] {
  const problems = (details as { problems?: unknown } | null | undefined)?.problems
  const lines = Array.isArray(problems)
    ? problems.filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    : []
  return lines.length > 0 ? lines : [message]
}

/** Duties in the order the board lists them: earliest start first, empty duties last, then by vehicle. */
export function sortDuties(duties: readonly Duty[]): Duty[] {
  const key = (d: Duty): number => d.startTs ?? Number.POSITIVE_INFINITY
  return [...duties].sort((a, b) => key(a) - key(b) || a.vehicleId.localeCompare(b.vehicleId))
}

// ── Moving a trip ──

/** Where a trip is now: a duty's id, or null when unassigned; undefined when the day does not hold it. */
export function whereIs(day: RosterDay, instanceId: string): string | null | undefined {
  for (const d of day.duties) if (d.trips.some((t) => t.instanceId === instanceId)) return d.id
  return day.unassigned.some((t) => t.instanceId === instanceId) ? null : undefined
}

const byDeparture = (a: RosterTrip, b: RosterTrip): number => a.departureTs - b.departureTs

function withTrips(duty: Duty, trips: RosterTrip[]): Duty {
  const live = trips.filter(running)
  const drivingMin = Math.round(live.reduce((sum, t) => sum + (t.endTs - t.departureTs), 0) / MIN_MS)
  return {
    ...duty,
    trips,
    drivingMin,
    startTs: live.length > 0 ? Math.min(...live.map((t) => t.departureTs)) : null,
    endTs: live.length > 0 ? Math.max(...live.map((t) => t.endTs)) : null,
  }
}

/**
 * The day as it would be with the trip moved into duty `to` (null: back to unassigned), for the
 * board to draw while the server decides. Driving time and span are recounted from the trips;
 * problems stay the server's until it answers. The same day back when nothing would change.
 */
export function moveTrip(day: RosterDay, instanceId: string, to: string | null): RosterDay {
  const from = whereIs(day, instanceId)
  if (from === undefined || from === to || (to !== null && !day.duties.some((d) => d.id === to))) return day
  const trip =
    from === null
      ? day.unassigned.find((t) => t.instanceId === instanceId)
      : day.duties.find((d) => d.id === from)?.trips.find((t) => t.instanceId === instanceId)
  if (!trip) return day
  const duties = day.duties.map((d) => {
    if (d.id === from)
      return withTrips(
        d,
        d.trips.filter((t) => t.instanceId !== instanceId),
      )
    if (d.id === to) return withTrips(d, [...d.trips, trip].sort(byDeparture))
    return d
  })
  const unassigned =
    from === null
      ? day.unassigned.filter((t) => t.instanceId !== instanceId)
      : to === null
        ? [...day.unassigned, trip].sort(byDeparture)
        : day.unassigned
  return { ...day, duties, unassigned }
}

/** One HTTP call of the roster API. */
export interface RosterRequest {
  method: 'POST' | 'PUT'
  path: string
  body: Record<string, unknown>
}

/**
 * What the server is asked to move the trip: into a duty, `POST …/duties/:id/trips` (the server
 * takes it out of its old duty); back to unassigned, the old duty's trips without it. Null when
 * nothing would change.
 */
export function moveRequest(day: RosterDay, instanceId: string, to: string | null): RosterRequest | null {
  const from = whereIs(day, instanceId)
  if (from === undefined || from === to) return null
  if (to !== null)
    return {
      method: 'POST',
      path: `/api/roster/duties/${encodeURIComponent(to)}/trips`,
      body: { tripInstanceId: instanceId },
    }
  const duty = day.duties.find((d) => d.id === from)
  if (!duty) return null
  return {
    method: 'PUT',
    path: `/api/roster/duties/${encodeURIComponent(duty.id)}`,
    body: { tripInstanceIds: duty.trips.filter((t) => t.instanceId !== instanceId).map((t) => t.instanceId) },
  }
}

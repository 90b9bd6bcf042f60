/**
 * ETA to the stops ahead of a tracked bus. The bus is walked forward from where its last fix put
 * it: each leg takes the observed mean travel time of that leg (history, when there is enough of
 * it) or the timetable's, each stop its observed or default dwell — both scaled by the bus's own
 * pace on this trip so far (pace.ts) — and the bus does not leave a stop before its scheduled time
 * (leaving early is against the rules and raises an alert). The current delay is therefore carried
 * forward, and absorbed where the timetable has slack. A bus still at its first stop leaves when
 * history says this route's (and driver's) buses leave. No ETA is earlier than `now`, the real
 * clock of the host — not the last fix's time. Pure.
 */
import type { InstanceStop, TripInstance } from '../network/timetable.js'
import { NEUTRAL_PACE, tripPace } from './pace.js'
import { DEFAULT_SERVICE_RULES } from './service.js'
import type { TrackerState } from './types.js'

/** Observed means of one leg (from a stop to the next), from stored stop visits. */
export interface SegmentStat {
  /** Mean travel time from leaving stop `fromSeq` to arriving at the next, seconds. */
  travelS: number
  /** Mean dwell at the stop `fromSeq`, seconds (null when not observed). */
  dwellS: number | null
  /** Observations behind the means. */
  n: number
}

/**
 * How hard the wait for the timetable at a stop the bus may drive through is leaned early: the
 * share of it counted is the chance the stop is served to this power (served 70 % of the time:
 * a third of the wait).
 */
export const HOLD_LEAN = 3

export type SegmentStats = (routeId: string, direction: 0 | 1, fromSeq: number) => SegmentStat | undefined

export const noSegmentStats: SegmentStats = () => undefined

/** Typical delay of leaving the first stop, from history (a median: most buses leave on time). */
export interface StartStat {
  delayS: number
  n: number
}

/** Start history of a route (direction) and of a driver; undefined when none. */
export interface StartStats {
  route(routeId: string, direction: 0 | 1): StartStat | undefined
  driver(driverId: string): StartStat | undefined
}

export const noStartStats: StartStats = { route: () => undefined, driver: () => undefined }

/**
 * When a bus waiting at its first stop is expected to leave, seconds after the scheduled departure:
 * the driver's typical start blended with the route's, the driver's counting more as it has more
 * starts; nothing (on time) without history.
 */
export function expectedStartDelayS(
  stats: StartStats,
  routeId: string,
  direction: 0 | 1,
  driverId: string | null,
  minN = 3,
): number {
  const route = stats.route(routeId, direction)
  const driver = driverId ? stats.driver(driverId) : undefined
  const r = route && route.n >= minN ? route.delayS : 0
  if (!driver || driver.n < minN) return Math.max(0, r)
  const w = driver.n / (driver.n + 5)
  return Math.max(0, w * driver.delayS + (1 - w) * r)
}

export interface EtaInput {
  instance: Pick<TripInstance, 'routeId' | 'direction' | 'departureTs' | 'stops'>
  state: Pick<TrackerState, 'progressM' | 'lastTs' | 'visits' | 'nextStopSeq'> & { lastFix?: TrackerState['lastFix'] }
  stats: SegmentStats
  /** The host's clock, epoch ms: no ETA before it. Default the last fix's time (tests). */
  now?: number
  /** Observations needed before history replaces the timetable. */
  minObservations?: number
  defaultDwellS: number
  holdAtStops: boolean
  /** Blend the bus's own pace on this trip in (default true). */
  ownPace?: boolean
  /** Expected delay of leaving the first stop, seconds (expectedStartDelayS); default 0. */
  startDelayS?: number
  /** Half-width of a stop zone, metres (visits are timed at zone edges); default 40. */
  stopZoneM?: number
  /** How today's buses drive the timetable's legs where there is no history (factor, default 1): the start of each trip's own pace. */
  timetablePace?: number
  /** Per leg (by the seq it leaves), how today's buses drive the timetable there; replaces `timetablePace` when given. */
  timetableLegPace?: (fromSeq: number) => number
  /** Seconds of legs without history before the trip's own pace counts half against them. */
  timetableHalfS?: number
  /** Share of stops today's buses drove through without stopping (default 0): the start of this trip's own share. */
  passSharePrior?: number
  /** Per stop, the share of buses that drove through it today (replaces `passSharePrior` when given). */
  stopPassShare?: (stopCode: string) => number
}

/**
 * The timetable's travel time of the leg from stops[i] to stops[i+1] as the engine times a leg
 * driven (from the far edge of one stop zone to the near edge of the next), seconds. `dwellS` is
 * the dwell assumed at stops[i] (the timetable's leg includes it; none at the first stop).
 */
export function timetableEdgeLegS(stops: readonly InstanceStop[], i: number, dwellS: number, zoneM: number): number {
  const a = stops[i] as InstanceStop
  const b = stops[i + 1] as InstanceStop
  const legS = Math.max(0, (b.arrivalTs - a.arrivalTs) / 1000 - (i === 0 ? 0 : dwellS))
  const span = b.distM - a.distM
  return span <= 2 * zoneM ? legS : legS * ((span - 2 * zoneM) / span)
}

export interface StopEta {
  seq: number
  stopCode: string
  scheduledTs: number
  /** Predicted arrival, epoch ms. */
  etaTs: number
}

/** Predicted arrivals at every stop the bus has not reached yet, in order. */
export function predictArrivals(input: EtaInput): StopEta[] {
  const { instance, state, stats, defaultDwellS, holdAtStops } = input
  const minN = input.minObservations ?? 3
  const stops = [...instance.stops].sort((a, b) => a.seq - b.seq)
  if (state.progressM === null || state.lastTs === null || stops.length === 0) return []
  /** Where the bus was seen last: the walk starts there. */
  const at = state.lastTs
  /** No ETA before the real clock. */
  const now = Math.max(at, input.now ?? at)
  const stat = (fromIdx: number): SegmentStat | undefined => {
    const s = stats(instance.routeId, instance.direction, (stops[fromIdx] as InstanceStop).seq)
    return s && s.n >= minN ? s : undefined
  }
  /** Expected travel time of the leg from stops[i] to stops[i+1], seconds: history, else the timetable. */
  const legFactor = (i: number): number =>
    input.timetableLegPace ? input.timetableLegPace((stops[i] as InstanceStop).seq) : 1
  const baseLegS = (i: number): number => {
    const observed = stat(i)?.travelS
    if (observed !== undefined) return observed
    const a = stops[i] as InstanceStop
    const b = stops[i + 1] as InstanceStop
    // The timetable's leg includes the dwell at the stop it leaves (none at the first).
    return Math.max(0, (b.arrivalTs - a.arrivalTs) / 1000 - (i === 0 ? 0 : baseDwellS(i))) * legFactor(i)
  }
  const baseDwellS = (i: number): number => stat(i)?.dwellS ?? defaultDwellS
  // History times legs edge to edge of the stop zones, the timetable stop to stop: the pace compares like with like.
  const zoneM = input.stopZoneM ?? 40
  const edgeLegS = (i: number): number =>
    stat(i) ? baseLegS(i) : timetableEdgeLegS(stops, i, baseDwellS(i), zoneM) * legFactor(i)
  const pace =
    input.ownPace === false
      ? NEUTRAL_PACE
      : tripPace({
          stops,
          visits: state.visits,
          progressM: state.progressM,
          lastTs: at,
          expectedLegS: edgeLegS,
          expectedDwellS: baseDwellS,
          hasHistory: (i) => stat(i) !== undefined,
          timetablePrior: input.timetableLegPace ? 1 : (input.timetablePace ?? 1),
          timetableHalfS: input.timetableHalfS,
        })
  const legS = (i: number): number => baseLegS(i) * (stat(i) ? pace.history : pace.timetable)
  const dwellS = (i: number): number => baseDwellS(i) * pace.dwell
  // A stop nobody waits at is driven through, early or not: the share of this trip's stops passed so
  // far — starting from today's share at that stop (else over the network), worth three stops — is
  // the chance a stop ahead is.
  const judged = state.visits.filter((v, k) => k > 0 && v.departureTs !== null)
  const passedSoFar = judged.filter((v) => v.passedWithoutStopping).length
  const passShare = (i: number): number => {
    if (input.ownPace === false) return 0
    const prior = input.stopPassShare
      ? input.stopPassShare((stops[i] as InstanceStop).stopCode)
      : (input.passSharePrior ?? 0)
    return (passedSoFar + 3 * prior) / (judged.length + 3)
  }
  // The wait for the timetable is leaned early much more than the dwell: a rider told too early waits
  // a little, one told too late misses the bus — and a wait is minutes where a dwell is seconds.
  const holdShareAt = (i: number): number => (1 - passShare(i)) ** HOLD_LEAN
  /** Leaving stops[i] reached at `arrivalTs`: its dwell as likely as the stop is served, the wait for its time leaned early. */
  const leave = (i: number, arrivalTs: number): number => {
    const stop = stops[i] as InstanceStop
    const t = arrivalTs + (i === 0 ? 0 : dwellS(i) * 1000)
    const served = holdAtStops ? Math.max(t, i === 0 ? instance.departureTs : stop.arrivalTs) : t
    if (i === 0 || i === stops.length - 1) return served
    return arrivalTs + (1 - passShare(i)) * (t - arrivalTs) + holdShareAt(i) * (served - t)
  }

  const nextIdx = state.nextStopSeq === null ? -1 : stops.findIndex((x) => x.seq === state.nextStopSeq)
  if (nextIdx < 0) return []
  const last = state.visits.at(-1)
  const dwelling = last !== undefined && last.departureTs === null && last.seq === state.nextStopSeq

  const out: StopEta[] = []
  const push = (i: number, arrivalTs: number): number => {
    const stop = stops[i] as InstanceStop
    const etaTs = Math.round(Math.max(arrivalTs, now))
    out.push({ seq: stop.seq, stopCode: stop.stopCode, scheduledTs: stop.arrivalTs, etaTs })
    return etaTs
  }
  let i: number
  let leaveTs: number
  if (nextIdx === 0) {
    // At (or on the way to) the first stop: it leaves when this route's and driver's buses leave, or now if that has passed.
    i = 0
    leaveTs = Math.max(now, instance.departureTs + (input.startDelayS ?? 0) * 1000)
  } else if (dwelling) {
    i = nextIdx
    const elapsedS = (at - last.arrivalTs) / 1000
    leaveTs = at + Math.max(0, dwellS(i) - elapsedS) * 1000
    // Standing in the zone it serves the stop and does not leave before its time; still moving, it
    // may be driving through: its wait is leaned as a stop's ahead.
    const standing = (state.lastFix?.speedKmh ?? 0) <= DEFAULT_SERVICE_RULES.stopSpeedKmh
    const wait = Math.max(0, (stops[i] as InstanceStop).arrivalTs - leaveTs)
    if (holdAtStops) leaveTs += (standing ? 1 : holdShareAt(i)) * wait
  } else {
    // Between two stops: the part of the leg still ahead at the leg's pace.
    const a = stops[nextIdx - 1] as InstanceStop
    const b = stops[nextIdx] as InstanceStop
    const span = b.distM - a.distM
    const left = span <= 0 ? 0 : Math.min(1, Math.max(0, (b.distM - state.progressM) / span))
    const arrival = push(nextIdx, at + left * legS(nextIdx - 1) * 1000)
    i = nextIdx
    leaveTs = leave(i, arrival)
  }
  for (; i + 1 < stops.length; i++) leaveTs = leave(i + 1, push(i + 1, leaveTs + legS(i) * 1000))
  return out
}

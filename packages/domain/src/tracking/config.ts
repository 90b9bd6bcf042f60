/** Tuning of the tracking engine beyond the per-trip tracker; every name carries its unit. */
import { DEFAULT_TRACKER_CONFIG, type TrackerConfig } from './types.js'
import type { Punctuality } from './views.js'

export interface MatchConfig {
  /** A fix farther than this from a candidate trip's line does not support it, metres. */
  spatialM: number
  /** Largest angle between the fix's heading and the line's bearing, degrees. */
  headingToleranceDeg: number
  /** Headings of slower fixes are not trusted, km/h. */
  headingMinSpeedKmh: number
  /** A vehicle must have moved this far forward along a candidate before it is matched, metres. */
  minMoveM: number
  /** ...and be moving at least this fast on its newest fix (a parked bus is never matched), km/h. */
  minSpeedKmh: number
  /** Added to the score of a candidate whose route belongs to another operator (a lent bus still matches), seconds. */
  foreignOperatorPenaltyS: number
  /** Added to the score of a candidate the roster gives to another vehicle that has not started it, seconds. */
  otherVehiclePenaltyS: number
  /** How early against the timetable a vehicle may be and still match, seconds. */
  earlyS: number
  /** How late, seconds. */
  lateS: number
  /** A second early weighs this many seconds late in the score. */
  earlyWeight: number
  /** An inferred run that has visited this many stops of its trip is right, even off route on a detour. */
  trustedAfterStops: number
  /** An inferred match off route this long is a bad match and is dropped, seconds. */
  badMatchOffRouteS: number
  /** After this many bad matches within `badMatchWindowS`, no inference for `badMatchPauseS`. */
  maxBadMatches: number
  badMatchWindowS: number
  badMatchPauseS: number
  /** Recent fixes kept for matching (replayed into the tracker once matched), seconds. */
  recentWindowS: number
}

export interface AlertConfig {
  /** Off route this long raises `off_route`, seconds. */
  offRouteMinS: number
  /** Back within 80 % of the off-route distance this long clears it, seconds. */
  offRouteClearS: number
  /** Speed limit when the route has none, or off trip, km/h (rural roads). */
  defaultSpeedLimitKmh: number
  /** Tolerance above the limit, km/h. */
  overspeedToleranceKmh: number
  /** Above limit + tolerance this long raises `overspeed`, seconds. */
  overspeedMinS: number
  /** At or below the limit this long clears it, seconds. */
  overspeedClearS: number
  /** Not departed this long after the scheduled departure raises `late_start`, seconds. */
  lateStartS: number
  /** Leaving a stop this much before its scheduled time raises `early_departure`, seconds. */
  earlyDepartureS: number
  /** No data this long from a vehicle in service raises `offline`, seconds. */
  offlineAfterS: number
}

export interface EngineConfig {
  tracker: TrackerConfig
  match: MatchConfig
  alerts: AlertConfig
  /** The county's lateness policy: delay above this is late, seconds. */
  lateThresholdS: number
  /** Delay below minus this is early, seconds. */
  earlyThresholdS: number
  /** A trip no vehicle has started this long after its departure is missed (alert "trip not run"), seconds. */
  missedGraceS: number
  /** A trip that became missed longer ago than this (before the server ran, say) is classified without an alert, seconds. */
  missedAlertMaxAgeS: number
  /** A vehicle off trip whose next rostered trip departs within this is on layover, not off duty, seconds. */
  layoverAheadS: number
  /** A trip whose last stop is reached ends this long after (the bus is free for the next one), seconds. */
  endAfterLastStopS: number
  /** A trip not finished this long after its scheduled end is abandoned, seconds. */
  abandonAfterS: number
  /** An ETA stands this long after the bus's last fix; past it riders see the timetable and the fix's age, seconds. */
  etaGraceS: number
  /** A bus silent this long on a trip: the trip is lost (trip board), seconds. */
  lostAfterS: number
  /** Dwell assumed at a stop without history, seconds. */
  defaultDwellS: number
  /** A bus does not leave a stop before its scheduled time (the early-departure rule), so ETAs hold there too. */
  holdAtStops: boolean
}

export const DEFAULT_ENGINE_CONFIG: Readonly<EngineConfig> = Object.freeze({
  tracker: { ...DEFAULT_TRACKER_CONFIG },
  match: {
    spatialM: 60,
    headingToleranceDeg: 60,
    headingMinSpeedKmh: 8,
    minMoveM: 20,
    minSpeedKmh: 8,
    foreignOperatorPenaltyS: 120,
    otherVehiclePenaltyS: 300,
    earlyS: 15 * 60,
    lateS: 40 * 60,
    earlyWeight: 4,
    trustedAfterStops: 3,
    badMatchOffRouteS: 240,
    maxBadMatches: 3,
    badMatchWindowS: 3600,
    badMatchPauseS: 900,
    recentWindowS: 20 * 60,
  },
  alerts: {
    offRouteMinS: 60,
    offRouteClearS: 30,
    defaultSpeedLimitKmh: 60,
    overspeedToleranceKmh: 5,
    overspeedMinS: 20,
    overspeedClearS: 30,
    lateStartS: 300,
    earlyDepartureS: 60,
    offlineAfterS: 180,
  },
  lateThresholdS: 300,
  earlyThresholdS: 60,
  missedGraceS: 600,
  missedAlertMaxAgeS: 1800,
  layoverAheadS: 3 * 3600,
  endAfterLastStopS: 60,
  abandonAfterS: 3600,
  etaGraceS: 120,
  lostAfterS: 900,
  defaultDwellS: 20,
  holdAtStops: true,
})

export type EngineConfigInput = Partial<Omit<EngineConfig, 'tracker' | 'match' | 'alerts'>> & {
  tracker?: Partial<TrackerConfig>
  match?: Partial<MatchConfig>
  alerts?: Partial<AlertConfig>
}

export function engineConfig(input: EngineConfigInput = {}): EngineConfig {
  return {
    ...DEFAULT_ENGINE_CONFIG,
    ...input,
    tracker: { ...DEFAULT_ENGINE_CONFIG.tracker, ...input.tracker },
    match: { ...DEFAULT_ENGINE_CONFIG.match, ...input.match },
    alerts: { ...DEFAULT_ENGINE_CONFIG.alerts, ...input.alerts },
  }
}

/** The county's lateness policy as the engine takes it (county settings; one rule everywhere). */
export interface LatenessPolicy {
  earlyS: number
  lateS: number
  missedGraceS: number
}

/** A delay judged by the policy: more than `lateS` behind is late, more than `earlyS` ahead is early. */
export function punctualityOf(
  delayS: number | null,
  cfg: Pick<EngineConfig, 'lateThresholdS' | 'earlyThresholdS'>,
): Punctuality | null {
  if (delayS === null) return null
  if (delayS > cfg.lateThresholdS) return 'late'
  if (delayS < -cfg.earlyThresholdS) return 'early'
  return 'on_time'
}

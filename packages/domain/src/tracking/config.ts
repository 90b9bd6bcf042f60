/** Tuning of the tracking engine beyond the per-trip tracker; every name carries its unit. */
import { DEFAULT_TRACKER_CONFIG, type TrackerConfig } from './types.js'

export interface MatchConfig {
  /** A fix farther than this from a candidate trip's line does not support it, metres. */
  spatialM: number
  /** Largest angle between the fix's heading and the line's bearing, degrees. */
  headingToleranceDeg: number
  /** Headings of slower fixes are not trusted, km/h. */
  headingMinSpeedKmh: number
  /** A vehicle must have moved this far along a candidate before it is matched (a parked bus never is), metres. */
  minMoveM: number
  /** How early against the timetable a vehicle may be and still match, seconds. */
  earlyS: number
  /** How late, seconds. */
  lateS: number
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
  /** Delay above which a running trip shows as late, seconds. */
  lateThresholdS: number
  /** Delay below minus this shows as early, seconds. */
  earlyThresholdS: number
  /** A trip whose last stop is reached ends this long after (the bus is free for the next one), seconds. */
  endAfterLastStopS: number
  /** A trip not finished this long after its scheduled end is abandoned, seconds. */
  abandonAfterS: number
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
    minMoveM: 150,
    earlyS: 15 * 60,
    lateS: 40 * 60,
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
  earlyThresholdS: 120,
  endAfterLastStopS: 60,
  abandonAfterS: 3600,
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

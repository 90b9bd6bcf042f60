/**
 * County settings: the rules a county chooses rather than the code. One lateness policy serves the
 * console, the villager page, the reports and GTFS-Realtime; the missed-trip grace and the driver's
 * daily driving limit sit beside it. Durations carry their unit in the name.
 */
import type { PioneerRule } from '../engagement/ratings.js'

export interface LatenessSettings {
  /** Leaving more than this before the timetable is early, seconds. */
  earlyS: number
  /** Leaving (or being) more than this after the timetable is late, seconds. */
  lateS: number
}

export interface CountySettings {
  lateness: LatenessSettings
  /** A trip no bus has started this long after its departure is missed, seconds. */
  missedGraceS: number
  /** Most a driver may drive in one service day, minutes. */
  dailyDrivingLimitMin: number
  /** Points a grid reporter earns for a confirmed report (docs/engagement.md#grid-reporters). */
  gridPoints: GridPointsSettings
  /** The 先锋司机 badge's rule: average stars over enough ratings, no upheld complaint. */
  pioneer: PioneerRule
}

/** Points per confirmed report, by what it reported; rejected and duplicate reports earn none. */
export interface GridPointsSettings {
  /** A stop sign damaged, missing, faded, blocked. */
  sign: number
  /** A road hazard: pothole, broken manhole cover, other. */
  road: number
  /** A hazard that may stop the buses: landslide, flooding. */
  critical: number
}

/** A partial update: any top-level key, and either half of `lateness`. */
export interface CountySettingsPatch {
  lateness?: Partial<LatenessSettings>
  missedGraceS?: number
  dailyDrivingLimitMin?: number
  gridPoints?: Partial<GridPointsSettings>
  pioneer?: Partial<PioneerRule>
}

/** The top-level keys, one stored row each. */
export const SETTING_KEYS = ['lateness', 'missedGraceS', 'dailyDrivingLimitMin', 'gridPoints', 'pioneer'] as const
export type SettingKey = (typeof SETTING_KEYS)[number]

export const DEFAULT_COUNTY_SETTINGS: Readonly<CountySettings> = Object.freeze({
  lateness: Object.freeze({ earlyS: 60, lateS: 300 }),
  missedGraceS: 600,
  dailyDrivingLimitMin: 480,
  gridPoints: Object.freeze({ sign: 5, road: 10, critical: 30 }),
  pioneer: Object.freeze({ minAverage: 4.8, minRatings: 50, ratingDays: 90, complaintDays: 90 }),
})

export interface Range {
  min: number
  max: number
  unit: 's' | 'min' | 'pt' | 'stars' | 'ratings' | 'days'
  /** Values are multiples of this (0.1 stars); whole numbers when absent. */
  step?: number
}

/** Accepted values, inclusive; whole numbers unless a step says otherwise. */
export const SETTING_LIMITS = Object.freeze({
  'lateness.earlyS': { min: 0, max: 1800, unit: 's' },
  'lateness.lateS': { min: 30, max: 3600, unit: 's' },
  missedGraceS: { min: 60, max: 7200, unit: 's' },
  // Chinese rules for passenger drivers allow 8 h a day; a county may set less, or a little more for a long market day.
  dailyDrivingLimitMin: { min: 60, max: 720, unit: 'min' },
  'gridPoints.sign': { min: 1, max: 1000, unit: 'pt' },
  'gridPoints.road': { min: 1, max: 1000, unit: 'pt' },
  'gridPoints.critical': { min: 1, max: 1000, unit: 'pt' },
  'pioneer.minAverage': { min: 1, max: 5, unit: 'stars', step: 0.1 },
  'pioneer.minRatings': { min: 1, max: 10000, unit: 'ratings' },
  'pioneer.ratingDays': { min: 7, max: 730, unit: 'days' },
  'pioneer.complaintDays': { min: 0, max: 730, unit: 'days' },
} satisfies Record<string, Range>)

export type SettingPath = keyof typeof SETTING_LIMITS

/** What the tracking engine takes of the settings (its lateness policy). */
export interface EnginePolicy {
  earlyS: number
  lateS: number
  missedGraceS: number
}

export const enginePolicy = (s: CountySettings): EnginePolicy => ({
  earlyS: s.lateness.earlyS,
  lateS: s.lateness.lateS,
  missedGraceS: s.missedGraceS,
})

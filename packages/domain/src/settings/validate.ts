/** Checking settings: a partial update from a person, and stored rows that may predate today's rules. */
import { AppError } from '../errors.js'
import type { PioneerRule } from '../engagement/ratings.js'
import {
  DEFAULT_COUNTY_SETTINGS,
  SETTING_KEYS,
  SETTING_LIMITS,
  type CountySettings,
  type CountySettingsPatch,
  type Range,
  type SettingKey,
  type SettingPath,
} from './types.js'

const human = (v: number, unit: Range['unit']): string =>
  unit === 's' && v >= 60 && v % 60 === 0 ? `${v} s (${v / 60} min)` : `${v} ${unit}`

function checkValue(path: SettingPath, value: unknown): number {
  const range: Range = SETTING_LIMITS[path]
  const { min, max, unit, step } = range
  const onStep = (v: number): boolean =>
    step === undefined ? Number.isInteger(v) : Math.abs(Math.round(v / step) * step - v) < 1e-9
  if (typeof value !== 'number' || !Number.isFinite(value) || !onStep(value) || value < min || value > max) {
    const what = step === undefined ? 'a whole number' : `a multiple of ${step}`
    throw new AppError(
      'VALIDATION_FAILED',
      `${path} must be ${what} from ${human(min, unit)} to ${human(max, unit)}; got ${JSON.stringify(value) ?? 'nothing'}`,
      { field: path, min, max, unit, ...(step === undefined ? {} : { step }) },
    )
  }
  // 4.8, not 4.800000000000001, when a step was typed as a sum.
  return step === undefined ? value : Math.round(value / step) / Math.round(1 / step)
}

/** Rules between values, after the ranges. */
function checkTogether(s: CountySettings): void {
  // A trip cannot be missed while a bus leaving then would still count as on time.
  if (s.missedGraceS < s.lateness.lateS) {
    throw new AppError(
      'VALIDATION_FAILED',
      `missedGraceS (${s.missedGraceS} s) must be at least lateness.lateS (${s.lateness.lateS} s): a trip cannot be missed before a bus on it would even be late`,
      { field: 'missedGraceS', min: s.lateness.lateS },
    )
  }
  // A hazard that may stop the buses is worth at least an ordinary one.
  if (s.gridPoints.critical < s.gridPoints.road) {
    throw new AppError(
      'VALIDATION_FAILED',
      `gridPoints.critical (${s.gridPoints.critical} pt) must be at least gridPoints.road (${s.gridPoints.road} pt): a landslide is worth at least a pothole`,
      { field: 'gridPoints.critical', min: s.gridPoints.road },
    )
  }
}

/** The settings after a partial update; refuses out-of-range values and an empty update. */
export function applySettingsPatch(current: CountySettings, patch: CountySettingsPatch): CountySettings {
  const touched =
    (patch.lateness !== undefined && (patch.lateness.earlyS !== undefined || patch.lateness.lateS !== undefined)) ||
    patch.missedGraceS !== undefined ||
    patch.dailyDrivingLimitMin !== undefined ||
    (patch.gridPoints !== undefined &&
      (patch.gridPoints.sign !== undefined ||
        patch.gridPoints.road !== undefined ||
        patch.gridPoints.critical !== undefined)) ||
    (patch.pioneer !== undefined && PIONEER_KEYS.some((k) => patch.pioneer?.[k] !== undefined))
  if (!touched)
    throw new AppError(
      'VALIDATION_FAILED',
      'nothing to change: give lateness.earlyS, lateness.lateS, missedGraceS, dailyDrivingLimitMin, gridPoints.sign, .road, .critical or pioneer.minAverage, .minRatings, .ratingDays, .complaintDays',
      { field: 'body', reason: 'empty' },
    )
  const next = withValues(current, patch)
  checkTogether(next)
  return next
}

/** Each given value checked against its range and put in place; rules between values are not checked. */
function withValues(current: CountySettings, patch: CountySettingsPatch): CountySettings {
  return {
    lateness: {
      earlyS:
        patch.lateness?.earlyS === undefined
          ? current.lateness.earlyS
          : checkValue('lateness.earlyS', patch.lateness.earlyS),
      lateS:
        patch.lateness?.lateS === undefined
          ? current.lateness.lateS
          : checkValue('lateness.lateS', patch.lateness.lateS),
    },
    missedGraceS:
      patch.missedGraceS === undefined ? current.missedGraceS : checkValue('missedGraceS', patch.missedGraceS),
    dailyDrivingLimitMin:
      patch.dailyDrivingLimitMin === undefined
        ? current.dailyDrivingLimitMin
        : checkValue('dailyDrivingLimitMin', patch.dailyDrivingLimitMin),
    gridPoints: {
      sign: pick(current.gridPoints.sign, 'gridPoints.sign', patch.gridPoints?.sign),
      road: pick(current.gridPoints.road, 'gridPoints.road', patch.gridPoints?.road),
      critical: pick(current.gridPoints.critical, 'gridPoints.critical', patch.gridPoints?.critical),
    },
    pioneer: withPioneer(current.pioneer, patch.pioneer),
  }
}

const pick = (current: number, path: SettingPath, value: number | undefined): number =>
  value === undefined ? current : checkValue(path, value)

const PIONEER_KEYS = ['minAverage', 'minRatings', 'ratingDays', 'complaintDays'] as const

function withPioneer(current: PioneerRule, patch: Partial<PioneerRule> | undefined): PioneerRule {
  const next = { ...current }
  for (const k of PIONEER_KEYS) next[k] = pick(current[k], `pioneer.${k}`, patch?.[k])
  return next
}

/** The keys whose value differs (what an update has to store). */
export function changedKeys(before: CountySettings, after: CountySettings): SettingKey[] {
  return SETTING_KEYS.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
}

export interface StoredSettings {
  settings: CountySettings
  /** Stored values refused (edited by hand, or from rules since tightened): their defaults stand. */
  problems: string[]
}

/** Settings from stored rows (key → JSON value): each valid key over the defaults, each invalid one reported. */
export function settingsFromStored(rows: ReadonlyMap<string, unknown>): StoredSettings {
  let settings: CountySettings = structuredClone(DEFAULT_COUNTY_SETTINGS) as CountySettings
  const problems: string[] = []
  for (const key of SETTING_KEYS) {
    if (!rows.has(key)) continue
    const value = rows.get(key)
    try {
      const patch: CountySettingsPatch =
        key === 'lateness'
          ? { lateness: latenessOf(value) }
          : key === 'gridPoints'
            ? { gridPoints: gridPointsOf(value) }
            : key === 'pioneer'
              ? { pioneer: pioneerOf(value) }
              : { [key]: value }
      settings = withValues(settings, patch)
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message}`)
    }
  }
  try {
    checkTogether(settings)
  } catch (err) {
    problems.push(`${(err as Error).message}; the defaults stand`)
    settings = structuredClone(DEFAULT_COUNTY_SETTINGS) as CountySettings
  }
  return { settings, problems }
}

function pioneerOf(value: unknown): PioneerRule {
  if (typeof value !== 'object' || value === null)
    throw new AppError('VALIDATION_FAILED', 'pioneer must be { minAverage, minRatings, ratingDays, complaintDays }')
  const v = value as Record<string, unknown>
  return withPioneer(DEFAULT_COUNTY_SETTINGS.pioneer, {
    minAverage: v.minAverage as number,
    minRatings: v.minRatings as number,
    ratingDays: v.ratingDays as number,
    complaintDays: v.complaintDays as number,
  })
}

function latenessOf(value: unknown): { earlyS: number; lateS: number } {
  if (typeof value !== 'object' || value === null)
    throw new AppError('VALIDATION_FAILED', 'lateness must be { earlyS, lateS }')
  const v = value as Record<string, unknown>
  return { earlyS: checkValue('lateness.earlyS', v.earlyS), lateS: checkValue('lateness.lateS', v.lateS) }
}

function gridPointsOf(value: unknown): { sign: number; road: number; critical: number } {
  if (typeof value !== 'object' || value === null)
    throw new AppError('VALIDATION_FAILED', 'gridPoints must be { sign, road, critical }')
  const v = value as Record<string, unknown>
  return {
    sign: checkValue('gridPoints.sign', v.sign),
    road: checkValue('gridPoints.road', v.road),
    critical: checkValue('gridPoints.critical', v.critical),
  }
}

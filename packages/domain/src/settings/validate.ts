/** Checking settings: a partial update from a person, and stored rows that may predate today's rules. */
import { AppError } from '../errors.js'
import {
  DEFAULT_COUNTY_SETTINGS,
  SETTING_KEYS,
  SETTING_LIMITS,
  type CountySettings,
  type CountySettingsPatch,
  type SettingKey,
  type SettingPath,
} from './types.js'

const human = (v: number, unit: 's' | 'min'): string =>
  unit === 's' && v >= 60 && v % 60 === 0 ? `${v} s (${v / 60} min)` : `${v} ${unit}`

function checkValue(path: SettingPath, value: unknown): number {
  const { min, max, unit } = SETTING_LIMITS[path]
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${path} must be a whole number from ${human(min, unit)} to ${human(max, unit)}; got ${JSON.stringify(value) ?? 'nothing'}`,
      { field: path, min, max, unit },
    )
  }
  return value
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
}

/** The settings after a partial update; refuses out-of-range values and an empty update. */
export function applySettingsPatch(current: CountySettings, patch: CountySettingsPatch): CountySettings {
  const touched =
    (patch.lateness !== undefined && (patch.lateness.earlyS !== undefined || patch.lateness.lateS !== undefined)) ||
    patch.missedGraceS !== undefined ||
    patch.dailyDrivingLimitMin !== undefined
  if (!touched)
    throw new AppError(
      'VALIDATION_FAILED',
      'nothing to change: give lateness.earlyS, lateness.lateS, missedGraceS or dailyDrivingLimitMin',
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
  }
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
      const patch: CountySettingsPatch = key === 'lateness' ? { lateness: latenessOf(value) } : { [key]: value }
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

function latenessOf(value: unknown): { earlyS: number; lateS: number } {
  if (typeof value !== 'object' || value === null)
    throw new AppError('VALIDATION_FAILED', 'lateness must be { earlyS, lateS }')
  const v = value as Record<string, unknown>
  return { earlyS: checkValue('lateness.earlyS', v.earlyS), lateS: checkValue('lateness.lateS', v.lateS) }
}

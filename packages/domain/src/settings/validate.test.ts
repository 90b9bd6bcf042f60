import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import {
  applySettingsPatch,
  changedKeys,
  DEFAULT_COUNTY_SETTINGS,
  enginePolicy,
  settingsFromStored,
  type CountySettings,
} from './index.js'

const defaults = (): CountySettings => structuredClone(DEFAULT_COUNTY_SETTINGS) as CountySettings

describe('county settings', () => {
  it('default to one minute early, five minutes late, ten minutes missed grace and eight hours of driving', () => {
    expect(DEFAULT_COUNTY_SETTINGS).toEqual({
      lateness: { earlyS: 60, lateS: 300 },
      missedGraceS: 600,
      dailyDrivingLimitMin: 480,
      gridPoints: { sign: 5, road: 10, critical: 30 },
      pioneer: { minAverage: 4.8, minRatings: 50, ratingDays: 90, complaintDays: 90 },
    })
    expect(enginePolicy(DEFAULT_COUNTY_SETTINGS)).toEqual({ earlyS: 60, lateS: 300, missedGraceS: 600 })
  })

  it('take a partial update, keeping what it does not name', () => {
    const next = applySettingsPatch(defaults(), { lateness: { lateS: 180 } })
    expect(next).toEqual({ ...defaults(), lateness: { earlyS: 60, lateS: 180 } })
    expect(changedKeys(defaults(), next)).toEqual(['lateness'])
    expect(applySettingsPatch(next, { dailyDrivingLimitMin: 420, missedGraceS: 900 })).toMatchObject({
      lateness: { lateS: 180 },
      missedGraceS: 900,
      dailyDrivingLimitMin: 420,
    })
  })

  it('accept the ends of each range', () => {
    expect(
      applySettingsPatch(defaults(), { lateness: { earlyS: 0, lateS: 30 }, missedGraceS: 60, dailyDrivingLimitMin: 60 })
        .lateness,
    ).toEqual({ earlyS: 0, lateS: 30 })
    expect(
      applySettingsPatch(defaults(), {
        lateness: { earlyS: 1800, lateS: 3600 },
        missedGraceS: 7200,
        dailyDrivingLimitMin: 720,
      }).missedGraceS,
    ).toBe(7200)
  })

  it('refuse values out of range, fractions and non-numbers with the field, range and unit', () => {
    const cases: [Parameters<typeof applySettingsPatch>[1], string][] = [
      [{ lateness: { earlyS: -1 } }, 'lateness.earlyS'],
      [{ lateness: { earlyS: 1801 } }, 'lateness.earlyS'],
      [{ lateness: { lateS: 29 } }, 'lateness.lateS'],
      [{ lateness: { lateS: 1.5 } }, 'lateness.lateS'],
      [{ missedGraceS: 7201 }, 'missedGraceS'],
      [{ dailyDrivingLimitMin: 0 }, 'dailyDrivingLimitMin'],
      [{ dailyDrivingLimitMin: Number.NaN }, 'dailyDrivingLimitMin'],
      [{ dailyDrivingLimitMin: '480' as unknown as number }, 'dailyDrivingLimitMin'],
    ]
    for (const [patch, field] of cases) {
      const err = refusal(() => applySettingsPatch(defaults(), patch))
      expect(err.code, JSON.stringify(patch)).toBe('VALIDATION_FAILED')
      expect(err.details?.field).toBe(field)
      expect(err.message).toContain(field)
    }
    expect(refusal(() => applySettingsPatch(defaults(), { lateness: { lateS: 4000 } })).message).toBe(
      'lateness.lateS must be a whole number from 30 s to 3600 s (60 min); got 4000',
    )
  })

  it('refuse a missed-trip grace shorter than the late threshold', () => {
    const err = refusal(() => applySettingsPatch(defaults(), { lateness: { lateS: 900 } }))
    expect(err.details).toMatchObject({ field: 'missedGraceS', min: 900 })
    expect(applySettingsPatch(defaults(), { lateness: { lateS: 900 }, missedGraceS: 900 }).lateness.lateS).toBe(900)
  })

  it("take grid reporters' points per tier, refusing a critical hazard worth less than a road one", () => {
    const next = applySettingsPatch(defaults(), { gridPoints: { critical: 50 } })
    expect(next.gridPoints).toEqual({ sign: 5, road: 10, critical: 50 })
    expect(changedKeys(defaults(), next)).toEqual(['gridPoints'])
    expect(refusal(() => applySettingsPatch(defaults(), { gridPoints: { sign: 0 } })).details).toMatchObject({
      field: 'gridPoints.sign',
      unit: 'pt',
    })
    expect(refusal(() => applySettingsPatch(defaults(), { gridPoints: { road: 40 } })).details).toMatchObject({
      field: 'gridPoints.critical',
      min: 40,
    })
    expect(refusal(() => applySettingsPatch(defaults(), { gridPoints: {} })).details).toMatchObject({ reason: 'empty' })
    const stored = settingsFromStored(new Map<string, unknown>([['gridPoints', { sign: 2, road: 4, critical: 8 }]]))
    expect(stored.settings.gridPoints).toEqual({ sign: 2, road: 4, critical: 8 })
  })

  it('refuse an update that changes nothing it knows (fields misspelt or nested wrongly)', () => {
    expect(refusal(() => applySettingsPatch(defaults(), {})).details).toMatchObject({ reason: 'empty' })
    expect(refusal(() => applySettingsPatch(defaults(), { lateness: {} })).details).toMatchObject({ reason: 'empty' })
  })

  it('read stored rows over the defaults, keeping the defaults for a stored value now refused', () => {
    expect(settingsFromStored(new Map()).settings).toEqual(DEFAULT_COUNTY_SETTINGS)
    // Stored together they are consistent, whatever order they are read in.
    const ok = settingsFromStored(
      new Map<string, unknown>([
        ['missedGraceS', 1200],
        ['lateness', { earlyS: 30, lateS: 900 }],
      ]),
    )
    expect(ok).toEqual({
      settings: { ...defaults(), lateness: { earlyS: 30, lateS: 900 }, missedGraceS: 1200 },
      problems: [],
    })
    const bad = settingsFromStored(
      new Map<string, unknown>([
        ['lateness', { earlyS: 'x' }],
        ['dailyDrivingLimitMin', 9999],
        ['unknown', 1],
      ]),
    )
    expect(bad.settings).toEqual(DEFAULT_COUNTY_SETTINGS)
    expect(bad.problems).toHaveLength(2)
    expect(bad.problems[0]).toMatch(/^lateness: lateness.earlyS must be/)
    const clash = settingsFromStored(new Map<string, unknown>([['lateness', { earlyS: 60, lateS: 900 }]]))
    expect(clash.settings).toEqual(DEFAULT_COUNTY_SETTINGS)
    expect(clash.problems[0]).toMatch(/missedGraceS .* must be at least lateness.lateS .*; the defaults stand$/)
  })
})

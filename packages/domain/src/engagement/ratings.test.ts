import { describe, expect, it } from 'vitest'
import type { AppError } from '../errors.js'
import { DEFAULT_COUNTY_SETTINGS } from '../settings/types.js'
import { applySettingsPatch, settingsFromStored } from '../settings/validate.js'
import {
  assertDecidable,
  assertRateable,
  cleanRating,
  earnsPioneer,
  pioneerWindows,
  summarizeRatings,
} from './ratings.js'

const RULE = DEFAULT_COUNTY_SETTINGS.pioneer
const refusal = (f: () => unknown): AppError => {
  try {
    f()
  } catch (err) {
    return err as AppError
  }
  throw new Error('not refused')
}

describe('a rating', () => {
  it('takes 1–5 whole stars, known tags once in their order, and an optional complaint', () => {
    expect(cleanRating({ stars: 5, tags: ['clean', 'on_time', 'clean'] })).toEqual({
      stars: 5,
      tags: ['on_time', 'clean'],
      complaint: null,
    })
    expect(cleanRating({ stars: 1, complaint: '  司机开车打电话 ' }).complaint).toBe('司机开车打电话')
    for (const stars of [0, 6, 4.5, '5', null])
      expect(refusal(() => cleanRating({ stars })).details).toMatchObject({ field: 'stars' })
    expect(refusal(() => cleanRating({ stars: 4, tags: ['cheap'] })).details).toMatchObject({ field: 'tags' })
    expect(refusal(() => cleanRating({ stars: 2, complaint: 'x'.repeat(501) })).details).toMatchObject({
      field: 'complaint',
    })
  })

  it('is for a ride taken only: boarded, not a no-show, not cancelled, not one still to come', () => {
    expect(() => assertRateable('boarded')).not.toThrow()
    expect(refusal(() => assertRateable('no_show'))).toMatchObject({
      code: 'RATING_NOT_ALLOWED',
      details: { reason: 'no_show' },
    })
    expect(refusal(() => assertRateable('cancelled')).details).toMatchObject({ reason: 'cancelled' })
    expect(refusal(() => assertRateable('confirmed')).details).toMatchObject({ reason: 'not_ridden' })
    expect(refusal(() => assertRateable('waitlisted')).code).toBe('RATING_NOT_ALLOWED')
  })

  it('has a complaint decided once', () => {
    expect(() => assertDecidable('open', 1)).not.toThrow()
    expect(refusal(() => assertDecidable('upheld', 1)).code).toBe('COMPLAINT_DECIDED')
  })
})

describe('the 先锋司机 rule', () => {
  it('wants the average over enough ratings and no upheld complaint (defaults: 4.8 over 50, 90 days)', () => {
    expect(RULE).toEqual({ minAverage: 4.8, minRatings: 50, ratingDays: 90, complaintDays: 90 })
    // 50 ratings, 240 stars: exactly 4.8.
    expect(earnsPioneer({ count: 50, starSum: 240, upheldComplaints: 0 }, RULE)).toBe(true)
    expect(earnsPioneer({ count: 50, starSum: 239, upheldComplaints: 0 }, RULE)).toBe(false)
    expect(earnsPioneer({ count: 49, starSum: 245, upheldComplaints: 0 }, RULE)).toBe(false)
    expect(earnsPioneer({ count: 80, starSum: 400, upheldComplaints: 1 }, RULE)).toBe(false)
    expect(earnsPioneer({ count: 0, starSum: 0, upheldComplaints: 0 }, { ...RULE, minRatings: 1 })).toBe(false)
    expect(
      earnsPioneer({ count: 3, starSum: 14, upheldComplaints: 0 }, { ...RULE, minRatings: 3, minAverage: 4.6 }),
    ).toBe(true)
  })

  it('summarises a driver: average to two decimals, count, the badge', () => {
    expect(summarizeRatings({ count: 3, starSum: 14, upheldComplaints: 0 }, RULE)).toEqual({
      average: 4.67,
      count: 3,
      upheldComplaints: 0,
      pioneer: false,
    })
    expect(summarizeRatings({ count: 0, starSum: 0, upheldComplaints: 0 }, RULE).average).toBeNull()
  })

  it('looks back over its windows from now', () => {
    const now = Date.UTC(2026, 11, 7)
    expect(pioneerWindows({ ...RULE, ratingDays: 30, complaintDays: 90 }, now)).toEqual({
      ratingsSince: now - 30 * 86_400_000,
      complaintsSince: now - 90 * 86_400_000,
    })
  })

  it('is a county setting: one decimal for the average, whole numbers for the rest', () => {
    const s = applySettingsPatch(DEFAULT_COUNTY_SETTINGS, { pioneer: { minAverage: 4.5, minRatings: 20 } })
    expect(s.pioneer).toEqual({ minAverage: 4.5, minRatings: 20, ratingDays: 90, complaintDays: 90 })
    expect(applySettingsPatch(DEFAULT_COUNTY_SETTINGS, { pioneer: { minAverage: 4.1 + 0.2 } }).pioneer.minAverage).toBe(
      4.3,
    )
    expect(
      refusal(() => applySettingsPatch(DEFAULT_COUNTY_SETTINGS, { pioneer: { minAverage: 4.85 } })).details,
    ).toMatchObject({
      field: 'pioneer.minAverage',
      step: 0.1,
    })
    expect(
      refusal(() => applySettingsPatch(DEFAULT_COUNTY_SETTINGS, { pioneer: { minRatings: 0 } })).details,
    ).toMatchObject({
      field: 'pioneer.minRatings',
    })
    expect(refusal(() => applySettingsPatch(DEFAULT_COUNTY_SETTINGS, { pioneer: {} })).details).toMatchObject({
      reason: 'empty',
    })
    const stored = settingsFromStored(new Map([['pioneer', { minAverage: 4.6, minRatings: 30, ratingDays: 60 }]]))
    expect(stored.settings.pioneer).toEqual({ minAverage: 4.6, minRatings: 30, ratingDays: 60, complaintDays: 90 })
    expect(stored.problems).toEqual([])
  })
})

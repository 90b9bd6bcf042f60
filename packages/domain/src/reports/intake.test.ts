import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.js'
import {
  REPORT_ID_PATTERN,
  REPORT_MAX_AGE_MS,
  checkReportable,
  dedupeKey,
  generateReportId,
  isReportCategory,
  kindOf,
  normalizeReportNote,
  reportedAt,
} from './intake.js'
import { HAZARD_CATEGORIES, SIGN_CATEGORIES } from './types.js'
import { T0 } from './factories.js'

const code = (fn: () => unknown): string | undefined => {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err.code
    throw err
  }
  return undefined
}

describe('report categories', () => {
  it('sorts every sign category to the sign and every hazard to the road', () => {
    for (const c of SIGN_CATEGORIES) expect(kindOf(c)).toBe('sign')
    for (const c of HAZARD_CATEGORIES) expect(kindOf(c)).toBe('road')
  })

  it('knows only its own categories', () => {
    expect(isReportCategory('broken_manhole_cover')).toBe(true)
    expect(isReportCategory('Damaged')).toBe(false)
    expect(isReportCategory('')).toBe(false)
    expect(isReportCategory(3)).toBe(false)
  })

  it('gathers all sign problems of a stop under one key, road hazards one key per category', () => {
    expect(dedupeKey('damaged')).toBe('sign')
    expect(dedupeKey('faded')).toBe(dedupeKey('blocked'))
    expect(dedupeKey('pothole')).toBe('road:pothole')
    expect(dedupeKey('pothole')).not.toBe(dedupeKey('flooding'))
    expect(dedupeKey('other_hazard')).not.toBe(dedupeKey('other'))
  })
})

describe('report notes', () => {
  it('are trimmed and empty notes are none', () => {
    expect(normalizeReportNote('  站牌被车撞歪了  ')).toBe('站牌被车撞歪了')
    expect(normalizeReportNote('   ')).toBeNull()
    expect(normalizeReportNote('')).toBeNull()
    expect(normalizeReportNote(undefined)).toBeNull()
    expect(normalizeReportNote(null)).toBeNull()
  })

  it('lose control characters but keep line breaks', () => {
    expect(normalizeReportNote('a\u0000b\u0007c\r\nd\te\u007f')).toBe('abc\nde')
  })

  it('count characters as a person does: 500 Chinese characters pass, 501 do not', () => {
    expect(normalizeReportNote('坏'.repeat(500))).toHaveLength(500)
    expect(code(() => normalizeReportNote('坏'.repeat(501)))).toBe('VALIDATION_FAILED')
    // An emoji is one character although it takes two UTF-16 units.
    expect([...(normalizeReportNote('😀'.repeat(500)) ?? '')]).toHaveLength(500)
    expect(code(() => normalizeReportNote('😀'.repeat(501)))).toBe('VALIDATION_FAILED')
  })

  it('count after trimming: 500 characters padded with spaces pass', () => {
    expect(normalizeReportNote(` ${'x'.repeat(500)} `)).toHaveLength(500)
  })
})

describe('when a report was made', () => {
  it('is the device time when it lies between a week ago and receipt', () => {
    expect(reportedAt(T0 - 3_600_000, T0)).toBe(T0 - 3_600_000)
    expect(reportedAt(T0 - REPORT_MAX_AGE_MS, T0)).toBe(T0 - REPORT_MAX_AGE_MS)
  })

  it('is receipt for a device clock running ahead, or no device time', () => {
    expect(reportedAt(T0 + 3_600_000, T0)).toBe(T0)
    expect(reportedAt(null, T0)).toBe(T0)
    expect(reportedAt(undefined, T0)).toBe(T0)
    expect(reportedAt(Number.NaN, T0)).toBe(T0)
  })

  it('is a week before receipt at most (a phone whose clock says 1970)', () => {
    expect(reportedAt(0, T0)).toBe(T0 - REPORT_MAX_AGE_MS)
    expect(reportedAt(T0 - REPORT_MAX_AGE_MS - 1, T0)).toBe(T0 - REPORT_MAX_AGE_MS)
  })
})

describe('which stops take reports', () => {
  it('takes sign and road reports at a sign in service, reported or in repair', () => {
    for (const status of ['ok', 'reported', 'in_repair'] as const) {
      expect(() => checkReportable({ code: 'XY-0001', status }, 'sign')).not.toThrow()
      expect(() => checkReportable({ code: 'XY-0001', status }, 'road')).not.toThrow()
    }
  })

  it('refuses sign reports at a retired sign but takes road hazards at its place', () => {
    expect(code(() => checkReportable({ code: 'XY-0001', status: 'removed' }, 'sign'))).toBe('CONFLICT')
    expect(() => checkReportable({ code: 'XY-0001', status: 'removed' }, 'road')).not.toThrow()
  })
})

describe('report ids', () => {
  it('are R + 16 characters without look-alikes, from the random source', () => {
    const id = generateReportId(() => 0)
    expect(id).toBe(`R${'2'.repeat(16)}`)
    expect(id).toMatch(new RegExp(REPORT_ID_PATTERN))
    expect(generateReportId((n) => n - 1)).toBe(`R${'Z'.repeat(16)}`)
    expect(generateReportId((n) => n - 1)).toMatch(new RegExp(REPORT_ID_PATTERN))
  })

  it('refuse a random source out of range', () => {
    expect(() => generateReportId((n) => n)).toThrow(RangeError)
    expect(() => generateReportId(() => 0.5)).toThrow(RangeError)
  })
})

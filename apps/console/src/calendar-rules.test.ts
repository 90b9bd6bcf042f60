import { describe, expect, it } from 'vitest'
import type { CalendarJson } from '@rb/domain'
import { formatTerms, fromSimple, parseDates, parseTerms, toSimple } from './calendar-rules.js'

describe('calendar rule editor model', () => {
  it('round-trips weekdays + lunar market days + school terms, keeping holidays and make-up days', () => {
    const rules: CalendarJson = {
      rule: {
        kind: 'all',
        rules: [
          { kind: 'weekdays', weekdays: [6, 1] },
          { kind: 'marketDays', calendar: 'lunar', digits: [7, 1, 4] },
          {
            kind: 'schoolDays',
            terms: [{ start: '2026-03-01', end: '2026-07-10' }],
            holidays: [{ start: '2026-05-01', end: '2026-05-05', label: '劳动节' }],
            makeUpWorkdays: ['2026-04-26'],
          },
        ],
      },
      added: ['2026-12-24'],
      removed: ['2026-12-25'],
    }
    const s = toSimple(rules)!
    expect(s.weekdays).toEqual([1, 6])
    expect(s.market).toEqual({ calendar: 'lunar', pattern: '1-4-7' })
    expect(s.school?.holidays[0]?.label).toBe('劳动节')
    const back = fromSimple(s)
    expect(back.added).toEqual(['2026-12-24'])
    expect(back.removed).toEqual(['2026-12-25'])
    expect(back.rule).toEqual({
      kind: 'all',
      rules: [
        { kind: 'weekdays', weekdays: [1, 6] },
        { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] },
        {
          kind: 'schoolDays',
          terms: [{ start: '2026-03-01', end: '2026-07-10' }],
          holidays: [{ start: '2026-05-01', end: '2026-05-05', label: '劳动节' }],
          makeUpWorkdays: ['2026-04-26'],
        },
      ],
    })
  })

  it('a single condition is the rule itself; none is every day; 4-7-10 and even name digit 0', () => {
    expect(
      fromSimple({
        weekdays: [],
        market: { calendar: 'gregorian', pattern: 'even' },
        school: null,
        added: [],
        removed: [],
      }).rule,
    ).toEqual({ kind: 'marketDays', calendar: 'gregorian', digits: [2, 4, 6, 8, 0] })
    expect(fromSimple({ weekdays: [], market: null, school: null, added: [], removed: [] }).rule).toEqual({
      kind: 'all',
      rules: [],
    })
    expect(
      toSimple({ rule: { kind: 'marketDays', calendar: 'lunar', digits: [0, 4, 7] }, added: [], removed: [] })?.market
        ?.pattern,
    ).toBe('4-7-10')
  })

  it('leaves to the JSON editor what it cannot show: not-rules, nested any, unnamed digit sets, repeats', () => {
    expect(
      toSimple({ rule: { kind: 'not', rule: { kind: 'weekdays', weekdays: [7] } }, added: [], removed: [] }),
    ).toBeNull()
    expect(
      toSimple({ rule: { kind: 'marketDays', calendar: 'lunar', digits: [1, 5] }, added: [], removed: [] }),
    ).toBeNull()
    expect(
      toSimple({
        rule: {
          kind: 'all',
          rules: [
            { kind: 'weekdays', weekdays: [1] },
            { kind: 'weekdays', weekdays: [2] },
          ],
        },
        added: [],
        removed: [],
      }),
    ).toBeNull()
    expect(toSimple({ rule: { kind: 'any', rules: [] }, added: [], removed: [] })).toBeNull()
  })

  it('reads typed dates and terms', () => {
    expect(parseDates(' 2026-01-01, 2026-01-02\n2026-01-03 ')).toEqual(['2026-01-01', '2026-01-02', '2026-01-03'])
    expect(parseDates('')).toEqual([])
    expect(parseTerms('2026-03-01 2026-07-10 春季学期\n\n2026-09-01..2027-01-20')).toEqual([
      { start: '2026-03-01', end: '2026-07-10', label: '春季学期' },
      { start: '2026-09-01', end: '2027-01-20' },
    ])
    expect(() => parseTerms('2026-03-01')).toThrow(/start end/)
    expect(
      formatTerms([
        { start: '2026-03-01', end: '2026-07-10', label: '春' },
        { start: '2026-09-01', end: '2027-01-20' },
      ]),
    ).toBe('2026-03-01 2026-07-10 春\n2026-09-01 2027-01-20')
  })
})

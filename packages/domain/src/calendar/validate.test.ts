import { describe, expect, it } from 'vitest'
import {
  CalendarError,
  MAX_RULE_DEPTH,
  parseCalendar,
  publicHolidaysOf,
  runsOn,
  serviceDate,
  validateCalendar,
  type CalendarIssue,
  type CalendarJson,
  type CalendarRule,
} from './index.js'

/** A calendar using every rule kind, as it would sit in the jsonb column. */
function makeFullCalendarJson(): CalendarJson {
  const national = publicHolidaysOf(2026)
  return {
    rule: {
      kind: 'all',
      rules: [
        { kind: 'dateRange', start: '2026-01-01', end: '2026-12-31' },
        {
          kind: 'any',
          rules: [
            { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] },
            { kind: 'dayCycle', anchor: '2026-03-05', periodDays: 12 },
            { kind: 'weekdays', weekdays: [7] },
            {
              kind: 'schoolDays',
              terms: [{ start: '2026-02-24', end: '2026-07-10', label: '春季学期' }],
              holidays: national.holidays,
              makeUpWorkdays: national.makeUpWorkdays,
            },
          ],
        },
        { kind: 'not', rule: { kind: 'weekdays', weekdays: [6] } },
      ],
    },
    added: ['2027-01-02'],
    removed: ['2026-03-02'],
  }
}

function issuesOf(input: unknown): CalendarIssue[] {
  const result = validateCalendar(input)
  return result.ok ? [] : result.issues
}

function withRule(rule: unknown): unknown {
  return { rule, added: [], removed: [] }
}

describe('validateCalendar accepts', () => {
  it('a calendar using every rule kind, and survives a JSON round trip unchanged', () => {
    const json = makeFullCalendarJson()
    const result = validateCalendar(JSON.parse(JSON.stringify(json)))
    expect(result).toEqual({ ok: true, calendar: json })
  })

  it('returns a copy: editing the input afterwards does not change the checked calendar', () => {
    const json = { rule: { kind: 'weekdays', weekdays: [1] }, added: [], removed: [] }
    const calendar = parseCalendar(json)
    json.rule.weekdays.push(2)
    expect(runsOn(calendar, serviceDate('2026-03-03'))).toBe(false) // a Tuesday
  })
})

describe('validateCalendar rejects, naming the place', () => {
  it.each<[string, unknown, CalendarIssue]>([
    ['a non-object calendar', 'weekdays', { path: 'calendar', message: 'must be an object' }],
    [
      'an unknown rule kind',
      withRule({ kind: 'holidays' }),
      { path: 'rule.kind', message: expect.stringContaining('unknown rule kind "holidays"') as string },
    ],
    [
      'a digit of 10 (it is written 0)',
      withRule({ kind: 'marketDays', calendar: 'lunar', digits: [4, 7, 10] }),
      { path: 'rule.digits[2]', message: expect.stringContaining('0 for 10, 20, 30') as string },
    ],
    [
      'a calendar kind other than lunar or gregorian',
      withRule({ kind: 'marketDays', calendar: 'solar', digits: [1] }),
      { path: 'rule.calendar', message: `must be 'lunar' or 'gregorian', got "solar"` },
    ],
    [
      'no market digits',
      withRule({ kind: 'marketDays', calendar: 'gregorian', digits: [] }),
      { path: 'rule.digits', message: 'needs at least one digit' },
    ],
    [
      'a repeated digit',
      withRule({ kind: 'marketDays', calendar: 'gregorian', digits: [1, 4, 1] }),
      { path: 'rule.digits[2]', message: 'repeats 1' },
    ],
    [
      'weekday 0 (Sunday is 7)',
      withRule({ kind: 'weekdays', weekdays: [0, 6] }),
      { path: 'rule.weekdays[0]', message: expect.stringContaining('from 1 to 7') as string },
    ],
    [
      'a date range that ends before it starts',
      withRule({ kind: 'dateRange', start: '2026-03-31', end: '2026-03-01' }),
      { path: 'rule.end', message: 'ends (2026-03-01) before it starts (2026-03-31)' },
    ],
    [
      'an impossible date',
      withRule({ kind: 'dateRange', start: '2026-02-30', end: '2026-03-01' }),
      { path: 'rule.start', message: expect.stringContaining(`'YYYY-MM-DD', got "2026-02-30"`) as string },
    ],
    [
      'a fractional cycle',
      withRule({ kind: 'dayCycle', anchor: '2026-03-05', periodDays: 1.5 }),
      { path: 'rule.periodDays', message: expect.stringContaining('whole number') as string },
    ],
    [
      'a make-up workday on a weekday',
      withRule({
        kind: 'schoolDays',
        terms: [{ start: '2026-02-24', end: '2026-07-10' }],
        holidays: [],
        makeUpWorkdays: ['2026-02-13'],
      }),
      { path: 'rule.makeUpWorkdays[0]', message: '2026-02-13 is a Friday; a make-up workday is a Saturday or Sunday' },
    ],
    [
      'school days without a term',
      withRule({ kind: 'schoolDays', terms: [], holidays: [], makeUpWorkdays: [] }),
      { path: 'rule.terms', message: 'needs at least one term' },
    ],
    [
      'a misspelt field',
      withRule({ kind: 'weekdays', weekdays: [1], weekday: [2] }),
      { path: 'rule.weekday', message: expect.stringContaining('unknown field') as string },
    ],
    [
      'a missing field inside a nested rule',
      withRule({ kind: 'any', rules: [{ kind: 'weekdays', weekdays: [1] }, { kind: 'not' }] }),
      { path: 'rule.rules[1].rule', message: 'must be an object' },
    ],
    [
      'a date both added and removed',
      { rule: { kind: 'weekdays', weekdays: [1] }, added: ['2026-03-04'], removed: ['2026-03-04'] },
      { path: 'removed[0]', message: '2026-03-04 is also in added; keep it in one list' },
    ],
    [
      'missing added dates',
      { rule: { kind: 'weekdays', weekdays: [1] }, removed: [] },
      { path: 'added', message: 'must be an array' },
    ],
  ])('%s', (_name, input, issue) => {
    expect(issuesOf(input)).toEqual([issue])
  })

  it('reports every problem at once', () => {
    const issues = issuesOf({
      rule: {
        kind: 'all',
        rules: [
          { kind: 'weekdays', weekdays: [8] },
          { kind: 'dayCycle', anchor: 'soon', periodDays: 0 },
        ],
      },
      added: ['2026-13-01'],
      removed: [],
    })
    expect(issues.map((issue) => issue.path)).toEqual([
      'rule.rules[0].weekdays[0]',
      'rule.rules[1].anchor',
      'rule.rules[1].periodDays',
      'added[0]',
    ])
  })

  it(`refuses rules nested deeper than ${MAX_RULE_DEPTH} levels`, () => {
    let rule: CalendarRule<string> = { kind: 'weekdays', weekdays: [1] }
    for (let level = 0; level < MAX_RULE_DEPTH; level++) rule = { kind: 'not', rule }
    expect(issuesOf(withRule(rule))).toEqual([
      { path: `rule${'.rule'.repeat(MAX_RULE_DEPTH)}`, message: `rules nest deeper than ${MAX_RULE_DEPTH} levels` },
    ])
  })
})

describe('parseCalendar', () => {
  it('throws INVALID_CALENDAR carrying the issues and a message a person can act on', () => {
    const parse = (): unknown => parseCalendar(withRule({ kind: 'weekdays', weekdays: [9] }))
    expect(parse).toThrow(CalendarError)
    expect(parse).toThrow(
      expect.objectContaining({
        code: 'INVALID_CALENDAR',
        message: expect.stringContaining('rule.weekdays[0]: must be a whole number from 1 to 7') as string,
        issues: [expect.objectContaining({ path: 'rule.weekdays[0]' })],
      }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import { DEFAULT_COUNTY_SETTINGS } from '../settings/types.js'
import { T0 } from '../reports/factories.js'
import { monthRange } from '../parcels/report.js'
import {
  checkConfirmable,
  firstReporterReport,
  generateReporterId,
  monthOf,
  normalizeReporterName,
  pointsFor,
  pointsTier,
  rankLeaderboard,
  REPORTER_ID_PATTERN,
  type ScoredReport,
} from './points.js'

const RULE = DEFAULT_COUNTY_SETTINGS.gridPoints
let n = 0
const report = (over: Partial<ScoredReport> = {}): ScoredReport => ({
  id: `R${++n}`,
  category: 'damaged',
  reporterId: 'GAAAAAAAA',
  reportedTs: T0,
  receivedTs: T0,
  ...over,
})

describe("grid reporters' points", () => {
  it('pay by tier: a sign, an ordinary road hazard, more for one that may stop the buses', () => {
    expect(pointsTier('faded')).toBe('sign')
    expect(pointsTier('pothole')).toBe('road')
    expect(pointsTier('broken_manhole_cover')).toBe('road')
    expect(pointsTier('landslide')).toBe('critical')
    expect(pointsTier('flooding')).toBe('critical')
    for (const [category, points] of [
      ['blocked', 5],
      ['other_hazard', 10],
      ['landslide', 30],
    ] as const) {
      const r = report({ category })
      expect(pointsFor(r, { status: 'fixed', reports: [r] }, RULE)).toEqual({
        points,
        tier: pointsTier(category),
        none: null,
      })
    }
    const r = report({ category: 'flooding' })
    expect(pointsFor(r, { status: 'fixed', reports: [r] }, { sign: 1, road: 2, critical: 7 }).points).toBe(7)
  })

  it('pay nothing for a rejected report, a duplicate, or a report without a reporter', () => {
    const first = report({ reportedTs: T0 })
    const later = report({ reportedTs: T0 + 60_000, reporterId: 'GBBBBBBBB' })
    const anonymous = report({ reportedTs: T0 - 60_000, reporterId: null })
    const all = [later, anonymous, first]
    expect(pointsFor(first, { status: 'rejected', reports: all }, RULE)).toMatchObject({ points: 0, none: 'rejected' })
    expect(pointsFor(later, { status: 'fixed', reports: all }, RULE)).toMatchObject({ points: 0, none: 'duplicate' })
    expect(pointsFor(anonymous, { status: 'fixed', reports: all }, RULE)).toMatchObject({
      points: 0,
      none: 'no_reporter',
    })
    // An anonymous villager's earlier report does not take the reporter's points away.
    expect(pointsFor(first, { status: 'fixed', reports: all }, RULE)).toMatchObject({ points: 5, none: null })
  })

  it('count the first report by the phone time, then the time received, then the id', () => {
    const a = report({ id: 'R-b', reportedTs: T0, receivedTs: T0 + 5 })
    const b = report({ id: 'R-a', reportedTs: T0, receivedTs: T0 + 5 })
    const c = report({ id: 'R-c', reportedTs: T0, receivedTs: T0 + 1 })
    expect(firstReporterReport([a, b])).toBe('R-a')
    expect(firstReporterReport([a, b, c])).toBe('R-c')
    expect(firstReporterReport([report({ reporterId: null })])).toBeNull()
  })

  it('refuse a staff confirmation of a rejected, duplicate, anonymous or already paid report, saying why', () => {
    const first = report()
    const dup = report({ reportedTs: T0 + 1 })
    const cases: [ScoredReport, 'open' | 'rejected', boolean, string][] = [
      [first, 'rejected', false, 'rejected'],
      [dup, 'open', false, 'duplicate'],
      [report({ reporterId: null }), 'open', false, 'no_reporter'],
      [first, 'open', true, 'awarded'],
    ]
    for (const [r, status, awarded, reason] of cases) {
      const err = refusal(() => checkConfirmable(r, { id: 9, status, reports: [first, dup, r] }, RULE, awarded))
      expect(err.code).toBe('GRID_POINTS_REFUSED')
      expect(err.details).toMatchObject({ reason, ticketId: 9, reportId: r.id })
    }
    expect(
      refusal(() => checkConfirmable(first, { id: 9, status: 'rejected', reports: [first] }, RULE, false)).message,
    ).toMatch(/rejected: a rejected report earns no points/)
    expect(checkConfirmable(first, { id: 9, status: 'assigned', reports: [first, dup] }, RULE, false).points).toBe(5)
  })

  it('count an award in its month in Asia/Shanghai', () => {
    expect(monthOf(Date.parse('2026-11-30T16:00:00Z'))).toBe('2026-12')
    expect(monthOf(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11')
    expect(monthRange('2026-12')).toMatchObject({
      fromTs: Date.parse('2026-11-30T16:00:00Z'),
      toTs: Date.parse('2026-12-31T16:00:00Z'),
    })
    expect(refusal(() => monthRange('2026-13')).details).toMatchObject({ field: 'month' })
  })

  it('rank the leaderboard by points, then confirmed reports; ties share a rank', () => {
    const row = (reporterId: string, points: number, confirmed: number) => ({
      reporterId,
      name: reporterId,
      townshipId: 't',
      points,
      confirmed,
    })
    expect(
      rankLeaderboard([row('C', 10, 1), row('A', 40, 3), row('B', 10, 1), row('D', 10, 2)]).map((r) => [
        r.reporterId,
        r.rank,
      ]),
    ).toEqual([
      ['A', 1],
      ['D', 2],
      ['B', 3],
      ['C', 3],
    ])
  })

  it('take a name of 1–40 characters and make ids of the reporter alphabet', () => {
    expect(normalizeReporterName('  王  小明 ')).toBe('王 小明')
    expect(refusal(() => normalizeReporterName('  ')).details).toMatchObject({ field: 'name' })
    expect(generateReporterId(() => 0)).toMatch(new RegExp(REPORTER_ID_PATTERN))
  })
})

/**
 * Grid reporters' points (流动网格员积分): what a confirmed report earns under the county's rule,
 * which reports of a ticket are duplicates, and the month an award counts in. Pure: the settings,
 * the reports and the times are parameters.
 */
import { AppError } from '../errors.js'
import { serviceDayOf } from '../calendar/service-day.js'
import { reportSeverity } from '../reports/alerts.js'
import { kindOf } from '../reports/intake.js'
import type { ReportCategory, TicketStatus } from '../reports/types.js'
import type { GridPointsSettings } from '../settings/types.js'

/** What the rule paid a report for. */
export type PointsTier = 'sign' | 'road' | 'critical'

/** A sign report, an ordinary road hazard, or one that may stop the buses (landslide, flooding). */
export function pointsTier(category: ReportCategory): PointsTier {
  if (kindOf(category) === 'sign') return 'sign'
  return reportSeverity(category) === 'critical' ? 'critical' : 'road'
}

/** A report as the rule sees it. */
export interface ScoredReport {
  id: string
  category: ReportCategory
  reporterId: string | null
  reportedTs: number
  receivedTs: number
}

/** Why a report earns nothing (or `null`: it earns its tier's points). */
export type NoPoints = 'no_reporter' | 'rejected' | 'duplicate' | 'not_confirmed'

export interface PointsVerdict {
  points: number
  tier: PointsTier
  /** Why it earns nothing; null when it earns. */
  none: NoPoints | null
}

/**
 * The first report of a ticket by a grid reporter earns; every later report on the same ticket,
 * by whomever, is a duplicate of it (the problem was already known). Ordered by the phone's time
 * of the report, then by when the server took it, then by id.
 */
export function firstReporterReport(reports: readonly ScoredReport[]): string | null {
  const withReporter = reports.filter((r) => r.reporterId !== null)
  withReporter.sort((a, b) => a.reportedTs - b.reportedTs || a.receivedTs - b.receivedTs || a.id.localeCompare(b.id))
  return withReporter[0]?.id ?? null
}

/** What a report of a ticket earns when the ticket is confirmed: fixed, or confirmed by staff. */
export function pointsFor(
  report: ScoredReport,
  ticket: { status: TicketStatus; reports: readonly ScoredReport[] },
  rule: GridPointsSettings,
): PointsVerdict {
  const tier = pointsTier(report.category)
  const none = (why: NoPoints): PointsVerdict => ({ points: 0, tier, none: why })
  if (report.reporterId === null) return none('no_reporter')
  if (ticket.status === 'rejected') return none('rejected')
  if (firstReporterReport(ticket.reports) !== report.id) return none('duplicate')
  return { points: rule[tier], tier, none: null }
}

/**
 * A staff confirmation of one report: refused with a clear reason for a report whose ticket was
 * rejected, a duplicate, one without a reporter, or one already paid.
 */
export function checkConfirmable(
  report: ScoredReport,
  ticket: { id: number; status: TicketStatus; reports: readonly ScoredReport[] },
  rule: GridPointsSettings,
  alreadyAwarded: boolean,
): PointsVerdict {
  const verdict = pointsFor(report, ticket, rule)
  const refuse = (reason: string, message: string): never => {
    throw new AppError('GRID_POINTS_REFUSED', message, { reportId: report.id, ticketId: ticket.id, reason })
  }
  if (verdict.none === 'no_reporter')
    refuse('no_reporter', `report ${report.id} was sent without a grid reporter: it earns no points`)
  if (verdict.none === 'rejected')
    refuse(
      'rejected',
      `report ${report.id} belongs to ticket #${ticket.id}, which was rejected: a rejected report earns no points (reopen the ticket first if the rejection was wrong)`,
    )
  if (verdict.none === 'duplicate')
    refuse(
      'duplicate',
      `report ${report.id} is a duplicate: an earlier report on ticket #${ticket.id} already earns the points for this problem`,
    )
  if (alreadyAwarded) refuse('awarded', `report ${report.id} already has its points; a report earns once`)
  return verdict
}

export const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$'

/** The month (YYYY-MM, Asia/Shanghai) an award at `ts` counts in; its bounds are `monthRange` (parcels' report). */
export const monthOf = (ts: number): string => serviceDayOf(ts).slice(0, 7)

/** One reporter's line of a month's leaderboard, as counted by the database. */
export interface LeaderboardRow {
  reporterId: string
  name: string
  townshipId: string
  points: number
  confirmed: number
}

/** Ranked by points, then confirmed reports, then id; equal points and reports share a rank (1, 2, 2, 4). */
export function rankLeaderboard<R extends LeaderboardRow>(rows: readonly R[]): (R & { rank: number })[] {
  const sorted = [...rows].sort(
    (a, b) => b.points - a.points || b.confirmed - a.confirmed || a.reporterId.localeCompare(b.reporterId),
  )
  let rank = 0
  return sorted.map((r, i) => {
    const prev = sorted[i - 1]
    if (!prev || prev.points !== r.points || prev.confirmed !== r.confirmed) rank = i + 1
    return { ...r, rank }
  })
}

/** A reporter's name as stored: trimmed, inner space collapsed, 1–40 characters. */
export function normalizeReporterName(typed: string): string {
  const name = typed.trim().replace(/\s+/g, ' ')
  if (name.length === 0 || [...name].length > 40)
    throw new AppError('VALIDATION_FAILED', "the reporter's name needs 1–40 characters", { field: 'name' })
  return name
}

/** No 0/O, 1/I/L, U/V, like report ids: read over the phone without confusion. */
const ID_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ'
export const REPORTER_ID_PATTERN = `^G[${ID_ALPHABET}]{8}$`

/** A reporter id (G + 8 characters, about 39 bits: unique is the database's job; it is no secret). */
export function generateReporterId(randomInt: (n: number) => number): string {
  let id = 'G'
  for (let i = 0; i < 8; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)]
  return id
}

/**
 * One-tap repair reports (一键报修) and the repair tickets they feed. A villager reports a stop
 * sign, or a road hazard at the sign's place; reports of the same problem gather on one ticket,
 * which dispatchers move open → assigned → fixed | rejected. Times are epoch ms.
 */
import type { LngLat } from '../network/types.js'

/** What is wrong with the stop sign itself. */
export const SIGN_CATEGORIES = ['damaged', 'missing', 'faded', 'blocked', 'other'] as const
export type SignCategory = (typeof SIGN_CATEGORIES)[number]

/** A road hazard at the stop's place (道路凹陷、井盖破损, landslides, floods). */
export const HAZARD_CATEGORIES = ['pothole', 'broken_manhole_cover', 'landslide', 'flooding', 'other_hazard'] as const
export type HazardCategory = (typeof HAZARD_CATEGORIES)[number]

export type ReportCategory = SignCategory | HazardCategory
export const REPORT_CATEGORIES: readonly ReportCategory[] = [...SIGN_CATEGORIES, ...HAZARD_CATEGORIES]

/** `sign`: the stop sign needs repair (its status follows the ticket); `road`: a hazard near it. */
export type ReportKind = 'sign' | 'road'

export type TicketStatus = 'open' | 'assigned' | 'fixed' | 'rejected'
export const TICKET_STATUSES: readonly TicketStatus[] = ['open', 'assigned', 'fixed', 'rejected']
/** A ticket in one of these still needs someone; at most one per stop and problem (see dedupeKey). */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['open', 'assigned']

/** What happened to a ticket: opened by a report, or a dispatcher's step. */
export type TicketAction = 'open' | 'assign' | 'fix' | 'reject' | 'reopen'

/** One entry of a ticket's history: who, when, from which status to which, with an optional note. */
export interface TicketStep {
  action: TicketAction
  from: TicketStatus | null
  to: TicketStatus
  /** Staff user name, or `villager` for the report that opened the ticket. */
  by: string
  ts: number
  note: string | null
  /** Who is to do the work, on `assign` steps. */
  assignee: string | null
}

export interface Ticket {
  id: number
  kind: ReportKind
  /** Category of the report that opened it (later reports may name others). */
  category: ReportCategory
  /** Reports with the same stop and key join this ticket while it is open. */
  dedupeKey: string
  stopCode: string
  /** Where the problem is: the stop sign's place when the ticket was opened. */
  point: LngLat
  status: TicketStatus
  assignee: string | null
  /** The last closed ticket of the same stop and key, when this one was opened after it. */
  previousTicketId: number | null
  reportCount: number
  openedTs: number
  updatedTs: number
  /** When it was fixed or rejected; null while open. */
  closedTs: number | null
}

/** One villager's report, kept whether it opened a ticket or joined one. */
export interface Report {
  /** Unguessable id the villager's phone keeps to look the report up. */
  id: string
  ticketId: number
  stopCode: string
  kind: ReportKind
  category: ReportCategory
  note: string | null
  /** When the villager tapped "send" (the device's clock, clamped); an offline queue sends later. */
  reportedTs: number
  /** When the server took it. */
  receivedTs: number
  hasPhoto: boolean
}

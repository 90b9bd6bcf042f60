/**
 * Where a report goes (dedupe), and what the stop sign's status is while tickets are open.
 */
import type { StopStatus } from '../network/types.js'
import { isOpenTicket } from './lifecycle.js'
import type { TicketStatus } from './types.js'

/** What placement needs to know of the tickets with the report's stop and dedupe key. */
export interface TicketCandidate {
  id: number
  status: TicketStatus
  closedTs: number | null
}

export type Placement =
  /** Join an existing ticket; `late` when it was closed after the villager made the report. */
  | { kind: 'join'; ticketId: number; late: boolean }
  /** Open a new ticket, linked to the last closed one of the same problem, if any. */
  | { kind: 'open'; previousTicketId: number | null }

/**
 * The same sign reported many times makes one ticket: a report joins the open ticket of its stop
 * and key. Without one, it joins the last closed ticket only when it was made before that ticket
 * closed (an offline queue delivering a report about the damage that has since been repaired);
 * otherwise the problem is back and a new ticket opens, linked to the closed one — a closed
 * ticket is never reopened by a report, so each repair keeps its own history and turnaround.
 */
export function placeReport(reportedTs: number, tickets: readonly TicketCandidate[]): Placement {
  const open = tickets.find((t) => isOpenTicket(t.status))
  if (open) return { kind: 'join', ticketId: open.id, late: false }
  const closed = tickets
    .filter((t) => t.closedTs !== null)
    .sort((a, b) => (b.closedTs ?? 0) - (a.closedTs ?? 0) || b.id - a.id)[0]
  if (closed && reportedTs < (closed.closedTs ?? 0)) return { kind: 'join', ticketId: closed.id, late: true }
  return { kind: 'open', previousTicketId: closed?.id ?? null }
}

/**
 * The stop sign's status from its sign tickets still open: `in_repair` while one is assigned,
 * `reported` while one is open, `ok` when none is. A retired sign stays `removed`. Road hazard
 * tickets leave the sign alone.
 */
export function stopStatusFor(current: StopStatus, openSignTickets: readonly TicketStatus[]): StopStatus {
  if (current === 'removed') return 'removed'
  if (openSignTickets.includes('assigned')) return 'in_repair'
  if (openSignTickets.includes('open')) return 'reported'
  return 'ok'
}

/** Test factories (docs/design.md §5): valid reports and tickets with overridable fields. */
import type { Report, Ticket } from './types.js'

/** 09:00 on 2026-11-30 in Asia/Shanghai. */
export const T0 = Date.UTC(2026, 10, 30, 1, 0)

let nextTicket = 1
export function makeTicket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: nextTicket++,
    kind: 'sign',
    category: 'damaged',
    dedupeKey: 'sign',
    stopCode: 'XY-0001',
    point: [105.44, 28.1],
    status: 'open',
    assignee: null,
    previousTicketId: null,
    reportCount: 1,
    openedTs: T0,
    updatedTs: T0,
    closedTs: null,
    ...over,
  }
}

export function makeReport(over: Partial<Report> = {}): Report {
  return {
    id: 'R23456789ABCDEFGH',
    ticketId: 1,
    stopCode: 'XY-0001',
    kind: 'sign',
    category: 'damaged',
    note: null,
    reportedTs: T0,
    receivedTs: T0,
    hasPhoto: false,
    ...over,
  }
}

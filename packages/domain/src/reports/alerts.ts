/**
 * The dispatcher's alert for each report (`sign_report` / `road_report`). One alert per report,
 * with a deterministic id, so storing it twice is a no-op; it stays active and unresolved until its
 * ticket is fixed or rejected, then it is re-sent cleared and resolved by whoever closed the ticket
 * (the store keeps an earlier acknowledgement, and an earlier resolution by hand).
 */
import type { AlertSeverity, LiveAlert } from '../tracking/views.js'
import type { LngLat } from '../network/types.js'
import type { ReportCategory, ReportKind, TicketStatus } from './types.js'
import { SYSTEM_RESOLVER } from '../alerts/lifecycle.js'

const SEVERITY: Record<ReportCategory, AlertSeverity> = {
  damaged: 'info',
  missing: 'info',
  faded: 'info',
  blocked: 'info',
  other: 'info',
  pothole: 'warning',
  broken_manhole_cover: 'warning',
  other_hazard: 'warning',
  // A slope come down or a road under water can stop the buses: a dispatcher acts now.
  landslide: 'critical',
  flooding: 'critical',
}

export const reportSeverity = (category: ReportCategory): AlertSeverity => SEVERITY[category]

export interface ReportAlertInput {
  report: {
    id: string
    kind: ReportKind
    category: ReportCategory
    note: string | null
    hasPhoto: boolean
    receivedTs: number
    reportedTs: number
  }
  ticket: { id: number; status: TicketStatus; reportCount: number; closedTs: number | null }
  /** The step that closed the ticket (fix or reject), when this alert goes out because of it: who and the note. */
  closing?: { by: string; note: string | null }
  stop: { code: string; name: string; point: LngLat }
  /** The report joined a ticket that had been closed before it arrived (offline queue). */
  late: boolean
}

export const reportAlertId = (kind: ReportKind, reportId: string): string => `${kind}_report:${reportId}`

export function reportAlert(x: ReportAlertInput): LiveAlert {
  const { report: r, ticket: t, stop } = x
  const what =
    r.kind === 'sign'
      ? `Stop sign ${stop.code} ${stop.name}: ${r.category}`
      : `Road hazard at stop ${stop.code} ${stop.name}: ${r.category.replaceAll('_', ' ')}`
  const count = t.reportCount > 1 ? `, ${t.reportCount} reports` : ''
  const late = x.late ? ` — reported before the ticket was ${t.status}` : ''
  const closed = t.status === 'fixed' || t.status === 'rejected'
  const closedTs = closed ? (t.closedTs ?? r.receivedTs) : null
  return {
    id: reportAlertId(r.kind, r.id),
    type: r.kind === 'sign' ? 'sign_report' : 'road_report',
    severity: reportSeverity(r.category),
    state: closed ? 'cleared' : 'active',
    ts: r.receivedTs,
    clearedTs: closedTs,
    vehicleId: null,
    tripInstanceId: null,
    stopCode: stop.code,
    message: `${what} (ticket #${t.id}${count})${late}`,
    data: {
      reportId: r.id,
      ticketId: t.id,
      ticketStatus: t.status,
      kind: r.kind,
      category: r.category,
      reportCount: t.reportCount,
      hasPhoto: r.hasPhoto,
      note: r.note,
      reportedTs: r.reportedTs,
      point: stop.point,
      late: x.late,
    },
    status: closed ? 'resolved' : 'open',
    ackBy: null,
    ackTs: null,
    ackNote: null,
    resolvedBy: closed ? (x.closing?.by ?? SYSTEM_RESOLVER) : null,
    resolvedTs: closedTs,
    resolveNote: closed ? (x.closing?.note ?? `ticket #${t.id} ${t.status}`) : null,
  }
}

import { describe, expect, it } from 'vitest'
import { reportAlert, reportSeverity, type ReportAlertInput } from './alerts.js'
import { REPORT_CATEGORIES } from './types.js'
import { T0 } from './factories.js'

const input = (over: Partial<ReportAlertInput> = {}): ReportAlertInput => ({
  report: {
    id: 'R23456789ABCDEFGH',
    kind: 'sign',
    category: 'damaged',
    note: '歪了',
    hasPhoto: true,
    receivedTs: T0,
    reportedTs: T0 - 60_000,
  },
  ticket: { id: 12, status: 'open', reportCount: 1, closedTs: null },
  stop: { code: 'XY-0001', name: '场镇', point: [105.44, 28.1] },
  late: false,
  ...over,
})

describe('report alerts', () => {
  it('raise a sign_report with a deterministic id, active, pointing at the stop, ticket and report', () => {
    const a = reportAlert(input())
    expect(a).toMatchObject({
      id: 'sign_report:R23456789ABCDEFGH',
      type: 'sign_report',
      severity: 'info',
      state: 'active',
      ts: T0,
      clearedTs: null,
      stopCode: 'XY-0001',
      vehicleId: null,
      status: 'open',
      ackBy: null,
      resolvedBy: null,
      resolvedTs: null,
    })
    expect(a.data).toMatchObject({
      reportId: 'R23456789ABCDEFGH',
      ticketId: 12,
      category: 'damaged',
      hasPhoto: true,
      note: '歪了',
      point: [105.44, 28.1],
      late: false,
    })
    expect(a.message).toBe('Stop sign XY-0001 场镇: damaged (ticket #12)')
    expect(reportAlert(input())).toEqual(a)
  })

  it('raise a road_report for hazards, critical for landslides and floods', () => {
    const a = reportAlert(
      input({
        report: { ...input().report, kind: 'road', category: 'broken_manhole_cover' },
        ticket: { id: 3, status: 'open', reportCount: 4, closedTs: null },
      }),
    )
    expect(a).toMatchObject({ id: 'road_report:R23456789ABCDEFGH', type: 'road_report', severity: 'warning' })
    expect(a.message).toBe('Road hazard at stop XY-0001 场镇: broken manhole cover (ticket #3, 4 reports)')
    expect(reportSeverity('landslide')).toBe('critical')
    expect(reportSeverity('flooding')).toBe('critical')
    for (const c of REPORT_CATEGORIES) expect(['info', 'warning', 'critical']).toContain(reportSeverity(c))
  })

  it('are cleared and resolved at the ticket close time once the ticket is fixed or rejected, by whoever closed it', () => {
    for (const status of ['fixed', 'rejected'] as const) {
      const a = reportAlert(
        input({
          ticket: { id: 12, status, reportCount: 2, closedTs: T0 + 5000 },
          closing: { by: 'li', note: status === 'fixed' ? null : 'not our sign' },
        }),
      )
      expect(a).toMatchObject({
        state: 'cleared',
        clearedTs: T0 + 5000,
        ts: T0,
        status: 'resolved',
        resolvedBy: 'li',
        resolvedTs: T0 + 5000,
      })
      expect(a.resolveNote).toBe(status === 'fixed' ? 'ticket #12 fixed' : 'not our sign')
      expect(a.data.ticketStatus).toBe(status)
    }
    // A report joining a ticket closed before it arrived: nobody closed it because of this report.
    expect(
      reportAlert(input({ late: true, ticket: { id: 12, status: 'fixed', reportCount: 2, closedTs: T0 - 1000 } })),
    ).toMatchObject({ status: 'resolved', resolvedBy: 'system', resolveNote: 'ticket #12 fixed' })
  })

  it('say so when the report reached a ticket already closed', () => {
    const a = reportAlert(
      input({ late: true, ticket: { id: 12, status: 'fixed', reportCount: 2, closedTs: T0 - 1000 } }),
    )
    expect(a.message).toContain('reported before the ticket was fixed')
    expect(a.data.late).toBe(true)
  })
})

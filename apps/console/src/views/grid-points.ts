/**
 * The grid reporters' column of a ticket's reports (views/tickets.ts): who sent each report, its
 * points, and 确认积分 for a report that would earn and is not paid yet (docs/engagement.md#grid-reporters).
 */
import { api } from '../api.js'
import { action, h } from '../ui/dom.js'
import { t } from '../i18n/index.js'

interface TicketPoints {
  reports: {
    reportId: string
    reporter: { id: string; name: string; townshipName: string } | null
    points: number
    awarded: boolean
    worth: number
    none: string | null
  }[]
}

/** The cells for each report id; `done` runs after a confirmation (the ticket redrawn). */
export async function gridCells(
  ticketId: number,
  status: HTMLElement,
  canConfirm: boolean,
  done: () => Promise<void>,
): Promise<Map<string, HTMLElement>> {
  const r = await api.get<TicketPoints>(`/api/grid/tickets/${ticketId}`).catch(() => null)
  const cells = new Map<string, HTMLElement>()
  for (const x of r?.reports ?? []) {
    const who = x.reporter ? `${x.reporter.name} (${x.reporter.townshipName})` : t('anonymous villager')
    let points: HTMLElement | string = ''
    if (x.awarded) points = h('b', { class: 'ok' }, t('+{n} points', { n: x.points }))
    else if (x.none === 'duplicate') points = t('duplicate: no points')
    else if (x.none === 'rejected') points = t('rejected: no points')
    else if (x.worth > 0 && canConfirm) {
      const b = h(
        'button',
        { class: 'primary', dataset: { action: 'grid-confirm', report: x.reportId } },
        t('Confirm points (+{n})', { n: x.worth }),
      )
      action(b, status, async () => {
        const paid = await api.post<{ points: number }>(`/api/grid/reports/${x.reportId}/confirm`)
        await done()
        return t('{n} points confirmed', { n: paid.points })
      })
      points = b
    }
    cells.set(x.reportId, h('span', { dataset: { gridReport: x.reportId } }, who, ' ', points))
  }
  return cells
}

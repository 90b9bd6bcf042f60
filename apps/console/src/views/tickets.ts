/**
 * Repair tickets for stop signs and road hazards: open → assigned → fixed | rejected (and
 * reopen), with who and when, photos, and the place on the map. The sign's colour on the map
 * follows the ticket (the network is re-read after each step).
 */
import type { ReportCategory, TicketAction, TicketStatus } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'

interface Ticket {
  id: number
  kind: 'sign' | 'road'
  category: ReportCategory
  stopCode: string
  stopName: string
  townshipId: string
  point: [number, number]
  status: TicketStatus
  assignee: string | null
  reportCount: number
  photoCount: number
  openedAt: string
  updatedAt: string
  closedAt: string | null
  nextActions: TicketAction[]
}
interface TicketDetail extends Ticket {
  steps: { action: TicketAction; from: TicketStatus | null; to: TicketStatus; by: string; at: string; note: string | null; assignee: string | null }[]
  reports: { id: string; category: ReportCategory; note: string | null; reportedAt: string; photo: { url: string; width: number; height: number } | null }[]
}

const when = (iso: string | null): string => (iso ? `${day(Date.parse(iso))} ${clock(Date.parse(iso))}` : '—')
const STATUS_FILTERS: [string, string][] = [['open,assigned', 'Open and assigned'], ['open', 'Open'], ['assigned', 'Assigned'], ['fixed', 'Fixed'], ['rejected', 'Rejected'], ['', 'All']]

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const statusSel = h('select', { name: 'status' }, STATUS_FILTERS.map(([v, l]) => h('option', { value: v }, l)))
  const kind = h('select', { name: 'kind' }, h('option', { value: '' }, 'Signs and roads'), h('option', { value: 'sign' }, 'Stop signs 站牌'), h('option', { value: 'road' }, 'Road hazards 道路'))
  const msg = h('p', { class: 'status' })
  const list = h('div')
  const detailBox = h('div', { class: 'detail' })
  el.append(h('div', { class: 'page wide' }, h('h1', null, 'Repair tickets 报修工单'), h('div', { class: 'row' }, field('Status', statusSel), field('Kind', kind)), msg, h('div', { class: 'split' }, list, detailBox)))
  let selected = params.get('ticket') ? Number(params.get('ticket')) : null

  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Ticket[]; total: number }>(`/api/tickets${qs({ status: statusSel.value, kind: kind.value, limit: 500 })}`)
    msg.textContent = `${r.total} tickets`
    clear(
      list,
      table(['#', 'Stop', 'Kind', 'Problem', 'Status', 'Assignee', 'Reports', 'Changed'], r.items, (t) => [t.id, `${t.stopCode} ${t.stopName}`, t.kind, t.category.replaceAll('_', ' '), h('span', { class: `tag ${t.status}` }, t.status), t.assignee ?? '—', `${t.reportCount}${t.photoCount ? ` · ${t.photoCount} photo` : ''}`, when(t.updatedAt)], { onRow: (t) => void open(t.id), rowId: (t) => String(t.id) }),
    )
  }

  async function open(id: number): Promise<void> {
    selected = id
    const t = await api.get<TicketDetail>(`/api/tickets/${id}`)
    const status = h('p', { class: 'status' })
    const note = h('textarea', { name: 'note', rows: 2, placeholder: 'note (who, what was done)' })
    const assignee = h('input', { name: 'assignee', placeholder: 'crew or person', value: t.assignee ?? '' })
    const step = async (a: TicketAction): Promise<string> => {
      const body = a === 'assign' ? { assignee: assignee.value.trim(), note: note.value.trim() || null } : a === 'fix' ? { note: note.value.trim() || null } : { note: note.value.trim() }
      await api.post(`/api/tickets/${id}/${a}`, body)
      // The sign's status (and colour on the map) follows the ticket.
      await ctx.reloadNetwork()
      await load()
      await open(id)
      return `${a} done`
    }
    const buttons = t.nextActions.filter((a) => a !== 'open').map((a) => {
      const b = h('button', { class: a === 'reject' ? 'danger' : 'primary', dataset: { action: a } }, a)
      action(b, status, () => step(a))
      return b
    })
    clear(
      detailBox,
      h(
        'div',
        { class: 'card ticket', dataset: { ticket: String(t.id), status: t.status } },
        h('h2', null, `#${t.id} ${t.stopCode} ${t.stopName}`),
        h('p', null, h('span', { class: `tag ${t.status}` }, t.status), ` ${t.kind} · ${t.category.replaceAll('_', ' ')} · `, h('a', { href: `#/live?stop=${encodeURIComponent(t.stopCode)}` }, 'show on map')),
        buttons.length ? h('div', null, t.nextActions.includes('assign') ? field('Assignee', assignee) : null, field('Note', note), h('div', { class: 'row' }, buttons)) : null,
        status,
        h('h3', null, 'History'),
        table(['When', 'Step', 'By', 'Note'], t.steps, (s) => [when(s.at), `${s.from ?? '—'} → ${s.to}${s.assignee ? ` (${s.assignee})` : ''}`, s.by, s.note ?? '']),
        h('h3', null, 'Reports'),
        table(['Reported', 'Problem', 'Note', 'Photo'], t.reports, (r) => [when(r.reportedAt), r.category.replaceAll('_', ' '), r.note ?? '', r.photo ? h('a', { href: r.photo.url, target: '_blank' }, h('img', { src: r.photo.url, alt: 'photo', style: 'max-width:120px;max-height:90px' })) : '—']),
      ),
    )
  }

  for (const s of [statusSel, kind]) s.addEventListener('change', () => void load().catch((err: Error) => (msg.textContent = err.message)))
  void load().then(() => (selected !== null ? open(selected) : undefined), (err: Error) => (msg.textContent = err.message))
  // New sign and road reports arrive as alerts.
  const off = ctx.alerts.changed.on((batch) => {
    if (batch.some((a) => a.type === 'sign_report' || a.type === 'road_report')) void load().catch(() => {})
  })
  return off
}

export const ticketsView: View = { path: 'tickets', title: 'Repairs 报修', roles: ['dispatcher', 'operator'], map: false, mount }

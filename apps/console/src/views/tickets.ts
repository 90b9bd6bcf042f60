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
import { gridCells } from './grid-points.js'
import { t, word, type MessageKey } from '../i18n/index.js'

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
  steps: {
    action: TicketAction
    from: TicketStatus | null
    to: TicketStatus
    by: string
    at: string
    note: string | null
    assignee: string | null
  }[]
  reports: {
    id: string
    category: ReportCategory
    note: string | null
    reportedAt: string
    photo: { url: string; width: number; height: number } | null
  }[]
}

/** A ticket's state: "assigned" is to a crew (a trip's "assigned" is a vehicle). */
const ticketWord = (s: TicketStatus): string => (s === 'assigned' ? t('assigned to crew') : word(s))
const when = (iso: string | null): string => (iso ? `${day(Date.parse(iso))} ${clock(Date.parse(iso))}` : '—')
const STATUS_FILTERS: [string, MessageKey][] = [
  ['open,assigned', 'Open and assigned'],
  ['open', 'Open'],
  ['assigned', 'Assigned'],
  ['fixed', 'Fixed'],
  ['rejected', 'Rejected'],
  ['', 'All'],
]

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const statusSel = h(
    'select',
    { name: 'status' },
    STATUS_FILTERS.map(([v, l]) => h('option', { value: v, selected: params.get('status') === v }, t(l))),
  )
  const kind = h(
    'select',
    { name: 'kind' },
    h('option', { value: '' }, t('Signs and roads')),
    h('option', { value: 'sign' }, t('Stop signs')),
    h('option', { value: 'road' }, t('Road hazards')),
  )
  const msg = h('p', { class: 'status' })
  const list = h('div')
  const detailBox = h('div', { class: 'detail' })
  el.append(
    h(
      'div',
      { class: 'page wide' },
      h('h1', null, t('Repair tickets')),
      h('div', { class: 'row' }, field(t('Status'), statusSel), field(t('Kind'), kind)),
      msg,
      h('div', { class: 'split' }, list, detailBox),
    ),
  )
  let selected = params.get('ticket') ? Number(params.get('ticket')) : null

  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Ticket[]; total: number }>(
      `/api/tickets${qs({ status: statusSel.value, kind: kind.value, limit: 500 })}`,
    )
    msg.textContent = t('{n} tickets', { n: r.total })
    clear(
      list,
      table(
        ['#', t('Stop'), t('Kind'), t('Problem'), t('Status'), t('Assignee'), t('Reports'), t('Changed')],
        r.items,
        (x) => [
          x.id,
          `${x.stopCode} ${x.stopName}`,
          word(x.kind),
          word(x.category),
          h('span', { class: `tag ${x.status}` }, ticketWord(x.status)),
          x.assignee ?? '—',
          `${x.reportCount}${x.photoCount ? ` · ${t('{n} photo', { n: x.photoCount })}` : ''}`,
          when(x.updatedAt),
        ],
        { onRow: (x) => void open(x.id), rowId: (x) => String(x.id) },
      ),
    )
  }

  async function open(id: number): Promise<void> {
    selected = id
    const tk = await api.get<TicketDetail>(`/api/tickets/${id}`)
    const status = h('p', { class: 'status' })
    const note = h('textarea', { name: 'note', rows: 2, placeholder: t('note (who, what was done)') })
    const assignee = h('input', { name: 'assignee', placeholder: t('crew or person'), value: tk.assignee ?? '' })
    const step = async (a: TicketAction): Promise<string> => {
      const body =
        a === 'assign'
          ? { assignee: assignee.value.trim(), note: note.value.trim() || null }
          : a === 'fix'
            ? { note: note.value.trim() || null }
            : { note: note.value.trim() }
      await api.post(`/api/tickets/${id}/${a}`, body)
      // The sign's status (and colour on the map) follows the ticket.
      await ctx.reloadNetwork()
      await load()
      await open(id)
      return t('{step} done', { step: word(a) })
    }
    // Who sent each report and its points (docs/engagement.md#grid-reporters).
    const grid = await gridCells(id, status, ctx.can(['dispatcher', 'operator']), () => open(id))
    const buttons = tk.nextActions
      .filter((a) => a !== 'open')
      .map((a) => {
        const b = h('button', { class: a === 'reject' ? 'danger' : 'primary', dataset: { action: a } }, word(a))
        action(b, status, () => step(a))
        return b
      })
    clear(
      detailBox,
      h(
        'div',
        { class: 'card ticket', dataset: { ticket: String(tk.id), status: tk.status } },
        h('h2', null, `#${tk.id} ${tk.stopCode} ${tk.stopName}`),
        h(
          'p',
          null,
          h('span', { class: `tag ${tk.status}` }, ticketWord(tk.status)),
          ` ${word(tk.kind)} · ${word(tk.category)} · `,
          h('a', { href: `#/live?stop=${encodeURIComponent(tk.stopCode)}` }, t('show on map')),
        ),
        buttons.length
          ? h(
              'div',
              null,
              tk.nextActions.includes('assign') ? field(t('Assignee'), assignee) : null,
              field(t('Note'), note),
              h('div', { class: 'row' }, buttons),
            )
          : null,
        status,
        h('h3', null, t('History')),
        table([t('When'), t('Step'), t('By'), t('Note')], tk.steps, (s) => [
          when(s.at),
          `${s.from ? ticketWord(s.from) : '—'} → ${ticketWord(s.to)}${s.assignee ? ` (${s.assignee})` : ''}`,
          s.by,
          s.note ?? '',
        ]),
        h('h3', null, t('Reports')),
        table([t('Reported'), t('Problem'), t('Note'), t('Grid reporter'), t('Photo')], tk.reports, (r) => [
          when(r.reportedAt),
          word(r.category),
          r.note ?? '',
          grid.get(r.id) ?? '—',
          r.photo
            ? h(
                'a',
                { href: r.photo.url, target: '_blank' },
                h('img', { src: r.photo.url, alt: t('Photo'), style: 'max-width:120px;max-height:90px' }),
              )
            : '—',
        ]),
      ),
    )
  }

  for (const s of [statusSel, kind])
    s.addEventListener('change', () => void load().catch((err: Error) => (msg.textContent = err.message)))
  void load().then(
    () => (selected !== null ? open(selected) : undefined),
    (err: Error) => (msg.textContent = err.message),
  )
  // New sign and road reports arrive as alerts.
  const off = ctx.alerts.changed.on((batch) => {
    if (batch.some((a) => a.type === 'sign_report' || a.type === 'road_report')) void load().catch(() => {})
  })
  return off
}

export const ticketsView: View = {
  path: 'tickets',
  title: 'Repairs',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

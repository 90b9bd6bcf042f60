/**
 * Grid reporters' points (docs/engagement.md#grid-reporters): a month's leaderboard by township —
 * rank, reporter, confirmed reports, points — and its CSV for the county's reward scheme.
 */
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { clear, field, h, table } from '../ui/dom.js'
import { t } from '../i18n/index.js'

interface Board {
  month: string
  items: {
    rank: number
    reporterId: string
    name: string
    phone: string
    townshipName: string
    points: number
    confirmed: number
  }[]
  totals: { reporters: number; points: number; confirmed: number }
}

/** This month and the eleven before it, in China time. */
function months(): string[] {
  const d = new Date(Date.now() + 8 * 3_600_000)
  return Array.from({ length: 12 }, (_, i) => {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1))
    return m.toISOString().slice(0, 7)
  })
}

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const month = h(
    'select',
    { name: 'month' },
    months().map((m) => h('option', { value: m, selected: params.get('month') === m }, m)),
  )
  const township = h(
    'select',
    { name: 'township' },
    h('option', { value: '' }, t('All townships')),
    ctx.network.townships.map((x) => h('option', { value: x.id, selected: params.get('township') === x.id }, x.name)),
  )
  const csv = h('a', { class: 'button', dataset: { action: 'grid-csv' } }, t('Download CSV'))
  const msg = h('p', { class: 'status' })
  const totals = h('p', { class: 'muted', dataset: { gridTotals: '' } })
  const list = h('div')
  el.append(
    h(
      'div',
      { class: 'page wide grid-view' },
      h('h1', null, t('Grid reporters')),
      h(
        'p',
        { class: 'muted' },
        t('Points are paid when the ticket is fixed, or confirmed here; none for rejected or duplicate reports.'),
      ),
      h(
        'div',
        { class: 'row filters' },
        field(t('Month'), month),
        field(t('Township'), township),
        ctx.can(['dispatcher']) ? csv : null,
      ),
      msg,
      totals,
      list,
    ),
  )

  const load = async (): Promise<void> => {
    const q = qs({ month: month.value, township: township.value })
    csv.setAttribute('href', `/api/grid/leaderboard.csv${q}`)
    csv.setAttribute('download', `grid-points_${month.value}.csv`)
    const b = await api.get<Board>(`/api/grid/leaderboard${q}`)
    totals.textContent = t('{reporters} reporters, {points} points, {confirmed} confirmed reports', b.totals)
    clear(
      list,
      b.items.length === 0
        ? h('p', { class: 'empty' }, t('No points in this month yet'))
        : table(
            [
              t('Rank'),
              t('Grid reporter'),
              t('Reporter id'),
              t('Township'),
              t('Phone'),
              t('Confirmed reports'),
              t('Points'),
            ],
            b.items,
            (r) => [r.rank, r.name, r.reporterId, r.townshipName, r.phone, r.confirmed, h('b', null, String(r.points))],
          ),
    )
  }
  const reload = (): void => void load().catch((err: Error) => (msg.textContent = err.message))
  for (const s of [month, township]) s.addEventListener('change', reload)
  reload()
  const timer = setInterval(reload, 60_000)
  return () => clearInterval(timer)
}

export const gridView: View = {
  path: 'grid',
  title: 'Grid reporters',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

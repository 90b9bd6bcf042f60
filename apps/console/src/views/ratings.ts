/**
 * Riders' ratings (docs/engagement.md#ratings): the complaints as the dispatcher's tickets —
 * upheld or dismissed once, with a note — and every driver's average stars, count, complaints and
 * the 先锋司机 badge by the county's rule.
 */
import { api } from '../api.js'
import type { Ctx, View } from '../context.js'
import { action, clear, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'
import { t } from '../i18n/index.js'

interface Rule {
  minAverage: number
  minRatings: number
  ratingDays: number
  complaintDays: number
}
interface DriverRow {
  driverId: string
  name: string
  average: number | null
  count: number
  total: number
  openComplaints: number
  upheldComplaints: number
  pioneer: boolean
}
interface Complaint {
  id: number
  status: 'open' | 'upheld' | 'dismissed'
  body: string
  stars: number
  bookingCode: string
  driverId: string | null
  driverName: string | null
  phoneMasked: string
  createdTs: number
  decidedTs: number | null
  decidedBy: string | null
  note: string | null
}

const when = (ms: number | null): string => (ms === null ? '—' : `${day(ms)} ${clock(ms)}`)
const STATUS = { open: 'Open', upheld: 'Upheld', dismissed: 'Dismissed' } as const

function mount(el: HTMLElement, ctx: Ctx): () => void {
  const msg = h('p', { class: 'status' })
  const complaints = h('div', { class: 'card' })
  const drivers = h('div', { class: 'card' })
  el.append(
    h('div', { class: 'page wide ratings-view' }, h('h1', null, t("Riders' ratings")), msg, complaints, drivers),
  )

  const decide = (c: Complaint): HTMLElement | string => {
    if (c.status !== 'open' || !ctx.can(['dispatcher'])) return c.note ?? ''
    const note = h('input', { type: 'text', placeholder: t('Note'), maxLength: 500 })
    const status = h('span', { class: 'status' })
    const button = (decision: 'upheld' | 'dismissed', label: string): HTMLButtonElement => {
      const b = h('button', { class: decision === 'upheld' ? 'danger' : '', dataset: { decision } }, label)
      action(b, status, async () => {
        await api.post(`/api/ratings/complaints/${c.id}/decision`, { decision, note: note.value || null })
        await load()
      })
      return b
    }
    return h('div', { class: 'row' }, note, button('upheld', t('Uphold')), button('dismissed', t('Dismiss')), status)
  }

  const load = async (): Promise<void> => {
    const [c, d] = await Promise.all([
      api.get<{ items: Complaint[] }>('/api/ratings/complaints?limit=200'),
      api.get<{ rule: Rule; items: DriverRow[] }>('/api/ratings/drivers'),
    ])
    const open = c.items.filter((x) => x.status === 'open').length
    clear(
      complaints,
      h('h2', null, t('Complaints ({n} open)', { n: open })),
      table(
        [t('Received'), t('Stars'), t('Complaint'), t('Driver'), t('Booking'), t('Phone'), t('Status'), t('Decision')],
        c.items,
        (x) => [
          when(x.createdTs),
          '★'.repeat(x.stars),
          x.body,
          x.driverId ? `${x.driverName ?? ''} ${x.driverId}` : '—',
          x.bookingCode,
          x.phoneMasked,
          h('span', { class: `tag ${x.status === 'open' ? 'unread' : 'ok'}` }, t(STATUS[x.status])),
          decide(x),
        ],
        { rowId: (x) => String(x.id) },
      ),
    )
    const r = d.rule
    clear(
      drivers,
      h('h2', null, t("Drivers' ratings")),
      h(
        'p',
        { class: 'muted' },
        t('Pioneer driver: at least {avg} stars over {n} ratings in {days} days, no complaint upheld in {cdays} days', {
          avg: r.minAverage,
          n: r.minRatings,
          days: r.ratingDays,
          cdays: r.complaintDays,
        }),
      ),
      table(
        [
          t('Driver'),
          t('Average'),
          t('Ratings ({days} days)', { days: r.ratingDays }),
          t('All ratings'),
          t('Open complaints'),
          t('Upheld complaints'),
          t('Badge'),
        ],
        d.items.filter((x) => x.total > 0 || x.openComplaints > 0 || x.upheldComplaints > 0),
        (x) => [
          `${x.name} ${x.driverId}`,
          x.average === null ? '—' : x.average.toFixed(2),
          String(x.count),
          String(x.total),
          String(x.openComplaints),
          String(x.upheldComplaints),
          x.pioneer ? h('span', { class: 'tag ok' }, `★ ${t('Pioneer driver')}`) : '',
        ],
        { rowId: (x) => x.driverId },
      ),
    )
  }

  void load().catch((err: Error) => (msg.textContent = err.message))
  const timer = setInterval(() => void load().catch(() => {}), 60_000)
  return () => clearInterval(timer)
}

export const ratingsView: View = {
  path: 'ratings',
  title: "Riders' ratings",
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

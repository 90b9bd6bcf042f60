/**
 * Alerts by their life-cycle: tabs for open, acknowledged, resolved (and all), a filter by type and
 * by vehicle, stop or trip; live. A routine alert is acknowledged from its row; any alert opens its
 * detail (acknowledge or resolve with a note, message the driver, the incident log).
 */
import type { AlertStatus } from '@rb/domain'
import type { AlertType, LiveAlert } from '@rb/protocol'
import {
  ackNeedsNote,
  ALERT_STATUSES,
  ALERT_TYPES,
  alertStatusLabel,
  alertTypeLabel,
  countByStatus,
  filterAlerts,
  isEmergency,
  severityLabel,
  type AlertFilter,
} from '../alerts.js'
import { t } from '../i18n/index.js'
import type { Ctx, View } from '../context.js'
import { clear, field, h, table } from '../ui/dom.js'
import { clockS, day } from '../ui/format.js'
import { ackText, alertDetail, resolvedText, subjectLink } from './alert-detail.js'

type Tab = AlertStatus | 'all'
const TABS: readonly Tab[] = [...ALERT_STATUSES, 'all']

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const store = ctx.alerts
  const initial = params.get('status')
  const filter: AlertFilter = {
    status: TABS.includes(initial as Tab) ? (initial as Tab) : 'open',
    type: null,
    subject: params.get('subject') ?? '',
  }
  const tabs = h('div', { class: 'tabs', attrs: { role: 'tablist' } })
  const type = h(
    'select',
    { name: 'type' },
    h('option', { value: '' }, t('All types')),
    ALERT_TYPES.map((x) => h('option', { value: x }, alertTypeLabel({ type: x }))),
  )
  const subject = h('input', {
    type: 'search',
    name: 'subject',
    placeholder: t('XY-V001, XY-0421 or a trip'),
    value: filter.subject,
  })
  const status = h('p', { class: 'status' })
  const body = h('div')
  const detailBox = h('div', { class: 'detail' })
  el.append(
    h(
      'div',
      { class: 'page wide' },
      h('h1', null, t('Alerts')),
      tabs,
      h('div', { class: 'row' }, field(t('Type'), type), field(t('Vehicle, stop or trip'), subject)),
      status,
      h('div', { class: 'split' }, body, detailBox),
    ),
  )

  let selected: string | null = params.get('alert')
  let detail: { dispose(): void } | null = null
  const open = (id: string | null): void => {
    detail?.dispose()
    detail = null
    selected = id
    clear(detailBox)
    if (id) {
      const d = alertDetail(ctx, id, () => open(null))
      detail = d
      detailBox.append(d.el)
    }
    markSelected()
  }
  const markSelected = (): void => {
    for (const tr of body.querySelectorAll<HTMLTableRowElement>('tbody tr'))
      tr.classList.toggle('selected', tr.dataset.id === selected)
  }

  /** A routine alert is acknowledged from its row; a critical one needs its note, in the detail. */
  const ackCell = (a: LiveAlert): Node | string => {
    const done = ackText(a)
    if (done) return h('span', { class: 'muted ack' }, done)
    if (a.status !== 'open' || !ctx.can(['dispatcher', 'operator'])) return '—'
    const note = ackNeedsNote(a)
    const b = h(
      'button',
      {
        class: note ? 'danger ack-note' : 'ack',
        dataset: { alert: a.id },
        title: note ? t('critical: acknowledged with a note') : '',
      },
      note ? t('Acknowledge…') : t('Acknowledge'),
    )
    b.addEventListener('click', (e) => {
      e.stopPropagation()
      if (note) return open(a.id)
      b.disabled = true
      store.acknowledge(a.id).catch((err: Error) => {
        status.className = 'status error'
        status.textContent = err.message
        b.disabled = false
      })
    })
    return b
  }

  function renderTabs(): void {
    const counts = countByStatus(store.items.values())
    clear(
      tabs,
      TABS.map((tab) => {
        const b = h(
          'button',
          {
            class: `tab${filter.status === tab ? ' on' : ''}`,
            dataset: { status: tab },
            attrs: { role: 'tab', 'aria-selected': String(filter.status === tab) },
          },
          tab === 'all' ? t('All') : alertStatusLabel(tab),
          tab === 'all' ? null : h('b', null, String(counts[tab])),
        )
        b.addEventListener('click', () => {
          filter.status = tab
          if (tab === 'resolved' || tab === 'all')
            void store.loadStatus('resolved').catch((err: Error) => (status.textContent = err.message))
          render()
        })
        return b
      }),
    )
  }

  function render(): void {
    renderTabs()
    const rows = filterAlerts(store.items.values(), filter)
    status.className = 'status'
    status.textContent = t('{n} alerts', { n: rows.length })
    clear(
      body,
      table(
        [
          t('Raised'),
          t('Alert'),
          t('Severity'),
          t('Vehicle / stop'),
          t('Message'),
          t('State'),
          t('Acknowledged'),
          t('Resolved'),
        ],
        rows,
        (a) => [
          `${day(a.ts)} ${clockS(a.ts)}`,
          alertTypeLabel(a),
          h('span', { class: `tag ${a.severity}` }, severityLabel(a.severity)),
          subjectLink(a),
          a.message,
          h('span', { class: `tag alert-${a.status}` }, alertStatusLabel(a.status)),
          ackCell(a),
          h('span', { class: 'muted resolved' }, resolvedText(a) ?? '—'),
        ],
        { rowId: (a) => a.id, onRow: (a) => open(a.id) },
      ),
    )
    for (const tr of body.querySelectorAll<HTMLTableRowElement>('tbody tr')) {
      const a = tr.dataset.id ? store.get(tr.dataset.id) : undefined
      if (a && isEmergency(a) && a.status === 'open') tr.classList.add('emergency')
    }
    // A link inside a row goes where it says, without opening the detail.
    for (const link of body.querySelectorAll('tbody a')) link.addEventListener('click', (e) => e.stopPropagation())
    markSelected()
  }

  type.addEventListener('change', () => {
    filter.type = (type.value || null) as AlertType | null
    render()
  })
  subject.addEventListener('input', () => {
    filter.subject = subject.value
    render()
  })
  if (filter.status === 'resolved' || filter.status === 'all') void store.loadStatus('resolved').catch(() => {})
  render()
  if (selected) open(selected)
  const off = store.changed.on(render)
  return () => {
    off()
    detail?.dispose()
  }
}

export const alertsView: View = {
  path: 'alerts',
  title: 'Alerts',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

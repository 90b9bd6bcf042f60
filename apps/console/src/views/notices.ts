/**
 * Notices to drivers (docs/engagement.md): write one to all drivers, one operator's drivers or
 * chosen drivers (with the hours after which the unread are reminded), list them with how many
 * read each, open one for every driver's receipt (delivered, read when, what reached the bus),
 * and remind the unread now.
 */
import { api } from '../api.js'
import type { Ctx, View } from '../context.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'
import { t } from '../i18n/index.js'

interface Notice {
  id: number
  title: string
  body: string
  link: string | null
  audience: 'all' | 'operator' | 'drivers'
  operatorId: string | null
  remindAfterH: number | null
  createdByName: string
  createdTs: number
  recipients: number
  delivered: number
  read: number
}
interface Receipt {
  driverId: string
  driverName: string
  deliveredTs: number | null
  readTs: number | null
  terminal: { vehicleId: string | null; channels: string[]; detail: string } | null
  reminders: number
  remindedTs: number | null
}

const when = (ms: number | null): string => (ms === null ? '—' : `${day(ms)} ${clock(ms)}`)

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const list = h('div')
  const detail = h('div', { class: 'detail' })
  const msg = h('p', { class: 'status' })
  const form = h('div', { class: 'card' })
  el.append(
    h(
      'div',
      { class: 'page wide notices-view' },
      h('h1', null, t('Notices to drivers')),
      msg,
      h('div', { class: 'split' }, h('div', null, list), detail),
      form,
    ),
  )

  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Notice[] }>('/api/notices')
    clear(
      list,
      table(
        [t('Sent'), t('Title'), t('To'), t('Read'), t('Reminder')],
        r.items,
        (n) => [
          when(n.createdTs),
          n.title,
          n.audience === 'all'
            ? t('All drivers')
            : n.audience === 'operator'
              ? `${t('Operator')} ${n.operatorId ?? ''}`
              : t('Chosen drivers'),
          h(
            'span',
            { class: 'read-count', dataset: { read: String(n.read), recipients: String(n.recipients) } },
            `${n.read} / ${n.recipients}`,
          ),
          n.remindAfterH === null ? '—' : t('after {n} h', { n: n.remindAfterH }),
        ],
        { onRow: (n) => void open(n.id), rowId: (n) => String(n.id) },
      ),
    )
  }

  async function open(id: number): Promise<void> {
    const n = await api.get<Notice & { receipts: Receipt[] }>(`/api/notices/${id}`)
    const status = h('p', { class: 'status' })
    const remind = h('button', { class: 'primary' }, t('Remind those who have not read it'))
    action(remind, status, async () => {
      const r = await api.post<{ reminded: string[] }>(`/api/notices/${id}/remind`)
      await Promise.all([open(id), load()])
      return t('{n} drivers reminded', { n: r.reminded.length })
    })
    const unread = n.recipients - n.read
    clear(
      detail,
      h(
        'div',
        { class: 'card notice-detail', dataset: { notice: String(n.id) } },
        h('h2', null, n.title),
        h('p', { class: 'muted' }, `${n.createdByName} · ${when(n.createdTs)}`),
        h('p', { class: 'notice-body', style: 'white-space: pre-line' }, n.body),
        n.link ? h('p', null, h('a', { href: n.link, target: '_blank', rel: 'noopener' }, n.link)) : null,
        h(
          'p',
          null,
          t('{read} of {n} read, {delivered} on their phones', {
            read: n.read,
            n: n.recipients,
            delivered: n.delivered,
          }),
        ),
        ctx.can(['dispatcher']) && unread > 0 ? h('div', { class: 'row' }, remind, status) : null,
        table(
          [t('Driver'), t('On the phone'), t('Read'), t('Bus terminal'), t('Reminders')],
          n.receipts,
          (r) => [
            `${r.driverName} ${r.driverId}`,
            when(r.deliveredTs),
            r.readTs === null
              ? h('span', { class: 'tag unread' }, t('Not read'))
              : h('span', { class: 'tag ok' }, when(r.readTs)),
            r.terminal
              ? h(
                  'span',
                  { title: r.terminal.detail },
                  r.terminal.vehicleId
                    ? `${r.terminal.vehicleId} · ${r.terminal.channels.join(', ') || t('not reached')}`
                    : t('not on a bus'),
                )
              : '—',
            r.reminders > 0 ? `${r.reminders} · ${when(r.remindedTs)}` : '—',
          ],
          { rowId: (r) => r.driverId },
        ),
      ),
    )
  }

  function writeForm(): void {
    const title = h('input', { name: 'title', maxLength: 60 })
    const body = h('textarea', { name: 'body', rows: 4, maxLength: 2000 })
    const link = h('input', { name: 'link', placeholder: 'https://…' })
    const audience = h(
      'select',
      { name: 'audience' },
      (
        [
          ['all', 'All drivers'],
          ['operator', "One operator's drivers"],
          ['drivers', 'Chosen drivers'],
        ] as const
      ).map(([v, l]) => h('option', { value: v }, t(l))),
    )
    const operator = h('select', { name: 'operatorId' })
    const drivers = h(
      'select',
      { name: 'driverIds', multiple: true, size: 8 },
      ctx.network.drivers
        .filter((d) => d.status === 'active')
        .map((d) => h('option', { value: d.id }, `${d.id} ${d.name}`)),
    )
    const remind = h('input', { name: 'remindAfterH', type: 'number', min: '1', max: '720', value: '4' })
    const status = h('p', { class: 'status' })
    const send = h('button', { class: 'primary' }, t('Send notice'))
    const operatorField = field(t('Operator'), operator)
    const driversField = field(t('Drivers'), drivers, t('Hold Ctrl to choose several'))
    const show = (): void => {
      operatorField.style.display = audience.value === 'operator' ? '' : 'none'
      driversField.style.display = audience.value === 'drivers' ? '' : 'none'
    }
    audience.addEventListener('change', show)
    show()
    void api.get<{ items: { id: string; name: string }[] }>('/api/operators').then(
      (r) => operator.append(...r.items.map((o) => h('option', { value: o.id }, `${o.name} (${o.id})`))),
      () => {},
    )
    action(send, status, async () => {
      const n = await api.post<Notice>('/api/notices', {
        title: title.value,
        body: body.value,
        link: link.value.trim() || null,
        audience: audience.value,
        ...(audience.value === 'operator' ? { operatorId: operator.value } : {}),
        ...(audience.value === 'drivers' ? { driverIds: [...drivers.selectedOptions].map((o) => o.value) } : {}),
        remindAfterH: remind.value.trim() === '' ? null : Number(remind.value),
      })
      title.value = ''
      body.value = ''
      link.value = ''
      await load()
      await open(n.id)
      return t('Sent to {n} drivers', { n: n.recipients })
    })
    clear(
      form,
      h('h2', null, t('Write a notice')),
      field(t('Title'), title),
      field(t('Text'), body),
      field(t('Link (optional)'), link),
      h(
        'div',
        { class: 'row' },
        field(t('To'), audience),
        operatorField,
        field(t('Remind the unread after (hours, empty: never)'), remind),
      ),
      driversField,
      send,
      status,
    )
  }

  if (ctx.can(['dispatcher'])) writeForm()
  void load()
    .then(() => (params.get('notice') ? open(Number(params.get('notice'))) : undefined))
    .catch((err: Error) => (msg.textContent = err.message))
  const timer = setInterval(() => void load().catch(() => {}), 30_000)
  return () => clearInterval(timer)
}

export const noticesView: View = {
  path: 'notices',
  title: 'Notices to drivers',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

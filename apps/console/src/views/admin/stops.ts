/** Admin: numbered stop signs — list with filters, edit (name, place, status), add, retire, print sign sheets. */
import type { Stop } from '@rb/domain'
import { api, qs } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { allPages } from '../../network.js'
import { action, clear, field, h, table } from '../../ui/dom.js'
import { buildForm } from '../../ui/form.js'
import { t } from '../../i18n/index.js'
import { stopLabel } from '../../map/style.js'

const STATUSES = (): [string, string][] =>
  (['ok', 'reported', 'in_repair', 'removed'] as const).map((s) => [s, stopLabel(s)])

function mount(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const township = h(
    'select',
    { name: 'township' },
    h('option', { value: '' }, t('All townships')),
    ctx.network.townships.map((x) => h('option', { value: x.id }, x.name)),
  )
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, t('Any status')),
    STATUSES().map(([v, l]) => h('option', { value: v }, l)),
  )
  const q = h('input', { type: 'search', name: 'q', placeholder: t('code or name') })
  const add = h('button', { disabled: !canEdit }, t('+ New sign'))
  const sheets = h('a', { target: '_blank', class: 'button' }, t('Print sheets of this township'))
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  el.append(
    h(
      'div',
      { class: 'page wide' },
      h('h1', null, t('Stop signs')),
      h(
        'div',
        { class: 'row' },
        field(t('Township'), township),
        field(t('Status'), status),
        field(t('Search'), q),
        add,
        sheets,
      ),
      h('div', { class: 'split' }, list, edit),
    ),
  )

  const reload = async (): Promise<void> => {
    sheets.href = township.value ? `/api/stops/sheets${qs({ township: township.value })}` : '#'
    sheets.style.visibility = township.value ? 'visible' : 'hidden'
    const rows = await allPages<Stop & { routes?: string[] }>('/api/stops', {
      township: township.value || undefined,
      status: status.value || undefined,
      q: q.value.trim() || undefined,
    })
    clear(
      list,
      table(
        [t('Code'), t('Name'), t('Township'), t('Status'), t('Routes'), t('Sheet')],
        rows,
        (s) => [
          s.code,
          s.name,
          ctx.network.township(s.townshipId)?.name ?? s.townshipId,
          h('span', { class: `tag ${s.status}` }, stopLabel(s.status)),
          (s.routes ?? []).join(' '),
          h(
            'a',
            { href: `/api/stops/${s.code}/sheet`, target: '_blank', onclick: (e: Event) => e.stopPropagation() },
            t('print'),
          ),
        ],
        { rowId: (s) => s.code, onRow: (s) => open(s) },
      ),
    )
  }

  function open(stop: Stop | null): void {
    const form = buildForm(
      [
        { name: 'name', label: t('Stop name'), kind: 'text', required: true },
        { name: 'nameEn', label: t('Name (pinyin / English)'), kind: 'text' },
        {
          name: 'townshipId',
          label: t('Township'),
          kind: 'select',
          options: ctx.network.townships.map((x) => [x.id, x.name]),
        },
        { name: 'lng', label: t('Longitude (WGS-84)'), kind: 'number', min: -180, max: 180, required: true },
        { name: 'lat', label: t('Latitude (WGS-84)'), kind: 'number', min: -90, max: 90, required: true },
        { name: 'installedOn', label: t('Installed on'), kind: 'date' },
        ...(stop ? [{ name: 'status', label: t('Status'), kind: 'select' as const, options: STATUSES() }] : []),
      ],
      stop ? { ...stop, lng: stop.point[0], lat: stop.point[1] } : { townshipId: ctx.network.townships[0]?.id ?? null },
    )
    const msg = h('p', { class: 'status' })
    const save = h('button', { class: 'primary save', disabled: !canEdit }, stop ? t('Save') : t('Add'))
    action(save, msg, async () => {
      const { lng, lat, ...v } = form.values()
      const body = { ...v, nameEn: v.nameEn ?? '', point: [Number(lng), Number(lat)] }
      const saved = stop
        ? await api.patch<Stop>(`/api/stops/${stop.code}`, body)
        : await api.post<Stop>('/api/stops', body)
      await reload()
      await ctx.reloadNetwork()
      return t('{id} saved', { id: saved.code })
    })
    const retire = h(
      'button',
      { class: 'danger', disabled: !canEdit || !stop || stop.status === 'removed' },
      t('Retire'),
    )
    action(retire, msg, async () => {
      if (!stop || !confirm(t('Retire {code}? Its code is never reused.', { code: stop.code }))) return t('kept')
      await api.del(`/api/stops/${stop.code}`)
      await reload()
      await ctx.reloadNetwork()
      return t('{code} retired', { code: stop.code })
    })
    clear(
      edit,
      h(
        'div',
        { class: 'card edit', dataset: { id: stop?.code ?? '' } },
        h('h2', null, stop ? `${stop.code} ${stop.name}` : t('New stop sign')),
        stop
          ? h(
              'p',
              null,
              h('a', { href: `#/live?stop=${stop.code}` }, t('show on map')),
              ' · ',
              h('a', { href: `/api/stops/${stop.code}/sheet`, target: '_blank' }, t('print sign sheet')),
            )
          : h('p', { class: 'muted' }, t('The code is assigned when it is saved, and never reused.')),
        form.el,
        h('div', { class: 'row' }, save, retire),
        canEdit ? null : h('p', { class: 'muted' }, t('Operators edit stop signs.')),
        msg,
      ),
    )
  }

  for (const s of [township, status]) s.addEventListener('change', () => void reload())
  let timer = 0
  q.addEventListener('input', () => {
    clearTimeout(timer)
    timer = window.setTimeout(() => void reload(), 250)
  })
  add.addEventListener('click', () => open(null))
  void reload()
}

export const stopsView: View = {
  path: 'admin/stops',
  title: 'Stop signs',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

/** Admin: numbered stop signs — list with filters, edit (name, place, status), add, retire, print sign sheets. */
import type { Stop } from '@rb/domain'
import { api, qs } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { allPages } from '../../network.js'
import { action, clear, field, h, table } from '../../ui/dom.js'
import { buildForm } from '../../ui/form.js'

const STATUSES: [string, string][] = [['ok', 'ok'], ['reported', 'reported'], ['in_repair', 'in repair'], ['removed', 'removed']]

function mount(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const township = h('select', { name: 'township' }, h('option', { value: '' }, 'All townships'), ctx.network.townships.map((t) => h('option', { value: t.id }, t.name)))
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'), STATUSES.map(([v, l]) => h('option', { value: v }, l)))
  const q = h('input', { type: 'search', name: 'q', placeholder: 'code or name' })
  const add = h('button', { disabled: !canEdit }, '+ New sign')
  const sheets = h('a', { target: '_blank', class: 'button' }, 'Print sheets of this township')
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  el.append(h('div', { class: 'page wide' }, h('h1', null, 'Stop signs 站牌'), h('div', { class: 'row' }, field('Township', township), field('Status', status), field('Search', q), add, sheets), h('div', { class: 'split' }, list, edit)))

  const reload = async (): Promise<void> => {
    sheets.href = township.value ? `/api/stops/sheets${qs({ township: township.value })}` : '#'
    sheets.style.visibility = township.value ? 'visible' : 'hidden'
    const rows = await allPages<Stop & { routes?: string[] }>('/api/stops', { township: township.value || undefined, status: status.value || undefined, q: q.value.trim() || undefined })
    clear(list, table(['Code', 'Name', 'Township', 'Status', 'Routes', 'Sheet'], rows, (s) => [s.code, s.name, ctx.network.township(s.townshipId)?.name ?? s.townshipId, h('span', { class: `tag ${s.status}` }, s.status.replace('_', ' ')), (s.routes ?? []).join(' '), h('a', { href: `/api/stops/${s.code}/sheet`, target: '_blank', onclick: (e: Event) => e.stopPropagation() }, 'print')], { rowId: (s) => s.code, onRow: (s) => open(s) }))
  }

  function open(stop: Stop | null): void {
    const form = buildForm(
      [
        { name: 'name', label: 'Name 站名', kind: 'text', required: true },
        { name: 'nameEn', label: 'Name (pinyin / English)', kind: 'text' },
        { name: 'townshipId', label: 'Township 乡镇', kind: 'select', options: ctx.network.townships.map((t) => [t.id, t.name]) },
        { name: 'lng', label: 'Longitude (WGS-84)', kind: 'number', min: -180, max: 180, required: true },
        { name: 'lat', label: 'Latitude (WGS-84)', kind: 'number', min: -90, max: 90, required: true },
        { name: 'installedOn', label: 'Installed on', kind: 'date' },
        ...(stop ? [{ name: 'status', label: 'Status', kind: 'select' as const, options: STATUSES }] : []),
      ],
      stop ? { ...stop, lng: stop.point[0], lat: stop.point[1] } : { townshipId: ctx.network.townships[0]?.id ?? null },
    )
    const msg = h('p', { class: 'status' })
    const save = h('button', { class: 'primary save', disabled: !canEdit }, stop ? 'Save 保存' : 'Add 新增')
    action(save, msg, async () => {
      const { lng, lat, ...v } = form.values()
      const body = { ...v, nameEn: v.nameEn ?? '', point: [Number(lng), Number(lat)] }
      const saved = stop ? await api.patch<Stop>(`/api/stops/${stop.code}`, body) : await api.post<Stop>('/api/stops', body)
      await reload()
      await ctx.reloadNetwork()
      return `${saved.code} saved`
    })
    const retire = h('button', { class: 'danger', disabled: !canEdit || !stop || stop.status === 'removed' }, 'Retire 撤站')
    action(retire, msg, async () => {
      if (!stop || !confirm(`Retire ${stop.code}? Its code is never reused.`)) return 'kept'
      await api.del(`/api/stops/${stop.code}`)
      await reload()
      await ctx.reloadNetwork()
      return `${stop.code} retired`
    })
    clear(edit, h('div', { class: 'card edit', dataset: { id: stop?.code ?? '' } }, h('h2', null, stop ? `${stop.code} ${stop.name}` : 'New stop sign'), stop ? h('p', null, h('a', { href: `#/live?stop=${stop.code}` }, 'show on map'), ' · ', h('a', { href: `/api/stops/${stop.code}/sheet`, target: '_blank' }, 'print sign sheet')) : h('p', { class: 'muted' }, 'The code is assigned when it is saved, and never reused.'), form.el, h('div', { class: 'row' }, save, retire), canEdit ? null : h('p', { class: 'muted' }, 'Operators edit stop signs.'), msg))
  }

  for (const s of [township, status]) s.addEventListener('change', () => void reload())
  let t = 0
  q.addEventListener('input', () => {
    clearTimeout(t)
    t = window.setTimeout(() => void reload(), 250)
  })
  add.addEventListener('click', () => open(null))
  void reload()
}

export const stopsView: View = { path: 'admin/stops', title: 'Stop signs 站牌', roles: ['dispatcher', 'operator'], map: false, mount }

/** Admin: vehicles and drivers, listed and edited (PUT by unified number; operators may write). */
import type { Vehicle } from '@rb/domain'
import { api } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import type { DriverView } from '../../network.js'
import { allPages } from '../../network.js'
import { action, clear, h, table } from '../../ui/dom.js'
import { buildForm, type FieldSpec, type FormValues } from '../../ui/form.js'

const STATUS: [string, string][] = [['active', 'active'], ['retired', 'retired']]

/** A list with an edit panel beside it; `save` returns the message shown. */
function editablePage<T>(opts: {
  title: string
  columns: string[]
  load: () => Promise<T[]>
  cells: (row: T) => (string | number | Node)[]
  id: (row: T) => string
  specs: (ctx: Ctx, row: T | null) => FieldSpec[]
  initial: (row: T | null) => Record<string, unknown>
  save: (id: string, values: FormValues) => Promise<unknown>
  newId?: string
}) {
  return (el: HTMLElement, ctx: Ctx): void => {
    const canEdit = ctx.can(['operator'])
    const search = h('input', { type: 'search', placeholder: 'search' })
    const list = h('div')
    const edit = h('div', { class: 'detail' })
    el.append(h('div', { class: 'page wide' }, h('h1', null, opts.title), search, h('div', { class: 'split' }, list, edit)))
    let rows: T[] = []
    const render = (): void => {
      const q = search.value.trim().toLowerCase()
      const shown = rows.filter((r) => !q || opts.cells(r).map((c) => (typeof c === 'object' ? (c.textContent ?? '') : String(c))).join(' ').toLowerCase().includes(q))
      clear(list, table(opts.columns, shown, opts.cells, { rowId: opts.id, onRow: (r) => open(r) }))
    }
    const reload = async (): Promise<void> => {
      rows = await opts.load()
      render()
    }
    function open(row: T | null): void {
      const form = buildForm(opts.specs(ctx, row), opts.initial(row))
      const idInput = h('input', { name: 'id', placeholder: opts.newId ?? '', pattern: '^[A-Z]{2,4}-[VD][0-9]{3,5}$' })
      const status = h('p', { class: 'status' })
      const save = h('button', { class: 'primary save', disabled: !canEdit }, row ? 'Save 保存' : 'Add 新增')
      action(save, status, async () => {
        const id = row ? opts.id(row) : idInput.value.trim().toUpperCase()
        if (!id) throw new Error('give the unified number')
        await opts.save(id, form.values())
        await reload()
        await ctx.reloadNetwork()
        return `${id} saved`
      })
      clear(edit, h('div', { class: 'card edit', dataset: { id: row ? opts.id(row) : '' } }, h('h2', null, row ? opts.id(row) : 'New 新增'), row ? null : h('label', { class: 'field' }, h('span', null, 'Unified number 统一编号'), idInput), form.el, save, canEdit ? null : h('p', { class: 'muted' }, 'Operators edit the fleet.'), status))
    }
    search.addEventListener('input', render)
    const add = h('button', { disabled: !canEdit }, '+ New')
    add.addEventListener('click', () => open(null))
    search.after(add)
    void reload()
  }
}

export const vehiclesView: View = {
  path: 'admin/vehicles',
  title: 'Vehicles 车辆',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: editablePage<Vehicle>({
    title: 'Vehicles 车辆',
    columns: ['Number', 'Plate', 'Seats', 'Model', 'Device', 'JT/T 808 phone', 'Status'],
    load: () => allPages<Vehicle>('/api/vehicles', { status: undefined }),
    cells: (v) => [v.id, v.plate, v.seats, v.model, v.deviceId ?? '—', v.jt808Phone ?? '—', v.status],
    id: (v) => v.id,
    newId: 'XY-V045',
    specs: (ctx) => [
      { name: 'plate', label: 'Plate 车牌', kind: 'text', required: true },
      { name: 'seats', label: 'Seats 座位', kind: 'number', min: 1, max: 100, step: 1, required: true },
      { name: 'operatorId', label: 'Operator', kind: 'select', options: [...new Set(ctx.network.vehicles.map((v) => v.operatorId))].map((o) => [o, o]) },
      { name: 'model', label: 'Model 车型', kind: 'text' },
      { name: 'deviceId', label: 'Device id (MQTT)', kind: 'text' },
      { name: 'jt808Phone', label: 'JT/T 808 terminal phone', kind: 'text', pattern: '^[0-9]{6,20}$' },
      { name: 'status', label: 'Status', kind: 'select', options: STATUS },
    ],
    initial: (v) => (v ? { ...v } : { seats: 19, status: 'active', operatorId: '' }),
    save: (id, f) => api.put(`/api/vehicles/${encodeURIComponent(id)}`, { ...f, model: f.model ?? '' }),
  }),
}

export const driversView: View = {
  path: 'admin/drivers',
  title: 'Drivers 驾驶员',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: editablePage<DriverView>({
    title: 'Drivers 驾驶员',
    columns: ['Number', 'Name', 'Phone', 'Licence', 'Pioneer', 'Since', 'Status'],
    load: () => allPages<DriverView>('/api/drivers'),
    cells: (d) => [d.id, d.name, d.phoneMasked, d.licenceClass, d.pioneer ? '★ 先锋' : '', `${d.serviceSince} (${d.yearsOfService} y)`, d.status],
    id: (d) => d.id,
    newId: 'XY-D055',
    specs: () => [
      { name: 'name', label: 'Name 姓名', kind: 'text', required: true },
      { name: 'phone', label: 'Phone 电话', kind: 'tel', required: true, hint: 'the list shows it masked: type it again when saving' },
      { name: 'licenceClass', label: 'Licence class 准驾车型', kind: 'text', required: true },
      { name: 'qualificationCert', label: 'Qualification certificate 从业资格证', kind: 'text' },
      { name: 'photoUrl', label: 'Photo URL', kind: 'text' },
      { name: 'pioneer', label: 'Pioneer driver 先锋司机', kind: 'checkbox' },
      { name: 'serviceSince', label: 'In service since', kind: 'date', required: true },
      { name: 'status', label: 'Status', kind: 'select', options: STATUS },
    ],
    initial: (d) => (d ? { ...d, phone: null } : { status: 'active', licenceClass: 'A1', pioneer: false }),
    save: (id, f) => api.put(`/api/drivers/${encodeURIComponent(id)}`, { ...f, qualificationCert: f.qualificationCert ?? '' }),
  }),
}

/** Admin: vehicles and drivers, listed and edited (PUT by unified number; operators may write). */
import type { Vehicle } from '@rb/domain'
import { api } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import type { DriverView } from '../../network.js'
import { allPages } from '../../network.js'
import { action, clear, h, table } from '../../ui/dom.js'
import { buildForm, type FieldSpec, type FormValues } from '../../ui/form.js'
import { t, word, type MessageKey } from '../../i18n/index.js'

const STATUS = (): [string, string][] => [
  ['active', t('active (in service)')],
  ['retired', t('retired')],
]

/** A list with an edit panel beside it; `save` returns the message shown. */
function editablePage<T>(opts: {
  title: MessageKey
  columns: MessageKey[]
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
    const search = h('input', { type: 'search', placeholder: t('Search') })
    const list = h('div')
    const edit = h('div', { class: 'detail' })
    el.append(
      h('div', { class: 'page wide' }, h('h1', null, t(opts.title)), search, h('div', { class: 'split' }, list, edit)),
    )
    let rows: T[] = []
    const render = (): void => {
      const q = search.value.trim().toLowerCase()
      const shown = rows.filter(
        (r) =>
          !q ||
          opts
            .cells(r)
            .map((c) => (typeof c === 'object' ? (c.textContent ?? '') : String(c)))
            .join(' ')
            .toLowerCase()
            .includes(q),
      )
      clear(
        list,
        table(
          opts.columns.map((c) => t(c)),
          shown,
          opts.cells,
          { rowId: opts.id, onRow: (r) => open(r) },
        ),
      )
    }
    const reload = async (): Promise<void> => {
      rows = await opts.load()
      render()
    }
    function open(row: T | null): void {
      const form = buildForm(opts.specs(ctx, row), opts.initial(row))
      const idInput = h('input', { name: 'id', placeholder: opts.newId ?? '', pattern: '^[A-Z]{2,4}-[VD][0-9]{3,5}$' })
      const status = h('p', { class: 'status' })
      const save = h('button', { class: 'primary save', disabled: !canEdit }, row ? t('Save') : t('Add'))
      action(save, status, async () => {
        const id = row ? opts.id(row) : idInput.value.trim().toUpperCase()
        if (!id) throw new Error(t('give the unified number'))
        await opts.save(id, form.values())
        await reload()
        await ctx.reloadNetwork()
        return t('{id} saved', { id })
      })
      clear(
        edit,
        h(
          'div',
          { class: 'card edit', dataset: { id: row ? opts.id(row) : '' } },
          h('h2', null, row ? opts.id(row) : t('New')),
          row ? null : h('label', { class: 'field' }, h('span', null, t('Unified number')), idInput),
          form.el,
          save,
          canEdit ? null : h('p', { class: 'muted' }, t('Operators edit the fleet.')),
          status,
        ),
      )
    }
    search.addEventListener('input', render)
    const add = h('button', { disabled: !canEdit }, t('+ New'))
    add.addEventListener('click', () => open(null))
    search.after(add)
    void reload()
  }
}

export const vehiclesView: View = {
  path: 'admin/vehicles',
  title: 'Vehicles (admin)',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: editablePage<Vehicle>({
    title: 'Vehicles (admin)',
    columns: ['Number', 'Plate', 'Seats', 'Model', 'Device', 'JT/T 808 phone', 'Status'],
    load: () => allPages<Vehicle>('/api/vehicles', { status: undefined }),
    cells: (v) => [
      v.id,
      v.plate,
      v.seats,
      v.model,
      v.deviceId ?? '—',
      v.jt808Phone ?? '—',
      v.status === 'active' ? t('active (in service)') : word(v.status),
    ],
    id: (v) => v.id,
    newId: 'XY-V045',
    specs: (ctx) => [
      { name: 'plate', label: t('Plate'), kind: 'text', required: true },
      { name: 'seats', label: t('Seats'), kind: 'number', min: 1, max: 100, step: 1, required: true },
      {
        name: 'operatorId',
        label: t('Operator'),
        kind: 'select',
        options: [...new Set(ctx.network.vehicles.map((v) => v.operatorId))].map((o) => [o, o]),
      },
      { name: 'model', label: t('Model'), kind: 'text' },
      { name: 'deviceId', label: t('Device id (MQTT)'), kind: 'text' },
      { name: 'jt808Phone', label: t('JT/T 808 terminal phone'), kind: 'text', pattern: '^[0-9]{6,20}$' },
      { name: 'status', label: t('Status'), kind: 'select', options: STATUS() },
    ],
    initial: (v) => (v ? { ...v } : { seats: 19, status: 'active', operatorId: '' }),
    save: (id, f) => api.put(`/api/vehicles/${encodeURIComponent(id)}`, { ...f, model: f.model ?? '' }),
  }),
}

export const driversView: View = {
  path: 'admin/drivers',
  title: 'Drivers',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: editablePage<DriverView>({
    title: 'Drivers',
    columns: ['Number', 'Name', 'Phone', 'Licence', 'Pioneer', 'Since', 'Status'],
    load: () => allPages<DriverView>('/api/drivers'),
    cells: (d) => [
      d.id,
      d.name,
      d.phoneMasked,
      d.licenceClass,
      d.pioneer ? `★ ${t('Pioneer')}` : '',
      `${d.serviceSince} (${t('{n} y', { n: d.yearsOfService })})`,
      d.status === 'active' ? t('active (in service)') : word(d.status),
    ],
    id: (d) => d.id,
    newId: 'XY-D055',
    specs: () => [
      { name: 'name', label: t('Name'), kind: 'text', required: true },
      {
        name: 'phone',
        label: t('Phone'),
        kind: 'tel',
        required: true,
        hint: t('the list shows it masked: type it again when saving'),
      },
      { name: 'licenceClass', label: t('Licence class'), kind: 'text', required: true },
      { name: 'qualificationCert', label: t('Qualification certificate'), kind: 'text' },
      { name: 'photoUrl', label: t('Photo URL'), kind: 'text' },
      { name: 'pioneer', label: t('Pioneer driver'), kind: 'checkbox' },
      { name: 'serviceSince', label: t('In service since'), kind: 'date', required: true },
      { name: 'status', label: t('Status'), kind: 'select', options: STATUS() },
    ],
    initial: (d) => (d ? { ...d, phone: null } : { status: 'active', licenceClass: 'A1', pioneer: false }),
    save: (id, f) =>
      api.put(`/api/drivers/${encodeURIComponent(id)}`, { ...f, qualificationCert: f.qualificationCert ?? '' }),
  }),
}

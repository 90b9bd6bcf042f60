/** Admin: accounts — list, create (a generated password is shown once), change role, link a driver, disable, reset password. */
import type { Role } from '@rb/domain'
import { api } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { action, clear, field, h, table } from '../../ui/dom.js'

interface User {
  id: number
  username: string
  displayName: string
  role: Role
  driverCode: string | null
  disabled: boolean
  demo: boolean
  createdAt: string
}

const ROLES: Role[] = ['dispatcher', 'operator', 'driver', 'admin']

function mount(el: HTMLElement, ctx: Ctx): void {
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  const add = h('button', null, '+ New account')
  el.append(h('div', { class: 'page wide' }, h('h1', null, 'Accounts 账号'), add, h('div', { class: 'split' }, list, edit)))

  const reload = async (): Promise<void> => {
    const r = await api.get<{ items: User[] }>('/api/users')
    clear(list, table(['User', 'Name', 'Role', 'Driver', 'State'], r.items, (u) => [u.username, u.displayName, u.role, u.driverCode ?? '', u.disabled ? 'disabled' : u.demo ? 'demo password' : 'active'], { rowId: (u) => u.username, onRow: (u) => open(u) }))
  }

  const driverSelect = (value: string | null): HTMLSelectElement => h('select', { name: 'driverCode' }, h('option', { value: '' }, '—'), ctx.network.drivers.map((d) => h('option', { value: d.id, selected: d.id === value }, `${d.id} ${d.name}`)))
  const roleSelect = (value: Role): HTMLSelectElement => h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === value }, r)))

  function open(u: User | null): void {
    const status = h('p', { class: 'status' })
    const username = h('input', { name: 'username', value: u?.username ?? '', disabled: u !== null, placeholder: 'lower case, e.g. zhang.wei' })
    const displayName = h('input', { name: 'displayName', value: u?.displayName ?? '' })
    const role = roleSelect(u?.role ?? 'dispatcher')
    const driver = driverSelect(u?.driverCode ?? null)
    const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: u?.disabled ?? false })
    const save = h('button', { class: 'primary save' }, u ? 'Save 保存' : 'Create 创建')
    action(save, status, async () => {
      const driverCode = role.value === 'driver' ? driver.value || null : null
      if (u) {
        await api.patch(`/api/users/${u.id}`, { displayName: displayName.value.trim(), role: role.value, driverCode, disabled: disabled.checked })
        await reload()
        return 'saved'
      }
      const r = await api.post<{ user: User; password?: string }>('/api/users', { username: username.value.trim(), displayName: displayName.value.trim(), role: role.value, driverCode })
      await reload()
      return r.password ? `created; password (shown once): ${r.password}` : 'created'
    })
    const reset = h('button', { disabled: u === null }, 'Reset password')
    action(reset, status, async () => {
      if (!u || !confirm(`Reset the password of ${u.username}? Their sessions end.`)) return 'kept'
      const r = await api.post<{ password?: string }>(`/api/users/${u.id}/password`, {})
      return r.password ? `new password (shown once): ${r.password}` : 'password reset'
    })
    clear(edit, h('div', { class: 'card edit', dataset: { id: u?.username ?? '' } }, h('h2', null, u ? u.username : 'New account'), field('User name', username), field('Name shown', displayName), h('div', { class: 'row' }, field('Role', role), field('Driver (for driver accounts)', driver)), u ? h('label', null, disabled, ' disabled') : null, h('div', { class: 'row' }, save, reset), status))
  }

  add.addEventListener('click', () => open(null))
  void reload()
}

export const usersView: View = { path: 'admin/users', title: 'Accounts 账号', roles: ['admin'], map: false, mount }

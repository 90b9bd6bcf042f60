/** Admin: accounts — list, create (a generated password is shown once), change role, link a driver, disable, reset password. */
import type { Role } from '@rb/domain'
import type { UserView } from '@rb/protocol'
import { api } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { action, clear, field, h, table } from '../../ui/dom.js'
import { t } from '../../i18n/index.js'
import { roleLabel } from '../../ui/words.js'

type User = UserView

const ROLES: Role[] = ['dispatcher', 'operator', 'driver', 'station', 'school', 'admin']

function mount(el: HTMLElement, ctx: Ctx): void {
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  const add = h('button', { class: 'new-account' }, t('+ New account'))
  el.append(
    h('div', { class: 'page wide' }, h('h1', null, t('Accounts')), add, h('div', { class: 'split' }, list, edit)),
  )

  const reload = async (): Promise<void> => {
    const r = await api.get<{ items: User[] }>('/api/users')
    clear(
      list,
      table(
        [t('User'), t('Name'), t('Role'), t('Driver'), t('State')],
        r.items,
        (u) => [
          u.username,
          u.displayName,
          roleLabel(u.role),
          u.driverCode ?? '',
          u.disabled ? t('disabled') : u.demo ? t('demo password') : t('active (in service)'),
        ],
        { rowId: (u) => u.username, onRow: (u) => open(u) },
      ),
    )
  }

  const driverSelect = (value: string | null): HTMLSelectElement =>
    h(
      'select',
      { name: 'driverCode' },
      h('option', { value: '' }, '—'),
      ctx.network.drivers.map((d) => h('option', { value: d.id, selected: d.id === value }, `${d.id} ${d.name}`)),
    )
  const roleSelect = (value: Role): HTMLSelectElement =>
    h(
      'select',
      { name: 'role' },
      ROLES.map((r) => h('option', { value: r, selected: r === value }, roleLabel(r))),
    )

  function open(u: User | null): void {
    const status = h('p', { class: 'status' })
    const username = h('input', {
      name: 'username',
      value: u?.username ?? '',
      disabled: u !== null,
      placeholder: t('lower case, e.g. zhang.wei'),
    })
    const displayName = h('input', { name: 'displayName', value: u?.displayName ?? '' })
    const role = roleSelect(u?.role ?? 'dispatcher')
    const driver = driverSelect(u?.driverCode ?? null)
    const disabled = h('input', { type: 'checkbox', name: 'disabled', checked: u?.disabled ?? false })
    const save = h('button', { class: 'primary save' }, u ? t('Save') : t('Create'))
    action(save, status, async () => {
      const driverCode = role.value === 'driver' ? driver.value || null : null
      if (u) {
        await api.patch(`/api/users/${u.id}`, {
          displayName: displayName.value.trim(),
          role: role.value,
          driverCode,
          disabled: disabled.checked,
        })
        await reload()
        return t('saved')
      }
      const r = await api.post<{ user: User; password?: string }>('/api/users', {
        username: username.value.trim(),
        displayName: displayName.value.trim(),
        role: role.value,
        driverCode,
      })
      await reload()
      return r.password ? t('created; password (shown once): {password}', { password: r.password }) : t('created')
    })
    const reset = h('button', { disabled: u === null }, t('Reset password'))
    action(reset, status, async () => {
      if (!u || !confirm(t('Reset the password of {user}? Their sessions end.', { user: u.username }))) return t('kept')
      const r = await api.post<{ password?: string }>(`/api/users/${u.id}/password`, {})
      return r.password ? t('new password (shown once): {password}', { password: r.password }) : t('password reset')
    })
    clear(
      edit,
      h(
        'div',
        { class: 'card edit', dataset: { id: u?.username ?? '' } },
        h('h2', null, u ? u.username : t('New account')),
        field(t('User name'), username),
        field(t('Name shown'), displayName),
        h('div', { class: 'row' }, field(t('Role'), role), field(t('Driver (for driver accounts)'), driver)),
        u ? h('label', null, disabled, ` ${t('disabled')}`) : null,
        h('div', { class: 'row' }, save, reset),
        status,
      ),
    )
  }

  add.addEventListener('click', () => open(null))
  void reload()
}

export const usersView: View = { path: 'admin/users', title: 'Accounts', roles: ['admin'], map: false, mount }

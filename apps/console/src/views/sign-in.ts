/** Sign-in page: user name and password; the server sets the session cookie. */
import { field, h, clear } from '../ui/dom.js'
import { signIn } from '../session.js'

export function signInPage(root: HTMLElement, onSignedIn: () => void): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const status = h('p', { class: 'status', attrs: { role: 'alert' } })
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in 登录')
  const form = h(
    'form',
    { class: 'sign-in' },
    h('h1', null, '农村客运调度'),
    h('p', { class: 'sub' }, 'Rural bus dispatch console'),
    field('User name 用户名', username),
    field('Password 密码', password),
    submit,
    status,
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    submit.disabled = true
    status.className = 'status'
    status.textContent = ''
    signIn(username.value.trim(), password.value).then(onSignedIn, (err: Error) => {
      status.className = 'status error'
      status.textContent = err.message
      submit.disabled = false
    })
  })
  clear(root, h('div', { class: 'sign-in-page' }, form))
}

/** Sign-in page: user name and password; the server sets the session cookie. */
import { field, h, clear } from '../ui/dom.js'
import { signIn } from '../session.js'
import { t } from '../i18n/index.js'
import { langSwitch } from '../ui/lang-switch.js'

export function signInPage(root: HTMLElement, onSignedIn: () => void): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const status = h('p', { class: 'status', attrs: { role: 'alert' } })
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Sign in'))
  const form = h(
    'form',
    { class: 'sign-in' },
    h(
      'div',
      { class: 'sign-in-lang' },
      langSwitch(() => signInPage(root, onSignedIn)),
    ),
    h('h1', null, t('Rural bus dispatch')),
    h('p', { class: 'sub' }, t('Rural bus dispatch console')),
    field(t('User name'), username),
    field(t('Password'), password),
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

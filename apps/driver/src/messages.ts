/**
 * Dispatchers' messages to the driver (from an alert or the vehicle panel): shown on top of every
 * screen until the driver taps "知道了" (they also reach the bus terminal as text). Pure string view.
 */
import type { DriverMessage } from '@rb/protocol'
import { t } from './i18n.js'
import type { Lang } from './model.js'
import { esc } from './views.js'

const clock = (ts: number): string =>
  new Date(ts).toLocaleTimeString('zh-CN', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: 'Asia/Shanghai',
  })

export function messagesBanner(lang: Lang, messages: readonly DriverMessage[]): string {
  if (messages.length === 0) return ''
  const items = messages
    .map(
      (m) =>
        `<li data-message="${esc(m.id)}"><p class="message-text">${esc(m.text)}</p><p class="message-meta">${esc(t(lang, 'messageFrom', { from: m.from, time: clock(m.ts) }))}</p><button type="button" data-action="read-message" data-id="${esc(m.id)}">${esc(t(lang, 'messageRead'))}</button></li>`,
    )
    .join('')
  return `<section class="messages" role="alert" aria-live="assertive"><h2>${esc(t(lang, 'messagesTitle'))}</h2><ul>${items}</ul></section>`
}

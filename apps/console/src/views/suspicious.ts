/**
 * Suspicious bookings: the phones, client addresses and accounts that hit a booking limit, made
 * many requests or let held seats lapse (GET /api/bookings/suspicious), each with its active
 * bookings, which a dispatcher cancels as fake with one click (the passenger is told the reason).
 */
import type { SuspectBookingView as SuspectBooking, SuspectView as Suspect } from '@rb/domain'
import { api, qs } from '../api.js'
import type { View } from '../context.js'
import { clear, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'
import { has, t } from '../i18n/index.js'

const KIND = { phone: 'Phone', address: 'Address', account: 'Account' } as const
const limitText = (l: string): string => (has(l) ? t(l) : l)

export const suspiciousView: View = {
  path: 'suspicious',
  title: 'Suspicious bookings',
  roles: ['dispatcher'],
  map: false,
  mount(el, _ctx, params) {
    const hours = Number(params.get('hours') ?? 24) || 24
    const body = h('div', { class: 'suspects' })
    clear(
      el,
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('Suspicious bookings')),
        h(
          'p',
          { class: 'hint' },
          t(
            'Phones, addresses and accounts that hit a booking limit, made many requests or let held seats lapse, in the last {n} hours.',
            { n: hours },
          ),
        ),
        body,
      ),
    )
    let stopped = false
    const load = async (): Promise<void> => {
      const r = await api.get<{ items: Suspect[] }>(`/api/bookings/suspicious${qs({ hours })}`)
      if (stopped) return
      if (r.items.length === 0) return clear(body, h('p', { class: 'empty' }, t('Nothing suspicious.')))
      clear(
        body,
        table(
          [
            t('Who'),
            t('Requests'),
            t('Refused'),
            t('Limits hit'),
            t('Lapsed holds'),
            t('Last request'),
            t('Active bookings'),
          ],
          r.items,
          (s) => [
            h('span', null, h('small', null, t(KIND[s.kind])), ' ', h('code', null, s.key)),
            String(s.requests),
            String(s.refused),
            s.limits.map(limitText).join(t(', ')) || '—',
            String(s.expiredHolds),
            `${day(Date.parse(s.lastAt))} ${clock(Date.parse(s.lastAt))}`,
            h(
              'div',
              { class: 'suspect-bookings' },
              s.bookings.length === 0 ? '—' : s.bookings.map((b) => bookingLine(b, load)),
            ),
          ],
          { rowId: (s) => `${s.kind}:${s.key}` },
        ),
      )
    }
    void load().catch((err: Error) => clear(body, h('p', { class: 'status error' }, err.message)))
    const timer = setInterval(() => void load().catch(() => undefined), 30_000)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  },
}

function bookingLine(b: SuspectBooking, reload: () => Promise<void>): HTMLElement {
  const status = h('span', { class: 'status' })
  const cancel = h(
    'button',
    { type: 'button', class: 'danger small', dataset: { cancel: b.code } },
    t('Cancel as fake'),
  )
  cancel.addEventListener('click', () => {
    cancel.disabled = true
    api
      .post(`/api/bookings/${b.code}/cancel`, { reason: t('Cancelled: the dispatcher judged it a false booking') })
      .then(
        () => {
          status.className = 'status ok'
          status.textContent = t('Cancelled: {code}', { code: b.code })
          void reload().catch(() => undefined)
        },
        (err: Error) => {
          cancel.disabled = false
          status.className = 'status error'
          status.textContent = err.message
        },
      )
  })
  return h(
    'div',
    { class: 'suspect-booking', dataset: { code: b.code } },
    h('code', null, b.code),
    ` ${b.tripInstanceId} · ${b.name} · ${b.phone} · ×${b.seats}`,
    b.held ? h('small', { class: 'held' }, ` (${t('held: waiting for the SMS code')})`) : null,
    ' ',
    cancel,
    status,
  )
}

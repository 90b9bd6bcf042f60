/**
 * One alert for the dispatcher: what, where, its life-cycle (who acknowledged or resolved it, when,
 * with what note), acknowledge with a note (required for an emergency), resolve with a note, a
 * message to the driver (the server says which channels took it), and the incident log of the
 * alert's vehicle or trip (list, add a note).
 */
import type { LiveAlert } from '@rb/protocol'
import { ackNeedsNote, alertStatusLabel, alertTypeLabel, severityLabel } from '../alerts.js'
import { t, type MessageKey } from '../i18n/index.js'
import { api, qs } from '../api.js'
import type { Ctx } from '../context.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clockS, day } from '../ui/format.js'

const enc = encodeURIComponent

/** One entry of the incident log (GET /api/incidents): a note, or an acknowledgement, resolution or message written there by the server. */
export interface Incident {
  id: number
  ts: number
  vehicleId: string | null
  tripInstanceId: string | null
  alertId: string | null
  kind: 'note' | 'ack' | 'resolve' | 'message'
  by: string
  text: string
}

const INCIDENT_KINDS = {
  note: 'note',
  ack: 'acknowledged',
  resolve: 'resolved',
  message: 'message to driver',
} as const satisfies Record<Incident['kind'], MessageKey>

/** POST /api/vehicles/:id/message: the channels that took it, and what each attempt came to. */
export interface MessageAnswer {
  channels: string[]
  attempts: { channel: string; status: 'delivered' | 'sent' | 'not_reached' | 'failed'; detail: string }[]
}

const CHANNELS: Record<string, MessageKey> = {
  jt808: 'terminal screen (JT/T 808)',
  mqtt: 'terminal (MQTT)',
  driver_page: 'driver page',
}
const ATTEMPTS: Record<string, MessageKey> = {
  delivered: 'delivered',
  sent: 'sent',
  not_reached: 'not reached',
  failed: 'failed',
}

/** "sent via driver page, terminal (MQTT)" — or why it reached nobody. */
export function messageOutcome(r: MessageAnswer): string {
  const name = (c: string): string => (CHANNELS[c] ? t(CHANNELS[c]) : c)
  if (r.channels.length) return t('sent via {channels}', { channels: r.channels.map(name).join(', ') })
  const why = r.attempts
    .map(
      (a) =>
        `${name(a.channel)}: ${ATTEMPTS[a.status] ? t(ATTEMPTS[a.status]!) : a.status}${a.detail ? ` (${a.detail})` : ''}`,
    )
    .join('; ')
  return `${t('no channel took it')}${why ? ` — ${why}` : ''}`
}

export const when = (ts: number | null): string => (ts === null ? '—' : `${day(ts)} ${clockS(ts)}`)

/** "dispatcher · 10:42:05 · note" for an acknowledgement; null when not acknowledged. */
export function ackText(a: LiveAlert): string | null {
  if (a.ackTs === null) return null
  return [a.ackBy ?? '?', clockS(a.ackTs), a.ackNote].filter(Boolean).join(' · ')
}

/** "cleared by itself · 10:50:00" or "dispatcher · 10:50:00 · note"; null when not resolved. */
export function resolvedText(a: LiveAlert): string | null {
  if (a.status !== 'resolved') return null
  const who = a.resolvedBy === 'system' ? t('cleared by itself') : (a.resolvedBy ?? '?')
  return [who, clockS(a.resolvedTs ?? a.clearedTs), a.resolveNote].filter(Boolean).join(' · ')
}

export function subjectLink(a: LiveAlert): Node | string {
  if (a.vehicleId) return h('a', { href: `#/live?vehicle=${enc(a.vehicleId)}` }, a.vehicleId)
  if (a.stopCode) return h('a', { href: `#/live?stop=${enc(a.stopCode)}` }, a.stopCode)
  if (a.tripInstanceId) return h('a', { href: `#/trips?trip=${enc(a.tripInstanceId)}` }, a.tripInstanceId)
  return '—'
}

export function alertDetail(ctx: Ctx, alertId: string, onClose: () => void): { el: HTMLElement; dispose(): void } {
  const store = ctx.alerts
  const first = store.get(alertId)
  const el = h('div', { class: 'card alert-detail', dataset: { alert: alertId } })
  if (!first) {
    clear(el, h('p', { class: 'status error' }, t('no alert {id}', { id: alertId })))
    return { el, dispose() {} }
  }
  const canAct = ctx.can(['dispatcher', 'operator'])

  // Facts, re-rendered on every change of the alert; the forms below keep what is typed.
  const head = h('div')
  const facts = h('div', { class: 'facts' })

  /** A note and a button that sends it; the note is emptied once the step is taken. */
  const noteForm = (
    cls: string,
    title: string,
    placeholder: string,
    button: HTMLButtonElement,
    run: (note: string) => Promise<unknown>,
    done: string,
  ): HTMLElement => {
    const note = h('textarea', { name: 'note', rows: 2, placeholder })
    const status = h('p', { class: 'status' })
    action(button, status, async () => {
      await run(note.value)
      note.value = ''
      return done
    })
    return h('div', { class: `sub ${cls}` }, h('h3', null, title), note, button, status)
  }
  const ackCard = noteForm(
    'ack-form',
    t('Acknowledge'),
    ackNeedsNote(first) ? t('what was done (required)') : t('note (optional)'),
    h('button', { class: 'primary do-ack' }, t('Acknowledge')),
    (note) => store.acknowledge(alertId, note),
    t('acknowledged'),
  )
  const resolveCard = noteForm(
    'resolve-form',
    t('Resolve'),
    t('how it was resolved (required)'),
    h('button', { class: 'do-resolve' }, t('Resolve')),
    (note) => store.resolve(alertId, note),
    t('resolved'),
  )

  // The log is written by the server too (acknowledgements, resolutions, messages): read again after each.
  const log = incidentsCard(first)
  const parts: Node[] = [head, facts]
  if (canAct) parts.push(ackCard, resolveCard)
  if (canAct && first.vehicleId) parts.push(messageCard(first))
  parts.push(log.el)
  clear(el, parts)

  function refresh(): void {
    const a = store.get(alertId)
    if (!a) return
    el.dataset.status = a.status
    clear(
      head,
      h(
        'header',
        null,
        h('h2', null, alertTypeLabel(a)),
        h('button', { class: 'icon', title: t('Close'), onclick: onClose }, '×'),
      ),
      h(
        'p',
        null,
        h('span', { class: `tag ${a.severity}` }, severityLabel(a.severity)),
        ' ',
        h('span', { class: `tag alert-${a.status}` }, alertStatusLabel(a.status)),
        ' ',
        h('span', { class: 'muted' }, a.id),
      ),
    )
    const rows: [string, string, Node | string][] = [
      ['raised', t('Raised'), when(a.ts)],
      ['where', t('Where'), subjectLink(a)],
      [
        'trip',
        t('Trip'),
        a.tripInstanceId ? h('a', { href: `#/trips?trip=${enc(a.tripInstanceId)}` }, a.tripInstanceId) : '—',
      ],
      ['message', t('Message'), a.message],
      [
        'condition',
        t('Condition'),
        a.state === 'cleared'
          ? t('cleared {when}', { when: when(a.clearedTs) })
          : a.status === 'resolved'
            ? '—'
            : t('active'),
      ],
      ['acknowledged', t('Acknowledged'), ackText(a) ?? '—'],
      ['resolved', t('Resolved'), resolvedText(a) ?? '—'],
    ]
    clear(
      facts,
      rows.map(([k, label, v]) => h('div', { class: 'kv', dataset: { k } }, h('span', null, label), h('b', null, v))),
    )
    ackCard.hidden = a.status !== 'open'
    resolveCard.hidden = a.status === 'resolved'
  }

  /** A text to the bus (terminal screen, driver page); the answer names the channels that took it. */
  function messageCard(a: LiveAlert): HTMLElement {
    const text = h('textarea', { name: 'message', rows: 2, maxLength: 500, placeholder: t('message to the driver') })
    const send = h('button', { class: 'send-message' }, t('Send to driver'))
    const status = h('p', { class: 'status' })
    action(send, status, async () => {
      const body = text.value.trim()
      if (!body) throw new Error(t('write the message first'))
      const r = await api.post<MessageAnswer>(`/api/vehicles/${enc(a.vehicleId ?? '')}/message`, {
        text: body,
        alertId: a.id,
      })
      text.value = ''
      log.reload()
      return messageOutcome(r)
    })
    return h(
      'div',
      { class: 'sub message-form' },
      h('h3', null, t('Message the driver of {vehicle}', { vehicle: a.vehicleId ?? '' })),
      text,
      send,
      status,
    )
  }

  /** The log of the alert's vehicle (its whole story), else its trip, else the alert itself. */
  function incidentsCard(a: LiveAlert): { el: HTMLElement; reload(): void } {
    const about = a.vehicleId
      ? { vehicleId: a.vehicleId }
      : a.tripInstanceId
        ? { tripInstanceId: a.tripInstanceId }
        : { alertId: a.id }
    const list = h('div', { class: 'incident-list' })
    const text = h('textarea', { name: 'incident', rows: 2, placeholder: t('what happened, who was called') })
    const add = h('button', { class: 'add-incident' }, t('Add to log'))
    const status = h('p', { class: 'status' })
    const load = async (): Promise<void> => {
      const r = await api.get<{ items: Incident[] }>(`/api/incidents${qs({ ...about, limit: 50 })}`)
      clear(
        list,
        table(
          [t('When'), t('Who'), t('What'), t('Text')],
          r.items,
          (i) => [
            when(i.ts),
            i.by,
            h(
              'span',
              { class: `tag incident-${i.kind}` },
              i.kind in INCIDENT_KINDS ? t(INCIDENT_KINDS[i.kind]) : i.kind,
              i.alertId === a.id ? ` · ${t('this alert')}` : '',
            ),
            i.text,
          ],
          { rowId: (i) => String(i.id) },
        ),
      )
    }
    action(add, status, async () => {
      const body = text.value.trim()
      if (!body) throw new Error(t('write the note first'))
      await api.post('/api/incidents', {
        ...about,
        tripInstanceId: a.tripInstanceId ?? undefined,
        alertId: a.id,
        text: body,
      })
      text.value = ''
      await load()
      return t('added')
    })
    const reload = (): void =>
      void load().catch((err: Error) => clear(list, h('p', { class: 'status error' }, err.message)))
    reload()
    const title = t('Incident log of {subject}', { subject: a.vehicleId ?? a.tripInstanceId ?? t('this alert') })
    return {
      el: h(
        'div',
        { class: 'sub incidents' },
        h('h3', null, title),
        list,
        canAct ? field(t('Add a note'), text) : null,
        canAct ? add : null,
        status,
      ),
      reload,
    }
  }

  refresh()
  const off = store.changed.on((batch) => {
    if (!batch.some((x) => x.id === alertId)) return
    refresh()
    log.reload()
  })
  return { el, dispose: off }
}

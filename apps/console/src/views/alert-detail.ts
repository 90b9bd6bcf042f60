/**
 * One alert for the dispatcher: what, where, its life-cycle (who acknowledged or resolved it, when,
 * with what note), acknowledge with a note (required for an emergency), resolve with a note, a
 * message to the driver (the server says which channels took it), and the incident log of the
 * alert's vehicle or trip (list, add a note).
 */
import type { LiveAlert } from '@rb/protocol'
import { ackNeedsNote, ALERT_STATUS_LABELS, alertTypeLabel } from '../alerts.js'
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

const INCIDENT_KINDS: Record<Incident['kind'], string> = { note: 'note 记录', ack: 'acknowledged 确认', resolve: 'resolved 解决', message: 'message to driver 消息' }

/** POST /api/vehicles/:id/message: the channels that took it, and what each attempt came to. */
export interface MessageAnswer {
  channels: string[]
  attempts: { channel: string; status: 'delivered' | 'sent' | 'not_reached' | 'failed'; detail: string }[]
}

const CHANNELS: Record<string, string> = { jt808: 'terminal screen (JT/T 808)', mqtt: 'terminal (MQTT)', driver_page: 'driver page' }

/** "sent via driver page, terminal (MQTT)" — or why it reached nobody. */
export function messageOutcome(r: MessageAnswer): string {
  const name = (c: string): string => CHANNELS[c] ?? c
  if (r.channels.length) return `sent via ${r.channels.map(name).join(', ')}`
  const why = r.attempts.map((a) => `${name(a.channel)}: ${a.status.replace('_', ' ')}${a.detail ? ` (${a.detail})` : ''}`).join('; ')
  return `no channel took it${why ? ` — ${why}` : ''}`
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
  const who = a.resolvedBy === 'system' ? 'cleared by itself 自动解除' : (a.resolvedBy ?? '?')
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
    clear(el, h('p', { class: 'status error' }, `no alert ${alertId}`))
    return { el, dispose() {} }
  }
  const canAct = ctx.can(['dispatcher', 'operator'])

  // Facts, re-rendered on every change of the alert; the forms below keep what is typed.
  const head = h('div')
  const facts = h('div', { class: 'facts' })

  /** A note and a button that sends it; the note is emptied once the step is taken. */
  const noteForm = (cls: string, title: string, placeholder: string, button: HTMLButtonElement, run: (note: string) => Promise<unknown>, done: string): HTMLElement => {
    const note = h('textarea', { name: 'note', rows: 2, placeholder })
    const status = h('p', { class: 'status' })
    action(button, status, async () => {
      await run(note.value)
      note.value = ''
      return done
    })
    return h('div', { class: `sub ${cls}` }, h('h3', null, title), note, button, status)
  }
  const ackCard = noteForm('ack-form', 'Acknowledge 确认', ackNeedsNote(first) ? 'what was done (required) 处置说明（必填）' : 'note (optional) 备注', h('button', { class: 'primary do-ack' }, 'Acknowledge 确认'), (note) => store.acknowledge(alertId, note), 'acknowledged')
  const resolveCard = noteForm('resolve-form', 'Resolve 解决', 'how it was resolved (required) 解决说明（必填）', h('button', { class: 'do-resolve' }, 'Resolve 解决'), (note) => store.resolve(alertId, note), 'resolved')

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
      h('header', null, h('h2', null, alertTypeLabel(a)), h('button', { class: 'icon', title: 'Close', onclick: onClose }, '×')),
      h('p', null, h('span', { class: `tag ${a.severity}` }, a.severity), ' ', h('span', { class: `tag alert-${a.status}` }, ALERT_STATUS_LABELS[a.status]), ' ', h('span', { class: 'muted' }, a.id)),
    )
    const rows: [string, Node | string][] = [
      ['Raised 发生', when(a.ts)],
      ['Where 对象', subjectLink(a)],
      ['Trip 班次', a.tripInstanceId ? h('a', { href: `#/trips?trip=${enc(a.tripInstanceId)}` }, a.tripInstanceId) : '—'],
      ['Message 内容', a.message],
      ['Condition 状况', a.state === 'cleared' ? `cleared ${when(a.clearedTs)}` : a.status === 'resolved' ? '—' : 'active 持续中'],
      ['Acknowledged 确认', ackText(a) ?? '—'],
      ['Resolved 解决', resolvedText(a) ?? '—'],
    ]
    clear(facts, rows.map(([k, v]) => h('div', { class: 'kv', dataset: { k: k.split(' ')[0]!.toLowerCase() } }, h('span', null, k), h('b', null, v))))
    ackCard.hidden = a.status !== 'open'
    resolveCard.hidden = a.status === 'resolved'
  }

  /** A text to the bus (terminal screen, driver page); the answer names the channels that took it. */
  function messageCard(a: LiveAlert): HTMLElement {
    const text = h('textarea', { name: 'message', rows: 2, maxLength: 500, placeholder: '给司机的消息 message to the driver' })
    const send = h('button', { class: 'send-message' }, 'Send to driver 发送')
    const status = h('p', { class: 'status' })
    action(send, status, async () => {
      const body = text.value.trim()
      if (!body) throw new Error('write the message first')
      const r = await api.post<MessageAnswer>(`/api/vehicles/${enc(a.vehicleId ?? '')}/message`, { text: body, alertId: a.id })
      text.value = ''
      log.reload()
      return messageOutcome(r)
    })
    return h('div', { class: 'sub message-form' }, h('h3', null, `Message the driver of ${a.vehicleId} 联系司机`), text, send, status)
  }

  /** The log of the alert's vehicle (its whole story), else its trip, else the alert itself. */
  function incidentsCard(a: LiveAlert): { el: HTMLElement; reload(): void } {
    const about = a.vehicleId ? { vehicleId: a.vehicleId } : a.tripInstanceId ? { tripInstanceId: a.tripInstanceId } : { alertId: a.id }
    const list = h('div', { class: 'incident-list' })
    const text = h('textarea', { name: 'incident', rows: 2, placeholder: 'what happened, who was called 情况记录' })
    const add = h('button', { class: 'add-incident' }, 'Add to log 记录')
    const status = h('p', { class: 'status' })
    const load = async (): Promise<void> => {
      const r = await api.get<{ items: Incident[] }>(`/api/incidents${qs({ ...about, limit: 50 })}`)
      clear(list, table(['When', 'Who', 'What', 'Text'], r.items, (i) => [when(i.ts), i.by, h('span', { class: `tag incident-${i.kind}` }, INCIDENT_KINDS[i.kind] ?? i.kind, i.alertId === a.id ? ' · this alert' : ''), i.text], { rowId: (i) => String(i.id) }))
    }
    action(add, status, async () => {
      const body = text.value.trim()
      if (!body) throw new Error('write the note first')
      await api.post('/api/incidents', { ...about, tripInstanceId: a.tripInstanceId ?? undefined, alertId: a.id, text: body })
      text.value = ''
      await load()
      return 'added'
    })
    const reload = (): void => void load().catch((err: Error) => clear(list, h('p', { class: 'status error' }, err.message)))
    reload()
    const title = `Incident log of ${a.vehicleId ?? a.tripInstanceId ?? 'this alert'} 事件记录`
    return { el: h('div', { class: 'sub incidents' }, h('h3', null, title), list, canAct ? field('Add a note', text) : null, canAct ? add : null, status), reload }
  }

  refresh()
  const off = store.changed.on((batch) => {
    if (!batch.some((x) => x.id === alertId)) return
    refresh()
    log.reload()
  })
  return { el, dispose: off }
}

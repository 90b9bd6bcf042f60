/**
 * Alerts feed: off route, late start, early departure, overspeed, offline, driver alarm, sign and
 * road reports, on-demand trips under their minimum — live, with acknowledge (who, when) and a
 * link to the vehicle or stop on the map.
 */
import type { LiveAlert } from '@rb/protocol'
import type { Ctx, View } from '../context.js'
import { clear, h, table } from '../ui/dom.js'
import { clockS, day } from '../ui/format.js'

const TYPE_LABELS: Record<string, string> = {
  off_route: 'Off route 偏离线路',
  overspeed: 'Overspeed 超速',
  late_start: 'Late start 晚发',
  early_departure: 'Early departure 早发',
  offline: 'Offline 离线',
  driver_alarm: 'Driver alarm 司机报警',
  sign_report: 'Sign report 站牌报修',
  road_report: 'Road report 道路报告',
  on_demand_under_min: 'On-demand under minimum 预约不足',
}

function mount(el: HTMLElement, ctx: Ctx): () => void {
  const store = ctx.alerts
  const onlyOpen = h('input', { type: 'checkbox', checked: true, name: 'open' })
  const status = h('p', { class: 'status' })
  const body = h('div')
  el.append(h('div', { class: 'page' }, h('h1', null, 'Alerts 告警'), h('label', null, onlyOpen, ' open or unacknowledged only'), status, body))

  const link = (a: LiveAlert): Node | string => {
    if (a.vehicleId) return h('a', { href: `#/live?vehicle=${encodeURIComponent(a.vehicleId)}` }, a.vehicleId)
    if (a.stopCode) return h('a', { href: `#/live?stop=${encodeURIComponent(a.stopCode)}` }, a.stopCode)
    if (a.tripInstanceId) return h('a', { href: `#/trips?trip=${encodeURIComponent(a.tripInstanceId)}` }, a.tripInstanceId)
    return '—'
  }
  const ack = (a: LiveAlert): Node | string => {
    if (a.ackTs !== null) return h('span', { class: 'muted ack' }, `${a.ackBy ?? '?'} · ${clockS(a.ackTs)}`)
    const b = h('button', { class: 'ack', dataset: { alert: a.id } }, 'Acknowledge 确认')
    b.addEventListener('click', () => {
      b.disabled = true
      store.acknowledge(a.id).then(render, (err: Error) => {
        status.className = 'status error'
        status.textContent = err.message
        b.disabled = false
      })
    })
    return b
  }
  function render(): void {
    const rows = store.list(onlyOpen.checked)
    clear(
      body,
      table(
        ['Raised', 'Alert', 'Severity', 'Vehicle / stop', 'Message', 'State', 'Acknowledged'],
        rows,
        (a) => [`${day(a.ts)} ${clockS(a.ts)}`, TYPE_LABELS[a.type] ?? a.type, h('span', { class: `tag ${a.severity}` }, a.severity), link(a), a.message, a.state === 'cleared' ? `cleared ${clockS(a.clearedTs)}` : h('span', { class: 'tag warning' }, 'active'), ack(a)],
        { rowId: (a) => a.id },
      ),
    )
  }
  onlyOpen.addEventListener('change', render)
  render()
  const off = store.changed.on(render)
  return off
}

export const alertsView: View = { path: 'alerts', title: 'Alerts 告警', roles: ['dispatcher', 'operator'], map: false, mount }

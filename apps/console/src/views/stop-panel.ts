/** The panel of one numbered stop sign: name, township, status, routes, next departures, sign sheet. */
import type { StopArrivalsUpdate } from '@rb/protocol'
import { api } from '../api.js'
import type { Ctx } from '../context.js'
import { STOP_COLOURS, stopLabel } from '../map/style.js'
import { t, word } from '../i18n/index.js'
import { clear, h, table } from '../ui/dom.js'
import { age, clock, punctualityText } from '../ui/format.js'

export function stopPanel(ctx: Ctx, code: string, onClose: () => void): { el: HTMLElement; dispose(): void } {
  const el = h('aside', { class: 'panel stop-panel', dataset: { stop: code } })
  const stop = ctx.network.stop(code)
  const arrivals = h('div', null, t('Loading departures…'))
  const routes = ctx.network.routes.filter((r) => r.stops.some((s) => s.stopCode === code))
  clear(
    el,
    h('header', null, h('h2', null, code), h('button', { class: 'icon', title: t('Close'), onclick: onClose }, '×')),
    stop
      ? h('p', null, h('b', null, stop.name), ` · ${ctx.network.township(stop.townshipId)?.name ?? stop.townshipId}`)
      : null,
    stop
      ? h(
          'div',
          { class: `badge sign-${stop.status}`, style: `background:${STOP_COLOURS[stop.status]}` },
          stopLabel(stop.status),
        )
      : null,
    h('p', null, t('Routes:'), ' ', routes.map((r) => r.name).join(', ') || '—'),
    h('h3', null, t('Next departures')),
    arrivals,
    ctx.can(['dispatcher', 'operator'])
      ? h(
          'p',
          null,
          h('a', { href: `/api/stops/${encodeURIComponent(code)}/sheet`, target: '_blank' }, t('Print sign sheet ↗')),
        )
      : null,
  )
  let disposed = false
  const load = (): void => {
    api.get<StopArrivalsUpdate>(`/api/stops/${encodeURIComponent(code)}/arrivals?limit=6`).then(
      (r) => {
        if (disposed) return
        const status = (a: StopArrivalsUpdate['arrivals'][number]): string => {
          // No live position: how old the last one is, never a frozen ETA.
          if (a.status === 'no_position')
            return `${word(a.status)} · ${t('last position {age}', { age: age(a.lastFixTs, r.ts) })}`
          return a.vehicleId && a.punctuality
            ? `${word(a.status)} · ${punctualityText(a.punctuality, a.delayS)}`
            : word(a.status)
        }
        clear(
          arrivals,
          table([t('Due'), t('ETA'), t('Route'), t('Vehicle'), t('Status')], r.arrivals, (a) => [
            clock(a.scheduledTs),
            a.etaTs ? clock(a.etaTs) : '—',
            `${a.routeName} ${a.headsign}`,
            a.vehicleId ?? '—',
            status(a),
          ]),
        )
      },
      (err: Error) => clear(arrivals, h('p', { class: 'status error' }, err.message)),
    )
  }
  load()
  const timer = setInterval(load, 15_000)
  return {
    el,
    dispose() {
      disposed = true
      clearInterval(timer)
    },
  }
}

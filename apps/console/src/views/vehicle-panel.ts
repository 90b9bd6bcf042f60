/** The panel of one vehicle: unified number, plate, driver (and whether the bus or the roster says so), trip, delay, next stop and ETA, booked seats, last update. */
import type { BookingCounts } from '@rb/domain'
import type { VehicleStateView } from '@rb/protocol'
import { api } from '../api.js'
import type { Ctx } from '../context.js'
import { driverLine } from '../driver-line.js'
import { displayStatus } from '../fleet.js'
import { EMERGENCY_COLOUR, emergencyLabel, STATUS_COLOURS, statusLabel } from '../map/style.js'
import { t } from '../i18n/index.js'
import { clear, h } from '../ui/dom.js'
import { age, clock, punctualityText } from '../ui/format.js'

interface StateResponse {
  state: VehicleStateView
  etas: { seq: number; stopCode: string; scheduledTs: number; etaTs: number | null }[]
}

export function vehiclePanel(
  ctx: Ctx,
  vehicleId: string,
  onClose: () => void,
): { el: HTMLElement; refresh(): void; dispose(): void } {
  const el = h('aside', { class: 'panel vehicle-panel', dataset: { vehicle: vehicleId } })
  let etas: StateResponse['etas'] = []
  let counts: BookingCounts | null = null
  let countsFor: string | null = null
  let disposed = false

  const load = async (): Promise<void> => {
    const r = await api.get<StateResponse>(`/api/vehicles/${encodeURIComponent(vehicleId)}/state`)
    if (disposed) return
    ctx.fleet.applyStates([r.state])
    etas = r.etas
    const trip = r.state.tripInstanceId
    if (trip && trip !== countsFor && ctx.can(['dispatcher'])) {
      countsFor = trip
      counts =
        (
          await api
            .get<{ counts: BookingCounts }>(`/api/trip-instances/${encodeURIComponent(trip)}/bookings`)
            .catch(() => null)
        )?.counts ?? null
    }
    render()
  }

  // Built once; render() only changes the values (a button that is being clicked must not be replaced).
  const values = new Map<string, HTMLElement>()
  const row = (label: string, key: string): HTMLElement => {
    const b = h('b', { dataset: { k: key } }, '—')
    values.set(key, b)
    return h('div', { class: 'kv' }, h('span', null, label), b)
  }
  const set = (key: string, value: string): void => {
    const b = values.get(key)
    if (b && b.textContent !== value) b.textContent = value
  }
  const badge = h('div', { class: 'badge' })
  const warn = h('p', { class: 'warn' })
  clear(
    el,
    h(
      'header',
      null,
      h('h2', null, vehicleId),
      h('button', { class: 'icon', title: t('Close'), onclick: onClose }, '×'),
    ),
    badge,
    row(t('Plate'), 'plate'),
    row(t('Driver'), 'driver'),
    row(t('Trip'), 'trip'),
    row(t('Punctuality'), 'delay'),
    row(t('Next stop'), 'next'),
    row(t('ETA'), 'eta'),
    row(t('Booked'), 'booked'),
    row(t('Speed'), 'speed'),
    row(t('Last update'), 'age'),
    warn,
    h('footer', null, h('a', { href: `#/replay?vehicle=${encodeURIComponent(vehicleId)}` }, t('Replay its track →'))),
  )

  function render(): void {
    const v = ctx.fleet.vehicles.get(vehicleId)
    const info = ctx.network.vehicle(vehicleId)
    const s = v?.state ?? null
    const status = v ? displayStatus(v) : 'offline'
    const route = ctx.network.route(s?.routeId)
    const next = s?.nextStop ?? null
    const nextStop = ctx.network.stop(next?.stopCode)
    const eta = next ? (etas.find((e) => e.seq === next.seq)?.etaTs ?? next.etaTs) : null
    const sos = ctx.fleet.isEmergency(vehicleId)
    badge.style.background = sos ? EMERGENCY_COLOUR : STATUS_COLOURS[status]
    badge.textContent = sos ? `${emergencyLabel()} · ${statusLabel(status)}` : statusLabel(status)
    set('plate', info?.plate ?? '—')
    set(
      'driver',
      driverLine(s, (code) => ctx.network.driver(code)),
    )
    set(
      'trip',
      s?.tripInstanceId
        ? `${route ? `${route.name} ` : ''}${s.tripInstanceId}${s.match === 'inferred' ? ` (${t('inferred')})` : ''}`
        : t('not on a trip'),
    )
    set('delay', s?.tripInstanceId ? punctualityText(s.punctuality, s.delayS) : '—')
    set(
      'next',
      next
        ? `${next.stopCode}${nextStop ? ` ${nextStop.name}` : ''} · ${t('due {time}', { time: clock(next.scheduledTs) })}`
        : '—',
    )
    // Past the server's grace of the last fix there is no ETA: the timetable (the "Last update" row says how old).
    set(
      'eta',
      next && s && s.freshness !== 'live'
        ? t('no live position · timetable {time}', { time: clock(next.scheduledTs) })
        : eta
          ? clock(eta)
          : '—',
    )
    set(
      'booked',
      counts
        ? `${t('{riders} / {capacity} seats', { riders: counts.riders, capacity: counts.capacity })}${counts.waitlisted ? ` · ${t('{n} waiting', { n: counts.waitlisted })}` : ''}`
        : '—',
    )
    set('speed', v ? `${Math.round(v.speedKmh)} km/h · ${Math.round(v.headingDeg)}°` : '—')
    set('age', age(v?.ts, Date.now()))
    warn.textContent = s?.offRoute ? t('Off route by {m} m', { m: Math.round(s.offsetM ?? 0) }) : ''
  }

  render()
  void load().catch(() => render())
  const timer = setInterval(() => void load().catch(() => {}), 5000)
  return {
    el,
    refresh: render,
    dispose() {
      disposed = true
      clearInterval(timer)
    },
  }
}

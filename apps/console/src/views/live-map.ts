/**
 * Live map: every vehicle coloured by status with its heading, route lines, numbered stop signs,
 * filters (service kind, route, township, status), search (vehicle, plate, driver, stop code),
 * a legend with counts, and the panel of the vehicle or stop clicked.
 */
import type { ServiceKind, StopStatus } from '@rb/domain'
import type { VehicleServiceStatus } from '@rb/protocol'
import type { Ctx, View } from '../context.js'
import { ALL_KINDS, ALL_STATUSES, matches } from '../fleet.js'
import {
  EMERGENCY_COLOUR,
  emergencyLabel,
  kindLabel,
  STATUS_COLOURS,
  statusLabel,
  STOP_COLOURS,
  stopLabel,
  STOP_STROKE,
} from '../map/style.js'
import { t } from '../i18n/index.js'
import { signKey, statusKey } from '../ui/marks.js'
import { clear, h } from '../ui/dom.js'
import { stopPanel } from './stop-panel.js'
import { vehiclePanel } from './vehicle-panel.js'

/** `0421`, `421` or `xy-0421` → the stop code, if such a stop exists. */
export function stopCodeFor(query: string, codes: readonly string[]): string | null {
  const q = query.trim().toUpperCase()
  if (!q) return null
  if (codes.includes(q)) return q
  if (/^\d{1,6}$/.test(q)) return codes.find((c) => Number(c.split('-').at(-1)) === Number(q)) ?? null
  return null
}

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const f = ctx.filter
  const search = h('input', {
    type: 'search',
    placeholder: t('Vehicle, plate, driver or stop code'),
    value: f.query,
    class: 'search',
    attrs: { 'aria-label': t('Search') },
  })
  const kind = h(
    'select',
    { attrs: { 'aria-label': t('Service kind') } },
    h('option', { value: '' }, t('All kinds')),
    ALL_KINDS.map((k) => h('option', { value: k, selected: f.kinds.has(k) }, kindLabel(k))),
  )
  const route = h(
    'select',
    { attrs: { 'aria-label': t('Route') } },
    h('option', { value: '' }, t('All routes')),
    ctx.network.routes.map((r) => h('option', { value: r.id, selected: f.routeId === r.id }, `${r.name}`)),
  )
  const township = h(
    'select',
    { attrs: { 'aria-label': t('Township') } },
    h('option', { value: '' }, t('All townships')),
    ctx.network.townships.map((x) => h('option', { value: x.id, selected: f.townshipId === x.id }, x.name)),
  )
  const legend = h('div', { class: 'legend' })
  const panelSlot = h('div', { class: 'panel-slot' })
  const hint = h('div', { class: 'hint' })
  el.append(h('div', { class: 'toolbar' }, search, kind, route, township, hint), legend, panelSlot)

  let panel: { el: HTMLElement; refresh?: () => void; dispose(): void } | null = null
  const closePanel = (): void => {
    panel?.dispose()
    panel = null
    clear(panelSlot)
    ctx.map.select(null)
    ctx.map.focus(null)
  }
  const openVehicle = (id: string, fly = false): void => {
    closePanel()
    panel = vehiclePanel(ctx, id, closePanel)
    panelSlot.append(panel.el)
    ctx.map.select(id)
    const v = ctx.fleet.vehicles.get(id)
    if (fly && v?.lng != null && v.lat != null) ctx.map.flyTo([v.lng, v.lat], 13)
  }
  const openStop = (code: string, fly = false): void => {
    closePanel()
    panel = stopPanel(ctx, code, closePanel)
    panelSlot.append(panel.el)
    const s = ctx.network.stop(code)
    if (s) {
      ctx.map.focus(s.point)
      if (fly) ctx.map.flyTo(s.point, 15)
    }
  }

  const redraw = (): void => {
    ctx.map.flushFleet()
    renderLegend()
  }
  const highlight = (): void =>
    ctx.map.setNetwork(ctx.network.routes, ctx.network.stops, ctx.network.townships, f.routeId)

  // The legend is built once and its counts updated in place: a chip being clicked is never replaced.
  const SIGN_STATUSES: readonly StopStatus[] = ['ok', 'reported', 'in_repair']
  const countOf = new Map<string, HTMLElement>()
  const counted = (key: string): HTMLElement => {
    const b = h('b', null, '0')
    countOf.set(key, b)
    return b
  }
  const sosKey = h(
    'div',
    { class: 'key sos', dataset: { status: 'emergency' }, hidden: true },
    h('i', { class: 'sos-dot', style: `background:${EMERGENCY_COLOUR}` }),
    `${emergencyLabel()} `,
    counted('sos'),
  )
  const chips = ALL_STATUSES.map((s: VehicleServiceStatus) => {
    const chip = h(
      'button',
      { class: 'chip', dataset: { status: s }, title: t('Show only this status (click again to clear)') },
      statusKey(s, STATUS_COLOURS[s]),
      `${statusLabel(s)} `,
      counted(s),
    )
    chip.addEventListener('click', () => {
      if (f.statuses.has(s)) (f.statuses as Set<VehicleServiceStatus>).delete(s)
      else (f.statuses as Set<VehicleServiceStatus>).add(s)
      redraw()
    })
    return chip
  })
  clear(
    legend,
    h('h4', null, t('Buses')),
    sosKey,
    chips,
    h('h4', null, t('Stop signs')),
    SIGN_STATUSES.map((s) =>
      h(
        'div',
        { class: 'key', dataset: { sign: s } },
        signKey(s, STOP_COLOURS[s], STOP_STROKE),
        `${stopLabel(s)} `,
        counted(`sign:${s}`),
      ),
    ),
  )
  const setCount = (key: string, n: number): void => {
    const b = countOf.get(key)
    if (b && b.textContent !== String(n)) b.textContent = String(n)
  }
  function renderLegend(): void {
    const counts = ctx.fleet.counts()
    for (const [i, s] of ALL_STATUSES.entries()) {
      setCount(s, counts[s])
      chips[i]?.classList.toggle('on', f.statuses.has(s))
    }
    const sos = [...ctx.fleet.vehicles.values()].filter((v) => v.lng !== null && ctx.fleet.isEmergency(v.id)).length
    setCount('sos', sos)
    sosKey.hidden = sos === 0
    const signs = new Map<StopStatus, number>()
    for (const stop of ctx.network.stops) signs.set(stop.status, (signs.get(stop.status) ?? 0) + 1)
    for (const s of SIGN_STATUSES) setCount(`sign:${s}`, signs.get(s) ?? 0)
  }

  search.addEventListener('input', () => {
    f.query = stopCodeFor(
      search.value,
      ctx.network.stops.map((s) => s.code),
    )
      ? ''
      : search.value
    hint.textContent = ''
    redraw()
  })
  search.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return
    const code = stopCodeFor(
      search.value,
      ctx.network.stops.map((s) => s.code),
    )
    if (code) return openStop(code, true)
    const found = [...ctx.fleet.vehicles.values()].filter((v) => v.lng !== null && matches(v, f, ctx.network.index))
    hint.textContent = found.length === 1 ? '' : t('{n} vehicles match', { n: found.length })
    if (found.length === 1 && found[0]) openVehicle(found[0].id, true)
  })
  kind.addEventListener('change', () => {
    f.kinds = new Set(kind.value ? [kind.value as ServiceKind] : [])
    redraw()
  })
  route.addEventListener('change', () => {
    f.routeId = route.value || null
    highlight()
    redraw()
    const r = ctx.network.route(f.routeId)
    if (r) ctx.map.fitTo(r.geometry)
  })
  township.addEventListener('change', () => {
    f.townshipId = township.value || null
    redraw()
  })

  const offVehicle = ctx.map.map.on('click', 'vehicles', (e) => {
    const id = e.features?.[0]?.properties?.id as string | undefined
    if (id) openVehicle(id)
  })
  const offStop = ctx.map.map.on('click', 'stops', (e) => {
    if (ctx.map.map.queryRenderedFeatures(e.point, { layers: ['vehicles'] }).length) return
    const code = e.features?.[0]?.properties?.code as string | undefined
    if (code) openStop(code)
  })
  // The legend and the open panel follow the fleet at most once a second.
  let last = 0
  const offChanged = ctx.live.changed.on(() => {
    const now = Date.now()
    if (now - last < 1000) return
    last = now
    renderLegend()
    panel?.refresh?.()
  })

  renderLegend()
  highlight()
  ctx.map.showFleet(true)
  // ?status=offline (the home view's link): the map shows only those buses.
  const only = params.get('status')
  if (only && (ALL_STATUSES as readonly string[]).includes(only)) {
    f.statuses = new Set([only as VehicleServiceStatus])
    redraw()
  }
  const v = params.get('vehicle')
  const s = params.get('stop')
  if (v) openVehicle(v, true)
  else if (s) openStop(s, true)

  return () => {
    closePanel()
    offVehicle.unsubscribe()
    offStop.unsubscribe()
    offChanged()
  }
}

export const liveMapView: View = {
  path: 'live',
  title: 'Live map',
  roles: ['dispatcher', 'operator'],
  map: true,
  mount,
}

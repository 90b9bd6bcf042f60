/**
 * The SOS / emergency banner across the top of every console view: each driver alarm the server
 * rates critical that nobody has acknowledged — vehicle, time, place, "show on map" — sounds the
 * alarm until acknowledged with a note (its own form; an empty note is refused). It also tells the
 * fleet which buses to draw as an emergency: until their alarm is resolved.
 */
import type { LiveAlert } from '@rb/protocol'
import { emergencyVehicles, sounding, type AlertStore } from '../alerts.js'
import type { Fleet } from '../fleet.js'
import type { MapView } from '../map/map-view.js'
import type { NetworkData } from '../network.js'
import type { AlarmSound, AlarmSoundState } from './alarm-sound.js'
import { clear, h } from './dom.js'
import { clockS } from './format.js'
import './sos-banner.css'
import { placeName } from './place.js'
import { t, word } from '../i18n/index.js'

export interface SosBannerDeps {
  alerts: AlertStore
  fleet: Fleet
  map: MapView
  network: NetworkData
  sound: AlarmSound
  /** Fleet changes (the live connection's), so the place follows the bus. */
  onFleetChange(fn: () => void): () => void
  /** Opens a view by hash path (the live map at the vehicle). */
  go(path: string): void
}

export function sosBanner(deps: SosBannerDeps): { el: HTMLElement; dispose(): void } {
  const { alerts, fleet, map, network, sound } = deps
  const el = h('div', { class: 'sos-banner', attrs: { role: 'alert', 'aria-live': 'assertive' }, hidden: true })
  const soundLine = h('div', { class: 'sos-sound' })
  const list = h('ul', { class: 'sos-list' })
  el.append(
    h(
      'div',
      { class: 'sos-head' },
      h('strong', null, h('i', { class: 'sos-light' }), `SOS ${t('SOS emergency')}`),
      soundLine,
    ),
    list,
  )
  // Forms being typed into survive re-renders: one item per alert, kept while it is shown.
  const items = new Map<string, { li: HTMLLIElement; refresh(a: LiveAlert): void }>()

  function item(a: LiveAlert): { li: HTMLLIElement; refresh(a: LiveAlert): void } {
    const what = h('span', { class: 'sos-what' })
    const note = h('input', {
      name: 'note',
      placeholder: t('what was done (required)'),
      attrs: { 'aria-label': t('acknowledgement note') },
    })
    const ack = h('button', { class: 'primary sos-ack', type: 'submit' }, t('Acknowledge'))
    const status = h('span', { class: 'sos-status' })
    const show = h('button', { type: 'button', class: 'sos-show' }, t('Show on map'))
    show.addEventListener('click', () => {
      if (!a.vehicleId) return
      deps.go(`live?vehicle=${encodeURIComponent(a.vehicleId)}`)
    })
    const form = h('form', { class: 'sos-form' }, note, ack)
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      if (!note.value.trim()) {
        status.textContent = t('A note is required: say what was done.')
        note.focus()
        return
      }
      ack.disabled = true
      status.textContent = '…'
      alerts.acknowledge(a.id, note.value).then(
        () => (status.textContent = ''),
        (err: Error) => {
          status.textContent = err.message
          ack.disabled = false
        },
      )
    })
    const li = h('li', { dataset: { alert: a.id, vehicle: a.vehicleId ?? '' } }, what, show, form, status)
    const refresh = (x: LiveAlert): void => {
      const v = x.vehicleId ? fleet.vehicles.get(x.vehicleId) : undefined
      const plate = x.vehicleId ? network.vehicle(x.vehicleId)?.plate : undefined
      const place =
        v?.lng != null && v.lat != null
          ? placeName([v.lng, v.lat], network.stops, (id) => network.township(id)?.name)
          : t('position unknown')
      const alarm =
        typeof x.data.alarm === 'string'
          ? word(x.data.alarm)
          : Array.isArray(x.data.alarms)
            ? x.data.alarms.map((w) => word(String(w))).join(', ')
            : t('alarm')
      what.textContent = `${x.vehicleId ?? t('vehicle ?')}${plate ? ` ${plate}` : ''} · ${alarm} · ${clockS(x.ts)} · ${place}`
      show.disabled = !x.vehicleId
    }
    refresh(a)
    return { li, refresh }
  }

  function renderSound(state: AlarmSoundState): void {
    if (state === 'blocked') {
      const enable = h('button', { type: 'button', class: 'sos-enable' }, t('Sound blocked — click to enable'))
      enable.addEventListener('click', () => sound.unlock())
      clear(soundLine, enable)
    } else clear(soundLine, state === 'sounding' ? h('span', { class: 'sos-on' }, t('alarm sounding')) : null)
  }

  function render(): void {
    const open = sounding(alerts.items.values())
    const ids = new Set(open.map((a) => a.id))
    for (const [id, it] of items)
      if (!ids.has(id)) {
        it.li.remove()
        items.delete(id)
      }
    for (const a of open) {
      const it = items.get(a.id)
      if (it) it.refresh(a)
      else {
        const made = item(a)
        items.set(a.id, made)
      }
    }
    list.replaceChildren(...open.map((a) => items.get(a.id)!.li))
    el.hidden = open.length === 0
    if (open.length) sound.start()
    else sound.stop()
    fleet.setEmergencies(emergencyVehicles(alerts.items.values()))
    map.scheduleFleet()
  }

  // The place follows the bus while the alarm waits (at most once a second).
  let placedAt = 0
  const offFleet = deps.onFleetChange(() => {
    if (!items.size || Date.now() - placedAt < 1000) return
    placedAt = Date.now()
    for (const [id, it] of items) {
      const a = alerts.get(id)
      if (a) it.refresh(a)
    }
  })
  const offAlerts = alerts.changed.on(render)
  const offSound = sound.changed.on(renderSound)
  renderSound(sound.state)
  render()
  return {
    el,
    dispose() {
      offFleet()
      offAlerts()
      offSound()
      sound.stop()
    },
  }
}

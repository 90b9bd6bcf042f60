/**
 * Trip board of a service day: every trip instance with status, vehicle, driver, delay and seats
 * booked; a row opens the trip (assign, cancel, bookings, phone booking, manifest). The bookings
 * view is the same board limited to bookable trips.
 */
import type { BookingCounts, ServiceKind, TripBoardRow } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { KIND_LABELS } from '../map/style.js'
import type { TripInstanceView } from '../trip-types.js'
import { clear, field, h, table } from '../ui/dom.js'
import { clock, day, delay } from '../ui/format.js'
import { tripDetail } from './trip-detail.js'

function board(bookableOnly: boolean) {
  return (el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void => {
    const date = h('input', { type: 'date', name: 'date', value: params.get('date') ?? day(Date.now()) })
    const kind = h('select', { name: 'kind' }, h('option', { value: '' }, 'All kinds'), (Object.keys(KIND_LABELS) as ServiceKind[]).map((k) => h('option', { value: k }, KIND_LABELS[k])))
    const search = h('input', { type: 'search', name: 'q', placeholder: 'route, vehicle, driver' })
    const status = h('p', { class: 'status' })
    const list = h('div', { class: 'board' })
    const detailBox = h('div', { class: 'detail' })
    el.append(h('div', { class: 'page wide' }, h('h1', null, bookableOnly ? 'Bookings 订票' : 'Trip board 班次'), h('div', { class: 'row' }, field('Service day', date), field('Kind', kind), field('Search', search)), status, h('div', { class: 'split' }, list, detailBox)))

    let rows: TripBoardRow[] = []
    let instances = new Map<string, TripInstanceView>()
    const counts = new Map<string, BookingCounts>()
    let selected = params.get('trip')
    let detail: { reload(): void } | null = null

    const load = async (): Promise<void> => {
      const q = qs({ date: date.value })
      const [b, t] = await Promise.all([api.get<{ items: TripBoardRow[] }>(`/api/trips/today${q}`), api.get<{ items: TripInstanceView[] }>(`/api/trips${q}`)])
      rows = b.items
      instances = new Map(t.items.map((i) => [i.id, i]))
      render()
      await loadCounts(t.items.filter((i) => i.bookingPolicy !== 'none').map((i) => i.id))
    }
    /** Seats held on bookable trips (the board's API has no counts): a few requests at a time, then live changes. */
    async function loadCounts(ids: string[]): Promise<void> {
      if (!ctx.can(['dispatcher'])) return
      const queue = ids.filter((id) => !counts.has(id))
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const r = await api.get<{ counts: BookingCounts }>(`/api/trip-instances/${encodeURIComponent(id)}/bookings`).catch(() => null)
          if (r) counts.set(id, r.counts)
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
      render()
    }
    function render(): void {
      const text = search.value.trim().toLowerCase()
      const shown = rows.filter((r) => {
        const inst = instances.get(r.instanceId)
        if (bookableOnly && inst?.bookingPolicy === 'none') return false
        if (kind.value && r.kind !== kind.value) return false
        if (!text) return true
        const route = ctx.network.route(r.routeId)
        return [r.routeId, route?.name ?? '', r.headsign, r.vehicleId ?? '', r.driverCode ?? '', ctx.network.driver(r.driverCode)?.name ?? ''].join(' ').toLowerCase().includes(text)
      })
      status.textContent = `${shown.length} trips`
      const t = table(
        ['Dep.', 'Route', 'Headsign', 'Status', 'Vehicle', 'Driver', 'Delay', 'Booked / seats'],
        shown,
        (r) => {
          const inst = instances.get(r.instanceId)
          const c = counts.get(r.instanceId)
          return [
            clock(r.departureTs),
            ctx.network.route(r.routeId)?.name ?? r.routeId,
            r.headsign,
            h('span', { class: `tag ${r.status}` }, r.status),
            r.vehicleId ?? '—',
            r.driverCode ? `${ctx.network.driver(r.driverCode)?.name ?? ''} ${r.driverCode}` : '—',
            r.status === 'running' || r.status === 'late' || r.status === 'completed' ? delay(r.delayS) : '',
            `${c ? c.riders : inst?.bookingPolicy === 'none' ? '—' : '·'} / ${inst?.seats ?? '?'}`,
          ]
        },
        { onRow: (r) => select(r.instanceId), rowId: (r) => r.instanceId },
      )
      for (const tr of t.querySelectorAll<HTMLTableRowElement>('tbody tr')) tr.classList.toggle('selected', tr.dataset.id === selected)
      clear(list, t)
    }
    function select(id: string): void {
      selected = id
      const d = tripDetail(ctx, id, () => void load())
      detail = d
      clear(detailBox, d.el)
      render()
    }
    // Seat counts arrive with every committed booking change.
    const offBookings = ctx.live.bookings.on((batch) => {
      for (const b of batch) counts.set(b.tripInstanceId, b.counts)
      if (selected && batch.some((b) => b.tripInstanceId === selected)) detail?.reload()
      render()
    })
    for (const input of [date, kind]) input.addEventListener('change', () => void load().catch((err: Error) => (status.textContent = err.message)))
    search.addEventListener('input', render)
    void load().then(() => (selected ? select(selected) : undefined), (err: Error) => (status.textContent = err.message))
    const timer = setInterval(() => void load().catch(() => {}), 15_000)
    return () => {
      clearInterval(timer)
      offBookings()
    }
  }
}

export const tripsView: View = { path: 'trips', title: 'Trip board 班次', roles: ['dispatcher', 'operator'], map: false, mount: board(false) }
export const bookingsView: View = { path: 'bookings', title: 'Bookings 订票', roles: ['dispatcher'], map: false, mount: board(true) }

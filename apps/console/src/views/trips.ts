/**
 * Trip board of a service day: every trip instance with the state the server gives it (scheduled,
 * assigned, in progress, completed, not run, partly run, cancelled), vehicle, driver, delay judged
 * by the county's policy, and seats booked; filters by state (chips with counts), late only, kind
 * and text. A row opens the trip (assign, cancel, bookings, phone booking, manifest). The bookings
 * view is the same board limited to bookable trips.
 */
import type { BookingCounts, ServiceKind, TripBoardRow, TripRunStatus } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { ALL_SERVICE_KINDS, kindLabel } from '../map/style.js'
import { countStates, emptyBoardFilter, filterBoard, showsDelay, tripStateLabel, TRIP_STATES } from '../trip-board.js'
import { t } from '../i18n/index.js'
import type { TripInstanceView } from '../trip-types.js'
import { clear, field, h, table } from '../ui/dom.js'
import { clock, day, punctualityText } from '../ui/format.js'
import { tripDetail } from './trip-detail.js'

function board(bookableOnly: boolean) {
  return (el: HTMLElement, ctx: Ctx, params: URLSearchParams): (() => void) => {
    const date = h('input', { type: 'date', name: 'date', value: params.get('date') ?? day(Date.now()) })
    const kind = h(
      'select',
      { name: 'kind' },
      h('option', { value: '' }, t('All kinds')),
      ALL_SERVICE_KINDS.map((k) => h('option', { value: k, selected: params.get('kind') === k }, kindLabel(k))),
    )
    const search = h('input', { type: 'search', name: 'q', placeholder: t('route, vehicle, driver') })
    const lateOnly = h('input', { type: 'checkbox', name: 'late', checked: params.get('late') === '1' })
    const chips = h('div', { class: 'state-chips', attrs: { role: 'group', 'aria-label': t('trip state') } })
    const status = h('p', { class: 'status' })
    const list = h('div', { class: 'board' })
    const detailBox = h('div', { class: 'detail' })
    el.append(
      h(
        'div',
        { class: 'page wide' },
        h('h1', null, bookableOnly ? t('Bookings') : t('Trip board')),
        h('div', { class: 'row' }, field(t('Service day'), date), field(t('Kind'), kind), field(t('Search'), search)),
        h(
          'div',
          { class: 'row board-filters' },
          chips,
          h('label', { class: 'late-only' }, lateOnly, ` ${t('late only')}`),
        ),
        status,
        h('div', { class: 'split' }, list, detailBox),
      ),
    )

    const filter = emptyBoardFilter()
    // ?state=missed or several, ?state=scheduled,assigned (the home view's links).
    for (const s of (params.get('state') ?? '').split(','))
      if ((TRIP_STATES as readonly string[]).includes(s)) (filter.states as Set<TripRunStatus>).add(s as TripRunStatus)

    let rows: TripBoardRow[] = []
    let instances = new Map<string, TripInstanceView>()
    const counts = new Map<string, BookingCounts>()
    let selected = params.get('trip')
    let detail: { reload(): void; setRow(row: TripBoardRow): void } | null = null
    const names = {
      route: (id: string) => ctx.network.route(id)?.name,
      driver: (code: string) => ctx.network.driver(code)?.name,
    }

    const load = async (): Promise<void> => {
      const q = qs({ date: date.value })
      const [b, all] = await Promise.all([
        api.get<{ items: TripBoardRow[] }>(`/api/trips/today${q}`),
        api.get<{ items: TripInstanceView[] }>(`/api/trips${q}`),
      ])
      rows = b.items
      instances = new Map(all.items.map((i) => [i.id, i]))
      render()
      await loadCounts(all.items.filter((i) => i.bookingPolicy !== 'none').map((i) => i.id))
    }
    /** Seats held on bookable trips (the board's API has no counts): a few requests at a time, then live changes. */
    async function loadCounts(ids: string[]): Promise<void> {
      if (!ctx.can(['dispatcher'])) return
      const queue = ids.filter((id) => !counts.has(id))
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          const r = await api
            .get<{ counts: BookingCounts }>(`/api/trip-instances/${encodeURIComponent(id)}/bookings`)
            .catch(() => null)
          if (r) counts.set(id, r.counts)
        }
      }
      await Promise.all([worker(), worker(), worker(), worker()])
      render()
    }
    function renderChips(base: TripBoardRow[]): void {
      const counts = countStates(base)
      const chip = (state: TripRunStatus | null): HTMLButtonElement => {
        const on = state ? filter.states.has(state) : filter.states.size === 0
        const b = h(
          'button',
          {
            class: `chip state${on ? ' on' : ''}`,
            dataset: { state: state ?? 'all' },
            attrs: { 'aria-pressed': String(on) },
          },
          state ? h('i', { class: `tag ${state}` }) : null,
          state ? tripStateLabel(state) : t('All'),
          ' ',
          h('b', null, String(state ? counts[state] : base.length)),
        )
        b.addEventListener('click', () => {
          const states = filter.states as Set<TripRunStatus>
          if (!state) states.clear()
          else if (states.has(state)) states.delete(state)
          else states.add(state)
          render()
        })
        return b
      }
      clear(chips, chip(null), TRIP_STATES.map(chip))
    }
    function render(): void {
      filter.kind = (kind.value || null) as ServiceKind | null
      filter.text = search.value
      filter.lateOnly = lateOnly.checked
      const base = bookableOnly ? rows.filter((r) => instances.get(r.instanceId)?.bookingPolicy !== 'none') : rows
      renderChips(filterBoard(base, { ...filter, states: new Set() }, names))
      const shown = filterBoard(base, filter, names)
      status.textContent = t('{n} trips', { n: shown.length })
      const grid = table(
        [t('Dep.'), t('Route'), t('Headsign'), t('State'), t('Vehicle'), t('Driver'), t('Delay'), t('Booked / seats')],
        shown,
        (r) => {
          const inst = instances.get(r.instanceId)
          const c = counts.get(r.instanceId)
          return [
            clock(r.departureTs),
            ctx.network.route(r.routeId)?.name ?? r.routeId,
            r.headsign,
            h('span', { class: `tag ${r.status}`, dataset: { state: r.status } }, tripStateLabel(r.status)),
            r.vehicleId ?? '—',
            r.driverCode ? `${ctx.network.driver(r.driverCode)?.name ?? ''} ${r.driverCode}` : '—',
            showsDelay(r.status)
              ? h('span', { class: `punct ${r.punctuality ?? ''}` }, punctualityText(r.punctuality, r.delayS))
              : '',
            `${c ? c.riders : inst?.bookingPolicy === 'none' ? '—' : '·'} / ${inst?.seats ?? '?'}`,
          ]
        },
        { onRow: (r) => select(r.instanceId), rowId: (r) => r.instanceId },
      )
      for (const tr of grid.querySelectorAll<HTMLTableRowElement>('tbody tr'))
        tr.classList.toggle('selected', tr.dataset.id === selected)
      clear(list, grid)
      const row = rows.find((r) => r.instanceId === selected)
      if (row) detail?.setRow(row)
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
    date.addEventListener('change', () => void load().catch((err: Error) => (status.textContent = err.message)))
    kind.addEventListener('change', render)
    lateOnly.addEventListener('change', render)
    search.addEventListener('input', render)
    void load().then(
      () => (selected ? select(selected) : undefined),
      (err: Error) => (status.textContent = err.message),
    )
    const timer = setInterval(() => void load().catch(() => {}), 15_000)
    return () => {
      clearInterval(timer)
      offBookings()
    }
  }
}

export const tripsView: View = {
  path: 'trips',
  title: 'Trip board',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: board(false),
}
export const bookingsView: View = {
  path: 'bookings',
  title: 'Bookings',
  roles: ['dispatcher'],
  map: false,
  mount: board(true),
}

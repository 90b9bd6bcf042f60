/**
 * The day at a glance (`#/home`, the first view): today's trips run, not run, running and late,
 * the on-time share, bookings and no-shows, open alerts and repair tickets, buses offline. Each
 * number is a link to the list it counts, filtered the same way, so the two always agree. The
 * figures are counted by home-model.ts from the same API answers the lists read.
 */
import type { TripBoardRow } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { dayFigures, type DayFigures } from '../home-model.js'
import { t, type MessageKey } from '../i18n/index.js'
import { clear, h } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'

interface Ridership {
  rows: { bookings: number; seatsBooked: number; seatsNoShow: number; seatsBoarded: number }[]
}

interface Tile {
  key: keyof DayFigures
  label: MessageKey
  href: string
  tone?: (f: DayFigures) => 'bad' | 'warn' | 'ok' | ''
  /** The figure as shown (a share as a percentage); the number itself by default. */
  show?: (f: DayFigures) => string
}

function tiles(date: string): { title: MessageKey; tiles: Tile[] }[] {
  const trips = (q: Record<string, string>): string => `#/trips${qs({ date, ...q })}`
  return [
    {
      title: 'Trips today',
      tiles: [
        { key: 'tripsRun', label: 'Trips run', href: trips({ state: 'completed' }) },
        { key: 'tripsRunning', label: 'Running now', href: trips({ state: 'in_progress' }), tone: () => 'ok' },
        {
          key: 'tripsMissed',
          label: 'Not run',
          href: trips({ state: 'missed' }),
          tone: (f) => (f.tripsMissed ? 'bad' : ''),
        },
        {
          key: 'tripsLate',
          label: 'Running late',
          href: trips({ late: '1' }),
          tone: (f) => (f.tripsLate ? 'warn' : ''),
        },
        { key: 'tripsToCome', label: 'Still to run', href: trips({ state: 'scheduled,assigned' }) },
        {
          key: 'onTimeShare',
          label: 'On time',
          href: `#/reports${qs({ from: date, to: date })}`,
          show: (f) => (f.onTimeShare === null ? '—' : `${Math.round(f.onTimeShare * 100)}%`),
          tone: (f) => (f.onTimeShare !== null && f.onTimeShare < 0.8 ? 'warn' : ''),
        },
      ],
    },
    {
      title: 'Passengers',
      tiles: [
        { key: 'bookings', label: 'Bookings', href: `#/bookings${qs({ date })}` },
        { key: 'seatsBooked', label: 'Seats booked', href: `#/bookings${qs({ date })}` },
        {
          key: 'noShows',
          label: 'No-show seats',
          href: `#/reports${qs({ from: date, to: date })}`,
          tone: (f) => (f.noShows ? 'warn' : ''),
        },
      ],
    },
    {
      title: 'Needs attention',
      tiles: [
        {
          key: 'alertsOpen',
          label: 'Open alerts',
          href: '#/alerts?status=open',
          tone: (f) => (f.alertsOpen ? 'bad' : ''),
        },
        {
          key: 'ticketsOpen',
          label: 'Open repair tickets',
          href: '#/tickets?status=open,assigned',
          tone: (f) => (f.ticketsOpen ? 'warn' : ''),
        },
        {
          key: 'busesOffline',
          label: 'Buses offline',
          href: '#/live?status=offline',
          tone: (f) => (f.busesOffline ? 'warn' : ''),
        },
      ],
    },
  ]
}

function mount(el: HTMLElement, ctx: Ctx): () => void {
  const date = day(Date.now())
  const status = h('p', { class: 'status' })
  const body = h('div', { class: 'glance' })
  el.append(
    h(
      'div',
      { class: 'page wide home' },
      h('h1', null, t('The day at a glance')),
      h('p', { class: 'muted' }, t('Service day {date} · every number opens its list', { date })),
      body,
      status,
    ),
  )

  let rows: TripBoardRow[] = []
  let ridership: Ridership['rows'] = []
  let tickets = 0
  const render = (): void => {
    const f = dayFigures({
      trips: rows,
      ridership,
      ticketsOpen: tickets,
      alerts: ctx.alerts.items.values(),
      fleet: ctx.fleet.counts(),
    })
    clear(
      body,
      tiles(date).map((g) =>
        h(
          'section',
          { class: 'card glance-group' },
          h('h2', null, t(g.title)),
          h(
            'div',
            { class: 'tiles' },
            g.tiles.map((tile) =>
              h(
                'a',
                { class: `tile ${tile.tone?.(f) ?? ''}`, href: tile.href, dataset: { figure: tile.key } },
                h('b', null, tile.show ? tile.show(f) : String(f[tile.key] ?? '—')),
                h('span', null, t(tile.label)),
              ),
            ),
          ),
        ),
      ),
    )
  }
  const load = async (): Promise<void> => {
    const [b, r, tk] = await Promise.all([
      api.get<{ items: TripBoardRow[] }>(`/api/trips/today${qs({ date })}`),
      ctx.can(['dispatcher', 'operator'])
        ? api.get<Ridership>(`/api/analytics/ridership${qs({ from: date, to: date })}`).catch(() => ({ rows: [] }))
        : { rows: [] },
      api
        .get<{ total: number }>(`/api/tickets${qs({ status: 'open,assigned', limit: 1 })}`)
        .catch(() => ({ total: 0 })),
    ])
    rows = b.items
    ridership = r.rows
    tickets = tk.total
    render()
    status.textContent = t('Updated {time}', { time: clock(Date.now()) })
  }
  void load().catch((err: Error) => (status.textContent = err.message))
  const timer = setInterval(() => void load().catch(() => {}), 30_000)
  // Alerts and buses change live; the tiles follow at most once a second.
  let last = 0
  const soon = (): void => {
    if (Date.now() - last < 1000) return
    last = Date.now()
    render()
  }
  const offAlerts = ctx.alerts.changed.on(soon)
  const offFleet = ctx.live.changed.on(soon)
  return () => {
    clearInterval(timer)
    offAlerts()
    offFleet()
  }
}

export const homeView: View = { path: 'home', title: 'Overview', roles: ['dispatcher', 'operator'], map: false, mount }

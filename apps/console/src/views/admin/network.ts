/**
 * Admin: routes, calendars and the timetable as the API has them (edited today through the API or
 * GTFS import), GTFS import and export, and printing stop-sign sheets.
 */
import type { Calendar, Trip } from '@rb/domain'
import { api, qs } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { KIND_LABELS } from '../../map/style.js'
import { action, clear, field, h, table } from '../../ui/dom.js'
import { day } from '../../ui/format.js'

const hhmm = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`

function routes(el: HTMLElement, ctx: Ctx): void {
  const rows = ctx.network.routes
  el.append(
    h(
      'div',
      { class: 'page wide' },
      h('h1', null, 'Routes 线路'),
      h('p', { class: 'muted' }, `${rows.length} routes. Geometry and stops change with PUT /api/routes/{id} or a GTFS import.`),
      table(['Id', 'Name', 'Kind', 'Length', 'Stops', 'Speed limit', 'Colour', 'Active', ''], rows, (r) => [r.id, r.name, KIND_LABELS[r.kind], `${(r.lengthM / 1000).toFixed(1)} km`, `${r.stops.length}: ${r.stops[0]?.stopCode ?? ''} → ${r.stops.at(-1)?.stopCode ?? ''}`, `${r.speedLimitKmh} km/h`, h('span', { class: 'swatch', style: `background:${r.color}` }), r.active ? 'yes' : 'no', h('a', { href: '#/live', onclick: () => (ctx.filter.routeId = r.id) }, 'map')], { rowId: (r) => r.id }),
    ),
  )
}

function calendars(el: HTMLElement): void {
  const list = h('div')
  const dates = h('div', { class: 'detail' })
  el.append(h('div', { class: 'page wide' }, h('h1', null, 'Calendars 运行日历'), h('p', { class: 'muted' }, 'Market-day rules (lunar or Gregorian digits), school terms, weekdays, added and removed dates. A calendar shows the days it runs in the next 60 days.'), h('div', { class: 'split' }, list, dates)))
  void api.get<{ items: Calendar[] }>('/api/calendars').then((r) => {
    clear(
      list,
      table(['Id', 'Name', 'Rules'], r.items, (c) => [c.id, c.name, h('code', { class: 'rules' }, JSON.stringify(c.rules))], {
        rowId: (c) => c.id,
        onRow: (c) => {
          const from = day(Date.now())
          const to = day(Date.now() + 60 * 86_400_000)
          void api.get<{ dates: string[] }>(`/api/calendars/${encodeURIComponent(c.id)}/dates${qs({ from, to })}`).then(
            (d) => clear(dates, h('div', { class: 'card' }, h('h2', null, c.name), h('p', null, `${d.dates.length} service days from ${from} to ${to}`), h('p', { class: 'dates' }, d.dates.join(' ')))),
            (err: Error) => clear(dates, h('p', { class: 'status error' }, err.message)),
          )
        },
      }),
    )
  })
}

function trips(el: HTMLElement, ctx: Ctx): void {
  const route = h('select', { name: 'route' }, h('option', { value: '' }, 'All routes'), ctx.network.routes.map((r) => h('option', { value: r.id }, `${r.id} ${r.name}`)))
  const list = h('div')
  el.append(h('div', { class: 'page wide' }, h('h1', null, 'Timetable 时刻表'), field('Route', route), list))
  const load = (): void => {
    void api.get<{ items: Trip[] }>(`/api/schedule/trips${qs({ route: route.value })}`).then((r) =>
      clear(list, table(['Trip', 'Route', 'Calendar', 'Dir.', 'Headsign', 'Departs', 'Duration', 'Seats', 'Booking'], r.items, (t) => [t.id, ctx.network.route(t.routeId)?.name ?? t.routeId, t.calendarId, t.direction, t.headsign, hhmm(t.departureS), `${Math.round((t.stopOffsetsS.at(-1) ?? 0) / 60)} min`, t.seats, t.bookingPolicy === 'required' ? `required (min ${t.minRiders}, cutoff ${t.bookingCutoffMin} min)` : t.bookingPolicy], { rowId: (t) => t.id })),
    )
  }
  route.addEventListener('change', load)
  load()
}

interface ImportResult {
  stops: number
  routes: number
  trips: number
  calendars: number
  renumberedStops: Record<string, string>
  warnings: string[]
}

function gtfs(el: HTMLElement, ctx: Ctx): void {
  const from = h('input', { type: 'date', name: 'from', value: day(Date.now()) })
  const to = h('input', { type: 'date', name: 'to', value: day(Date.now() + 90 * 86_400_000) })
  const exportLink = h('a', { class: 'button export' }, 'Download GTFS zip')
  const setLink = (): void => {
    exportLink.href = `/api/gtfs/export${qs({ from: from.value, to: to.value })}`
  }
  setLink()
  from.addEventListener('change', setLink)
  to.addEventListener('change', setLink)
  const file = h('input', { type: 'file', name: 'feed', accept: '.zip,application/zip' })
  const upload = h('button', { class: 'primary import', disabled: !ctx.can(['operator']) }, 'Import 导入')
  const status = h('p', { class: 'status' })
  const result = h('div')
  action(upload, status, async () => {
    const f = file.files?.[0]
    if (!f) throw new Error('choose a GTFS zip first')
    const r = await api.upload<ImportResult>('/api/gtfs/import', f, 'application/zip')
    await ctx.reloadNetwork()
    clear(result, h('ul', null, h('li', null, `${r.stops} stops, ${r.routes} routes, ${r.trips} trips, ${r.calendars} calendars`), Object.entries(r.renumberedStops).length ? h('li', null, `renumbered: ${Object.entries(r.renumberedStops).map(([a, b]) => `${a} → ${b}`).join(', ')}`) : null, r.warnings.map((w) => h('li', { class: 'muted' }, w))))
    return 'imported'
  })
  const township = h('select', { name: 'township' }, ctx.network.townships.map((t) => h('option', { value: t.id }, t.name)))
  const codes = h('input', { name: 'codes', placeholder: 'XY-0001,XY-0002' })
  const printTownship = h('a', { target: '_blank', class: 'button' }, 'Print township')
  const printCodes = h('a', { target: '_blank', class: 'button' }, 'Print these signs')
  const setPrint = (): void => {
    printTownship.href = `/api/stops/sheets${qs({ township: township.value })}`
    printCodes.href = `/api/stops/sheets${qs({ codes: codes.value.replace(/\s+/g, '') })}`
  }
  setPrint()
  township.addEventListener('change', setPrint)
  codes.addEventListener('input', setPrint)
  el.append(
    h(
      'div',
      { class: 'page' },
      h('h1', null, 'GTFS and sign sheets'),
      h('div', { class: 'card' }, h('h2', null, 'Export 导出'), h('p', { class: 'muted' }, 'Calendars (market days, school terms) are expanded into calendar_dates over the range.'), h('div', { class: 'row' }, field('From', from), field('To', to), exportLink)),
      h('div', { class: 'card' }, h('h2', null, 'Import 导入'), h('p', { class: 'muted' }, 'A GTFS static zip; existing ids are updated. Operators only.'), h('div', { class: 'row' }, file, upload), status, result),
      h('div', { class: 'card' }, h('h2', null, 'Stop-sign sheets 站牌打印'), h('p', { class: 'muted' }, 'A4 pages with the sign number, the routes and the QR code of the villager page.'), h('div', { class: 'row' }, field('Township', township), printTownship), h('div', { class: 'row' }, field('Sign codes', codes), printCodes)),
    ),
  )
}

const admin = (path: string, title: string, mount: View['mount']): View => ({ path: `admin/${path}`, title, roles: ['dispatcher', 'operator'], map: false, mount })
export const routesView = admin('routes', 'Routes 线路', routes)
export const calendarsView = admin('calendars', 'Calendars 日历', calendars)
export const timetableView = admin('trips', 'Timetable 时刻表', trips)
export const gtfsView = admin('gtfs', 'GTFS & sign sheets', gtfs)

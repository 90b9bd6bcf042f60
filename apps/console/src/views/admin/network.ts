/**
 * Admin: routes (line imported from GeoJSON or GPX) and the timetable, listed and edited by
 * operators; GTFS import and export; printing stop-sign sheets. Calendars are in calendars.ts.
 */
import type { Calendar, Route, Trip } from '@rb/domain'
import { api, qs } from '../../api.js'
import { parseDates } from '../../calendar-rules.js'
import type { Ctx, View } from '../../context.js'
import { lineLengthM, parseGeometry, type LngLat } from '../../geometry-import.js'
import { ALL_SERVICE_KINDS, kindLabel } from '../../map/style.js'
import { t, word, type MessageKey } from '../../i18n/index.js'
import { action, clear, field, h, table, type Children } from '../../ui/dom.js'
import { buildForm } from '../../ui/form.js'
import { importCard } from './gtfs-import.js'
import { day } from '../../ui/format.js'

const hhmm = (s: number): string =>
  `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`

const KINDS = (): [string, string][] => ALL_SERVICE_KINDS.map((k) => [k, kindLabel(k)])
const POLICIES = (): [string, string][] => [
  ['none', t('none')],
  ['optional', t('optional')],
  ['required', t('required')],
]
const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

/** The list-and-edit layout of the fleet pages: a list, an edit card beside it, a "+ New" button. */
export function editLayout(
  el: HTMLElement,
  title: string,
  intro: string,
  canEdit: boolean,
  onNew: () => void,
  ...above: HTMLElement[]
): { list: HTMLElement; edit: HTMLElement } {
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  const add = h('button', { class: 'new', disabled: !canEdit }, t('+ New'))
  add.addEventListener('click', onNew)
  el.append(
    h(
      'div',
      { class: 'page wide' },
      h('h1', null, title),
      h('p', { class: 'muted' }, intro),
      h('div', { class: 'row' }, above, add),
      h('div', { class: 'split' }, list, edit),
    ),
  )
  return { list, edit }
}

/** The card around a form: title, id input for a new item, save button, read-only note, status. */
export function editCard(opts: {
  id: string | null
  canEdit: boolean
  body: Children[]
  save: (id: string) => Promise<string>
  readOnlyNote: string
}): HTMLElement {
  const idInput = h('input', { name: 'id', pattern: ID_PATTERN, placeholder: t('Id') })
  const status = h('p', { class: 'status' })
  const save = h('button', { class: 'primary save', disabled: !opts.canEdit }, opts.id ? t('Save') : t('Add'))
  action(save, status, async () => {
    const id = opts.id ?? idInput.value.trim()
    if (!new RegExp(ID_PATTERN).test(id)) throw new Error(t('give an id: letters, digits, - or _'))
    return opts.save(id)
  })
  return h(
    'div',
    { class: 'card edit', dataset: { id: opts.id ?? '' } },
    h('h2', null, opts.id ?? t('New')),
    opts.id ? null : field(t('Id'), idInput),
    opts.body,
    save,
    opts.canEdit ? null : h('p', { class: 'muted' }, opts.readOnlyNote),
    status,
  )
}

function routes(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const { list, edit } = editLayout(
    el,
    t('Routes'),
    t(
      'A route: its stops in the order of travel and its line, imported from GeoJSON or a GPX track. The server places each stop on the line and refuses a stop too far from it.',
    ),
    canEdit,
    () => open(null),
  )
  const render = (): void => {
    const rows = ctx.network.routes
    clear(
      list,
      table(
        [t('Id'), t('Name'), t('Kind'), t('Length'), t('Stops'), t('Speed limit'), t('Colour'), t('Active'), ''],
        rows,
        (r) => [
          r.id,
          r.name,
          kindLabel(r.kind),
          `${(r.lengthM / 1000).toFixed(1)} km`,
          `${r.stops.length}: ${r.stops[0]?.stopCode ?? ''} → ${r.stops.at(-1)?.stopCode ?? ''}`,
          `${r.speedLimitKmh} km/h`,
          h('span', { class: 'swatch', style: `background:${r.color}` }),
          r.active ? t('yes') : t('no'),
          h('a', { href: '#/live', onclick: () => (ctx.filter.routeId = r.id) }, t('map')),
        ],
        { rowId: (r) => r.id, onRow: (r) => open(r) },
      ),
    )
  }
  function open(r: Route | null): void {
    const operators = [
      ...new Set([...ctx.network.routes.map((x) => x.operatorId), ...ctx.network.vehicles.map((v) => v.operatorId)]),
    ].sort()
    const form = buildForm(
      [
        { name: 'name', label: t('Route name'), kind: 'text', required: true },
        { name: 'nameEn', label: t('English name'), kind: 'text' },
        { name: 'kind', label: t('Service kind'), kind: 'select', options: KINDS() },
        { name: 'operatorId', label: t('Operator'), kind: 'select', options: operators.map((o) => [o, o]) },
        {
          name: 'speedLimitKmh',
          label: t('Speed limit km/h'),
          kind: 'number',
          min: 10,
          max: 120,
          step: 1,
          required: true,
        },
      ],
      r ? { ...r } : { kind: 'market', speedLimitKmh: 50, operatorId: operators[0] },
    )
    const color = h('input', { type: 'color', name: 'color', value: r?.color ?? '#1f6feb' })
    const stops = h('textarea', { name: 'stopCodes', rows: 4, placeholder: 'XY-0001\nXY-0002' })
    stops.value = r ? r.stops.map((s) => s.stopCode).join('\n') : ''
    let geometry: LngLat[] | null = r ? r.geometry : null
    const geoText = h('textarea', {
      name: 'geojson',
      rows: 4,
      placeholder: t('{"type":"LineString","coordinates":[[lng,lat],…]} or <gpx>…'),
    })
    const geoFile = h('input', {
      type: 'file',
      name: 'geofile',
      accept: '.geojson,.json,.gpx,application/geo+json,application/gpx+xml',
    })
    const geoStatus = h(
      'p',
      { class: 'geometry-status muted' },
      geometry
        ? t('current line: {n} points, {km} km', { n: geometry.length, km: (lineLengthM(geometry) / 1000).toFixed(1) })
        : t('no line yet: paste or upload one'),
    )
    const importText = (text: string): void => {
      try {
        geometry = parseGeometry(text)
        geoStatus.className = 'geometry-status ok'
        geoStatus.textContent = t('imported: {n} points, {km} km (saved with the route)', {
          n: geometry.length,
          km: (lineLengthM(geometry) / 1000).toFixed(1),
        })
      } catch (err) {
        geoStatus.className = 'geometry-status error'
        geoStatus.textContent = (err as Error).message
      }
    }
    geoText.addEventListener('input', () => importText(geoText.value))
    geoFile.addEventListener('change', () => {
      const f = geoFile.files?.[0]
      if (f)
        void f.text().then((t) => {
          geoText.value = t
          importText(t)
        })
    })
    clear(
      edit,
      editCard({
        id: r?.id ?? null,
        canEdit,
        readOnlyNote: t('Operators edit routes.'),
        body: [
          form.el,
          field(t('Colour'), color),
          field(t('Stop codes in order of travel'), stops, t('one per line (or separated by commas)')),
          field(t('Line: GeoJSON LineString / Feature, or GPX'), geoText),
          geoFile,
          geoStatus,
        ],
        save: async (id) => {
          if (!geometry) throw new Error(t('import the line first (GeoJSON or GPX)'))
          const v = form.values()
          await api.put(`/api/routes/${encodeURIComponent(id)}`, {
            ...v,
            nameEn: v.nameEn ?? '',
            color: color.value,
            geometry,
            stopCodes: parseDates(stops.value.toUpperCase()),
            active: r?.active ?? true,
          })
          await ctx.reloadNetwork()
          render()
          return t('{id} saved', { id })
        },
      }),
    )
  }
  render()
}

function trips(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const route = h(
    'select',
    { name: 'route' },
    h('option', { value: '' }, t('All routes')),
    ctx.network.routes.map((r) => h('option', { value: r.id }, `${r.id} ${r.name}`)),
  )
  const { list, edit } = editLayout(
    el,
    t('Timetable'),
    t('Trip definitions: a route, a calendar, the departure and the minutes from the first stop to each stop.'),
    canEdit,
    () => open(null),
    field(t('Route'), route),
  )
  let calendarsList: Calendar[] = []
  const load = async (): Promise<void> => {
    const [r, c] = await Promise.all([
      api.get<{ items: Trip[] }>(`/api/schedule/trips${qs({ route: route.value })}`),
      api.get<{ items: Calendar[] }>('/api/calendars'),
    ])
    calendarsList = c.items
    clear(
      list,
      table(
        [
          t('Trip'),
          t('Route'),
          t('Calendar'),
          t('Dir.'),
          t('Headsign'),
          t('Departs'),
          t('Duration'),
          t('Seats'),
          t('Booking'),
        ],
        r.items,
        (x) => [
          x.id,
          ctx.network.route(x.routeId)?.name ?? x.routeId,
          x.calendarId,
          x.direction,
          x.headsign,
          hhmm(x.departureS),
          t('{n} min', { n: Math.round((x.stopOffsetsS.at(-1) ?? 0) / 60) }),
          x.seats,
          x.bookingPolicy === 'required'
            ? t('required (min {n}, cutoff {m} min)', { n: x.minRiders, m: x.bookingCutoffMin })
            : word(x.bookingPolicy),
        ],
        { rowId: (x) => x.id, onRow: (x) => open(x) },
      ),
    )
  }
  function open(trip: Trip | null): void {
    const form = buildForm(
      [
        {
          name: 'routeId',
          label: t('Route'),
          kind: 'select',
          options: ctx.network.routes.map((r) => [r.id, `${r.id} ${r.name}`]),
        },
        {
          name: 'calendarId',
          label: t('Calendar'),
          kind: 'select',
          options: calendarsList.map((c) => [c.id, `${c.id} ${c.name}`]),
        },
        {
          name: 'direction',
          label: t('Direction'),
          kind: 'select',
          options: [
            ['0', t('0 (along the line)')],
            ['1', t('1 (back)')],
          ],
        },
        { name: 'headsign', label: t('Headsign'), kind: 'text' },
        {
          name: 'departure',
          label: t('Departs HH:MM'),
          kind: 'text',
          required: true,
          pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
        },
        { name: 'seats', label: t('Seats'), kind: 'number', min: 1, max: 100, step: 1, required: true },
        { name: 'bookingPolicy', label: t('Booking'), kind: 'select', options: POLICIES() },
        { name: 'minRiders', label: t('Min riders'), kind: 'number', min: 0, max: 100, step: 1 },
        {
          name: 'bookingCutoffMin',
          label: t('Booking cutoff (min before)'),
          kind: 'number',
          min: 0,
          max: 10_080,
          step: 1,
        },
      ],
      trip
        ? { ...trip, direction: String(trip.direction), departure: hhmm(trip.departureS) }
        : {
            routeId: route.value || ctx.network.routes[0]?.id,
            direction: '0',
            seats: 19,
            bookingPolicy: 'none',
            minRiders: 0,
            bookingCutoffMin: 60,
          },
    )
    const offsets = h('input', { name: 'offsets', placeholder: '0 12 25 40' })
    offsets.value = trip ? trip.stopOffsetsS.map((s) => Math.round(s / 6) / 10).join(' ') : ''
    const stopsHint = h('p', { class: 'muted stops-hint' })
    const routeSelect = form.el.querySelector<HTMLSelectElement>('select[name=routeId]')!
    const hint = (): void => {
      const r = ctx.network.route(routeSelect.value)
      stopsHint.textContent = r
        ? `${t('{n} stops:', { n: r.stops.length })} ${r.stops.map((s) => s.stopCode).join(' → ')}`
        : ''
    }
    routeSelect.addEventListener('change', hint)
    hint()
    clear(
      edit,
      editCard({
        id: trip?.id ?? null,
        canEdit,
        readOnlyNote: t('Operators edit the timetable.'),
        body: [
          form.el,
          field(t('Stop offsets, minutes from departure'), offsets, t('one per stop of the route, the first 0')),
          stopsHint,
        ],
        save: async (id) => {
          const v = form.values()
          const m = /^(\d{1,2}):(\d{2})$/.exec(String(v.departure ?? ''))
          if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(t('departure is HH:MM, e.g. 07:30'))
          const mins = offsets.value
            .split(/[\s,\uff0c]+/)
            .filter(Boolean)
            .map(Number)
          if (mins.some((x) => !Number.isFinite(x) || x < 0))
            throw new Error(t('stop offsets are minutes, e.g. 0 12 25'))
          const r = ctx.network.route(String(v.routeId))
          if (r && mins.length !== r.stops.length)
            throw new Error(
              t('give {n} stop offsets (one per stop of {route}), not {m}', {
                n: r.stops.length,
                route: r.id,
                m: mins.length,
              }),
            )
          await api.put(`/api/schedule/trips/${encodeURIComponent(id)}`, {
            routeId: v.routeId,
            calendarId: v.calendarId,
            direction: Number(v.direction),
            headsign: v.headsign ?? '',
            departureS: Number(m[1]) * 3600 + Number(m[2]) * 60,
            stopOffsetsS: mins.map((x) => Math.round(x * 60)),
            seats: v.seats,
            bookingPolicy: v.bookingPolicy,
            minRiders: v.minRiders ?? 0,
            bookingCutoffMin: v.bookingCutoffMin ?? 60,
            active: trip?.active ?? true,
          })
          await load()
          return t('{id} saved', { id })
        },
      }),
    )
  }
  route.addEventListener('change', () => void load())
  void load()
}

function gtfs(el: HTMLElement, ctx: Ctx): void {
  const from = h('input', { type: 'date', name: 'from', value: day(Date.now()) })
  const to = h('input', { type: 'date', name: 'to', value: day(Date.now() + 90 * 86_400_000) })
  const exportLink = h('a', { class: 'button export' }, t('Download GTFS zip'))
  const setLink = (): void => {
    exportLink.href = `/api/gtfs/export${qs({ from: from.value, to: to.value })}`
  }
  setLink()
  from.addEventListener('change', setLink)
  to.addEventListener('change', setLink)
  const township = h(
    'select',
    { name: 'township' },
    ctx.network.townships.map((x) => h('option', { value: x.id }, x.name)),
  )
  const codes = h('input', { name: 'codes', placeholder: 'XY-0001,XY-0002' })
  const printTownship = h('a', { target: '_blank', class: 'button print-township' }, t('Print township'))
  const printCodes = h('a', { target: '_blank', class: 'button print-codes' }, t('Print these signs'))
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
      h('h1', null, t('GTFS and sign sheets')),
      h(
        'div',
        { class: 'card' },
        h('h2', null, t('Export')),
        h(
          'p',
          { class: 'muted' },
          t('Calendars (market days, school terms) are expanded into calendar_dates over the range.'),
        ),
        h('div', { class: 'row' }, field(t('From'), from), field(t('To'), to), exportLink),
      ),
      importCard(ctx),
      h(
        'div',
        { class: 'card' },
        h('h2', null, t('Stop-sign sheets')),
        h(
          'p',
          { class: 'muted' },
          t('A4 pages with the sign number, the routes and the QR code of the villager page.'),
        ),
        h('div', { class: 'row' }, field(t('Township'), township), printTownship),
        h('div', { class: 'row' }, field(t('Sign codes'), codes), printCodes),
      ),
    ),
  )
}

const admin = (path: string, title: MessageKey, mount: View['mount']): View => ({
  path: `admin/${path}`,
  title,
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
})
export const routesView = admin('routes', 'Routes', routes)
export const timetableView = admin('trips', 'Timetable', trips)
export const gtfsView = admin('gtfs', 'GTFS & sign sheets', gtfs)

/**
 * Admin: routes (line imported from GeoJSON or GPX), calendars (a small rule editor) and the
 * timetable, listed and edited by operators; GTFS import and export; printing stop-sign sheets.
 */
import type { Calendar, CalendarJson, MarketCalendarKind, MarketPattern, Route, Trip, Weekday } from '@rb/domain'
import { api, qs } from '../../api.js'
import { formatTerms, fromSimple, MARKET_PATTERNS, parseDates, parseTerms, toSimple } from '../../calendar-rules.js'
import type { Ctx, View } from '../../context.js'
import { lineLengthM, parseGeometry, type LngLat } from '../../geometry-import.js'
import { KIND_LABELS } from '../../map/style.js'
import { action, clear, field, h, table, type Children } from '../../ui/dom.js'
import { buildForm } from '../../ui/form.js'
import { day } from '../../ui/format.js'

const hhmm = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`

const KINDS = Object.entries(KIND_LABELS) as [string, string][]
const POLICIES: [string, string][] = [['none', 'none 不预约'], ['optional', 'optional 可预约'], ['required', 'required 须预约']]
const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$'

/** The list-and-edit layout of the fleet pages: a list, an edit card beside it, a "+ New" button. */
function editLayout(el: HTMLElement, title: string, intro: string, canEdit: boolean, onNew: () => void, ...above: HTMLElement[]): { list: HTMLElement; edit: HTMLElement } {
  const list = h('div')
  const edit = h('div', { class: 'detail' })
  const add = h('button', { class: 'new', disabled: !canEdit }, '+ New')
  add.addEventListener('click', onNew)
  el.append(h('div', { class: 'page wide' }, h('h1', null, title), h('p', { class: 'muted' }, intro), h('div', { class: 'row' }, above, add), h('div', { class: 'split' }, list, edit)))
  return { list, edit }
}

/** The card around a form: title, id input for a new item, save button, read-only note, status. */
function editCard(opts: { id: string | null; canEdit: boolean; body: Children[]; save: (id: string) => Promise<string>; readOnlyNote: string }): HTMLElement {
  const idInput = h('input', { name: 'id', pattern: ID_PATTERN, placeholder: 'id' })
  const status = h('p', { class: 'status' })
  const save = h('button', { class: 'primary save', disabled: !opts.canEdit }, opts.id ? 'Save 保存' : 'Add 新增')
  action(save, status, async () => {
    const id = opts.id ?? idInput.value.trim()
    if (!new RegExp(ID_PATTERN).test(id)) throw new Error('give an id: letters, digits, - or _')
    return opts.save(id)
  })
  return h('div', { class: 'card edit', dataset: { id: opts.id ?? '' } }, h('h2', null, opts.id ?? 'New 新增'), opts.id ? null : field('Id', idInput), opts.body, save, opts.canEdit ? null : h('p', { class: 'muted' }, opts.readOnlyNote), status)
}

function routes(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const { list, edit } = editLayout(el, 'Routes 线路', 'A route: its stops in the order of travel and its line, imported from GeoJSON or a GPX track. The server places each stop on the line and refuses a stop too far from it.', canEdit, () => open(null))
  const render = (): void => {
    const rows = ctx.network.routes
    clear(list, table(['Id', 'Name', 'Kind', 'Length', 'Stops', 'Speed limit', 'Colour', 'Active', ''], rows, (r) => [r.id, r.name, KIND_LABELS[r.kind], `${(r.lengthM / 1000).toFixed(1)} km`, `${r.stops.length}: ${r.stops[0]?.stopCode ?? ''} → ${r.stops.at(-1)?.stopCode ?? ''}`, `${r.speedLimitKmh} km/h`, h('span', { class: 'swatch', style: `background:${r.color}` }), r.active ? 'yes' : 'no', h('a', { href: '#/live', onclick: () => (ctx.filter.routeId = r.id) }, 'map')], { rowId: (r) => r.id, onRow: (r) => open(r) }))
  }
  function open(r: Route | null): void {
    const operators = [...new Set([...ctx.network.routes.map((x) => x.operatorId), ...ctx.network.vehicles.map((v) => v.operatorId)])].sort()
    const form = buildForm(
      [
        { name: 'name', label: 'Name 线路名', kind: 'text', required: true },
        { name: 'nameEn', label: 'English name', kind: 'text' },
        { name: 'kind', label: 'Service kind', kind: 'select', options: KINDS },
        { name: 'operatorId', label: 'Operator', kind: 'select', options: operators.map((o) => [o, o]) },
        { name: 'speedLimitKmh', label: 'Speed limit km/h', kind: 'number', min: 10, max: 120, step: 1, required: true },
      ],
      r ? { ...r } : { kind: 'market', speedLimitKmh: 50, operatorId: operators[0] },
    )
    const color = h('input', { type: 'color', name: 'color', value: r?.color ?? '#1f6feb' })
    const stops = h('textarea', { name: 'stopCodes', rows: 4, placeholder: 'XY-0001\nXY-0002' })
    stops.value = r ? r.stops.map((s) => s.stopCode).join('\n') : ''
    let geometry: LngLat[] | null = r ? r.geometry : null
    const geoText = h('textarea', { name: 'geojson', rows: 4, placeholder: '{"type":"LineString","coordinates":[[lng,lat],…]} or <gpx>…' })
    const geoFile = h('input', { type: 'file', name: 'geofile', accept: '.geojson,.json,.gpx,application/geo+json,application/gpx+xml' })
    const geoStatus = h('p', { class: 'geometry-status muted' }, geometry ? `current line: ${geometry.length} points, ${(lineLengthM(geometry) / 1000).toFixed(1)} km` : 'no line yet: paste or upload one')
    const importText = (text: string): void => {
      try {
        geometry = parseGeometry(text)
        geoStatus.className = 'geometry-status ok'
        geoStatus.textContent = `imported: ${geometry.length} points, ${(lineLengthM(geometry) / 1000).toFixed(1)} km (saved with the route)`
      } catch (err) {
        geoStatus.className = 'geometry-status error'
        geoStatus.textContent = (err as Error).message
      }
    }
    geoText.addEventListener('input', () => importText(geoText.value))
    geoFile.addEventListener('change', () => {
      const f = geoFile.files?.[0]
      if (f) void f.text().then((t) => { geoText.value = t; importText(t) })
    })
    clear(
      edit,
      editCard({
        id: r?.id ?? null,
        canEdit,
        readOnlyNote: 'Operators edit routes.',
        body: [form.el, field('Colour 颜色', color), field('Stop codes in order of travel 站点顺序', stops, 'one per line (or separated by commas)'), field('Line: GeoJSON LineString / Feature, or GPX 线路走向', geoText), geoFile, geoStatus],
        save: async (id) => {
          if (!geometry) throw new Error('import the line first (GeoJSON or GPX)')
          const v = form.values()
          await api.put(`/api/routes/${encodeURIComponent(id)}`, { ...v, nameEn: v.nameEn ?? '', color: color.value, geometry, stopCodes: parseDates(stops.value.toUpperCase()), active: r?.active ?? true })
          await ctx.reloadNetwork()
          render()
          return `${id} saved`
        },
      }),
    )
  }
  render()
}

const WEEKDAYS = ['Mon 一', 'Tue 二', 'Wed 三', 'Thu 四', 'Fri 五', 'Sat 六', 'Sun 日']

function calendars(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const { list, edit } = editLayout(el, 'Calendars 运行日历', 'When trips run: weekdays, market days (lunar or Gregorian, by the last digit of the day), school terms, and dates added or removed by hand. All chosen conditions must hold; a calendar shows the days it runs in the next 30 days.', canEdit, () => open(null))
  const dates = h('div', { class: 'next-days' })
  const showDates = (id: string): void => {
    const from = day(Date.now())
    const to = day(Date.now() + 29 * 86_400_000)
    void api.get<{ dates: string[] }>(`/api/calendars/${encodeURIComponent(id)}/dates${qs({ from, to })}`).then(
      (d) => clear(dates, h('p', null, `${d.dates.length} service days from ${from} to ${to}`), h('p', { class: 'dates' }, d.dates.join(' '))),
      (err: Error) => clear(dates, h('p', { class: 'status error' }, err.message)),
    )
  }
  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Calendar[] }>('/api/calendars')
    clear(list, table(['Id', 'Name', 'Rules'], r.items, (c) => [c.id, c.name, h('code', { class: 'rules' }, JSON.stringify(c.rules))], { rowId: (c) => c.id, onRow: (c) => open(c) }))
  }
  function open(c: Calendar | null): void {
    const rules: CalendarJson = c?.rules ?? { rule: { kind: 'all', rules: [] }, added: [], removed: [] }
    const simple = toSimple(rules)
    const name = h('input', { name: 'name', required: true, value: c?.name ?? '' })
    const weekdays = WEEKDAYS.map((label, i) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `wd${i + 1}`, checked: simple?.weekdays.includes((i + 1) as Weekday) ?? false }), label))
    const marketCal = h('select', { name: 'marketCalendar' }, [['', 'no market-day rule'], ['lunar', 'lunar 农历'], ['gregorian', 'Gregorian 公历']].map(([v, l]) => h('option', { value: v!, selected: (simple?.market?.calendar ?? '') === v }, l)))
    const marketPattern = h('select', { name: 'marketPattern' }, (Object.keys(MARKET_PATTERNS) as MarketPattern[]).map((p) => h('option', { value: p, selected: simple?.market?.pattern === p }, p)))
    const terms = h('textarea', { name: 'terms', rows: 3, placeholder: '2026-03-01 2026-07-10 春季学期' })
    terms.value = simple?.school ? formatTerms(simple.school.terms) : ''
    const added = h('textarea', { name: 'added', rows: 2, placeholder: '2026-12-24 …' })
    added.value = rules.added.join(' ')
    const removed = h('textarea', { name: 'removed', rows: 2 })
    removed.value = rules.removed.join(' ')
    const json = h('textarea', { name: 'ruleJson', rows: 8 })
    json.value = JSON.stringify(rules.rule, null, 1)
    const body: Children[] = simple
      ? [field('Name 名称', name), h('fieldset', { class: 'weekdays' }, h('legend', null, 'Weekdays 星期 (none: any day)'), weekdays), h('div', { class: 'row' }, field('Market days 赶场日', marketCal), field('Days ending in', marketPattern)), field('School terms 学期', terms, 'one per line: start end [label]; school days are weekdays inside a term'), field('Added dates 加开', added), field('Removed dates 停开', removed)]
      : [field('Name 名称', name), h('p', { class: 'muted' }, 'This calendar’s rules are more than the simple editor shows: edit them as JSON.'), field('Rule (JSON)', json), field('Added dates 加开', added), field('Removed dates 停开', removed)]
    const build = (): CalendarJson => {
      if (!simple) return { rule: JSON.parse(json.value) as CalendarJson['rule'], added: parseDates(added.value), removed: parseDates(removed.value) }
      const termList = parseTerms(terms.value)
      return fromSimple({
        weekdays: weekdays.map((w, i) => (w.querySelector('input')!.checked ? ((i + 1) as Weekday) : null)).filter((d): d is Weekday => d !== null),
        market: marketCal.value ? { calendar: marketCal.value as MarketCalendarKind, pattern: marketPattern.value as MarketPattern } : null,
        school: termList.length ? { terms: termList, holidays: simple.school?.holidays ?? [], makeUpWorkdays: simple.school?.makeUpWorkdays ?? [] } : null,
        added: parseDates(added.value),
        removed: parseDates(removed.value),
      })
    }
    clear(
      edit,
      editCard({
        id: c?.id ?? null,
        canEdit,
        readOnlyNote: 'Operators edit calendars.',
        body: [body, h('h3', null, 'Next 30 days 未来30天'), dates],
        save: async (id) => {
          await api.put(`/api/calendars/${encodeURIComponent(id)}`, { name: name.value.trim(), rules: build() })
          await load()
          showDates(id)
          return `${id} saved`
        },
      }),
    )
    clear(dates)
    if (c) showDates(c.id)
  }
  void load()
}

function trips(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const route = h('select', { name: 'route' }, h('option', { value: '' }, 'All routes'), ctx.network.routes.map((r) => h('option', { value: r.id }, `${r.id} ${r.name}`)))
  const { list, edit } = editLayout(el, 'Timetable 时刻表', 'Trip definitions: a route, a calendar, the departure and the minutes from the first stop to each stop.', canEdit, () => open(null), field('Route', route))
  let calendarsList: Calendar[] = []
  const load = async (): Promise<void> => {
    const [r, c] = await Promise.all([api.get<{ items: Trip[] }>(`/api/schedule/trips${qs({ route: route.value })}`), api.get<{ items: Calendar[] }>('/api/calendars')])
    calendarsList = c.items
    clear(list, table(['Trip', 'Route', 'Calendar', 'Dir.', 'Headsign', 'Departs', 'Duration', 'Seats', 'Booking'], r.items, (t) => [t.id, ctx.network.route(t.routeId)?.name ?? t.routeId, t.calendarId, t.direction, t.headsign, hhmm(t.departureS), `${Math.round((t.stopOffsetsS.at(-1) ?? 0) / 60)} min`, t.seats, t.bookingPolicy === 'required' ? `required (min ${t.minRiders}, cutoff ${t.bookingCutoffMin} min)` : t.bookingPolicy], { rowId: (t) => t.id, onRow: (t) => open(t) }))
  }
  function open(t: Trip | null): void {
    const form = buildForm(
      [
        { name: 'routeId', label: 'Route 线路', kind: 'select', options: ctx.network.routes.map((r) => [r.id, `${r.id} ${r.name}`]) },
        { name: 'calendarId', label: 'Calendar 日历', kind: 'select', options: calendarsList.map((c) => [c.id, `${c.id} ${c.name}`]) },
        { name: 'direction', label: 'Direction 方向', kind: 'select', options: [['0', '0 (along the line)'], ['1', '1 (back)']] },
        { name: 'headsign', label: 'Headsign 终点', kind: 'text' },
        { name: 'departure', label: 'Departs HH:MM', kind: 'text', required: true, pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' },
        { name: 'seats', label: 'Seats 座位', kind: 'number', min: 1, max: 100, step: 1, required: true },
        { name: 'bookingPolicy', label: 'Booking 预约', kind: 'select', options: POLICIES },
        { name: 'minRiders', label: 'Min riders 最少人数', kind: 'number', min: 0, max: 100, step: 1 },
        { name: 'bookingCutoffMin', label: 'Booking cutoff (min before)', kind: 'number', min: 0, max: 10_080, step: 1 },
      ],
      t ? { ...t, direction: String(t.direction), departure: hhmm(t.departureS) } : { routeId: route.value || ctx.network.routes[0]?.id, direction: '0', seats: 19, bookingPolicy: 'none', minRiders: 0, bookingCutoffMin: 60 },
    )
    const offsets = h('input', { name: 'offsets', placeholder: '0 12 25 40' })
    offsets.value = t ? t.stopOffsetsS.map((s) => Math.round(s / 6) / 10).join(' ') : ''
    const stopsHint = h('p', { class: 'muted stops-hint' })
    const routeSelect = form.el.querySelector<HTMLSelectElement>('select[name=routeId]')!
    const hint = (): void => {
      const r = ctx.network.route(routeSelect.value)
      stopsHint.textContent = r ? `${r.stops.length} stops: ${r.stops.map((s) => s.stopCode).join(' → ')}` : ''
    }
    routeSelect.addEventListener('change', hint)
    hint()
    clear(
      edit,
      editCard({
        id: t?.id ?? null,
        canEdit,
        readOnlyNote: 'Operators edit the timetable.',
        body: [form.el, field('Stop offsets, minutes from departure 各站分钟', offsets, 'one per stop of the route, the first 0'), stopsHint],
        save: async (id) => {
          const v = form.values()
          const m = /^(\d{1,2}):(\d{2})$/.exec(String(v.departure ?? ''))
          if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error('departure is HH:MM, e.g. 07:30')
          const mins = offsets.value.split(/[\s,，]+/).filter(Boolean).map(Number)
          if (mins.some((x) => !Number.isFinite(x) || x < 0)) throw new Error('stop offsets are minutes, e.g. 0 12 25')
          const r = ctx.network.route(String(v.routeId))
          if (r && mins.length !== r.stops.length) throw new Error(`give ${r.stops.length} stop offsets (one per stop of ${r.id}), not ${mins.length}`)
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
            active: t?.active ?? true,
          })
          await load()
          return `${id} saved`
        },
      }),
    )
  }
  route.addEventListener('change', () => void load())
  void load()
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

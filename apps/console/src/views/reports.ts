/**
 * Reports: on-time performance by route and day, ridership and no-shows by service kind,
 * kilometres per vehicle, repair turnaround — over a range of service days (at most 92), each as
 * a plain SVG bar chart, a table, and a CSV download (the server writes the file).
 */
import type { KilometresRow, OnTimeRow, RidershipRow, StopHourRow, TurnaroundRow } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { cellKey, heatGrid, heatStep, RAMP } from '../heat-map.js'
import { barChart } from '../ui/chart.js'
import { clear, field, h, table } from '../ui/dom.js'
import { day } from '../ui/format.js'
import { t, word } from '../i18n/index.js'
import { kindLabel } from '../map/style.js'
import type { ServiceKind } from '@rb/domain'

interface Page<R> {
  from: string
  to: string
  rows: R[]
}
type OnTime = OnTimeRow
type Ridership = RidershipRow
type Kilometres = KilometresRow
type Turnaround = TurnaroundRow
interface StopHours {
  from: string
  to: string
  stopOrder: string[]
  rows: StopHourRow[]
}

const PALETTE = ['#0969da', '#1a7f37', '#bf8700', '#cf222e', '#8250df', '#1b7c83', '#bc4c00', '#57606a']
const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`)
const addDays = (d: string, n: number): string =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
const groupBy = <R>(rows: R[], key: (r: R) => string): Map<string, R[]> => {
  const m = new Map<string, R[]>()
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r])
  return m
}

/** One report's card: title, CSV link, chart and table (filled by `show`). */
function section(
  name: string,
  title: string,
  path: string,
): {
  el: HTMLElement
  setRange(from: string, to: string): void
  setQuery?(extra: Record<string, string>): void
  body: HTMLElement
} {
  const link = h('a', { class: 'csv', dataset: { csv: name }, download: '' }, `${t('CSV')} ⤓`)
  const body = h('div')
  const el = h(
    'section',
    { class: 'card report', dataset: { report: name } },
    h('div', { class: 'report-head' }, h('h2', null, title), link),
    body,
  )
  let range = { from: '', to: '' }
  let extra: Record<string, string> = {}
  const href = (): string => `/api/analytics/${path}${qs({ ...range, ...extra, format: 'csv' })}`
  return {
    el,
    body,
    setRange: (from, to) => {
      range = { from, to }
      link.href = href()
    },
    setQuery: (q) => {
      extra = q
      link.href = href()
    },
  }
}

function onTimeBody(rows: OnTime[], days: string[]): HTMLElement[] {
  const routes = [...groupBy(rows, (r) => r.routeId).entries()].slice(0, PALETTE.length)
  const chart = barChart({
    name: 'on-time',
    categories: days,
    series: routes.map(([id, rs], i) => ({
      name: rs[0]?.routeName ?? id,
      color: PALETTE[i] ?? '#57606a',
      values: days
        .map((d) => rs.find((r) => r.day === d)?.onTimeShare ?? null)
        .map((v) => (v === null ? null : v * 100)),
    })),
    max: 100,
    format: (v) => `${Math.round(v)}%`,
  })
  return [
    chart,
    table(
      [
        t('Day'),
        t('Route'),
        t('Departures'),
        t('On time'),
        t('Early'),
        t('Late'),
        t('Share'),
        t('Mean delay'),
        t('Trips started'),
        t('Completed'),
      ],
      rows,
      (r) => [
        r.day,
        `${r.routeId} ${r.routeName}`,
        r.departures,
        r.onTime,
        r.early,
        r.late,
        pct(r.onTimeShare),
        r.meanDelayS === null ? '—' : t('{n} min', { n: Math.round(r.meanDelayS / 6) / 10 }),
        r.tripsStarted,
        r.tripsCompleted,
      ],
    ),
  ]
}

function ridershipBody(rows: Ridership[]): HTMLElement[] {
  const kinds = [...groupBy(rows, (r) => r.kind).entries()]
  const chart = barChart({
    name: 'ridership',
    categories: kinds.map(([k]) => kindLabel(k as ServiceKind)),
    series: [
      { name: t('boarded seats'), color: '#1a7f37', values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsBoarded))) },
      { name: t('no-show seats'), color: '#cf222e', values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsNoShow))) },
      {
        name: t('open (confirmed) seats'),
        color: '#bf8700',
        values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsOpen))),
      },
    ],
  })
  return [
    chart,
    table(
      [
        t('Day'),
        t('Kind'),
        t('Bookings'),
        t('Seats booked'),
        t('Boarded'),
        t('No-show'),
        t('Open'),
        t('Cancelled'),
        t('No-show rate'),
      ],
      rows,
      (r) => [
        r.day,
        kindLabel(r.kind as ServiceKind),
        r.bookings,
        r.seatsBooked,
        r.seatsBoarded,
        r.seatsNoShow,
        r.seatsOpen,
        r.seatsCancelled,
        pct(r.noShowRate),
      ],
    ),
  ]
}

function kilometresBody(rows: Kilometres[]): HTMLElement[] {
  const vehicles = [...groupBy(rows, (r) => r.vehicleId).entries()]
    .map(([id, rs]) => ({ id, km: sum(rs.map((r) => r.km)) }))
    .sort((a, b) => b.km - a.km)
  const top = vehicles.slice(0, 40)
  const chart = barChart({
    name: 'kilometres',
    categories: top.map((v) => v.id),
    series: [
      {
        name: `${t('km in the range')}${vehicles.length > top.length ? ` (${t('top {n} of {total}', { n: top.length, total: vehicles.length })})` : ''}`,
        color: '#0969da',
        values: top.map((v) => Math.round(v.km * 10) / 10),
      },
    ],
  })
  return [
    chart,
    table([t('Day'), t('Vehicle'), t('Plate'), t('km'), t('Fixes')], rows, (r) => [
      r.day,
      r.vehicleId,
      r.plate ?? '—',
      r.km.toFixed(1),
      r.points,
    ]),
  ]
}

function repairsBody(rows: Turnaround[]): HTMLElement[] {
  const chart = barChart({
    name: 'repairs',
    categories: rows.map((r) => `${word(r.kind)} ${word(r.category)}`),
    series: [
      { name: t('median hours'), color: '#8250df', values: rows.map((r) => r.medianHours) },
      { name: t('mean hours'), color: '#bf8700', values: rows.map((r) => r.meanHours) },
    ],
  })
  return [
    chart,
    table([t('Kind'), t('Problem'), t('Fixed'), t('Median h'), t('Mean h'), t('Longest h')], rows, (r) => [
      word(r.kind),
      word(r.category),
      r.fixed,
      r.medianHours,
      r.meanHours,
      r.maxHours,
    ]),
  ]
}

/** Departures by stop and hour for one route: a grid of coloured cells, each with its figure. */
function heatMapBody(answer: StopHours, metric: 'onTime' | 'delay'): HTMLElement[] {
  if (answer.rows.length === 0) return [h('p', { class: 'muted' }, t('No data in this range.'))]
  const g = heatGrid(answer.rows, answer.stopOrder)
  const cell = (code: string, hour: number): HTMLElement => {
    const c = g.cells.get(cellKey(code, hour))
    if (!c) return h('td', { class: 'heat empty' }, '')
    const step = heatStep(metric, c)
    const text =
      metric === 'onTime'
        ? `${Math.round(c.onTimeShare * 100)}`
        : `${c.meanDelayS >= 0 ? '+' : '−'}${Math.round(Math.abs(c.meanDelayS) / 6) / 10}`
    const title = `${c.stopCode} ${c.stopName} · ${String(hour).padStart(2, '0')}:00 · ${t('{n} departures', { n: c.departures })} · ${t('on time {pct}%', { pct: Math.round(c.onTimeShare * 100) })} · ${t('mean delay {min} min', { min: Math.round(c.meanDelayS / 6) / 10 })}`
    return h(
      'td',
      {
        class: `heat s${step}`,
        style: `background:${RAMP[step]}`,
        title,
        dataset: { stop: code, hour: String(hour), departures: String(c.departures) },
      },
      text,
    )
  }
  const grid = h(
    'table',
    { class: 'heatmap', dataset: { metric } },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, t('Stop')),
        g.hours.map((x) => h('th', null, `${String(x).padStart(2, '0')}`)),
      ),
    ),
    h(
      'tbody',
      null,
      g.stops.map((s) =>
        h(
          'tr',
          null,
          h('th', { class: 'stop' }, `${s.code} ${s.name}`),
          g.hours.map((x) => cell(s.code, x)),
        ),
      ),
    ),
  )
  const legend = h(
    'div',
    { class: 'chart-legend heat-legend' },
    (metric === 'onTime' ? ['≥95%', '85–95%', '70–85%', '50–70%', '<50%'] : ['<1', '1–3', '3–5', '5–10', '≥10']).map(
      (label, i) =>
        h(
          'span',
          null,
          h('i', { style: `background:${RAMP[i]}` }),
          metric === 'onTime' ? label : t('{range} min', { range: label }),
        ),
    ),
  )
  return [h('div', { class: 'heat-wrap' }, grid), legend]
}

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): void {
  const today = day(Date.now())
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') ?? addDays(today, -6) })
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') ?? today })
  const show = h('button', { class: 'primary', type: 'submit' }, t('Show'))
  const msg = h('p', { class: 'status' })
  const onTime = section('on-time', t('On-time performance by route and day'), 'on-time')
  const ridership = section('ridership', t('Ridership and no-shows by service kind'), 'ridership')
  const km = section('kilometres', t('Kilometres per vehicle'), 'kilometres')
  const repairs = section('repairs', t('Sign and road repair turnaround'), 'repairs')
  const heat = section('stop-hours', t('Run time and on time by stop and hour'), 'stop-hours')
  const heatRoute = h(
    'select',
    { name: 'heatRoute', attrs: { 'aria-label': t('Route') } },
    ctx.network.routes.map((r) =>
      h('option', { value: r.id, selected: r.id === params.get('route') }, `${r.id} ${r.name}`),
    ),
  )
  const heatMetric = h(
    'select',
    { name: 'heatMetric', attrs: { 'aria-label': t('Show') } },
    h('option', { value: 'onTime' }, t('On-time share (%)')),
    h('option', { value: 'delay' }, t('Mean delay (min)')),
  )
  heat.el.insertBefore(
    h('div', { class: 'row heat-controls' }, field(t('Route'), heatRoute), field(t('Show'), heatMetric)),
    heat.body,
  )
  const form = h('form', { class: 'row' }, field(t('From'), from), field(t('To (at most 92 days)'), to), show)
  el.append(
    h(
      'div',
      { class: 'page wide reports' },
      h('h1', null, t('Reports')),
      form,
      msg,
      onTime.el,
      heat.el,
      ridership.el,
      km.el,
      repairs.el,
    ),
  )
  let heatAnswer: StopHours | null = null
  const loadHeat = async (): Promise<void> => {
    const q = { from: from.value, to: to.value, route: heatRoute.value }
    heatAnswer = await api.get<StopHours>(`/api/analytics/stop-hours${qs(q)}`)
    heat.setRange(heatAnswer.from, heatAnswer.to)
    heat.setQuery?.({ route: heatRoute.value })
    clear(heat.body, heatMapBody(heatAnswer, heatMetric.value as 'onTime' | 'delay'))
  }
  heatRoute.addEventListener(
    'change',
    () => void loadHeat().catch((err: Error) => clear(heat.body, h('p', { class: 'status error' }, err.message))),
  )
  heatMetric.addEventListener(
    'change',
    () => heatAnswer && clear(heat.body, heatMapBody(heatAnswer, heatMetric.value as 'onTime' | 'delay')),
  )

  const load = async (): Promise<void> => {
    const q = qs({ from: from.value, to: to.value })
    msg.textContent = t('Loading…')
    const [a, b, c, d] = await Promise.all([
      api.get<Page<OnTime>>(`/api/analytics/on-time${q}`),
      api.get<Page<Ridership>>(`/api/analytics/ridership${q}`),
      api.get<Page<Kilometres>>(`/api/analytics/kilometres${q}`),
      api.get<Page<Turnaround>>(`/api/analytics/repairs${q}`),
    ])
    const days: string[] = []
    for (let x = a.from; x <= a.to; x = addDays(x, 1)) days.push(x)
    for (const s of [onTime, ridership, km, repairs]) s.setRange(a.from, a.to)
    clear(onTime.body, onTimeBody(a.rows, days))
    clear(ridership.body, ridershipBody(b.rows))
    clear(km.body, kilometresBody(c.rows))
    clear(repairs.body, repairsBody(d.rows))
    await loadHeat()
    msg.textContent = `${a.from} – ${a.to} (${t('service days, Asia/Shanghai')})`
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    history.replaceState(null, '', `#/reports${qs({ from: from.value, to: to.value })}`)
    void load().catch((err: Error) => (msg.textContent = err.message))
  })
  void load().catch((err: Error) => (msg.textContent = err.message))
}

export const reportsView: View = {
  path: 'reports',
  title: 'Reports',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: (el, ctx, params) => mount(el, ctx, params),
}

/**
 * Reports: on-time performance by route and day, ridership and no-shows by service kind,
 * kilometres per vehicle, repair turnaround — over a range of service days (at most 92), each as
 * a plain SVG bar chart, a table, and a CSV download (the server writes the file).
 */
import type { KilometresRow, OnTimeRow, RidershipRow, TurnaroundRow } from '@rb/domain'
import { api, qs } from '../api.js'
import type { View } from '../context.js'
import { barChart } from '../ui/chart.js'
import { clear, field, h, table } from '../ui/dom.js'
import { day } from '../ui/format.js'

interface Page<R> {
  from: string
  to: string
  rows: R[]
}
type OnTime = OnTimeRow
type Ridership = RidershipRow
type Kilometres = KilometresRow
type Turnaround = TurnaroundRow

const PALETTE = ['#0969da', '#1a7f37', '#bf8700', '#cf222e', '#8250df', '#1b7c83', '#bc4c00', '#57606a']
const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`)
const addDays = (d: string, n: number): string => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
const groupBy = <R>(rows: R[], key: (r: R) => string): Map<string, R[]> => {
  const m = new Map<string, R[]>()
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r])
  return m
}

/** One report's card: title, CSV link, chart and table (filled by `show`). */
function section(name: string, title: string, path: string): { el: HTMLElement; setRange(from: string, to: string): void; body: HTMLElement } {
  const link = h('a', { class: 'csv', dataset: { csv: name }, download: '' }, 'CSV ⤓')
  const body = h('div')
  const el = h('section', { class: 'card report', dataset: { report: name } }, h('div', { class: 'report-head' }, h('h2', null, title), link), body)
  return { el, body, setRange: (from, to) => (link.href = `/api/analytics/${path}${qs({ from, to, format: 'csv' })}`) }
}

function onTimeBody(rows: OnTime[], days: string[]): HTMLElement[] {
  const routes = [...groupBy(rows, (r) => r.routeId).entries()].slice(0, PALETTE.length)
  const chart = barChart({
    name: 'on-time',
    categories: days,
    series: routes.map(([id, rs], i) => ({ name: rs[0]?.routeName ?? id, color: PALETTE[i] ?? '#57606a', values: days.map((d) => rs.find((r) => r.day === d)?.onTimeShare ?? null).map((v) => (v === null ? null : v * 100)) })),
    max: 100,
    format: (v) => `${Math.round(v)}%`,
  })
  return [chart, table(['Day', 'Route', 'Departures', 'On time (−1/+5 min)', 'Early', 'Late', 'Share', 'Mean delay', 'Trips started', 'Completed'], rows, (r) => [r.day, `${r.routeId} ${r.routeName}`, r.departures, r.onTime, r.early, r.late, pct(r.onTimeShare), r.meanDelayS === null ? '—' : `${Math.round(r.meanDelayS / 6) / 10} min`, r.tripsStarted, r.tripsCompleted])]
}

function ridershipBody(rows: Ridership[]): HTMLElement[] {
  const kinds = [...groupBy(rows, (r) => r.kind).entries()]
  const chart = barChart({
    name: 'ridership',
    categories: kinds.map(([k]) => k),
    series: [
      { name: 'boarded seats', color: '#1a7f37', values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsBoarded))) },
      { name: 'no-show seats', color: '#cf222e', values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsNoShow))) },
      { name: 'open (confirmed) seats', color: '#bf8700', values: kinds.map(([, rs]) => sum(rs.map((r) => r.seatsOpen))) },
    ],
  })
  return [chart, table(['Day', 'Kind', 'Bookings', 'Seats booked', 'Boarded', 'No-show', 'Open', 'Cancelled', 'No-show rate'], rows, (r) => [r.day, r.kind, r.bookings, r.seatsBooked, r.seatsBoarded, r.seatsNoShow, r.seatsOpen, r.seatsCancelled, pct(r.noShowRate)])]
}

function kilometresBody(rows: Kilometres[]): HTMLElement[] {
  const vehicles = [...groupBy(rows, (r) => r.vehicleId).entries()].map(([id, rs]) => ({ id, km: sum(rs.map((r) => r.km)) })).sort((a, b) => b.km - a.km)
  const top = vehicles.slice(0, 40)
  const chart = barChart({ name: 'kilometres', categories: top.map((v) => v.id), series: [{ name: `km in the range${vehicles.length > top.length ? ` (top ${top.length} of ${vehicles.length})` : ''}`, color: '#0969da', values: top.map((v) => Math.round(v.km * 10) / 10) }] })
  return [chart, table(['Day', 'Vehicle', 'Plate', 'km', 'Fixes'], rows, (r) => [r.day, r.vehicleId, r.plate ?? '—', r.km.toFixed(1), r.points])]
}

function repairsBody(rows: Turnaround[]): HTMLElement[] {
  const chart = barChart({
    name: 'repairs',
    categories: rows.map((r) => `${r.kind} ${r.category.replaceAll('_', ' ')}`),
    series: [
      { name: 'median hours', color: '#8250df', values: rows.map((r) => r.medianHours) },
      { name: 'mean hours', color: '#bf8700', values: rows.map((r) => r.meanHours) },
    ],
  })
  return [chart, table(['Kind', 'Problem', 'Fixed', 'Median h', 'Mean h', 'Longest h'], rows, (r) => [r.kind, r.category.replaceAll('_', ' '), r.fixed, r.medianHours, r.meanHours, r.maxHours])]
}

function mount(el: HTMLElement, _ctx: unknown, params: URLSearchParams): void {
  const today = day(Date.now())
  const from = h('input', { type: 'date', name: 'from', value: params.get('from') ?? addDays(today, -6) })
  const to = h('input', { type: 'date', name: 'to', value: params.get('to') ?? today })
  const show = h('button', { class: 'primary', type: 'submit' }, 'Show')
  const msg = h('p', { class: 'status' })
  const onTime = section('on-time', 'On-time performance by route and day 准点率', 'on-time')
  const ridership = section('ridership', 'Ridership and no-shows by service kind 客流与爽约', 'ridership')
  const km = section('kilometres', 'Kilometres per vehicle 行驶里程', 'kilometres')
  const repairs = section('repairs', 'Sign and road repair turnaround 报修处理时长', 'repairs')
  const form = h('form', { class: 'row' }, field('From', from), field('To (at most 92 days)', to), show)
  el.append(h('div', { class: 'page wide reports' }, h('h1', null, 'Reports 报表'), form, msg, onTime.el, ridership.el, km.el, repairs.el))

  const load = async (): Promise<void> => {
    const q = qs({ from: from.value, to: to.value })
    msg.textContent = 'Loading…'
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
    msg.textContent = `${a.from} – ${a.to} (service days, Asia/Shanghai)`
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    history.replaceState(null, '', `#/reports${qs({ from: from.value, to: to.value })}`)
    void load().catch((err: Error) => (msg.textContent = err.message))
  })
  void load().catch((err: Error) => (msg.textContent = err.message))
}

export const reportsView: View = { path: 'reports', title: 'Reports 报表', roles: ['dispatcher', 'operator'], map: false, mount }

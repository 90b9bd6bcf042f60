/**
 * Parcels on the village bus for the dispatcher: every parcel by trip, post point and status with
 * the overdue ones flagged, one parcel's custody steps (who, where, on which bus) and the texts
 * sent about it, assignment to another trip by hand, consignment by phone with its printable
 * label, and the monthly report by route and post point (CSV).
 */
import './parcels.css'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'
import type { ParcelLine, ParcelStatus, ReportLine, StaffParcelView } from '@rb/domain'
import { t, type MessageKey } from '../i18n/index.js'

type Status = ParcelStatus
type Line = ParcelLine
/** GET /api/parcels/:number for staff: the view, its custody steps and the texts sent. */
interface Detail extends StaffParcelView {
  custody: {
    ts: string
    action: string
    fromStatus: Status | null
    toStatus: Status
    byName: string
    byRole: string
    place: string | null
    vehicleId: string | null
    note: string | null
  }[]
  messages?: { kind: string; recipientRole: string; body: string; createdTs: string; sentTs: string | null }[]
}
interface PostPoint {
  stopCode: string
  name: string
  kind: 'village' | 'station'
  active: boolean
}

const STATUS_WORD: Record<Status, MessageKey> = {
  accepted: 'Accepted',
  loaded: 'On a bus',
  at_transfer: 'Changing buses',
  arrived: 'Waiting for pickup',
  collected: 'Collected',
  returned: 'Returned',
}
const STEP_WORD: Record<string, MessageKey> = {
  accept: 'Taken in',
  assign: 'Assigned by hand',
  reroute: 'Moved (trip cancelled)',
  load: 'Loaded',
  unload: 'Unloaded',
  collect: 'Collected',
  return: 'Returned',
}
const when = (iso: string | null): string => (iso ? `${day(Date.parse(iso))} ${clock(Date.parse(iso))}` : '—')
const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`
const tag = (s: Status, overdue: boolean): HTMLElement =>
  h(
    'span',
    { class: `tag parcel-${s}${overdue ? ' overdue' : ''}`, dataset: { status: s } },
    overdue ? `${t(STATUS_WORD[s])} · ${t('overdue')}` : t(STATUS_WORD[s]),
  )

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const statusSel = h(
    'select',
    { name: 'status' },
    (
      [
        ['accepted,loaded,at_transfer,arrived', 'Open'],
        ['accepted', 'Accepted'],
        ['loaded,at_transfer', 'On a bus'],
        ['arrived', 'Waiting for pickup'],
        ['collected,returned', 'Closed'],
        ['', 'All'],
      ] as [string, MessageKey][]
    ).map(([v, l]) =>
      h('option', { value: v, selected: (params.get('status') ?? 'accepted,loaded,at_transfer,arrived') === v }, t(l)),
    ),
  )
  const pointSel = h('select', { name: 'point' }, h('option', { value: '' }, t('All post points')))
  const trip = h('input', { name: 'trip', placeholder: t('trip instance id'), value: params.get('trip') ?? '' })
  const overdueOnly = h('input', { type: 'checkbox', name: 'overdue' })
  const msg = h('p', { class: 'status' })
  const list = h('div')
  const byTrip = h('div')
  const detailBox = h('div', { class: 'detail' })
  const consignBox = h('div', { class: 'card' })
  const reportBox = h('div', { class: 'card' })
  el.append(
    h(
      'div',
      { class: 'page wide parcels-view' },
      h('h1', null, t('Parcels')),
      h(
        'div',
        { class: 'row' },
        field(t('Status'), statusSel),
        field(t('Post point'), pointSel),
        field(t('Trip'), trip),
        field(t('Overdue only'), overdueOnly),
      ),
      msg,
      h('div', { class: 'split' }, h('div', null, list, h('h3', null, t('By trip')), byTrip), detailBox),
      h('div', { class: 'split' }, consignBox, reportBox),
    ),
  )
  let points: PostPoint[] = []

  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Line[] }>(
      `/api/parcels${qs({ status: statusSel.value, point: pointSel.value, trip: trip.value.trim(), overdue: overdueOnly.checked ? true : undefined, limit: 500 })}`,
    )
    msg.textContent = t('{n} parcels', { n: r.items.length })
    clear(
      list,
      table(
        [t('Number'), t('Status'), t('From'), t('To'), t('Trip'), t('Bus'), t('Expected'), t('Accepted')],
        r.items,
        (x) => [
          x.number,
          tag(x.status, x.overdue),
          x.from.name,
          x.to.name,
          x.tripInstanceId ? `${x.routeName ?? ''} ${x.departureTs ? clock(Date.parse(x.departureTs)) : ''}` : '—',
          x.vehicleId ?? '—',
          when(x.expectedTs),
          when(x.acceptedTs),
        ],
        { onRow: (x) => void open(x.number), rowId: (x) => x.number },
      ),
    )
    const trips = new Map<string, Line[]>()
    for (const x of r.items)
      if (x.tripInstanceId) trips.set(x.tripInstanceId, [...(trips.get(x.tripInstanceId) ?? []), x])
    clear(
      byTrip,
      table(
        [t('Trip'), t('Parcels'), t('Weight'), t('Bus')],
        [...trips.entries()],
        ([id, xs]) => [
          `${xs[0]?.routeName ?? ''} · ${id}`,
          xs.length,
          `${Math.round(xs.reduce((n, x) => n + x.weightKg, 0) * 10) / 10} kg`,
          xs.find((x) => x.vehicleId)?.vehicleId ?? '—',
        ],
        {
          onRow: ([id]) => {
            trip.value = id
            void load()
          },
        },
      ),
    )
  }

  async function open(number: string): Promise<void> {
    const p = await api.get<Detail>(`/api/parcels/${encodeURIComponent(number)}`)
    const status = h('p', { class: 'status' })
    const tripInput = h('input', { name: 'tripInstanceId', placeholder: t('trip instance id') })
    const assign = h('button', { class: 'primary' }, t('Assign'))
    action(assign, status, async () => {
      await api.post(`/api/parcels/${encodeURIComponent(number)}/assign`, { tripInstanceId: tripInput.value.trim() })
      await load()
      await open(number)
      return t('Assigned')
    })
    const waiting = p.status === 'accepted' || p.status === 'at_transfer'
    clear(
      detailBox,
      h(
        'div',
        { class: 'card parcel', dataset: { parcel: p.number, status: p.status } },
        h('h2', null, p.number, ' ', tag(p.status, p.overdue)),
        h(
          'p',
          null,
          `${p.from.name} → ${p.to.name} · ${p.sizeClass} · ${p.weightKg} kg · ${yuan(p.feeFen)} · ${(p.distanceM / 1000).toFixed(1)} km`,
        ),
        h(
          'p',
          null,
          `${t('Sender')}: ${p.sender.name} ${p.sender.phone} · ${t('Recipient')}: ${p.recipient} ${p.recipientPhone}`,
        ),
        p.ride
          ? h(
              'p',
              { class: 'ride' },
              `${t('On bus {bus}', { bus: p.ride.vehicleId })} · ${t('ETA at {stop}', { stop: p.ride.unloadAt.name })} ${when(p.ride.etaTs ?? p.ride.scheduledTs)}${p.ride.etaTs ? '' : ` (${t('timetable')})`}`,
            )
          : p.expectedTs
            ? h('p', null, `${t('Expected')} ${when(p.expectedTs)}`)
            : null,
        h(
          'p',
          null,
          h(
            'a',
            { href: `/api/parcels/${encodeURIComponent(p.number)}/label`, target: '_blank' },
            t('Print the label'),
          ),
          ' · ',
          h('a', { href: `/p/${encodeURIComponent(p.number)}`, target: '_blank' }, t('Tracking page')),
        ),
        h('h3', null, t('Trips')),
        table([t('Trip'), t('From'), t('To'), t('Departs'), t('Arrives'), t('Bus')], p.legs, (l) => [
          `${l.routeName} · ${l.tripInstanceId}`,
          l.from.name,
          l.to.name,
          when(l.departureTs),
          when(l.arrivalTs),
          l.vehicleId ?? '—',
        ]),
        waiting ? h('div', { class: 'row' }, field(t('Move to trip'), tripInput), assign) : null,
        status,
        h('h3', null, t('Custody')),
        table([t('When'), t('Step'), t('By'), t('Where'), t('Bus'), t('Note')], p.custody, (e) => [
          when(e.ts),
          `${t(STEP_WORD[e.action] ?? 'Accepted')} → ${t(STATUS_WORD[e.toStatus])}`,
          `${e.byName} (${e.byRole})`,
          e.place ?? '—',
          e.vehicleId ?? '—',
          e.note ?? '',
        ]),
        p.messages ? h('h3', null, t('Texts')) : null,
        p.messages
          ? table([t('When'), t('To'), t('Text'), t('Sent')], p.messages, (m) => [
              when(m.createdTs),
              m.recipientRole,
              m.body,
              m.sentTs ? when(m.sentTs) : t('waiting'),
            ])
          : null,
      ),
    )
  }

  function consignForm(): void {
    const opts = (): HTMLOptionElement[] =>
      points.filter((x) => x.active).map((x) => h('option', { value: x.stopCode }, `${x.name} (${x.stopCode})`))
    const from = h('select', { name: 'fromPoint' }, opts())
    const to = h('select', { name: 'toPoint' }, opts())
    const input = (name: string, inputMode = 'text'): HTMLInputElement => h('input', { name, inputMode })
    const [sn, sp, rn, rp] = [
      input('senderName'),
      input('senderPhone', 'tel'),
      input('recipientName'),
      input('recipientPhone', 'tel'),
    ]
    const size = h(
      'select',
      { name: 'sizeClass' },
      ['S', 'M', 'L'].map((s) => h('option', { value: s }, s)),
    )
    const weight = h('input', { name: 'weightKg', type: 'number', step: '0.1', min: '0.1' })
    const status = h('p', { class: 'status' })
    const go = h('button', { class: 'primary' }, t('Take the parcel'))
    action(go, status, async () => {
      const r = await api.post<{ number: string; feeFen: number; labelUrl: string }>('/api/parcels', {
        fromPoint: from.value,
        toPoint: to.value,
        sender: { name: sn.value, phone: sp.value },
        recipient: { name: rn.value, phone: rp.value },
        sizeClass: size.value,
        weightKg: Number(weight.value),
      })
      window.open(r.labelUrl, '_blank')
      await load()
      await open(r.number)
      return `${r.number} · ${yuan(r.feeFen)}`
    })
    clear(
      consignBox,
      h('h2', null, t('Take a parcel by phone')),
      h('div', { class: 'row' }, field(t('From'), from), field(t('To'), to)),
      h('div', { class: 'row' }, field(t('Sender'), sn), field(t('Phone'), sp)),
      h('div', { class: 'row' }, field(t('Recipient'), rn), field(t('Phone'), rp)),
      h('div', { class: 'row' }, field(t('Size'), size), field(t('Weight (kg)'), weight)),
      go,
      status,
    )
  }

  function reportForm(): void {
    const month = h('input', {
      type: 'month',
      name: 'month',
      value: new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7),
    })
    const out = h('div')
    const csv = h('a', { target: '_blank' }, t('Download CSV'))
    const show = async (): Promise<void> => {
      csv.href = `/api/parcels/report${qs({ month: month.value, format: 'csv' })}`
      const r = await api.get<{
        total: { parcels: number; weightKg: number; revenueFen: number }
        byRoute: ReportLine[]
        byPostPoint: ReportLine[]
      }>(`/api/parcels/report${qs({ month: month.value })}`)
      const avg = (s: number | null): string => (s === null ? '—' : `${(s / 3600).toFixed(1)} h`)
      clear(
        out,
        h(
          'p',
          null,
          t('{n} parcels', { n: r.total.parcels }),
          ` · ${r.total.weightKg} kg · ${yuan(r.total.revenueFen)}`,
        ),
        h('h3', null, t('By route')),
        table(
          [t('Route'), t('Parcels'), t('Weight'), t('Revenue'), t('Collected'), t('Door to door')],
          r.byRoute,
          (x) => [x.name, x.parcels, `${x.weightKg} kg`, yuan(x.revenueFen), x.collected, avg(x.avgDoorToDoorS)],
        ),
        h('h3', null, t('By post point')),
        table(
          [t('Post point'), t('Sent'), t('Received'), t('Weight'), t('Revenue'), t('Door to door')],
          r.byPostPoint,
          (x) => [x.name, x.parcels, x.received ?? 0, `${x.weightKg} kg`, yuan(x.revenueFen), avg(x.avgDoorToDoorS)],
        ),
      )
    }
    month.addEventListener('change', () => void show().catch((err: Error) => (out.textContent = err.message)))
    clear(reportBox, h('h2', null, t('Monthly report')), h('div', { class: 'row' }, field(t('Month'), month), csv), out)
    void show().catch((err: Error) => (out.textContent = err.message))
  }

  for (const s of [statusSel, pointSel, overdueOnly])
    s.addEventListener('change', () => void load().catch((err: Error) => (msg.textContent = err.message)))
  trip.addEventListener('change', () => void load().catch((err: Error) => (msg.textContent = err.message)))
  void api
    .get<{ items: PostPoint[] }>('/api/post-points')
    .then((r) => {
      points = r.items
      for (const x of points)
        pointSel.append(
          h('option', { value: x.stopCode, selected: params.get('point') === x.stopCode }, `${x.name} (${x.stopCode})`),
        )
      if (ctx.can(['dispatcher', 'operator'])) consignForm()
      return load()
    })
    .then(() => (params.get('parcel') ? open(params.get('parcel') as string) : undefined))
    .catch((err: Error) => (msg.textContent = err.message))
  reportForm()
  const timer = setInterval(() => void load().catch(() => {}), 30_000)
  return () => clearInterval(timer)
}

export const parcelsView: View = {
  path: 'parcels',
  title: 'Parcels',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

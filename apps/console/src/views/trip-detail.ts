/**
 * One trip instance for the dispatcher: its state on the board (from the server), assign vehicle
 * and driver, cancel with a reason (bookers are told by the server), its bookings with cancel, a
 * phone booking form, and the driver manifest.
 */
import type { TripBoardRow } from '@rb/domain'
import { api } from '../api.js'
import type { Ctx } from '../context.js'
import { showsDelay, TRIP_STATE_LABELS } from '../trip-board.js'
import type { DispatcherBooking, ManifestView, TripBookingsView, TripInstanceView } from '../trip-types.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, punctualityText } from '../ui/format.js'

const enc = encodeURIComponent

/** An idempotency key (crypto.randomUUID needs a secure context; the console may be served over plain http on a LAN). */
const newKey = (): string => `console-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`

export function tripDetail(ctx: Ctx, instanceId: string, onChanged: () => void): { el: HTMLElement; reload(): void; setRow(row: TripBoardRow): void } {
  const el = h('div', { class: 'trip-detail', dataset: { trip: instanceId } })
  // The board row's state, kept across re-renders and updated with every board reload.
  const stateLine = h('p', { class: 'trip-state' })
  const setRow = (r: TripBoardRow): void => {
    const parts: (Node | string)[] = [h('span', { class: `tag ${r.status}` }, TRIP_STATE_LABELS[r.status] ?? r.status)]
    if (showsDelay(r.status)) parts.push(' ', h('span', { class: `punct ${r.punctuality ?? ''}` }, punctualityText(r.punctuality, r.delayS)))
    if (r.vehicleId) parts.push(` · ${r.vehicleId}${r.match === 'inferred' ? ' (inferred)' : ''}`)
    if (r.departedTs) parts.push(` · left ${clock(r.departedTs)}`)
    if (r.completedTs) parts.push(` · ended ${clock(r.completedTs)}`)
    clear(stateLine, parts)
  }
  const dispatcher = ctx.can(['dispatcher'])
  const dispatchOrOperator = ctx.can(['dispatcher', 'operator'])

  // The bookings card is refreshed on its own (live booking changes), so forms being filled in stay.
  const bookingsBox = h('div')
  let current: TripInstanceView | null = null

  async function load(): Promise<void> {
    const trip = await api.get<TripInstanceView>(`/api/trip-instances/${enc(instanceId)}`)
    current = trip
    render(trip, dispatcher)
    await refreshBookings()
  }

  async function refreshBookings(): Promise<void> {
    if (!dispatcher || !current) return
    const trip = current
    const b = await api.get<TripBookingsView>(`/api/trip-instances/${enc(instanceId)}/bookings`)
    clear(bookingsBox, bookingsCard(trip, b))
  }

  function render(trip: TripInstanceView, withBookings: boolean): void {
    const route = ctx.network.route(trip.routeId)
    const status = h('p', { class: 'status' })
    const parts: (Node | null)[] = [
      h('h2', null, `${route?.name ?? trip.routeId} · ${trip.headsign}`),
      h('p', { class: 'muted' }, `${trip.id} · departs ${clock(Date.parse(trip.departure))} · ${trip.seats} seats · booking ${trip.bookingPolicy}${trip.status === 'cancelled' ? ` · CANCELLED: ${trip.cancelReason ?? ''}` : ''}`),
      stateLine,
    ]
    if (dispatchOrOperator && trip.status === 'scheduled') {
      const vehicle = h('select', { name: 'vehicle' }, h('option', { value: '' }, '— none —'), ctx.network.vehicles.filter((v) => v.status === 'active').map((v) => h('option', { value: v.id, selected: v.id === trip.vehicleId }, `${v.id} ${v.plate} (${v.seats})`)))
      const driver = h('select', { name: 'driver' }, h('option', { value: '' }, '— none —'), ctx.network.drivers.filter((d) => d.status === 'active').map((d) => h('option', { value: d.id, selected: d.id === trip.driverId }, `${d.id} ${d.name}`)))
      const save = h('button', { class: 'primary assign' }, 'Assign 派车')
      action(save, status, async () => {
        await api.put(`/api/trip-instances/${enc(trip.id)}/assignment`, { vehicleId: vehicle.value || null, driverId: driver.value || null })
        onChanged()
        return 'assigned'
      })
      const reason = h('input', { name: 'reason', placeholder: 'reason, told to the bookers', minLength: 2 })
      const cancel = h('button', { class: 'danger cancel-trip' }, 'Cancel trip 取消班次')
      action(cancel, status, async () => {
        if (reason.value.trim().length < 2) throw new Error('give a reason: the bookers are told it')
        await api.post(`/api/trip-instances/${enc(trip.id)}/cancel`, { reason: reason.value.trim() })
        onChanged()
        void load()
        return 'cancelled; bookers are being told'
      })
      parts.push(h('div', { class: 'card' }, h('h3', null, 'Vehicle and driver 车辆与驾驶员'), h('div', { class: 'row' }, field('Vehicle', vehicle), field('Driver', driver), save), h('div', { class: 'row' }, field('Cancel with reason', reason), cancel)))
    }
    parts.push(status)
    if (withBookings) parts.push(bookingsBox, phoneBookingCard(trip), manifestCard(trip))
    else if (!dispatcher) parts.push(h('p', { class: 'muted' }, 'Bookings are handled by dispatchers.'))
    clear(el, parts)
  }

  function bookingsCard(trip: TripInstanceView, b: TripBookingsView): HTMLElement {
    const c = b.counts
    const status = h('p', { class: 'status' })
    const cancel = (bk: DispatcherBooking): Node | string => {
      if (bk.status !== 'confirmed' && bk.status !== 'waitlisted') return ''
      const btn = h('button', { class: 'danger', dataset: { cancel: bk.code } }, 'Cancel')
      action(btn, status, async () => {
        const reason = prompt(`Cancel booking ${bk.code} for ${bk.name}: reason?`, 'passenger called to cancel')
        if (!reason) return 'kept'
        await api.post(`/api/bookings/${enc(bk.code)}/cancel`, { reason })
        void refreshBookings()
        return `${bk.code} cancelled`
      })
      return btn
    }
    return h(
      'div',
      { class: 'card bookings' },
      h('h3', null, `Bookings 订票 · `, h('span', { class: 'booked-count' }, `${c.riders} / ${c.capacity}`), ` seats held${c.waitlisted ? ` · ${c.waitlisted} waiting` : ''}${b.trip.onDemand ? ` · on demand: ${b.trip.onDemand} (min ${b.trip.minRiders})` : ''}`),
      table(['Code', 'Name', 'Phone', 'From → to', 'Seats', 'Status', 'Via', ''], b.items, (bk) => [bk.code, bk.name, `${bk.phone}${bk.noShows ? ` (${bk.noShows} no-show)` : ''}`, h('span', { title: `${bk.boardStopName} → ${bk.alightStopName}` }, `${bk.boardStop} → ${bk.alightStop}`), bk.seats, h('span', { class: `tag ${bk.status}` }, bk.status.replace('_', ' ') + (bk.waitlistPosition ? ` #${bk.waitlistPosition}` : '')), bk.channel, cancel(bk)], { rowId: (bk) => bk.code }),
      status,
    )
  }

  function phoneBookingCard(trip: TripInstanceView): HTMLElement {
    const stopOption = (code: string, i: number): HTMLOptionElement => h('option', { value: code }, `${i + 1}. ${code} ${ctx.network.stop(code)?.name ?? ''}`)
    const board = h('select', { name: 'board' }, trip.stops.slice(0, -1).map(stopOption))
    const alight = h('select', { name: 'alight' }, trip.stops.map(stopOption).slice(1))
    const seats = h('input', { type: 'number', name: 'seats', min: '1', max: '6', value: '1' })
    const name = h('input', { name: 'name', placeholder: '王大妈' })
    const phone = h('input', { name: 'phone', placeholder: '13812345678', inputMode: 'tel' })
    const waitlist = h('input', { type: 'checkbox', name: 'waitlist', checked: true })
    const submit = h('button', { class: 'primary book' }, 'Book by phone 电话订票')
    const status = h('p', { class: 'status' })
    // One key per attempt: a retried click is the same booking, not a second one.
    let key = newKey()
    action(submit, status, async () => {
      const r = await api.post<{ code: string; status: string }>(`/api/trip-instances/${enc(trip.id)}/bookings`, { boardStop: board.value, alightStop: alight.value, seats: Number(seats.value), name: name.value.trim(), phone: phone.value.trim(), waitlist: waitlist.checked, idempotencyKey: key })
      key = newKey()
      void refreshBookings()
      return `booked: code ${r.code} (${r.status})`
    })
    return h('div', { class: 'card phone-booking' }, h('h3', null, 'Phone booking 电话订票'), h('div', { class: 'row' }, field('Boards at', board), field('Alights at', alight), field('Seats', seats)), h('div', { class: 'row' }, field('Name', name), field('Phone', phone), h('label', null, waitlist, ' waitlist if full')), submit, status)
  }

  function manifestCard(trip: TripInstanceView): HTMLElement {
    const box = h('div', { class: 'card manifest' }, h('h3', null, 'Driver manifest 乘客清单'))
    const show = h('button', null, 'Show manifest')
    show.addEventListener('click', () => {
      api.get<ManifestView>(`/api/trip-instances/${enc(trip.id)}/manifest`).then(
        (m) => {
          clear(
            box,
            h('h3', null, 'Driver manifest 乘客清单'),
            table(['Stop', 'Due', 'Boarding', 'Alighting', 'Load after'], m.stops.filter((s) => s.boarding.length || s.alighting.length), (s) => [`${s.stopCode} ${s.stopName}`, clock(Date.parse(s.arrival)), s.boarding.map((e) => `${e.name} ×${e.seats}`).join(', '), s.alighting.map((e) => `${e.name} ×${e.seats}`).join(', '), s.loadAfter]),
            m.waitlist.length ? h('p', null, `Waitlist: ${m.waitlist.map((e) => `${e.name} ×${e.seats}`).join(', ')}`) : null,
          )
        },
        (err: Error) => box.append(h('p', { class: 'status error' }, err.message)),
      )
    })
    box.append(show)
    return box
  }

  load().catch((err: Error) => clear(el, h('p', { class: 'status error' }, err.message)))
  return {
    el,
    reload: () => void refreshBookings().catch(() => {}),
    setRow,
  }
}

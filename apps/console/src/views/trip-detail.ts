/**
 * One trip instance for the dispatcher: its state on the board (from the server), assign vehicle
 * and driver, cancel with a reason (bookers are told by the server), its bookings with cancel, a
 * phone booking form, and the driver manifest.
 */
import type { TripBoardRow } from '@rb/domain'
import { api } from '../api.js'
import type { Ctx } from '../context.js'
import { showsDelay, tripStateLabel } from '../trip-board.js'
import { t, word } from '../i18n/index.js'
import type { DispatcherBooking, ManifestView, TripBookingsView, TripInstanceView } from '../trip-types.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, punctualityText } from '../ui/format.js'

const enc = encodeURIComponent

/** An idempotency key (crypto.randomUUID needs a secure context; the console may be served over plain http on a LAN). */
const newKey = (): string =>
  `console-${Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')}`

export function tripDetail(
  ctx: Ctx,
  instanceId: string,
  onChanged: () => void,
): { el: HTMLElement; reload(): void; setRow(row: TripBoardRow): void } {
  const el = h('div', { class: 'trip-detail', dataset: { trip: instanceId } })
  // The board row's state, kept across re-renders and updated with every board reload.
  const stateLine = h('p', { class: 'trip-state' })
  const setRow = (r: TripBoardRow): void => {
    const parts: (Node | string)[] = [h('span', { class: `tag ${r.status}` }, tripStateLabel(r.status))]
    if (showsDelay(r.status))
      parts.push(' ', h('span', { class: `punct ${r.punctuality ?? ''}` }, punctualityText(r.punctuality, r.delayS)))
    if (r.vehicleId) parts.push(` · ${r.vehicleId}${r.match === 'inferred' ? ` (${t('inferred')})` : ''}`)
    if (r.departedTs) parts.push(` · ${t('left {time}', { time: clock(r.departedTs) })}`)
    if (r.completedTs) parts.push(` · ${t('ended {time}', { time: clock(r.completedTs) })}`)
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
      h(
        'p',
        { class: 'muted' },
        `${trip.id} · ${t('departs {time}', { time: clock(Date.parse(trip.departure)) })} · ${t('{n} seats', { n: trip.seats })} · ${t('booking')} ${word(trip.bookingPolicy)}${trip.status === 'cancelled' ? ` · ${t('CANCELLED: {reason}', { reason: trip.cancelReason ?? '' })}` : ''}`,
      ),
      stateLine,
    ]
    if (dispatchOrOperator && trip.status === 'scheduled') {
      const vehicle = h(
        'select',
        { name: 'vehicle' },
        h('option', { value: '' }, t('— none —')),
        ctx.network.vehicles
          .filter((v) => v.status === 'active')
          .map((v) =>
            h('option', { value: v.id, selected: v.id === trip.vehicleId }, `${v.id} ${v.plate} (${v.seats})`),
          ),
      )
      const driver = h(
        'select',
        { name: 'driver' },
        h('option', { value: '' }, t('— none —')),
        ctx.network.drivers
          .filter((d) => d.status === 'active')
          .map((d) => h('option', { value: d.id, selected: d.id === trip.driverId }, `${d.id} ${d.name}`)),
      )
      const save = h('button', { class: 'primary assign' }, t('Assign'))
      action(save, status, async () => {
        await api.put(`/api/trip-instances/${enc(trip.id)}/assignment`, {
          vehicleId: vehicle.value || null,
          driverId: driver.value || null,
        })
        onChanged()
        return t('assigned')
      })
      const reason = h('input', { name: 'reason', placeholder: t('reason, told to the bookers'), minLength: 2 })
      const cancel = h('button', { class: 'danger cancel-trip' }, t('Cancel trip'))
      action(cancel, status, async () => {
        if (reason.value.trim().length < 2) throw new Error(t('give a reason: the bookers are told it'))
        await api.post(`/api/trip-instances/${enc(trip.id)}/cancel`, { reason: reason.value.trim() })
        onChanged()
        void load()
        return t('cancelled; bookers are being told')
      })
      parts.push(
        h(
          'div',
          { class: 'card' },
          h('h3', null, t('Vehicle and driver')),
          h('div', { class: 'row' }, field(t('Vehicle'), vehicle), field(t('Driver'), driver), save),
          h('div', { class: 'row' }, field(t('Cancel with reason'), reason), cancel),
        ),
      )
    }
    parts.push(status)
    if (withBookings) parts.push(bookingsBox, phoneBookingCard(trip), manifestCard(trip))
    else if (!dispatcher) parts.push(h('p', { class: 'muted' }, t('Bookings are handled by dispatchers.')))
    clear(el, parts)
  }

  function bookingsCard(trip: TripInstanceView, b: TripBookingsView): HTMLElement {
    const c = b.counts
    const status = h('p', { class: 'status' })
    const cancel = (bk: DispatcherBooking): Node | string => {
      if (bk.status !== 'confirmed' && bk.status !== 'waitlisted') return ''
      const btn = h('button', { class: 'danger', dataset: { cancel: bk.code } }, t('Cancel'))
      action(btn, status, async () => {
        const reason = prompt(
          t('Cancel booking {code} for {name}: reason?', { code: bk.code, name: bk.name }),
          t('passenger called to cancel'),
        )
        if (!reason) return t('kept')
        await api.post(`/api/bookings/${enc(bk.code)}/cancel`, { reason })
        void refreshBookings()
        return t('{code} cancelled', { code: bk.code })
      })
      return btn
    }
    return h(
      'div',
      { class: 'card bookings' },
      h(
        'h3',
        null,
        `${t('Bookings')} · `,
        h('span', { class: 'booked-count' }, `${c.riders} / ${c.capacity}`),
        ` ${t('seats held')}${c.waitlisted ? ` · ${t('{n} waiting', { n: c.waitlisted })}` : ''}${b.trip.onDemand ? ` · ${t('on demand: {state} (min {n})', { state: word(b.trip.onDemand), n: b.trip.minRiders })}` : ''}`,
      ),
      table(
        [t('Code'), t('Name'), t('Phone'), t('From → to'), t('Seats'), t('Status'), t('Via'), ''],
        b.items,
        (bk) => [
          bk.code,
          bk.name,
          `${bk.phone}${bk.noShows ? ` (${t('{n} no-show', { n: bk.noShows })})` : ''}`,
          h('span', { title: `${bk.boardStopName} → ${bk.alightStopName}` }, `${bk.boardStop} → ${bk.alightStop}`),
          bk.seats,
          h(
            'span',
            { class: `tag ${bk.status}` },
            word(bk.status) + (bk.waitlistPosition ? ` #${bk.waitlistPosition}` : ''),
          ),
          word(bk.channel),
          cancel(bk),
        ],
        { rowId: (bk) => bk.code },
      ),
      status,
    )
  }

  function phoneBookingCard(trip: TripInstanceView): HTMLElement {
    const stopOption = (code: string, i: number): HTMLOptionElement =>
      h('option', { value: code }, `${i + 1}. ${code} ${ctx.network.stop(code)?.name ?? ''}`)
    const board = h('select', { name: 'board' }, trip.stops.slice(0, -1).map(stopOption))
    const alight = h('select', { name: 'alight' }, trip.stops.map(stopOption).slice(1))
    const seats = h('input', { type: 'number', name: 'seats', min: '1', max: '6', value: '1' })
    const name = h('input', { name: 'name', placeholder: t('e.g. Auntie Wang') })
    const phone = h('input', { name: 'phone', placeholder: '13812345678', inputMode: 'tel' })
    const waitlist = h('input', { type: 'checkbox', name: 'waitlist', checked: true })
    const submit = h('button', { class: 'primary book' }, t('Book by phone'))
    const status = h('p', { class: 'status' })
    // One key per attempt: a retried click is the same booking, not a second one.
    let key = newKey()
    action(submit, status, async () => {
      const r = await api.post<{ code: string; status: string }>(`/api/trip-instances/${enc(trip.id)}/bookings`, {
        boardStop: board.value,
        alightStop: alight.value,
        seats: Number(seats.value),
        name: name.value.trim(),
        phone: phone.value.trim(),
        waitlist: waitlist.checked,
        idempotencyKey: key,
      })
      key = newKey()
      void refreshBookings()
      return t('booked: code {code} ({status})', { code: r.code, status: word(r.status) })
    })
    return h(
      'div',
      { class: 'card phone-booking' },
      h('h3', null, t('Phone booking')),
      h(
        'div',
        { class: 'row' },
        field(t('Boards at'), board),
        field(t('Alights at'), alight),
        field(t('Seats'), seats),
      ),
      h(
        'div',
        { class: 'row' },
        field(t('Name'), name),
        field(t('Phone'), phone),
        h('label', null, waitlist, ` ${t('waitlist if full')}`),
      ),
      submit,
      status,
    )
  }

  function manifestCard(trip: TripInstanceView): HTMLElement {
    const box = h('div', { class: 'card manifest' }, h('h3', null, t('Driver manifest')))
    const show = h('button', null, t('Show manifest'))
    show.addEventListener('click', () => {
      api.get<ManifestView>(`/api/trip-instances/${enc(trip.id)}/manifest`).then(
        (m) => {
          clear(
            box,
            h('h3', null, t('Driver manifest')),
            table(
              [t('Stop'), t('Due'), t('Boarding'), t('Alighting'), t('Load after')],
              m.stops.filter((s) => s.boarding.length || s.alighting.length),
              (s) => [
                `${s.stopCode} ${s.stopName}`,
                clock(Date.parse(s.arrival)),
                s.boarding.map((e) => `${e.name} ×${e.seats}`).join(', '),
                s.alighting.map((e) => `${e.name} ×${e.seats}`).join(', '),
                s.loadAfter,
              ],
            ),
            m.waitlist.length
              ? h('p', null, `${t('Waitlist:')} ${m.waitlist.map((e) => `${e.name} ×${e.seats}`).join(', ')}`)
              : null,
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

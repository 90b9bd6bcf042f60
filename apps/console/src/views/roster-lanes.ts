/**
 * The roster board's lanes: a time axis, the unassigned trips, one lane per duty (crew selects,
 * driving time against the limit, problems, its trips as blocks on the axis) and a row to add a
 * duty. Trips are buttons: a click (or Enter) selects one, a drag drops it onto a lane. What a
 * lane is told after an action (a refusal) is drawn under its header.
 */
import type { Vehicle } from '@rb/domain'
import type { Ctx } from '../context.js'
import type { DriverView } from '../network.js'
import {
  axisFor,
  drivingGauge,
  layoutLane,
  problemLines,
  type Axis,
  type LaneOptions,
  type Duty,
  type RosterDay,
  type RosterTrip,
} from '../roster-model.js'
import { h } from '../ui/dom.js'
import { clock } from '../ui/format.js'
import { t, t as tr } from '../i18n/index.js'

/** What a lane says after an action there. */
export interface Note {
  error: boolean
  lines: string[]
}

/** Where an action happened, for its note: a duty id, `unassigned` or `add`. */
export type NoteKey = string

export interface LaneHandlers {
  select(instanceId: string): void
  move(instanceId: string, to: string | null): void
  setCrew(duty: Duty, patch: { vehicleId?: string; driverId?: string }): void
  remove(duty: Duty): void
  add(vehicleId: string, driverId: string): void
}

export interface BoardState {
  day: RosterDay
  selected: string | null
  /** The trip being moved while the server decides. */
  pending: string | null
  notes: ReadonlyMap<NoteKey, Note>
}

const ROW_PX = 38
const TRIP_TYPE = 'application/x-rb-trip'

export const vehicleLabel = (v: Pick<Vehicle, 'id' | 'plate' | 'seats'>): string =>
  `${v.id} ${v.plate} · ${t('{n} seats', { n: v.seats })}`
export const driverLabel = (d: Pick<DriverView, 'id' | 'name'>): string => `${d.id} ${d.name}`

export function noteEl(note: Note | undefined): HTMLElement | null {
  if (!note) return null
  return h(
    'div',
    { class: `note ${note.error ? 'error' : 'ok'}`, attrs: { role: note.error ? 'alert' : 'status' } },
    note.lines.map((l) => h('p', null, l)),
  )
}

function tripTitle(t: RosterTrip): string {
  return `${clock(t.departureTs)}–${clock(t.endTs)} ${t.routeName} → ${t.headsign}\n${t.instanceId} · ${tr('{n} seats booked', { n: t.bookedSeats })}${t.status === 'cancelled' ? ` · ${tr('Cancelled')}` : ''}`
}

/** A lane's track: hour lines and the lane's trips as blocks; a drop target. */
function track(
  axis: Axis,
  trips: RosterTrip[],
  state: BoardState,
  lane: LaneOptions,
  handlers: LaneHandlers,
  empty: string,
): HTMLElement {
  const { blocks, rows } = layoutLane(axis, trips, lane)
  const el = h(
    'div',
    { class: 'track', style: `--rows-h:${rows * ROW_PX + 6}px;--hours:${axis.hours.length - 1}` },
    blocks.length === 0 ? h('span', { class: 'track-empty' }, empty) : null,
    blocks.map((b) => {
      const t = b.trip
      const cls = [
        'trip-block',
        `kind-${t.kind}`,
        b.overlaps ? 'overlaps' : '',
        t.status === 'cancelled' ? 'cancelled' : '',
        t.instanceId === state.selected ? 'selected' : '',
        t.instanceId === state.pending ? 'pending' : '',
      ]
        .filter(Boolean)
        .join(' ')
      const block = h(
        'button',
        {
          type: 'button',
          class: cls,
          draggable: true,
          title: tripTitle(t),
          style: `left:${b.leftPct}%;width:${b.widthPct}%;top:${b.row * ROW_PX + 3}px`,
          dataset: { trip: t.instanceId },
          attrs: { 'aria-pressed': String(t.instanceId === state.selected) },
        },
        h('b', null, clock(t.departureTs)),
        h('span', null, t.routeName),
      )
      block.addEventListener('click', () => handlers.select(t.instanceId))
      block.addEventListener('dragstart', (ev) => {
        ev.dataTransfer?.setData(TRIP_TYPE, t.instanceId)
        ev.dataTransfer?.setData('text/plain', t.instanceId)
        if (ev.dataTransfer) ev.dataTransfer.effectAllowed = 'move'
      })
      return block
    }),
  )
  return el
}

/** Makes a lane take dropped trips. */
function dropTarget(lane: HTMLElement, to: string | null, handlers: LaneHandlers): void {
  lane.addEventListener('dragover', (ev) => {
    if (!ev.dataTransfer?.types.includes(TRIP_TYPE)) return
    ev.preventDefault()
    ev.dataTransfer.dropEffect = 'move'
    lane.classList.add('drop-over')
  })
  lane.addEventListener('dragleave', (ev) => {
    if (!lane.contains(ev.relatedTarget as Node | null)) lane.classList.remove('drop-over')
  })
  lane.addEventListener('drop', (ev) => {
    lane.classList.remove('drop-over')
    const id = ev.dataTransfer?.getData(TRIP_TYPE)
    if (!id) return
    ev.preventDefault()
    handlers.move(id, to)
  })
}

function crewSelect<T extends { id: string; status: string }>(
  name: string,
  label: string,
  items: T[],
  current: string,
  text: (x: T) => string,
): HTMLSelectElement {
  const known = items.some((x) => x.id === current)
  return h(
    'select',
    { name, attrs: { 'aria-label': label } },
    known ? null : h('option', { value: current, selected: true }, `${current} (?)`),
    items
      .filter((x) => x.status === 'active' || x.id === current)
      .map((x) =>
        h(
          'option',
          { value: x.id, selected: x.id === current },
          `${text(x)}${x.status === 'active' ? '' : ` · ${t('retired')}`}`,
        ),
      ),
  )
}

function dutyLane(
  ctx: Ctx,
  axis: Axis,
  duty: Duty,
  state: BoardState,
  handlers: LaneHandlers,
  canEdit: boolean,
): HTMLElement {
  const { limits } = state.day
  const vehicle = ctx.network.vehicle(duty.vehicleId)
  const vSelect = crewSelect('vehicle', t('Vehicle'), ctx.network.vehicles, duty.vehicleId, vehicleLabel)
  const dSelect = crewSelect('driver', t('Driver'), ctx.network.drivers, duty.driverId, driverLabel)
  vSelect.disabled = dSelect.disabled = !canEdit
  vSelect.addEventListener('change', () => handlers.setCrew(duty, { vehicleId: vSelect.value }))
  dSelect.addEventListener('change', () => handlers.setCrew(duty, { driverId: dSelect.value }))
  const gauge = drivingGauge(duty.drivingMin, limits.dailyDrivingMin)
  const problems = problemLines(duty, limits, vehicle?.seats)
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'danger delete-duty',
      disabled: !canEdit,
      title: t('delete the duty; its trips go back to unassigned'),
    },
    t('Delete'),
  )
  // A second click within a few seconds deletes: one slip of the mouse does not.
  let armed: ReturnType<typeof setTimeout> | null = null
  remove.addEventListener('click', () => {
    if (armed) {
      clearTimeout(armed)
      handlers.remove(duty)
      return
    }
    remove.textContent = t('Confirm delete?')
    armed = setTimeout(() => {
      armed = null
      remove.textContent = t('Delete')
    }, 4000)
  })
  const span = duty.startTs !== null && duty.endTs !== null ? `${clock(duty.startTs)}–${clock(duty.endTs)}` : '—'
  const head = h(
    'div',
    { class: 'lane-head' },
    h('label', { class: 'crew', title: t('Vehicle') }, h('span', null, t('V (vehicle)')), vSelect),
    h('label', { class: 'crew', title: t('Driver') }, h('span', null, t('D (driver)')), dSelect),
    h(
      'div',
      {
        class: `driving${gauge.over ? ' over' : ''}`,
        title: t('driving time of the day / daily limit'),
        dataset: { k: 'driving' },
      },
      h('span', null, t('driving {time}', { time: gauge.text })),
      h('i', { class: 'gauge' }, h('i', { style: `width:${gauge.pct}%` })),
    ),
    h(
      'div',
      { class: 'lane-meta' },
      h(
        'span',
        { class: 'muted', title: duty.note ?? '' },
        `${t('{n} trips', { n: duty.trips.length })} · ${span}${duty.note ? ` · ${duty.note}` : ''}`,
      ),
      remove,
    ),
    problems.length > 0
      ? h(
          'ul',
          { class: 'problems' },
          problems.map((p) => h('li', null, p)),
        )
      : null,
    noteEl(state.notes.get(duty.id)),
  )
  const lane = h(
    'div',
    {
      class: `lane duty${problems.length > 0 ? ' has-problems' : ''}`,
      dataset: { duty: duty.id, vehicle: duty.vehicleId, driver: duty.driverId },
    },
    head,
    track(axis, duty.trips, state, { turnaroundMin: limits.turnaroundMin }, handlers, t('drop trips here')),
  )
  dropTarget(lane, duty.id, handlers)
  return lane
}

function unassignedLane(axis: Axis, state: BoardState, handlers: LaneHandlers): HTMLElement {
  const trips = state.day.unassigned
  const lane = h(
    'div',
    { class: 'lane unassigned', dataset: { lane: 'unassigned' } },
    h(
      'div',
      { class: 'lane-head' },
      h('h2', null, `${t('Unassigned trips')} (${trips.length})`),
      h('p', { class: 'muted' }, t('drop a trip here to take it off its duty')),
      noteEl(state.notes.get('unassigned')),
    ),
    track(axis, trips, state, { clashes: false }, handlers, t('every trip has a duty')),
  )
  dropTarget(lane, null, handlers)
  return lane
}

function addRow(ctx: Ctx, state: BoardState, handlers: LaneHandlers, canEdit: boolean): HTMLElement {
  const used = new Set(state.day.duties.flatMap((d) => [d.vehicleId, d.driverId]))
  const vehicle = h(
    'select',
    { name: 'new-vehicle', attrs: { 'aria-label': t('Vehicle') } },
    h('option', { value: '' }, `— ${t('Vehicle')} —`),
    ctx.network.vehicles
      .filter((v) => v.status === 'active')
      .map((v) => h('option', { value: v.id }, `${vehicleLabel(v)}${used.has(v.id) ? ` · ${t('in a duty')}` : ''}`)),
  )
  const driver = h(
    'select',
    { name: 'new-driver', attrs: { 'aria-label': t('Driver') } },
    h('option', { value: '' }, `— ${t('Driver')} —`),
    ctx.network.drivers
      .filter((d) => d.status === 'active')
      .map((d) => h('option', { value: d.id }, `${driverLabel(d)}${used.has(d.id) ? ` · ${t('in a duty')}` : ''}`)),
  )
  const add = h('button', { type: 'submit', class: 'primary add-duty', disabled: !canEdit }, t('Add duty'))
  const form = h(
    'form',
    { class: 'lane add' },
    h('div', { class: 'lane-head' }, h('h2', null, t('New duty')), noteEl(state.notes.get('add'))),
    h('div', { class: 'add-fields' }, vehicle, driver, add),
  )
  form.addEventListener('submit', (ev) => {
    ev.preventDefault()
    handlers.add(vehicle.value, driver.value)
  })
  return form
}

/** The whole board for a day: axis, unassigned trips, duties, add row. */
export function boardEl(
  ctx: Ctx,
  state: BoardState,
  duties: Duty[],
  handlers: LaneHandlers,
  canEdit: boolean,
): HTMLElement {
  const day = state.day
  const axis = axisFor(day.date, [...day.unassigned, ...day.duties.flatMap((d) => d.trips)])
  const span = axis.hours.length - 1
  const ticks = h(
    'div',
    { class: 'ticks' },
    axis.hours.map((hr) =>
      h(
        'span',
        { style: `left:${((hr - (axis.hours[0] ?? 0)) / span) * 100}%` },
        `${String(hr % 24).padStart(2, '0')}:00`,
      ),
    ),
  )
  return h(
    'div',
    { class: 'lanes' },
    h(
      'div',
      { class: 'lane axis' },
      h('div', { class: 'lane-head' }, h('b', null, `${t('Duties')} (${day.duties.length})`)),
      ticks,
    ),
    unassignedLane(axis, state, handlers),
    duties.map((d) => dutyLane(ctx, axis, d, state, handlers, canEdit)),
    addRow(ctx, state, handlers, canEdit),
  )
}

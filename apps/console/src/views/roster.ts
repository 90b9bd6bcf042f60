/**
 * Roster board (排班) `#/roster?date=YYYY-MM-DD`: a service day's duties — a vehicle, a driver and
 * the trips they run — as lanes on a time axis, with the trips nobody runs yet. A trip moves by
 * drag and drop onto a lane, or by selecting it and choosing a duty (keyboard too); crews change
 * with the lane's selects; the server checks every change and a refusal is shown, in its words,
 * where the change was made. Day actions (templates, copy, publish) are in roster-tools.ts.
 */
import { api, ApiError, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import {
  addDays,
  moveRequest,
  moveTrip,
  refusalLines,
  sortDuties,
  whereIs,
  type Duty,
  type RosterDay,
} from '../roster-model.js'
import { clear, h } from '../ui/dom.js'
import { clock, day as dayOf } from '../ui/format.js'
import {
  boardEl,
  driverLabel,
  noteEl,
  vehicleLabel,
  type LaneHandlers,
  type Note,
  type NoteKey,
} from './roster-lanes.js'
import { publishedBadge, rosterTools } from './roster-tools.js'
import { t } from '../i18n/index.js'

const enc = encodeURIComponent

/** The words of a failed call, one line per problem the server named. */
const failure = (err: unknown): string[] =>
  err instanceof ApiError ? refusalLines(err.message, err.details) : [err instanceof Error ? err.message : String(err)]

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const canEdit = ctx.can(['dispatcher', 'operator'])
  let date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? (params.get('date') as string) : dayOf(Date.now())
  let current: RosterDay | null = null
  let selected: string | null = null
  let pending: string | null = null
  const notes = new Map<NoteKey, Note>()
  let loadSeq = 0

  const dateInput = h('input', { type: 'date', name: 'date', value: date, attrs: { 'aria-label': t('Service day') } })
  const prev = h('button', { type: 'button', class: 'prev-day', title: t('previous day') }, '←')
  const next = h('button', { type: 'button', class: 'next-day', title: t('next day') }, '→')
  const today = h('button', { type: 'button', class: 'today' }, t('Today'))
  let badge = h('span')
  const loadStatus = h('p', { class: 'status' })
  const tools = rosterTools({ date: () => date, change, canEdit })
  const selection = h('div', { class: 'roster-selection' })
  const board = h('div', { class: 'roster-board', attrs: { tabindex: '-1' } })
  el.append(
    h(
      'div',
      { class: 'page wide roster' },
      h(
        'div',
        { class: 'roster-head' },
        h('h1', null, t('Roster')),
        h('div', { class: 'day-picker' }, prev, dateInput, next, today),
        badge,
        tools.publishEl,
        loadStatus,
      ),
      tools.el,
      selection,
      board,
    ),
  )

  async function load(): Promise<void> {
    const seq = ++loadSeq
    loadStatus.className = 'status'
    loadStatus.textContent = current?.date === date ? '' : t('Loading…')
    try {
      const day = await api.get<RosterDay>(`/api/roster${qs({ date })}`)
      if (seq !== loadSeq) return
      current = day
      loadStatus.textContent = ''
    } catch (err) {
      if (seq !== loadSeq) return
      current = null
      loadStatus.className = 'status error'
      loadStatus.textContent = failure(err).join(' ')
    }
    render()
  }

  function go(to: string): void {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) return
    date = to
    dateInput.value = to
    selected = null
    notes.clear()
    history.replaceState(null, '', `#/roster${qs({ date })}`)
    void load()
  }

  /** Runs a change and redraws from the server; a refusal is thrown with the server's words. */
  async function change(op: () => Promise<unknown>): Promise<void> {
    try {
      await op()
    } catch (err) {
      throw new Error(failure(err).join('\n'))
    } finally {
      await load()
    }
  }

  /** A change made in a lane: its answer is drawn in that lane (`key`). */
  async function laneChange(key: NoteKey, op: () => Promise<unknown>, ok?: string): Promise<boolean> {
    notes.delete(key)
    try {
      await op()
      if (ok) notes.set(key, { error: false, lines: [ok] })
      return true
    } catch (err) {
      notes.set(key, { error: true, lines: failure(err) })
      return false
    } finally {
      await load()
    }
  }

  /** Where the answer to a move is drawn: the selection bar, or the lane it was dropped on. */
  function move(instanceId: string, to: string | null, key: NoteKey): void {
    if (!current || pending) return
    const request = moveRequest(current, instanceId, to)
    if (!request) return
    const before = current
    current = moveTrip(current, instanceId, to)
    pending = instanceId
    render()
    void laneChange(key, async () => {
      try {
        await (request.method === 'POST' ? api.post(request.path, request.body) : api.put(request.path, request.body))
      } catch (err) {
        current = before
        throw err
      } finally {
        pending = null
      }
      if (key === 'selection') selected = null
    })
  }

  const handlers: LaneHandlers = {
    select(id) {
      selected = selected === id ? null : id
      render()
      selection.querySelector<HTMLSelectElement>('select[name=to]')?.focus()
    },
    move: (id, to) => move(id, to, to ?? 'unassigned'),
    setCrew(duty, patch) {
      const who = patch.vehicleId
        ? (ctx.network.vehicle(patch.vehicleId)?.plate ?? patch.vehicleId)
        : (ctx.network.driver(patch.driverId)?.name ?? patch.driverId)
      void laneChange(
        duty.id,
        () => api.put(`/api/roster/duties/${enc(duty.id)}`, patch),
        t('changed to {who}', { who: who ?? '' }),
      )
    },
    remove(duty) {
      void laneChange(
        'unassigned',
        () => api.del(`/api/roster/duties/${enc(duty.id)}`),
        t('duty {vehicle} · {driver} deleted; its trips are here', { vehicle: duty.vehicleId, driver: duty.driverId }),
      )
    },
    add(vehicleId, driverId) {
      if (!vehicleId || !driverId) {
        notes.set('add', { error: true, lines: [t('choose a vehicle and a driver')] })
        render()
        return
      }
      void laneChange(
        'add',
        () => api.post('/api/roster/duties', { date, vehicleId, driverId, tripInstanceIds: [] }),
        t('duty added: now give it trips'),
      )
    },
  }

  function selectionBar(day: RosterDay, duties: Duty[]): HTMLElement[] {
    const trip = selected
      ? [...day.unassigned, ...day.duties.flatMap((d) => d.trips)].find((t) => t.instanceId === selected)
      : undefined
    if (!trip)
      return [
        h(
          'p',
          { class: 'muted hint' },
          t('Select a trip (click, or Tab and Enter), then choose a duty — or drag it onto a duty.'),
        ),
      ]
    const now = whereIs(day, trip.instanceId)
    const label = (d: Duty): string =>
      `${vehicleLabel(ctx.network.vehicle(d.vehicleId) ?? { id: d.vehicleId, plate: '', seats: 0 })} · ${driverLabel(ctx.network.driver(d.driverId) ?? { id: d.driverId, name: '' })}`
    const to = h(
      'select',
      { name: 'to', attrs: { 'aria-label': t('move to duty') } },
      duties.map((d) =>
        h(
          'option',
          { value: d.id, selected: d.id === now, disabled: d.id === now },
          `${label(d)}${d.id === now ? ` (${t('now')})` : ''}`,
        ),
      ),
      h('option', { value: '', selected: now === null, disabled: now === null }, t('Unassigned')),
    )
    // Pre-choose the first duty the trip is not in.
    if (to.selectedOptions[0]?.disabled) {
      const first = [...to.options].find((o) => !o.disabled)
      if (first) first.selected = true
    }
    const moveBtn = h('button', { type: 'button', class: 'primary move', disabled: !canEdit }, t('Move'))
    const clearBtn = h('button', { type: 'button', class: 'clear', title: 'Esc' }, `✕ ${t('Clear')}`)
    moveBtn.addEventListener('click', () => move(trip.instanceId, to.value || null, 'selection'))
    to.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') move(trip.instanceId, to.value || null, 'selection')
    })
    clearBtn.addEventListener('click', () => handlers.select(trip.instanceId))
    return [
      h(
        'div',
        { class: 'tool-row', dataset: { trip: trip.instanceId } },
        h(
          'span',
          null,
          h('b', null, `${t('Selected')} `),
          `${clock(trip.departureTs)}–${clock(trip.endTs)} ${trip.routeName} → ${trip.headsign} · ${t('{n} seats booked', { n: trip.bookedSeats })} · ${now === null ? t('unassigned') : t('in a duty')}`,
        ),
        h('label', { class: 'check' }, `${t('to')} `, to),
        moveBtn,
        clearBtn,
      ),
      noteEl(notes.get('selection')),
    ].filter((x): x is HTMLElement => x !== null)
  }

  function render(): void {
    badge.replaceWith((badge = publishedBadge(current)))
    tools.update(current)
    if (!current) {
      clear(selection)
      clear(board)
      return
    }
    // Redrawn from the server after every change: keep the scroll and a keyboard user's place.
    const active = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const focusedTrip = active && board.contains(active) ? active.dataset.trip : undefined
    const focusedSelect =
      active && selection.contains(active) && active instanceof HTMLSelectElement ? active.name : undefined
    const scroll = { top: board.scrollTop, left: board.scrollLeft }
    const duties = sortDuties(current.duties)
    clear(selection, selectionBar(current, duties))
    clear(board, boardEl(ctx, { day: current, selected, pending, notes }, duties, handlers, canEdit))
    board.scrollTop = scroll.top
    board.scrollLeft = scroll.left
    if (focusedTrip) board.querySelector<HTMLElement>(`.trip-block[data-trip="${CSS.escape(focusedTrip)}"]`)?.focus()
    if (focusedSelect) selection.querySelector<HTMLElement>(`select[name="${CSS.escape(focusedSelect)}"]`)?.focus()
  }

  prev.addEventListener('click', () => go(addDays(date, -1)))
  next.addEventListener('click', () => go(addDays(date, 1)))
  today.addEventListener('click', () => go(dayOf(Date.now())))
  dateInput.addEventListener('change', () => go(dateInput.value))
  const onKey = (ev: KeyboardEvent): void => {
    if (ev.key === 'Escape' && selected) {
      selected = null
      render()
    }
  }
  document.addEventListener('keydown', onKey)
  void load()
  return () => document.removeEventListener('keydown', onKey)
}

export const rosterView: View = {
  path: 'roster',
  title: 'Roster',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

/**
 * The geofence page's right-hand panel: one fence's form (name, category, rules, active), its
 * shape and how to change it, save and delete for operators; read-only for dispatchers. A new
 * fence starts here too, with the drawing tool's instructions while it is being drawn.
 */
import type { ServiceKind } from '@rb/domain'
import { api, ApiError } from '../api.js'
import { t, type MessageKey } from '../i18n/index.js'
import { field, h } from '../ui/dom.js'
import { clockS } from '../ui/format.js'
import { kindLabel } from '../map/style.js'
import {
  FENCE_CATEGORIES,
  FENCE_KINDS,
  fenceFromForm,
  formOf,
  type FenceCategory,
  type FenceForm,
  type FenceShape,
  type Geofence,
} from '../geofence-model.js'
import type { DrawState } from './geofence-draw.js'

export const CATEGORY_WORDS: Record<FenceCategory, MessageKey> = {
  depot: 'Depot',
  school: 'School',
  hospital: 'Hospital',
  market: 'Market town',
  danger: 'Dangerous road section',
  corridor: 'Student corridor',
  other: 'Other',
}
export const categoryLabel = (c: FenceCategory): string => t(CATEGORY_WORDS[c])

const EVENT_WORDS: Record<string, MessageKey> = {
  geofence_enter: 'geofence enter',
  geofence_exit: 'geofence exit',
  geofence_dwell: 'geofence dwell',
}
export const fenceEventLabel = (type: string): string => (EVENT_WORDS[type] ? t(EVENT_WORDS[type]) : type)

export interface FenceEventItem {
  vehicleId: string
  ts: number
  type: string
  fenceId: string
}

/** A shape in words: `Polygon, 5 corners` / `Circle, radius 300 m`. */
export function shapeLabel(s: FenceShape): string {
  return s.kind === 'circle'
    ? t('Circle, radius {m} m', { m: Math.round(s.radiusM) })
    : t('Polygon, {n} corners', { n: Math.max(0, (s.rings[0]?.length ?? 1) - 1) })
}

export interface FencePanelOpts {
  fence: Geofence | null
  newId: string
  canEdit: boolean
  draw: DrawState
  /** The tool's buttons. */
  onPolygon(): void
  onCircle(): void
  onUndo(): void
  onFinish(): void
  onCancel(): void
  onSaved(f: Geofence): Promise<void>
  onDeleted(id: string): Promise<void>
  onClose(): void
}

/** The panel; `update(state)` follows the drawing tool without losing what is typed. */
export function fencePanel(o: FencePanelOpts): {
  el: HTMLElement
  update(s: DrawState): void
  events(items: FenceEventItem[]): void
} {
  const f = formOf(o.fence, o.newId)
  const ro = !o.canEdit
  const id = h('input', { name: 'id', value: f.id, disabled: ro || !!o.fence, required: true })
  const name = h('input', { name: 'name', value: f.name, disabled: ro, required: true, maxLength: 80 })
  const category = h(
    'select',
    { name: 'category', disabled: ro },
    FENCE_CATEGORIES.map((c) => h('option', { value: c, selected: c === f.category }, categoryLabel(c))),
  )
  const speed = h('input', {
    type: 'number',
    name: 'speedLimitKmh',
    min: '5',
    max: '120',
    step: '1',
    value: f.speedLimitKmh,
    disabled: ro,
  })
  const dwell = h('input', {
    type: 'number',
    name: 'dwellS',
    min: '30',
    max: '86400',
    step: '1',
    value: f.dwellS,
    disabled: ro,
  })
  const exit = h('input', { type: 'checkbox', name: 'alertOnExit', checked: f.alertOnExit, disabled: ro })
  const active = h('input', { type: 'checkbox', name: 'active', checked: f.active, disabled: ro })
  const kinds = FENCE_KINDS.map((k: ServiceKind) =>
    h('input', { type: 'checkbox', name: 'routeKinds', value: k, checked: f.routeKinds.includes(k), disabled: ro }),
  )
  const values = (): FenceForm => ({
    id: id.value,
    name: name.value,
    category: category.value,
    speedLimitKmh: speed.value,
    dwellS: dwell.value,
    alertOnExit: exit.checked,
    routeKinds: kinds.filter((k) => k.checked).map((k) => k.value),
    active: active.checked,
  })

  const shapeText = h('p', { class: 'shape-text' })
  const hint = h('p', { class: 'draw-hint muted' })
  const undo = h('button', { type: 'button', class: 'undo', onclick: o.onUndo }, t('Undo last corner'))
  const finish = h('button', { type: 'button', class: 'finish', onclick: o.onFinish }, t('Close polygon'))
  const cancel = h('button', { type: 'button', class: 'cancel-draw', onclick: o.onCancel }, t('Cancel drawing'))
  const drawRow = h('div', { class: 'row draw-tools' }, undo, finish, cancel)
  const poly = h(
    'button',
    { type: 'button', class: 'draw-polygon', onclick: o.onPolygon },
    o.fence ? t('Redraw as polygon') : t('Draw polygon'),
  )
  const circ = h(
    'button',
    { type: 'button', class: 'draw-circle', onclick: o.onCircle },
    o.fence ? t('Redraw as circle') : t('Draw circle'),
  )
  const msg = h('p', { class: 'status', attrs: { role: 'status' } })
  const save = h('button', { type: 'button', class: 'primary save', disabled: ro }, t('Save'))
  const del = h('button', { type: 'button', class: 'danger delete' }, t('Delete'))
  const eventsBox = h('div', { class: 'fence-events' })
  let state = o.draw

  save.addEventListener('click', () => {
    const r = fenceFromForm(values(), state.shape)
    if (!r.ok) {
      msg.className = 'status error'
      msg.textContent = `${fieldLabel(r.field)}: ${r.message}`
      return
    }
    save.disabled = true
    msg.className = 'status'
    msg.textContent = '…'
    api
      .put<Geofence>(`/api/geofences/${encodeURIComponent(r.id)}`, r.body)
      .then(async (saved) => {
        msg.className = 'status ok'
        msg.textContent = t('{name} saved', { name: saved.name })
        await o.onSaved(saved)
      })
      .catch((err: Error) => {
        msg.className = 'status error'
        const field = err instanceof ApiError ? err.details?.field : undefined
        msg.textContent = typeof field === 'string' ? `${fieldLabel(field)}: ${err.message}` : err.message
      })
      .finally(() => (save.disabled = false))
  })
  del.addEventListener('click', () => {
    const fence = o.fence
    if (!fence || !confirm(t('Delete the fence {name}? Its events stay in the history.', { name: fence.name }))) return
    del.disabled = true
    api
      .del(`/api/geofences/${encodeURIComponent(fence.id)}`)
      .then(() => o.onDeleted(fence.id))
      .catch((err: Error) => {
        msg.className = 'status error'
        msg.textContent = err.message
      })
      .finally(() => (del.disabled = false))
  })

  const update = (s: DrawState): void => {
    state = s
    const drawing = s.mode === 'polygon' || s.mode === 'circle'
    drawRow.hidden = !drawing
    undo.disabled = s.count === 0
    finish.hidden = s.mode !== 'polygon'
    finish.disabled = s.count < 3
    hint.textContent =
      s.mode === 'polygon'
        ? t(
            'Click the corners on the map; double-click or click the first corner to close. Esc cancels, Backspace undoes a corner.',
          )
        : s.mode === 'circle'
          ? s.count === 0
            ? t('Click the centre on the map.')
            : t('Move the mouse to the edge and click to set the radius. Esc cancels.')
          : s.mode === 'edit' && o.canEdit
            ? t('Drag the white handles on the map to reshape it.')
            : ''
    shapeText.textContent = s.shape ? shapeLabel(s.shape) : t('Not drawn yet')
    shapeText.classList.toggle('missing', !s.shape)
  }
  update(o.draw)

  const el = h(
    'div',
    { class: 'panel fence-panel', dataset: { id: o.fence?.id ?? '' } },
    h(
      'header',
      null,
      h('h2', null, o.fence ? o.fence.name : t('New geofence')),
      h('button', { type: 'button', class: 'link close', title: t('Close'), onclick: o.onClose }, '×'),
    ),
    h('h3', null, t('Shape')),
    shapeText,
    o.canEdit ? h('div', { class: 'row' }, poly, circ) : null,
    hint,
    o.canEdit ? drawRow : null,
    h(
      'div',
      { class: 'fence-form' },
      field(t('Fence name'), name),
      field(t('Code'), id),
      field(t('Category'), category),
      field(t('Speed limit km/h'), speed, t('empty: no limit')),
      field(t('Dwell alert after (s)'), dwell, t('empty: no dwell event')),
      h('label', { class: 'check' }, exit, t('Alert when a bus leaves it')),
      h(
        'fieldset',
        { class: 'kinds' },
        h('legend', null, t('For buses of (none: all buses)')),
        kinds.map((k) => h('label', { class: 'check' }, k, kindLabel(k.value as ServiceKind))),
      ),
      h('label', { class: 'check' }, active, t('Active')),
    ),
    o.canEdit
      ? h('div', { class: 'row' }, save, o.fence ? del : null)
      : h('p', { class: 'muted read-only' }, t('Operators edit geofences.')),
    msg,
    o.fence ? h('h3', null, t('Recent events')) : null,
    o.fence ? eventsBox : null,
  )
  return {
    el,
    update,
    events(items) {
      eventsBox.replaceChildren(eventList(items, null))
    },
  }
}

const FIELD_WORDS: Record<string, MessageKey> = {
  id: 'Code',
  name: 'Fence name',
  category: 'Category',
  shape: 'Shape',
  speedLimitKmh: 'Speed limit km/h',
  dwellS: 'Dwell alert after (s)',
}
/** A refused field in the page's words (`shape.rings` → Shape). */
export function fieldLabel(field: string): string {
  const key = FIELD_WORDS[field.split('.')[0] ?? ''] ?? FIELD_WORDS[field]
  return key ? t(key) : field
}

/** Enter, exit and dwell events as a short list; `names` adds the fence's name to each. */
export function eventList(items: FenceEventItem[], names: Map<string, string> | null): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted' }, t('No events in the last 24 hours.'))
  return h(
    'ul',
    { class: 'fence-event-list' },
    items.map((e) =>
      h(
        'li',
        { dataset: { type: e.type, fence: e.fenceId } },
        h('time', null, clockS(e.ts)),
        ' ',
        h('a', { href: `#/live?vehicle=${encodeURIComponent(e.vehicleId)}` }, e.vehicleId),
        ' ',
        h('span', { class: `fence-event ${e.type}` }, fenceEventLabel(e.type)),
        names ? ` ${names.get(e.fenceId) ?? e.fenceId}` : '',
      ),
    ),
  )
}

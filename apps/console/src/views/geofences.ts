/**
 * Geofences on the map: the list of fences (name, category, shape, rules, active) and their
 * recent enter / exit / dwell events on the left, the fences drawn on the map in their
 * category's colours, and the selected fence's form on the right. Operators draw new fences
 * (polygon or circle), reshape, edit, delete and import GeoJSON; dispatchers see it all read-only.
 */
import type { Map as MlMap, MapLayerMouseEvent } from 'maplibre-gl'
import type { LngLat } from '@rb/domain'
import { api, qs } from '../api.js'
import type { Ctx, View } from '../context.js'
import { displayInverse } from '../gcj02.js'
import { t } from '../i18n/index.js'
import { FenceLayers, FENCE_HIT } from '../map/fence-layers.js'
import { clear, h } from '../ui/dom.js'
import { CATEGORY_COLOURS, nextFenceId, rulesSummary, shapePoints, type Geofence } from '../geofence-model.js'
import { DrawTool, type DrawState } from './geofence-draw.js'
import { categoryLabel, eventList, fencePanel, shapeLabel, type FenceEventItem } from './geofence-form.js'
import { importPanel } from './geofence-import.js'
import './geofences.css'

/** The page's handle for the end-to-end tests (the fences as last read, the drawing tool's state). */
declare global {
  interface Window {
    rbGeofences?: { fences: Geofence[]; draw: DrawState; map: MlMap }
  }
}

function rulesCell(f: Geofence): HTMLElement {
  const r = rulesSummary(f)
  const parts = [
    r.speed !== null ? t('{n} km/h', { n: r.speed }) : null,
    r.exit ? t('exit alert') : null,
    r.dwellMin !== null ? t('dwell {n} min', { n: r.dwellMin }) : null,
  ].filter((x): x is string => x !== null)
  return h('span', { class: 'rules' }, parts.length ? parts.join(' · ') : '—')
}

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const canEdit = ctx.can(['operator'])
  const map = ctx.map.map
  const layers = new FenceLayers(map, ctx.map.project)
  /** Fits the map to these points in the space the list and the form leave free. */
  const fit = (points: LngLat[]): void => {
    if (points.length === 0) return
    const shown = points.map(ctx.map.project)
    const lngs = shown.map((p) => p[0])
    const lats = shown.map((p) => p[1])
    const box = map.getContainer().getBoundingClientRect()
    // The list on the left and the form on the right cover the map's sides.
    const left = side.getBoundingClientRect().right - box.left + 30
    const right = slot.childElementCount > 0 ? box.right - slot.getBoundingClientRect().left + 30 : 40
    map.fitBounds(
      [
        [Math.min(...lngs), Math.min(...lats)],
        [Math.max(...lngs), Math.max(...lats)],
      ],
      { padding: { left, right, top: 70, bottom: 50 }, duration: 0, maxZoom: 15 },
    )
  }
  let fences: Geofence[] = []
  let selected: string | null = params.get('fence')
  let panel: ReturnType<typeof fencePanel> | null = null
  const list = h('div', { class: 'fence-list' })
  const recent = h('div', { class: 'fence-recent' })
  const count = h('span', { class: 'muted count' })
  const slot = h('div', { class: 'panel-slot fence-slot' })
  const status = h('p', { class: 'status' })

  const draw = new DrawTool(map, layers, ctx.map.project, displayInverse(ctx.config.basemap.gcj02), (s) => {
    panel?.update(s)
    if (window.rbGeofences) window.rbGeofences.draw = s
    // While a fence is being redrawn, its stored shape is out of the way.
    redraw()
  })
  const handle = { fences, draw: draw.state, map }
  window.rbGeofences = handle

  const newPolygon = h('button', { type: 'button', class: 'primary new-polygon' }, `+ ${t('Polygon')}`)
  const newCircle = h('button', { type: 'button', class: 'new-circle' }, `+ ${t('Circle')}`)
  const importBtn = h('button', { type: 'button', class: 'open-import' }, t('Import GeoJSON'))
  const side = h(
    'aside',
    { class: 'panel side fence-side' },
    h('header', null, h('h2', null, t('Geofences'), ' ', count)),
    canEdit
      ? h('div', { class: 'row fence-actions' }, newPolygon, newCircle, importBtn)
      : h('p', { class: 'muted read-only' }, t('Read only: operators draw and edit geofences.')),
    status,
    list,
    h('h3', null, t('Recent events (24 h)')),
    recent,
  )
  el.append(side, slot)

  const redraw = (): void => {
    const m = draw.state.mode
    const editing = m === 'polygon' || m === 'circle' ? selected : null
    layers.setFences(
      fences.filter((f) => f.id !== editing),
      selected,
    )
  }

  const renderList = (): void => {
    count.textContent = String(fences.length)
    clear(
      list,
      h(
        'table',
        { class: 'grid fences' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [t('Fence name'), t('Shape'), t('Rules'), t('Active')].map((c) => h('th', null, c)),
          ),
        ),
        h(
          'tbody',
          null,
          fences.length === 0
            ? h('tr', null, h('td', { colSpan: 4, class: 'empty' }, t('No geofences yet.')))
            : fences.map((f) =>
                h(
                  'tr',
                  {
                    class: `clickable${f.id === selected ? ' selected' : ''}${f.active ? '' : ' inactive'}`,
                    dataset: { id: f.id },
                    onclick: () => select(f.id, true),
                  },
                  h(
                    'td',
                    null,
                    h('i', { class: 'swatch', style: `background:${CATEGORY_COLOURS[f.category]}` }),
                    h('b', { class: 'name' }, f.name),
                    h('small', { class: 'category' }, categoryLabel(f.category)),
                  ),
                  h('td', null, h('small', null, shapeLabel(f.shape))),
                  h('td', null, rulesCell(f)),
                  h('td', null, f.active ? '✓' : '—'),
                ),
              ),
        ),
      ),
    )
  }

  const names = (): Map<string, string> => new Map(fences.map((f) => [f.id, f.name]))
  const loadRecent = async (): Promise<void> => {
    const { items } = await api.get<{ items: FenceEventItem[] }>(`/api/geofences/events${qs({ hours: 24, limit: 30 })}`)
    clear(recent, eventList(items, names()))
  }

  const load = async (): Promise<void> => {
    fences = (await api.get<{ items: Geofence[] }>('/api/geofences')).items
    handle.fences = fences
    renderList()
    redraw()
  }

  const closePanel = (): void => {
    panel = null
    clear(slot)
    draw.edit(null)
  }

  /** Opens a fence's form (or a new fence's, with `id` null), drawing tool reset. */
  function open(fence: Geofence | null, start?: 'polygon' | 'circle'): void {
    clear(slot)
    clear(status)
    draw.edit(fence && canEdit ? fence.shape : null)
    if (fence && !canEdit) layers.setDraft({ shape: fence.shape })
    const p = fencePanel({
      fence,
      newId: nextFenceId(fences.map((f) => f.id)),
      canEdit,
      draw: fence ? { mode: canEdit ? 'edit' : 'idle', count: 0, shape: fence.shape } : draw.state,
      onPolygon: () => draw.polygon(),
      onCircle: () => draw.circle(),
      onUndo: () => draw.undo(),
      onFinish: () => draw.finish(),
      onCancel: () => (fence ? draw.edit(fence.shape) : draw.cancel()),
      onSaved: async (saved) => {
        selected = saved.id
        await load()
        open(fences.find((f) => f.id === saved.id) ?? saved)
      },
      onDeleted: async (id) => {
        if (selected === id) selected = null
        closePanel()
        await load()
        status.className = 'status ok'
        status.textContent = t('Fence deleted')
      },
      onClose: () => {
        selected = null
        closePanel()
        renderList()
        redraw()
      },
    })
    panel = p
    slot.append(p.el)
    slot.scrollTop = 0
    if (start === 'polygon') draw.polygon()
    else if (start === 'circle') draw.circle()
    if (fence)
      void api
        .get<{ items: FenceEventItem[] }>(`/api/geofences/events${qs({ fence: fence.id, hours: 24, limit: 20 })}`)
        .then(({ items }) => p.events(items))
        .catch(() => p.events([]))
  }

  function select(id: string | null, fly = false): void {
    selected = id
    const fence = fences.find((f) => f.id === id) ?? null
    renderList()
    redraw()
    if (!fence) return closePanel()
    open(fence)
    if (fly) fit(shapePoints(fence.shape))
  }

  const clickFence = (e: MapLayerMouseEvent): void => {
    if (draw.state.mode === 'polygon' || draw.state.mode === 'circle') return
    const id = e.features?.[0]?.properties?.id as string | undefined
    if (id && id !== selected) select(id)
  }
  const pointer = (): void => {
    if (draw.state.mode === 'idle') map.getCanvas().style.cursor = 'pointer'
  }
  const unpointer = (): void => {
    if (draw.state.mode === 'idle') map.getCanvas().style.cursor = ''
  }
  map.on('click', FENCE_HIT, clickFence)
  map.on('mouseenter', FENCE_HIT, pointer)
  map.on('mouseleave', FENCE_HIT, unpointer)

  newPolygon.addEventListener('click', () => {
    selected = null
    renderList()
    open(null, 'polygon')
  })
  newCircle.addEventListener('click', () => {
    selected = null
    renderList()
    open(null, 'circle')
  })
  importBtn.addEventListener('click', () => {
    closePanel()
    slot.append(
      importPanel({
        prefix: nextFenceId(
          fences.map((f) => f.id.replace(/-\d+$/, '')),
          'import',
        ),
        onImported: async (items) => {
          await load()
          fit(items.flatMap((f) => shapePoints(f.shape)))
        },
        onClose: closePanel,
      }),
    )
  })

  void load()
    .then(() => {
      if (selected && fences.some((f) => f.id === selected)) select(selected, true)
      else if (fences.length > 0) fit(fences.flatMap((f) => shapePoints(f.shape)))
      return loadRecent()
    })
    .catch((err: Error) => {
      status.className = 'status error'
      status.textContent = err.message
    })
  const timer = window.setInterval(() => void loadRecent().catch(() => {}), 30_000)

  return () => {
    clearInterval(timer)
    map.off('click', FENCE_HIT, clickFence)
    map.off('mouseenter', FENCE_HIT, pointer)
    map.off('mouseleave', FENCE_HIT, unpointer)
    draw.dispose()
    layers.clear()
    delete window.rbGeofences
  }
}

export const geofencesView: View = {
  path: 'geofences',
  title: 'Geofences',
  roles: ['dispatcher', 'operator'],
  map: true,
  mount,
}

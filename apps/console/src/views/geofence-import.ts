/**
 * Importing fences from GeoJSON (drawn in QGIS or geojson.io): a file or pasted text, a code
 * prefix and a category, sent to the server, which makes every fence or none. The answer is the
 * fences made, or the part of the file it refused (`geojson.<n>.<field>`) — nothing saved then.
 */
import { api, ApiError } from '../api.js'
import { t } from '../i18n/index.js'
import { clear, field, h } from '../ui/dom.js'
import { FENCE_CATEGORIES, ID_PATTERN, importErrorIndex, parseGeoJson, type Geofence } from '../geofence-model.js'
import { categoryLabel, fieldLabel, shapeLabel } from './geofence-form.js'

export function importPanel(o: {
  prefix: string
  onImported(items: Geofence[]): Promise<void>
  onClose(): void
}): HTMLElement {
  const file = h('input', {
    type: 'file',
    name: 'file',
    accept: '.geojson,.json,application/geo+json,application/json',
  })
  const text = h('textarea', {
    name: 'geojson',
    rows: 6,
    placeholder: t('Paste GeoJSON here, or choose a file'),
    spellcheck: false,
  })
  const prefix = h('input', { name: 'idPrefix', value: o.prefix, required: true })
  const category = h(
    'select',
    { name: 'category' },
    FENCE_CATEGORIES.map((c) => h('option', { value: c, selected: c === 'other' }, categoryLabel(c))),
  )
  const send = h('button', { type: 'button', class: 'primary send-import' }, t('Import'))
  const msg = h('p', { class: 'status', attrs: { role: 'status' } })
  const result = h('div', { class: 'import-result' })

  file.addEventListener('change', () => {
    const f = file.files?.[0]
    if (f) void f.text().then((s) => (text.value = s))
  })
  send.addEventListener('click', () => {
    clear(result)
    const parsed = parseGeoJson(text.value)
    if (!parsed.ok) {
      msg.className = 'status error'
      msg.textContent = t('Not readable as GeoJSON: {why}', { why: parsed.message })
      return
    }
    if (!ID_PATTERN.test(prefix.value.trim())) {
      msg.className = 'status error'
      msg.textContent = `${t('Code prefix')}: ${t('letters, digits, - and _')}`
      return
    }
    send.disabled = true
    msg.className = 'status'
    msg.textContent = '…'
    api
      .post<{ items: Geofence[] }>('/api/geofences/import', {
        geojson: parsed.value,
        idPrefix: prefix.value.trim(),
        category: category.value,
      })
      .then(async ({ items }) => {
        msg.className = 'status ok'
        msg.textContent = t('{n} fences imported', { n: items.length })
        clear(
          result,
          h(
            'ul',
            { class: 'imported' },
            items.map((g) =>
              h('li', { dataset: { id: g.id } }, h('b', null, g.name), ` ${g.id} · ${shapeLabel(g.shape)}`),
            ),
          ),
        )
        await o.onImported(items)
      })
      .catch((err: Error) => {
        msg.className = 'status error import-error'
        const f = err instanceof ApiError ? err.details?.field : undefined
        const n = importErrorIndex(f)
        msg.textContent =
          n === null
            ? err.message
            : t('Shape {n} of the file ({field}): {why}. Nothing was saved.', {
                n: n + 1,
                field: `${fieldLabel(String(f).split('.').slice(2).join('.'))} · ${String(f)}`,
                why: err.message,
              })
      })
      .finally(() => (send.disabled = false))
  })

  return h(
    'div',
    { class: 'panel fence-import' },
    h(
      'header',
      null,
      h('h2', null, t('Import GeoJSON')),
      h('button', { type: 'button', class: 'link close', title: t('Close'), onclick: o.onClose }, '×'),
    ),
    h(
      'p',
      { class: 'muted' },
      t(
        'Polygons, multipolygons and points with a radius property (metres) become fences, named from their name property. One bad shape refuses the whole file.',
      ),
    ),
    field(t('File'), file),
    text,
    h('div', { class: 'row' }, field(t('Code prefix'), prefix), field(t('Category'), category)),
    send,
    msg,
    result,
  )
}

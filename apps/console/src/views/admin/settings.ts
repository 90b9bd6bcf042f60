/**
 * Admin: the county's settings — the lateness policy (how early or late a bus may be and still be
 * on time, one rule for the console, the villager page and the reports), how long after departure
 * a trip with no bus is "not run", and the daily driving limit. The server checks the values; its
 * messages are shown as they come.
 */
import { api, ApiError } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { field, h } from '../../ui/dom.js'
import { clock, day } from '../../ui/format.js'
import { t } from '../../i18n/index.js'

/** PUT /api/settings (any part of it). */
export interface CountySettings {
  lateness: { earlyS: number; lateS: number }
  missedGraceS: number
  dailyDrivingLimitMin: number
}

/** GET/PUT /api/settings answer: the settings, their defaults, accepted ranges (by dotted path) and last change. */
export interface SettingsAnswer extends CountySettings {
  defaults: CountySettings
  limits: Record<string, { min: number; max: number; unit: string }>
  updatedTs: number | null
  updatedBy: string | null
}

/** Form minutes ↔ the API's seconds; null when a field is empty or not a number. */
const minutes = (s: number): string => String(Math.round((s / 60) * 100) / 100)
const seconds = (min: string): number | null =>
  min.trim() === '' || !Number.isFinite(Number(min)) ? null : Math.round(Number(min) * 60)

/** The field a refusal names (`details.field`, a dotted path such as `lateness.lateS`), if any. */
export function refusedField(err: unknown): string | null {
  const d = err instanceof ApiError ? err.details : null
  return d && typeof d === 'object' && 'field' in d && typeof d.field === 'string' ? d.field : null
}

/** "0–30 min": an accepted range as the form asks for it (minutes). */
const rangeHint = (r: { min: number; max: number; unit: string } | undefined): string => {
  if (!r) return ''
  const f = (v: number): string => (r.unit === 's' ? minutes(v) : String(v))
  return t('from {min} to {max} min', { min: f(r.min), max: f(r.max) })
}

function mount(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['admin'])
  // No min/max on the inputs: the server checks the ranges, and its message says which and why.
  const input = (name: string, step: string): HTMLInputElement =>
    h('input', { type: 'number', name, step, disabled: !canEdit })
  const fields: Record<string, HTMLInputElement> = {
    'lateness.earlyS': input('earlyMin', '0.5'),
    'lateness.lateS': input('lateMin', '0.5'),
    missedGraceS: input('missedGraceMin', '1'),
    dailyDrivingLimitMin: input('dailyDrivingLimitMin', '10'),
  }
  const labels: Record<string, HTMLLabelElement> = {
    'lateness.earlyS': field(t('Early: more than this ahead of the timetable (min)'), fields['lateness.earlyS']!),
    'lateness.lateS': field(t('Late: more than this behind the timetable (min)'), fields['lateness.lateS']!),
    missedGraceS: field(t('Not run: no bus this long after departure (min)'), fields.missedGraceS!),
    dailyDrivingLimitMin: field(t('Daily driving limit (min)'), fields.dailyDrivingLimitMin!),
  }
  const save = h('button', { class: 'primary save', type: 'submit', disabled: !canEdit }, t('Save'))
  const status = h('p', { class: 'status', attrs: { role: 'status' } })
  const changed = h('p', { class: 'muted' })
  const form = h(
    'form',
    { class: 'card settings', noValidate: true },
    h('h2', null, t('Lateness')),
    h(
      'p',
      { class: 'muted' },
      t(
        'A bus is on time from this much early to this much late; outside it is early or late — on the map, the trip board, the villager page and the reports alike.',
      ),
    ),
    h('div', { class: 'row' }, labels['lateness.earlyS'], labels['lateness.lateS']),
    h('h2', null, t('Trips not run')),
    h('div', { class: 'row' }, labels.missedGraceS),
    h('h2', null, t('Drivers')),
    h('div', { class: 'row' }, labels.dailyDrivingLimitMin),
    h('div', { class: 'row' }, save),
    status,
    changed,
  )
  el.append(
    h(
      'div',
      { class: 'page' },
      h('h1', null, t('County settings')),
      canEdit ? null : h('p', { class: 'muted' }, t('Admins change these.')),
      form,
    ),
  )

  const show = (s: SettingsAnswer): void => {
    fields['lateness.earlyS']!.value = minutes(s.lateness.earlyS)
    fields['lateness.lateS']!.value = minutes(s.lateness.lateS)
    fields.missedGraceS!.value = minutes(s.missedGraceS)
    fields.dailyDrivingLimitMin!.value = String(s.dailyDrivingLimitMin)
    for (const [path, label] of Object.entries(labels)) {
      const small = label.querySelector('small') ?? label.appendChild(h('small'))
      small.textContent = rangeHint(s.limits[path])
    }
    changed.textContent = s.updatedTs
      ? t('Last changed by {who} on {when}', {
          who: s.updatedBy ?? '?',
          when: `${day(s.updatedTs)} ${clock(s.updatedTs)}`,
        })
      : t('The defaults: never changed.')
  }
  const say = (cls: string, text: string, path: string | null = null): void => {
    status.className = `status ${cls}`
    status.textContent = text
    for (const [p, f] of Object.entries(fields)) f.classList.toggle('invalid', p === path)
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const earlyS = seconds(fields['lateness.earlyS']!.value)
    const lateS = seconds(fields['lateness.lateS']!.value)
    const missedGraceS = seconds(fields.missedGraceS!.value)
    const limit = fields.dailyDrivingLimitMin!.value.trim()
    if (earlyS === null || lateS === null || missedGraceS === null || limit === '' || !Number.isFinite(Number(limit)))
      return say('error', t('fill in every field with a number'))
    save.disabled = true
    say('', '…')
    void api
      .put<SettingsAnswer>('/api/settings', {
        lateness: { earlyS, lateS },
        missedGraceS,
        dailyDrivingLimitMin: Number(limit),
      })
      .then(
        (saved) => {
          show(saved)
          say('ok', t('saved: it applies from now on'))
        },
        (err: Error) => say('error', err.message, refusedField(err)),
      )
      .finally(() => (save.disabled = !canEdit))
  })

  void api.get<SettingsAnswer>('/api/settings').then(show, (err: Error) => say('error', err.message))
}

export const settingsView: View = {
  path: 'admin/settings',
  title: 'County settings',
  roles: ['admin'],
  map: false,
  mount,
}

/**
 * Admin: the county's settings — the lateness policy (how early or late a bus may be and still be
 * on time, one rule for the console, the villager page and the reports), how long after departure
 * a trip with no bus is "not run", the daily driving limit, the 先锋司机 badge's rule and the grid
 * reporters' points. The server checks the values; its messages are shown as they come.
 */
import { api, ApiError } from '../../api.js'
import type { Ctx, View } from '../../context.js'
import { field, h } from '../../ui/dom.js'
import { clock, day } from '../../ui/format.js'
import { t, type MessageKey } from '../../i18n/index.js'

/** PUT /api/settings (any part of it). */
export interface CountySettings {
  lateness: { earlyS: number; lateS: number }
  missedGraceS: number
  dailyDrivingLimitMin: number
  gridPoints: { sign: number; road: number; critical: number }
  pioneer: { minAverage: number; minRatings: number; ratingDays: number; complaintDays: number }
}

/** GET/PUT /api/settings answer: the settings, their defaults, accepted ranges (by dotted path) and last change. */
export interface SettingsAnswer extends CountySettings {
  defaults: CountySettings
  limits: Record<string, { min: number; max: number; unit: string; step?: number }>
  updatedTs: number | null
  updatedBy: string | null
}

/** Form minutes ↔ the API's seconds; null when a field is empty or not a number. */
const minutes = (s: number): string => String(Math.round((s / 60) * 100) / 100)
const number = (v: string): number | null => (v.trim() === '' || !Number.isFinite(Number(v)) ? null : Number(v))

/** The field a refusal names (`details.field`, a dotted path such as `lateness.lateS`), if any. */
export function refusedField(err: unknown): string | null {
  const d = err instanceof ApiError ? err.details : null
  return d && typeof d === 'object' && 'field' in d && typeof d.field === 'string' ? d.field : null
}

/**
 * One number of the settings on the form: its dotted path in the API, the input's name, and whether
 * the form asks in minutes for what the API keeps in seconds.
 */
interface SettingField {
  path: string
  name: string
  label: MessageKey
  step: string
  seconds?: boolean
}

/** The form's sections, in order: each a heading, an optional explanation and its fields. */
const SECTIONS: readonly { title: MessageKey; intro?: MessageKey; fields: readonly SettingField[] }[] = [
  {
    title: 'Lateness',
    intro:
      'A bus is on time from this much early to this much late; outside it is early or late — on the map, the trip board, the villager page and the reports alike.',
    fields: [
      {
        path: 'lateness.earlyS',
        name: 'earlyMin',
        label: 'Early: more than this ahead of the timetable (min)',
        step: '0.5',
        seconds: true,
      },
      {
        path: 'lateness.lateS',
        name: 'lateMin',
        label: 'Late: more than this behind the timetable (min)',
        step: '0.5',
        seconds: true,
      },
    ],
  },
  {
    title: 'Trips not run',
    fields: [
      {
        path: 'missedGraceS',
        name: 'missedGraceMin',
        label: 'Not run: no bus this long after departure (min)',
        step: '1',
        seconds: true,
      },
    ],
  },
  {
    title: 'Drivers',
    fields: [
      { path: 'dailyDrivingLimitMin', name: 'dailyDrivingLimitMin', label: 'Daily driving limit (min)', step: '10' },
    ],
  },
  {
    title: 'Pioneer driver rule',
    intro:
      'A driver wears the pioneer badge with at least this average over at least this many ratings in the window, and no upheld complaint in the last days given.',
    fields: [
      { path: 'pioneer.minAverage', name: 'pioneerMinAverage', label: 'Average stars at least', step: '0.1' },
      { path: 'pioneer.minRatings', name: 'pioneerMinRatings', label: 'Ratings at least', step: '1' },
      { path: 'pioneer.ratingDays', name: 'pioneerRatingDays', label: 'Ratings of the last (days)', step: '1' },
      {
        path: 'pioneer.complaintDays',
        name: 'pioneerComplaintDays',
        label: 'No upheld complaint in the last (days)',
        step: '1',
      },
    ],
  },
  {
    title: "Grid reporters' points",
    intro: 'Points for each report a ticket step confirms; rejected and duplicate reports earn none.',
    fields: [
      { path: 'gridPoints.sign', name: 'gridSign', label: 'A damaged stop sign (points)', step: '1' },
      { path: 'gridPoints.road', name: 'gridRoad', label: 'A road hazard (points)', step: '1' },
      { path: 'gridPoints.critical', name: 'gridCritical', label: 'A critical hazard (points)', step: '1' },
    ],
  },
]
const FIELDS = SECTIONS.flatMap((s) => s.fields)

/** The value at a dotted path of the settings. */
const valueAt = (s: CountySettings, path: string): number =>
  path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s) as number

/** "0–30 min": an accepted range as the form asks for it. */
const rangeHint = (f: SettingField, r: { min: number; max: number; unit: string } | undefined): string => {
  if (!r) return ''
  if (f.seconds) return t('from {min} to {max} min', { min: minutes(r.min), max: minutes(r.max) })
  return t('from {min} to {max}', { min: String(r.min), max: String(r.max) })
}

/** The PUT body from the form's values (seconds where the API keeps seconds); null when one is not a number. */
export function settingsBody(values: Record<string, string>): Record<string, unknown> | null {
  const body: Record<string, unknown> = {}
  for (const f of FIELDS) {
    const v = number(values[f.path] ?? '')
    if (v === null) return null
    const keys = f.path.split('.')
    let o = body
    for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>
    o[keys[keys.length - 1] as string] = f.seconds ? Math.round(v * 60) : v
  }
  return body
}

function mount(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['admin'])
  // No min/max on the inputs: the server checks the ranges, and its message says which and why.
  const fields = new Map(
    FIELDS.map((f) => [f.path, h('input', { type: 'number', name: f.name, step: f.step, disabled: !canEdit })]),
  )
  const labels = new Map(FIELDS.map((f) => [f.path, field(t(f.label), fields.get(f.path)!)]))
  const save = h('button', { class: 'primary save', type: 'submit', disabled: !canEdit }, t('Save'))
  const status = h('p', { class: 'status', attrs: { role: 'status' } })
  const changed = h('p', { class: 'muted' })
  const form = h(
    'form',
    { class: 'card settings', noValidate: true },
    ...SECTIONS.flatMap((s) => [
      h('h2', null, t(s.title)),
      s.intro ? h('p', { class: 'muted' }, t(s.intro)) : null,
      h('div', { class: 'row' }, ...s.fields.map((f) => labels.get(f.path)!)),
    ]),
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
    for (const f of FIELDS) {
      const v = valueAt(s, f.path)
      fields.get(f.path)!.value = f.seconds ? minutes(v) : String(v)
      const label = labels.get(f.path)!
      const small = label.querySelector('small') ?? label.appendChild(h('small'))
      small.textContent = rangeHint(f, s.limits[f.path])
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
    for (const [p, f] of fields) f.classList.toggle('invalid', p === path)
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const body = settingsBody(Object.fromEntries([...fields].map(([p, f]) => [p, f.value])))
    if (!body) return say('error', t('fill in every field with a number'))
    save.disabled = true
    say('', '…')
    void api
      .put<SettingsAnswer>('/api/settings', body)
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

/**
 * The roster board's day actions: generate the day from the weekly templates, copy another day's
 * duties, save this day as the weekly template, publish. Each shows its answer (or the server's
 * refusal, in its words) beside its own button.
 */
import { api } from '../api.js'
import { addDays, isoWeekday, type RosterDay } from '../roster-model.js'
import { action, h } from '../ui/dom.js'
import { clock, day as dayOf } from '../ui/format.js'
import { t } from '../i18n/index.js'

const WEEKDAYS = (): string[] => [t('Mon'), t('Tue'), t('Wed'), t('Thu'), t('Fri'), t('Sat'), t('Sun')]

export interface ToolsHost {
  /** The service day on the board. */
  date(): string
  /** Runs a change and redraws the board; a refusal is thrown as an Error with the server's words. */
  change(op: () => Promise<unknown>): Promise<void>
  canEdit: boolean
}

/** `el`: generate, copy and template; `publishEl`: publish, for beside the published state. */
export function rosterTools(host: ToolsHost): {
  el: HTMLElement
  publishEl: HTMLElement
  update(day: RosterDay | null): void
} {
  const replace = h('input', { type: 'checkbox', name: 'replace' })
  const fill = h('input', { type: 'checkbox', name: 'fill', checked: true })
  /** Generates the day; the answer says what generation left out. */
  const generateDay = async (body: Record<string, unknown>): Promise<string> => {
    let warnings: string[] = []
    await host.change(async () => {
      const r = await api.post<{ warnings?: string[] }>('/api/roster/generate', {
        date: host.date(),
        replace: replace.checked,
        fill: fill.checked,
        ...body,
      })
      warnings = r.warnings ?? []
    })
    return warnings.length > 0 ? `\n${t('left out:')}\n${warnings.join('\n')}` : ''
  }
  const generate = h('button', { type: 'button', class: 'generate' }, t('From weekly template'))
  const generateStatus = h('p', { class: 'status' })
  action(
    generate,
    generateStatus,
    async () => `${t('generated from the weekly template')}${await generateDay({ from: 'template' })}`,
  )

  const source = h('input', { type: 'date', name: 'source', attrs: { 'aria-label': t('copy from') } })
  let sourceTouched = false
  source.addEventListener('change', () => (sourceTouched = true))
  const copy = h('button', { type: 'button', class: 'copy' }, t('Copy'))
  const copyStatus = h('p', { class: 'status' })
  action(copy, copyStatus, async () => {
    if (!source.value) throw new Error(t('choose the day to copy'))
    return `${t('{day} copied', { day: source.value })}${await generateDay({ from: 'copy', sourceDate: source.value })}`
  })

  const days = WEEKDAYS().map((w, i) =>
    h('input', { type: 'checkbox', name: 'weekday', value: String(i + 1), attrs: { 'aria-label': w } }),
  )
  const saveTemplate = h('button', { type: 'button', class: 'save-template' }, t('Save as weekly template'))
  const templateStatus = h('p', { class: 'status' })
  action(saveTemplate, templateStatus, async () => {
    const weekdays = days.filter((d) => d.checked).map((d) => Number(d.value))
    if (weekdays.length === 0) throw new Error(t('tick at least one weekday'))
    const r = await api.post<{ items?: unknown[] } | unknown[]>('/api/roster/templates/from-day', {
      date: host.date(),
      weekdays,
    })
    const n = Array.isArray(r) ? r.length : Array.isArray(r?.items) ? r.items.length : null
    return `${t('saved as the template of {days}', { days: weekdays.map((d) => WEEKDAYS()[d - 1]).join(', ') })}${n === null ? '' : ` (${t('{n} duties', { n })})`}`
  })

  const publish = h('button', { type: 'button', class: 'primary publish' }, t('Publish'))
  const publishStatus = h('p', { class: 'status' })
  action(publish, publishStatus, async () => {
    await host.change(() => api.post('/api/roster/publish', { date: host.date() }))
    return t('published: drivers see it')
  })

  for (const b of [generate, copy, saveTemplate, publish]) b.disabled = !host.canEdit
  const group = (cls: string, ...children: (Node | string)[]): HTMLElement =>
    h('div', { class: `tool ${cls}` }, ...children)
  const el = h(
    'div',
    { class: 'roster-tools' },
    group(
      'fill',
      h(
        'div',
        { class: 'tool-row' },
        generate,
        h('span', { class: 'muted' }, t('or')),
        source,
        copy,
        h(
          'label',
          { class: 'check', title: t('the planner places the trips still without a crew') },
          fill,
          ` ${t('fill')}`,
        ),
        h('label', { class: 'check', title: t('delete the day’s duties first') }, replace, ` ${t('replace')}`),
      ),
      generateStatus,
      copyStatus,
    ),
    group(
      'template',
      h(
        'div',
        { class: 'tool-row' },
        h(
          'span',
          { class: 'weekdays' },
          days.map((d, i) => h('label', { class: 'check' }, d, WEEKDAYS()[i] ?? '')),
        ),
        saveTemplate,
      ),
      templateStatus,
    ),
  )
  const publishEl = group('publish', h('div', { class: 'tool-row' }, publish), publishStatus)

  let shown: string | null = null
  return {
    el,
    publishEl,
    update(day) {
      if (!day) return
      if (day.date !== shown) {
        // A new day: the answers were about the old one.
        shown = day.date
        for (const s of [generateStatus, copyStatus, templateStatus, publishStatus]) {
          s.textContent = ''
          s.className = 'status'
        }
        if (!sourceTouched) source.value = addDays(day.date, -1)
        for (const d of days) d.checked = Number(d.value) === isoWeekday(day.date)
      }
      publish.textContent = day.published ? t('Publish again') : t('Publish')
    },
  }
}

/** "Published 03-01 17:20" or "Not published" (已发布 / 未发布). */
export function publishedBadge(day: RosterDay | null): HTMLElement {
  if (!day) return h('span', { class: 'published' })
  if (!day.published) return h('span', { class: 'published no', dataset: { published: 'no' } }, t('Not published'))
  const at = day.publishedAt === null ? '' : ` ${dayOf(day.publishedAt).slice(5)} ${clock(day.publishedAt)}`
  return h('span', { class: 'published yes', dataset: { published: 'yes' } }, `${t('Published')}${at}`)
}

/**
 * County-wide holiday exceptions on the calendars page: a span of days when every calendar of the
 * chosen kinds stops (Spring Festival: market buses off 除夕–初三), with the calendars that run
 * anyway. One change applies to all of them at once; each calendar's own rules stay as they are.
 */
import { api, qs } from '../../api.js'
import type { Ctx } from '../../context.js'
import { t, type MessageKey } from '../../i18n/index.js'
import { action, clear, field, h, table } from '../../ui/dom.js'
import { day } from '../../ui/format.js'

export interface Holiday {
  id: string
  name: string
  start: string
  end: string
  kinds: string[]
  exemptCalendars: string[]
}
export interface CalendarSummary {
  id: string
  name: string
  kind: string
  words: { zh: string; en: string }
}

export const KIND_WORDS: Record<string, MessageKey> = {
  market: 'market days',
  school: 'school days',
  weekly: 'weekly',
  other: 'other',
}
export const kindWord = (k: string): string => (KIND_WORDS[k] ? t(KIND_WORDS[k]) : k)

export function holidaysCard(
  ctx: Ctx,
  calendars: () => CalendarSummary[],
  onChange: () => void,
): { el: HTMLElement; reload(): Promise<void> } {
  const canEdit = ctx.can(['operator'])
  const list = h('div', { class: 'holiday-list' })
  const form = h('div', { class: 'holiday-form' })
  const el = h(
    'section',
    { class: 'card holidays' },
    h('h2', null, t('County-wide holiday exceptions')),
    h(
      'p',
      { class: 'muted' },
      t(
        'Days when every calendar of a kind does not run — e.g. Spring Festival for the market buses — in one change; tick the calendars that run anyway.',
      ),
    ),
    list,
    form,
  )
  let items: Holiday[] = []

  const reload = async (): Promise<void> => {
    items = (await api.get<{ items: Holiday[] }>('/api/holiday-exceptions')).items
    clear(
      list,
      table(
        [t('Title'), t('From'), t('To'), t('Calendars of a kind'), t('Run anyway')],
        items,
        (x) => [x.name, x.start, x.end, x.kinds.map(kindWord).join(', '), x.exemptCalendars.join(', ') || '—'],
        { rowId: (x) => x.id, onRow: (x) => open(x) },
      ),
    )
    if (canEdit && !form.firstChild) open(null)
  }

  function open(x: Holiday | null): void {
    const name = h('input', { name: 'holidayName', value: x?.name ?? '', placeholder: t('e.g. Spring Festival') })
    const start = h('input', { type: 'date', name: 'holidayStart', value: x?.start ?? '' })
    const end = h('input', { type: 'date', name: 'holidayEnd', value: x?.end ?? '' })
    const kinds = Object.keys(KIND_WORDS).map((k) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name: 'holidayKind',
          value: k,
          checked: x ? x.kinds.includes(k) : k === 'market',
        }),
        kindWord(k),
      ),
    )
    const exempt = h('div', { class: 'exempt' })
    const drawExempt = (): void => {
      const chosen = new Set(
        kinds
          .map((l) => l.querySelector('input')!)
          .filter((i) => i.checked)
          .map((i) => i.value),
      )
      const was = new Set(
        [...exempt.querySelectorAll<HTMLInputElement>('input:checked')]
          .map((i) => i.value)
          .concat(x?.exemptCalendars ?? []),
      )
      clear(
        exempt,
        calendars()
          .filter((c) => chosen.has(c.kind))
          .map((c) =>
            h(
              'label',
              { class: 'check', title: c.words[document.documentElement.lang === 'en' ? 'en' : 'zh'] },
              h('input', { type: 'checkbox', name: 'exempt', value: c.id, checked: was.has(c.id) }),
              `${c.name}`,
            ),
          ),
      )
    }
    for (const k of kinds) k.querySelector('input')!.addEventListener('change', drawExempt)
    drawExempt()
    const year = h('input', {
      type: 'number',
      name: 'sfYear',
      min: '1950',
      max: '2100',
      value: String(Number(day(Date.now()).slice(0, 4)) + 1),
      style: 'width:6em',
    })
    const spring = h('button', { type: 'button', class: 'spring-festival' }, t('Spring Festival of'))
    const status = h('p', { class: 'status' })
    action(spring, status, async () => {
      const r = await api.get<{ start: string; end: string }>(
        `/api/holiday-exceptions/spring-festival${qs({ year: year.value })}`,
      )
      start.value = r.start
      end.value = r.end
      if (!name.value.trim()) name.value = t('Spring Festival {year}', { year: year.value })
      return t('New Year’s Eve to the third day: {start} – {end}', { start: r.start, end: r.end })
    })
    const id = x?.id ?? ''
    const save = h('button', { class: 'primary save-holiday', disabled: !canEdit }, x ? t('Save') : t('Add'))
    action(save, status, async () => {
      const body = {
        name: name.value.trim(),
        start: start.value,
        end: end.value,
        kinds: kinds
          .map((l) => l.querySelector('input')!)
          .filter((i) => i.checked)
          .map((i) => i.value),
        exemptCalendars: [...exempt.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
      }
      if (!body.name || !body.start || !body.end)
        throw new Error(t('give the exception a name and its first and last day'))
      const key = id || `${body.start}-${body.kinds.join('-')}`.replace(/[^A-Za-z0-9_-]/g, '')
      await api.put(`/api/holiday-exceptions/${encodeURIComponent(key)}`, body)
      await reload()
      onChange()
      return t('saved: every calendar of those kinds follows it now')
    })
    const remove = h('button', { class: 'danger delete-holiday', disabled: !canEdit || !x }, t('Delete'))
    action(remove, status, async () => {
      if (!x || !confirm(t('Delete {name}? The calendars run on those days again.', { name: x.name }))) return t('kept')
      await api.del(`/api/holiday-exceptions/${encodeURIComponent(x.id)}`)
      clear(form)
      await reload()
      onChange()
      return t('deleted')
    })
    clear(
      form,
      h('h3', null, x ? x.name : t('New exception')),
      h(
        'div',
        { class: 'row' },
        field(t('Title'), name),
        field(t('From'), start),
        field(t('To'), end),
        h(
          'div',
          { class: 'field' },
          h('span', null, t('Spring Festival (New Year’s Eve to the third day)')),
          h('div', { class: 'tool-row' }, year, spring),
        ),
      ),
      h('fieldset', { class: 'weekdays' }, h('legend', null, t('Stops every calendar of these kinds')), kinds),
      h('fieldset', { class: 'exempt-box' }, h('legend', null, t('Run anyway')), exempt),
      h('div', { class: 'row' }, save, remove),
      status,
    )
  }

  return { el, reload }
}

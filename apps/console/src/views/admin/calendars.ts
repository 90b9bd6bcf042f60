/**
 * Admin › Calendars: when trips run — weekdays, market days (lunar or Gregorian), school terms,
 * added and removed dates — listed and edited with a small rule editor (src/calendar-rules.ts).
 */
import type { Calendar, CalendarJson, MarketCalendarKind, MarketPattern, Weekday } from '@rb/domain'
import { MARKET_DIGITS } from '@rb/domain/market-digits'
import { api } from '../../api.js'
import { formatTerms, fromSimple, parseDates, parseTerms, toSimple } from '../../calendar-rules.js'
import type { Ctx, View } from '../../context.js'
import { lang, t } from '../../i18n/index.js'
import { clear, field, h, table, type Children } from '../../ui/dom.js'
import { day } from '../../ui/format.js'
import { holidaysCard, kindWord, type CalendarSummary } from './holidays-card.js'
import { editCard, editLayout } from './network.js'
import { yearPreview } from './year-preview.js'

const WEEKDAYS = (): string[] => [t('Mon'), t('Tue'), t('Wed'), t('Thu'), t('Fri'), t('Sat'), t('Sun')]

function calendars(el: HTMLElement, ctx: Ctx): void {
  const canEdit = ctx.can(['operator'])
  const { list, edit } = editLayout(
    el,
    t('Calendars'),
    t(
      'When trips run: weekdays, market days (lunar or Gregorian, by the last digit of the day), school terms, and dates added or removed by hand. All chosen conditions must hold; a calendar shows its next twelve months with lunar dates and market days.',
    ),
    canEdit,
    () => open(null),
  )
  const dates = h('div', { class: 'next-days year-preview' })
  let shown: string | null = null
  const showDates = (id: string): void => {
    shown = id
    void yearPreview(dates, id, day(Date.now())).catch((err: Error) =>
      clear(dates, h('p', { class: 'status error' }, err.message)),
    )
  }
  let calendarsById = new Map<string, Calendar>()
  let summaries: CalendarSummary[] = []
  const words = (id: string): string => {
    const s = summaries.find((x) => x.id === id)
    return s ? s.words[lang()] : ''
  }
  const load = async (): Promise<void> => {
    const [r, s] = await Promise.all([
      api.get<{ items: Calendar[] }>('/api/calendars'),
      api.get<{ items: CalendarSummary[] }>('/api/calendars-summary'),
    ])
    calendarsById = new Map(r.items.map((c) => [c.id, c]))
    summaries = s.items
    clear(
      list,
      table(
        [t('Id'), t('Title'), t('Kind'), t('Runs')],
        s.items,
        (c) => [
          c.id,
          c.name,
          h('span', { class: `tag cal-${c.kind}` }, kindWord(c.kind)),
          h('span', { class: 'rule-words' }, c.words[lang()]),
        ],
        { rowId: (c) => c.id, onRow: (c) => open(calendarsById.get(c.id) ?? null) },
      ),
    )
  }
  // County-wide exceptions: below the list; a change redraws the open calendar's year.
  const holidays = holidaysCard(
    ctx,
    () => summaries,
    () => (shown ? showDates(shown) : undefined),
  )
  list.parentElement?.after(holidays.el)
  function open(c: Calendar | null): void {
    const rules: CalendarJson = c?.rules ?? { rule: { kind: 'all', rules: [] }, added: [], removed: [] }
    const simple = toSimple(rules)
    const name = h('input', { name: 'name', required: true, value: c?.name ?? '' })
    const weekdays = WEEKDAYS().map((label, i) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          name: `wd${i + 1}`,
          checked: simple?.weekdays.includes((i + 1) as Weekday) ?? false,
        }),
        label,
      ),
    )
    const marketCal = h(
      'select',
      { name: 'marketCalendar' },
      [
        ['', t('no market-day rule')],
        ['lunar', t('lunar')],
        ['gregorian', t('Gregorian')],
      ].map(([v, l]) => h('option', { value: v!, selected: (simple?.market?.calendar ?? '') === v }, l)),
    )
    const marketPattern = h(
      'select',
      { name: 'marketPattern' },
      (Object.keys(MARKET_DIGITS) as MarketPattern[]).map((p) =>
        h('option', { value: p, selected: simple?.market?.pattern === p }, p),
      ),
    )
    const terms = h('textarea', { name: 'terms', rows: 3, placeholder: t('2026-03-01 2026-07-10 spring term') })
    terms.value = simple?.school ? formatTerms(simple.school.terms) : ''
    const added = h('textarea', { name: 'added', rows: 2, placeholder: '2026-12-24 …' })
    added.value = rules.added.join(' ')
    const removed = h('textarea', { name: 'removed', rows: 2 })
    removed.value = rules.removed.join(' ')
    const json = h('textarea', { name: 'ruleJson', rows: 8 })
    json.value = JSON.stringify(rules.rule, null, 1)
    const body: Children[] = simple
      ? [
          field(t('Title'), name),
          h('fieldset', { class: 'weekdays' }, h('legend', null, t('Weekdays (none: any day)')), weekdays),
          h('div', { class: 'row' }, field(t('Market days'), marketCal), field(t('Days ending in'), marketPattern)),
          field(t('School terms'), terms, t('one per line: start end [label]; school days are weekdays inside a term')),
          field(t('Added dates'), added),
          field(t('Removed dates'), removed),
        ]
      : [
          field(t('Title'), name),
          h(
            'p',
            { class: 'muted' },
            t('This calendar’s rules are more than the simple editor shows: edit them as JSON.'),
          ),
          field(t('Rule (JSON)'), json),
          field(t('Added dates'), added),
          field(t('Removed dates'), removed),
        ]
    const build = (): CalendarJson => {
      if (!simple)
        return {
          rule: JSON.parse(json.value) as CalendarJson['rule'],
          added: parseDates(added.value),
          removed: parseDates(removed.value),
        }
      const termList = parseTerms(terms.value)
      return fromSimple({
        weekdays: weekdays
          .map((w, i) => (w.querySelector('input')!.checked ? ((i + 1) as Weekday) : null))
          .filter((d): d is Weekday => d !== null),
        market: marketCal.value
          ? { calendar: marketCal.value as MarketCalendarKind, pattern: marketPattern.value as MarketPattern }
          : null,
        school: termList.length
          ? {
              terms: termList,
              holidays: simple.school?.holidays ?? [],
              makeUpWorkdays: simple.school?.makeUpWorkdays ?? [],
            }
          : null,
        added: parseDates(added.value),
        removed: parseDates(removed.value),
      })
    }
    clear(
      edit,
      editCard({
        id: c?.id ?? null,
        canEdit,
        readOnlyNote: t('Operators edit calendars.'),
        body: [
          c ? h('p', { class: 'rule-words' }, h('b', null, `${t('Runs')}: `), words(c.id)) : null,
          body,
          h('h3', null, t('The next twelve months')),
          dates,
        ],
        save: async (id) => {
          await api.put(`/api/calendars/${encodeURIComponent(id)}`, { name: name.value.trim(), rules: build() })
          await load()
          showDates(id)
          return t('{id} saved', { id })
        },
      }),
    )
    clear(dates)
    if (c) showDates(c.id)
  }
  void load().then(() => holidays.reload())
}

export const calendarsView: View = {
  path: 'admin/calendars',
  title: 'Calendars',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount: calendars,
}

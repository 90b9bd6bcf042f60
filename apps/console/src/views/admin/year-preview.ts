/**
 * A calendar's next twelve months at a glance: one small month grid each, every day with its
 * Gregorian number and lunar date (the month's name on 初一), the days it runs filled, market days
 * marked with a dot, days a county-wide exception stops hatched with the exception's name.
 * Shape as well as colour: a reader without colour still tells the four apart.
 */
import { api, qs } from '../../api.js'
import { t } from '../../i18n/index.js'
import { clear, h } from '../../ui/dom.js'

export interface PreviewDay {
  date: string
  runs: boolean
  lunar: string
  market: boolean
  holiday: string | null
}
export interface CalendarPreview {
  id: string
  kind: string
  words: { zh: string; en: string }
  from: string
  to: string
  days: PreviewDay[]
}

/** The lunar date as a cell shows it: the day (初五), or the month's name on its first day (正月). */
const FIRST_DAY = '\u521d\u4e00'
const MONTH_PREFIX = /^\u95f0?.+?\u6708/
const lunarShort = (lunar: string): string =>
  lunar.endsWith(FIRST_DAY) ? lunar.slice(0, -2) : lunar.replace(MONTH_PREFIX, '')

function month(days: PreviewDay[]): HTMLElement {
  const first = days[0]!
  const [y, m] = first.date.split('-').map(Number) as [number, number]
  const lead = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7
  const cells: HTMLElement[] = Array.from({ length: lead }, () => h('span', { class: 'day pad' }))
  for (const d of days) {
    const cls = ['day', d.runs ? 'runs' : 'off', d.market ? 'market' : '', d.holiday ? 'holiday' : '']
      .filter(Boolean)
      .join(' ')
    const title = [
      d.date,
      d.lunar,
      d.runs ? t('runs') : t('does not run'),
      d.market ? t('market day') : '',
      d.holiday ? t('off for {name}', { name: d.holiday }) : '',
    ]
      .filter(Boolean)
      .join(' · ')
    cells.push(
      h(
        'span',
        { class: cls, title, dataset: { date: d.date, lunar: d.lunar, ...(d.holiday ? { holiday: d.holiday } : {}) } },
        h('b', null, String(Number(d.date.slice(8)))),
        h('small', null, lunarShort(d.lunar)),
      ),
    )
  }
  const heads = [t('Mon'), t('Tue'), t('Wed'), t('Thu'), t('Fri'), t('Sat'), t('Sun')].map((w) =>
    h('span', { class: 'wd' }, w),
  )
  const runs = days.filter((d) => d.runs).length
  return h(
    'div',
    { class: 'month' },
    h(
      'h4',
      null,
      t('{year}-{month}', { year: y, month: String(m).padStart(2, '0') }),
      h('span', { class: 'muted' }, ` · ${t('{n} days', { n: runs })}`),
    ),
    h('div', { class: 'days' }, heads, cells),
  )
}

/** Loads and draws the year from the first day of the current month. */
export function yearPreview(box: HTMLElement, calendarId: string, fromDate: string): Promise<CalendarPreview> {
  const from = `${fromDate.slice(0, 7)}-01`
  return api
    .get<CalendarPreview>(`/api/calendars/${encodeURIComponent(calendarId)}/preview${qs({ from, months: 12 })}`)
    .then((p) => {
      const byMonth = new Map<string, PreviewDay[]>()
      for (const d of p.days) byMonth.set(d.date.slice(0, 7), [...(byMonth.get(d.date.slice(0, 7)) ?? []), d])
      const runs = p.days.filter((d) => d.runs).length
      const off = p.days.filter((d) => d.holiday).length
      const legend = h(
        'div',
        { class: 'year-legend' },
        h('span', null, h('i', { class: 'day runs' }), t('runs')),
        h('span', null, h('i', { class: 'day off' }), t('does not run')),
        h('span', null, h('i', { class: 'day off market' }), t('market day')),
        h('span', null, h('i', { class: 'day off holiday' }), t('off for a county-wide exception')),
      )
      clear(
        box,
        h(
          'p',
          { class: 'year-sum' },
          t('{n} service days from {from} to {to}', { n: runs, from: p.from, to: p.to }),
          off ? ` · ${t('{n} days off for exceptions', { n: off })}` : '',
        ),
        legend,
        h('div', { class: 'year' }, [...byMonth.values()].map(month)),
      )
      return p
    })
}

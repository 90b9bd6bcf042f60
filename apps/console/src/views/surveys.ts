/**
 * Surveys (docs/engagement.md): write one for drivers or villagers with its questions and its
 * opening and closing times; list them with their answers; a survey's results as bar charts (one
 * per question: option counts, the 1–5 ratings with their mean), the free texts, and the CSV of
 * every answer; close it now; invite villagers by SMS.
 */
import type { QuestionKind, QuestionResult } from '@rb/domain'
import { api } from '../api.js'
import type { Ctx, View } from '../context.js'
import { barChart } from '../ui/chart.js'
import { action, clear, field, h, table } from '../ui/dom.js'
import { clock, day } from '../ui/format.js'
import { t, type MessageKey } from '../i18n/index.js'

type Kind = QuestionKind
interface Survey {
  id: number
  title: string
  audience: 'drivers' | 'villagers'
  phase: 'upcoming' | 'open' | 'closed'
  opensTs: number
  closesTs: number
  responses: number
  invited: number
}

const PHASE: Record<Survey['phase'], MessageKey> = { upcoming: 'Not open yet', open: 'Open now', closed: 'Closed' }
const KIND: Record<Kind, MessageKey> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating 1–5',
  text: 'Free text',
}
/** Commas, ASCII or full-width, separate the options typed. */
const OPTION_SEPARATOR = /[,\uFF0C]/
const when = (ms: number): string => `${day(ms)} ${clock(ms)}`
/** `2026-12-07T08:00` in China time, for a datetime-local input. */
const local = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16)

function mount(el: HTMLElement, ctx: Ctx, params: URLSearchParams): () => void {
  const list = h('div')
  const detail = h('div', { class: 'detail' })
  const msg = h('p', { class: 'status' })
  const form = h('div', { class: 'card' })
  el.append(h('div', { class: 'page wide surveys-view' }, h('h1', null, t('Surveys')), msg, list, detail, form))

  const load = async (): Promise<void> => {
    const r = await api.get<{ items: Survey[] }>('/api/surveys')
    clear(
      list,
      table(
        [t('Title'), t('For'), t('Status'), t('Opens'), t('Closes'), t('Answers')],
        r.items,
        (s) => [
          s.title,
          t(s.audience === 'drivers' ? 'Drivers' : 'Villagers'),
          h('span', { class: `tag phase-${s.phase}` }, t(PHASE[s.phase])),
          when(s.opensTs),
          when(s.closesTs),
          s.responses,
        ],
        { onRow: (s) => void open(s.id), rowId: (s) => String(s.id) },
      ),
    )
  }

  async function open(id: number): Promise<void> {
    const { survey: s, results } = await api.get<{
      survey: Survey
      results: { responses: number; questions: QuestionResult[] }
    }>(`/api/surveys/${id}/results`)
    const status = h('p', { class: 'status' })
    const close = h('button', null, t('Close now'))
    action(close, status, async () => {
      await api.post(`/api/surveys/${id}/close`)
      await Promise.all([open(id), load()])
      return t('Closed')
    })
    const invite = h('button', null, t('Invite villagers by SMS'))
    action(invite, status, async () => {
      const r = await api.post<{ invited: number }>(`/api/surveys/${id}/invite`)
      await load()
      return t('{n} texts written', { n: r.invited })
    })
    const csv = h(
      'a',
      { href: `/api/surveys/${id}/results?format=csv`, download: `survey_${id}.csv` },
      t('Download CSV'),
    )
    const questions = results.questions.map((q, i) =>
      h(
        'section',
        { class: 'card survey-question', dataset: { question: q.id } },
        h('h3', null, `${i + 1}. ${q.text}`),
        h(
          'p',
          { class: 'muted' },
          `${t(KIND[q.kind])} · ${t('{n} answered', { n: q.answered })}${q.average !== null ? ` · ${t('mean {v}', { v: q.average.toFixed(2) })}` : ''}`,
        ),
        q.kind === 'text'
          ? h(
              'ul',
              { class: 'survey-texts' },
              q.texts.map((x) => h('li', null, x)),
            )
          : barChart({
              name: `survey-${s.id}-${q.id}`,
              categories: q.labels,
              series: [{ name: t('Answers'), color: '#0969da', values: q.counts }],
              format: (v) => String(Math.round(v)),
              max: Math.max(4, Math.ceil(Math.max(...q.counts) / 4) * 4),
              height: 200,
            }),
      ),
    )
    clear(
      detail,
      h(
        'div',
        { class: 'card survey-detail', dataset: { survey: String(s.id) } },
        h('h2', null, s.title),
        h(
          'p',
          null,
          `${t(s.audience === 'drivers' ? 'Drivers' : 'Villagers')} · ${t(PHASE[s.phase])} · ${when(s.opensTs)} – ${when(s.closesTs)} · ${t('{n} answers', { n: results.responses })}`,
        ),
        h(
          'div',
          { class: 'row' },
          csv,
          ctx.can(['dispatcher']) && s.phase !== 'closed' ? close : null,
          ctx.can(['dispatcher']) && s.audience === 'villagers' && s.phase === 'open' ? invite : null,
          status,
        ),
        h('div', { class: 'survey-results' }, questions),
      ),
    )
  }

  function writeForm(): void {
    const title = h('input', { name: 'title', maxLength: 80 })
    const intro = h('textarea', { name: 'intro', rows: 2, maxLength: 500 })
    const audience = h(
      'select',
      { name: 'audience' },
      h('option', { value: 'villagers' }, t('Villagers')),
      h('option', { value: 'drivers' }, t('Drivers')),
    )
    const opens = h('input', { name: 'opensAt', type: 'datetime-local', value: local(Date.now()) })
    const closes = h('input', { name: 'closesAt', type: 'datetime-local', value: local(Date.now() + 7 * 86_400_000) })
    const rows = h('div', { class: 'survey-questions' })
    const addQuestion = (kind: Kind = 'single'): void => {
      const kindSel = h(
        'select',
        { name: 'kind' },
        (Object.keys(KIND) as Kind[]).map((k) => h('option', { value: k, selected: k === kind }, t(KIND[k]))),
      )
      const text = h('input', { name: 'text', maxLength: 200 })
      const options = h('input', { name: 'options', placeholder: t('Options, one per comma') })
      const required = h('input', { type: 'checkbox', name: 'required', checked: true })
      const remove = h('button', { type: 'button' }, '×')
      const row = h(
        'div',
        { class: 'row survey-q' },
        field(t('Kind'), kindSel),
        field(t('Question'), text),
        field(t('Options'), options),
        field(t('Required'), required),
        remove,
      )
      const show = (): void => {
        options.disabled = kindSel.value === 'rating' || kindSel.value === 'text'
      }
      kindSel.addEventListener('change', show)
      remove.addEventListener('click', () => row.remove())
      show()
      rows.append(row)
    }
    addQuestion()
    const add = h('button', { type: 'button' }, t('Add a question'))
    add.addEventListener('click', () => addQuestion())
    const status = h('p', { class: 'status' })
    const create = h('button', { class: 'primary' }, t('Create survey'))
    // The inputs are China time: the offset makes them instants whatever the browser's zone.
    const instant = (v: string): string => (v ? `${v}:00+08:00` : '')
    action(create, status, async () => {
      const questions = [...rows.querySelectorAll<HTMLElement>('.survey-q')].map((r) => {
        const v = (name: string): HTMLInputElement => r.querySelector(`[name=${name}]`) as HTMLInputElement
        const kind = v('kind').value as Kind
        return {
          kind,
          text: v('text').value,
          required: v('required').checked,
          ...(kind === 'single' || kind === 'multiple'
            ? {
                options: v('options')
                  .value.split(OPTION_SEPARATOR)
                  .map((x) => x.trim())
                  .filter(Boolean),
              }
            : {}),
        }
      })
      const s = await api.post<Survey>('/api/surveys', {
        title: title.value,
        intro: intro.value.trim() || null,
        audience: audience.value,
        opensAt: instant(opens.value),
        closesAt: instant(closes.value),
        questions,
      })
      await load()
      await open(s.id)
      return t('Created')
    })
    clear(
      form,
      h('h2', null, t('Write a survey')),
      h(
        'div',
        { class: 'row' },
        field(t('Title'), title),
        field(t('For'), audience),
        field(t('Opens'), opens),
        field(t('Closes'), closes),
      ),
      field(t('Introduction'), intro),
      rows,
      add,
      create,
      status,
    )
  }

  if (ctx.can(['dispatcher'])) writeForm()
  void load()
    .then(() => (params.get('survey') ? open(Number(params.get('survey'))) : undefined))
    .catch((err: Error) => (msg.textContent = err.message))
  const timer = setInterval(() => void load().catch(() => {}), 60_000)
  return () => clearInterval(timer)
}

export const surveysView: View = {
  path: 'surveys',
  title: 'Surveys',
  roles: ['dispatcher', 'operator'],
  map: false,
  mount,
}

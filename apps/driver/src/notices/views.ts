/**
 * Notices and drivers' surveys as strings: the unread notices pinned on top of every screen until
 * opened, the list, one notice, and a survey's form. Pure: tested without a browser.
 */
import { esc } from '../views.js'
import type { Lang } from '../model.js'
import { nw } from './words.js'

export interface DriverNotice {
  id: number
  title: string
  body: string
  link: string | null
  createdByName: string
  createdTs: number
  readTs: number | null
}

export interface SurveyQuestion {
  id: string
  kind: 'single' | 'multiple' | 'rating' | 'text'
  text: string
  options: string[]
  required: boolean
}

export interface DriverSurvey {
  id: number
  title: string
  intro: string | null
  closesTs: number
  questions: SurveyQuestion[]
  answered: boolean
}

/** `12-07 08:05` in China time. */
export const when = (ts: number): string => {
  const d = new Date(ts + 8 * 3_600_000)
  const two = (n: number): string => String(n).padStart(2, '0')
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`
}

/** The notices link of the top bar, with the unread count as a badge. */
export function noticesLink(lang: Lang, unread: number): string {
  const badge =
    unread > 0
      ? `<span class="unread-badge" data-unread="${unread}" aria-label="${esc(nw(lang, 'unread', { n: unread }))}">${unread}</span>`
      : ''
  return `<a class="notices-link" href="#/notices">${esc(nw(lang, 'notices'))}${badge}</a>`
}

/** Unread notices and open surveys, pinned above the screen until read or answered. */
export function pinned(lang: Lang, notices: readonly DriverNotice[], surveys: readonly DriverSurvey[]): string {
  const unread = notices.filter((n) => n.readTs === null)
  const todo = surveys.filter((s) => !s.answered)
  if (unread.length === 0 && todo.length === 0) return ''
  const items = unread.map(
    (n) =>
      `<li><a class="pinned-notice" href="#/notice/${n.id}" data-notice="${n.id}"><b>${esc(nw(lang, 'newNotice'))}</b> ${esc(n.title)}<span class="go">${esc(nw(lang, 'open'))} ›</span></a></li>`,
  )
  const asks = todo.map(
    (s) =>
      `<li><a class="pinned-survey" href="#/survey/${s.id}" data-survey="${s.id}">${esc(nw(lang, 'answerSurvey', { title: s.title }))}<span class="go">›</span></a></li>`,
  )
  return `<section class="pinned" aria-live="polite"><ul>${[...items, ...asks].join('')}</ul></section>`
}

export function noticesPage(lang: Lang, notices: readonly DriverNotice[] | null): string {
  if (!notices) return ''
  if (notices.length === 0) return `<p class="empty">${esc(nw(lang, 'noNotices'))}</p>`
  const rows = notices
    .map(
      (n) =>
        `<li class="${n.readTs === null ? 'unread' : 'read'}"><a href="#/notice/${n.id}" data-notice="${n.id}"><b>${esc(n.title)}</b><small>${esc(nw(lang, 'from', { from: n.createdByName, time: when(n.createdTs) }))}${n.readTs !== null ? ` · ${esc(nw(lang, 'readAt', { time: when(n.readTs) }))}` : ''}</small></a></li>`,
    )
    .join('')
  return `<h1>${esc(nw(lang, 'noticesTitle'))}</h1><ul class="notice-list">${rows}</ul>`
}

export function noticePage(lang: Lang, n: DriverNotice | undefined): string {
  if (!n) return ''
  const paragraphs = n.body
    .split('\n')
    .map((p) => `<p>${esc(p)}</p>`)
    .join('')
  const link = n.link
    ? `<p><a class="notice-url" href="${esc(n.link)}" target="_blank" rel="noopener">${esc(nw(lang, 'link'))}</a></p>`
    : ''
  const read = n.readTs !== null ? `<p class="read-mark">${esc(nw(lang, 'readAt', { time: when(n.readTs) }))}</p>` : ''
  return `<article class="notice" data-notice="${n.id}"><h1>${esc(n.title)}</h1><p class="meta">${esc(nw(lang, 'from', { from: n.createdByName, time: when(n.createdTs) }))}</p>${paragraphs}${link}${read}</article>`
}

function question(lang: Lang, q: SurveyQuestion, error: string | null): string {
  const name = esc(q.id)
  const choices = (type: 'radio' | 'checkbox', labels: readonly string[], values: readonly (string | number)[]) =>
    labels
      .map(
        (l, i) =>
          `<label class="choice"><input type="${type}" name="${name}" value="${esc(values[i] as string | number)}"> ${esc(l)}</label>`,
      )
      .join('')
  const input =
    q.kind === 'single'
      ? choices(
          'radio',
          q.options,
          q.options.map((_, i) => i),
        )
      : q.kind === 'multiple'
        ? choices(
            'checkbox',
            q.options,
            q.options.map((_, i) => i),
          )
        : q.kind === 'rating'
          ? `<div class="stars">${choices('radio', ['1', '2', '3', '4', '5'], [1, 2, 3, 4, 5])}</div>`
          : `<textarea name="${name}" rows="3" maxlength="500"></textarea>`
  return `<fieldset class="question" data-question="${name}"><legend>${esc(q.text)}${q.required ? '' : ` <small>${esc(nw(lang, 'optional'))}</small>`}</legend>${input}${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}</fieldset>`
}

export function surveyPage(
  lang: Lang,
  s: DriverSurvey | undefined,
  o: { busy: boolean; error: string | null; errorField: string | null; done: boolean },
): string {
  if (!s) return ''
  const head = `<h1>${esc(s.title)}</h1>${s.intro ? `<p>${esc(s.intro)}</p>` : ''}<p class="meta">${esc(nw(lang, 'closesAt', { time: when(s.closesTs) }))}</p>`
  if (s.answered || o.done)
    return `${head}<p class="banner ok-banner" role="status">${esc(nw(lang, o.done ? 'sent' : 'answered'))}</p>`
  const qs = s.questions.map((q) => question(lang, q, o.errorField === `answers/${q.id}` ? o.error : null)).join('')
  const general =
    o.error && !o.errorField?.startsWith('answers/') ? `<p class="error" role="alert">${esc(o.error)}</p>` : ''
  return `${head}<form class="survey-form" data-survey="${s.id}">${qs}${general}<button type="submit" class="big"${o.busy ? ' disabled' : ''}>${esc(nw(lang, 'send'))}</button></form>`
}

/** The form's answers as the API takes them: option indexes, ratings, text. */
export function readAnswers(form: HTMLFormElement, questions: readonly SurveyQuestion[]): Record<string, unknown> {
  const data = new FormData(form)
  const out: Record<string, unknown> = {}
  for (const q of questions) {
    const values = data.getAll(q.id).map(String)
    if (q.kind === 'multiple') out[q.id] = values.map(Number)
    else if (q.kind === 'text') out[q.id] = values[0] ?? ''
    else if (values[0] !== undefined) out[q.id] = Number(values[0])
  }
  return out
}

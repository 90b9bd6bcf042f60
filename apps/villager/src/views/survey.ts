/**
 * A villagers' survey on the stop page (`#q/<id>`, or `#q/<id>/<invite>` from an SMS): the
 * questions as big taps, the phone (remembered on the phone, or the SMS link's own), send once.
 * In the lazily loaded chunk with its own words, so the first load does not carry it.
 */
import { ApiError, NetworkError, refusedField, request } from '../api.js'
import { html, type Html } from '../html.js'
import type { Lang } from '../model.js'
import { header } from './stop.js'

interface Question {
  id: string
  kind: 'single' | 'multiple' | 'rating' | 'text'
  text: string
  options: string[]
  required: boolean
}
interface SurveyData {
  id: number
  title: string
  intro: string | null
  questions: Question[]
  closesTs: number
  phase: 'upcoming' | 'open' | 'closed'
  invite: { phoneMasked: string; answered: boolean } | null
}

const WORDS = {
  zh: {
    survey: '问卷调查',
    phone: '手机号（每个手机号填一次）',
    phoneFromSms: '用收到短信的手机号 {phone} 提交',
    send: '提交',
    sending: '正在提交…',
    thanks: '提交成功，谢谢您的意见！',
    answered: '这个手机号已经填写过这份问卷',
    closed: '这份问卷已经结束，谢谢关注',
    notOpen: '这份问卷还没有开始',
    optional: '选填',
    needAnswer: '请回答这一题',
    needPhone: '请填写手机号',
    closes: '{time} 截止',
    loading: '正在加载…',
    failed: '加载失败，请稍后再试',
    offline: '网络不通，请稍后再提交',
    stars: '{n} 分',
  },
  en: {
    survey: 'Survey',
    phone: 'Mobile number (one answer per phone)',
    phoneFromSms: 'Sent with {phone}, the phone the text came to',
    send: 'Send',
    sending: 'Sending…',
    thanks: 'Sent. Thank you for your views!',
    answered: 'This phone has already answered this survey',
    closed: 'This survey has closed. Thank you',
    notOpen: 'This survey has not opened yet',
    optional: 'optional',
    needAnswer: 'Please answer this question',
    needPhone: 'Please enter your mobile number',
    closes: 'closes {time}',
    loading: 'Loading…',
    failed: 'Could not load; try again shortly',
    offline: 'No connection; please send again shortly',
    stars: '{n} points',
  },
}
type Word = keyof (typeof WORDS)['zh']
const w = (lang: Lang, k: Word, slots: Record<string, string | number> = {}): string =>
  WORDS[lang][k].replace(/\{(\w+)\}/g, (m, s: string) => (s in slots ? String(slots[s]) : m))

const when = (ts: number): string => {
  const d = new Date(ts + 8 * 3_600_000)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed' }
  | { kind: 'form'; error: string | null; field: string | null }
  | { kind: 'sending' }
  | { kind: 'done'; answered: boolean }

/** One survey's screen: its data, what was typed, and where the sending is. */
export class SurveyFlow {
  id = 0
  invite: string | null = null
  data: SurveyData | null = null
  phase: Phase = { kind: 'loading' }
  phone = ''
  /** Answers kept across re-renders (question id → value as the form holds it). */
  #answers = new Map<string, string[]>()

  constructor(private readonly rerender: () => void) {}

  open(id: number, invite: string | null, rememberedPhone: string): void {
    if (this.id === id && this.invite === invite && this.data) return
    Object.assign(this, { id, invite, data: null, phase: { kind: 'loading' }, phone: rememberedPhone })
    this.#answers = new Map()
    request<SurveyData>(`/api/villager/surveys/${id}${invite ? `?invite=${encodeURIComponent(invite)}` : ''}`)
      .then(
        (d) => {
          this.data = d
          this.phase = d.invite?.answered
            ? { kind: 'done', answered: true }
            : { kind: 'form', error: null, field: null }
        },
        () => (this.phase = { kind: 'failed' }),
      )
      .finally(() => this.id === id && this.rerender())
  }

  /** Keeps what was tapped or typed (the page re-renders on live updates). */
  remember(form: HTMLFormElement): void {
    const data = new FormData(form)
    for (const q of this.data?.questions ?? []) this.#answers.set(q.id, data.getAll(q.id).map(String))
    this.phone = String(data.get('phone') ?? this.phone)
  }

  /** Sends the answers; answers the phone used when it went through (to remember). */
  async submit(form: HTMLFormElement, stopCode: string, lang: Lang): Promise<string | null> {
    const d = this.data
    if (!d || this.phase.kind === 'sending') return null
    this.remember(form)
    const answers: Record<string, unknown> = {}
    for (const q of d.questions) {
      const v = this.#answers.get(q.id) ?? []
      if (q.kind === 'multiple') answers[q.id] = v.map(Number)
      else if (q.kind === 'text') answers[q.id] = v[0] ?? ''
      else if (v[0] !== undefined) answers[q.id] = Number(v[0])
      if (q.required && (v.length === 0 || v[0] === '')) {
        this.phase = { kind: 'form', error: w(lang, 'needAnswer'), field: `answers/${q.id}` }
        return null
      }
    }
    if (!this.invite && this.phone.replace(/\D/g, '').length < 7) {
      this.phase = { kind: 'form', error: w(lang, 'needPhone'), field: 'phone' }
      return null
    }
    this.phase = { kind: 'sending' }
    this.rerender()
    try {
      const who = this.invite ? { invite: this.invite } : { phone: this.phone }
      await request(`/api/villager/surveys/${d.id}/answers`, { method: 'POST', json: { answers, stopCode, ...who } })
      this.phase = { kind: 'done', answered: false }
      return this.invite ? null : this.phone
    } catch (err) {
      if (err instanceof ApiError && err.code === 'SURVEY_ANSWERED') this.phase = { kind: 'done', answered: true }
      else if (err instanceof ApiError && err.code === 'SURVEY_CLOSED' && this.data) this.data.phase = 'closed'
      else
        this.phase = {
          kind: 'form',
          error: err instanceof NetworkError ? w(lang, 'offline') : (err as Error).message,
          field: err instanceof ApiError ? refusedField(err) : null,
        }
      if (this.phase.kind === 'sending') this.phase = { kind: 'form', error: null, field: null }
      return null
    }
  }

  html(lang: Lang): Html {
    const d = this.data
    const top = header(
      lang,
      d?.title ?? w(lang, 'survey'),
      d ? w(lang, 'closes', { time: when(d.closesTs) }) : null,
      true,
    )
    const p = this.phase
    if (!d)
      return html`${top}<main class="page"><p class="muted">${w(lang, p.kind === 'failed' ? 'failed' : 'loading')}</p></main>`
    if (d.phase !== 'open')
      return html`${top}<main class="page"><p class="card warning" role="status" data-survey-state="${d.phase}">${w(lang, d.phase === 'closed' ? 'closed' : 'notOpen')}</p></main>`
    if (p.kind === 'done')
      return html`${top}<main class="page"><p class="card ${p.answered ? 'warning' : 'ok'}" role="status" data-survey-state="${p.answered ? 'answered' : 'sent'}">${w(lang, p.answered ? 'answered' : 'thanks')}</p></main>`
    const error = p.kind === 'form' ? p : null
    const fieldError = (f: string): Html | '' =>
      error?.field === f && error.error ? html`<p class="error" role="alert" data-field-error>${error.error}</p>` : ''
    const phone = this.invite
      ? html`<p class="muted">${w(lang, 'phoneFromSms', { phone: d.invite?.phoneMasked ?? '' })}</p>`
      : html`<label for="sv-phone">${w(lang, 'phone')}</label><input id="sv-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" value="${this.phone}"${error?.field === 'phone' ? html` aria-invalid="true"` : ''}>${fieldError('phone')}`
    const general = error?.error && !error.field ? html`<p class="error" role="alert">${error.error}</p>` : ''
    return html`${top}
<main class="page">
${d.intro ? html`<p>${d.intro}</p>` : ''}
<form class="survey" data-form="survey" novalidate>
${d.questions.map((q, i) => this.#question(q, i, lang, fieldError(`answers/${q.id}`)))}
<fieldset class="card">${phone}</fieldset>
${general}
<div class="actions"><button class="btn btn-primary btn-wide" type="submit"${p.kind === 'sending' ? ' disabled' : ''}>${w(lang, p.kind === 'sending' ? 'sending' : 'send')}</button></div>
</form>
</main>`
  }

  #question(q: Question, i: number, lang: Lang, error: Html | ''): Html {
    const picked = this.#answers.get(q.id) ?? []
    const choice = (type: 'radio' | 'checkbox', value: string, label: string): Html =>
      html`<label class="choice${type === 'radio' && q.kind === 'rating' ? ' star' : ''}"><input type="${type}" name="${q.id}" value="${value}"${picked.includes(value) ? ' checked' : ''}> <span>${label}</span></label>`
    const body =
      q.kind === 'text'
        ? html`<textarea name="${q.id}" rows="3" maxlength="500">${picked[0] ?? ''}</textarea>`
        : q.kind === 'rating'
          ? html`<div class="rating">${[1, 2, 3, 4, 5].map((n) => choice('radio', String(n), String(n)))}</div>`
          : html`<div class="choices">${q.options.map((o, j) => choice(q.kind === 'single' ? 'radio' : 'checkbox', String(j), o))}</div>`
    return html`<fieldset class="card question" data-question="${q.id}"><legend>${i + 1}. ${q.text}${q.required ? '' : html` <small class="muted">（${w(lang, 'optional')}）</small>`}</legend>${body}${error}</fieldset>`
  }
}

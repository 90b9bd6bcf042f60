/**
 * Rating a ride (`#rate/<booking code>` from 我的预约, or `#rate/<token>` from the SMS sent after
 * the ride): 1–5 stars as big taps, the tags, a complaint in words if something was wrong; sent
 * once. In the lazily loaded chunk with its own words, so the first load does not carry it.
 */
import { ApiError, NetworkError, refusedField, request } from '../api.js'
import { html, type Html } from '../html.js'
import type { Lang } from '../model.js'
import { deviceStore, readJson, writeJson } from '../store.js'
import { header } from './stop.js'

interface RideData {
  code: string
  serviceDate: string
  routeName: string
  boardStopName: string
  alightStopName: string
  phoneMasked: string
  driver: { code: string; name: string } | null
  status: string
  rateable: boolean
  rating: { stars: number; tags: string[]; complained: boolean } | null
}

const TAGS = ['on_time', 'friendly', 'smooth', 'clean'] as const

const WORDS = {
  zh: {
    title: '评价本次乘车',
    rate: '★ 评价本次乘车',
    rated: '已评价 {stars} 星',
    stars: '您给这次乘车打几颗星？',
    star: '{n} 星',
    tags: '哪些地方做得好？（可多选）',
    on_time: '准时',
    friendly: '态度好',
    smooth: '驾驶平稳',
    clean: '车内整洁',
    complain: '有问题要投诉？（选填，写清楚经过）',
    send: '提交评价',
    sending: '正在提交…',
    thanks: '谢谢您的评价！',
    thanksComplaint: '谢谢，您的投诉已转给调度员处理。',
    already: '这次乘车已经评价过了，每次乘车只能评价一次',
    notRidden: '司机确认您上车后才能评价这次乘车',
    noShow: '这次预约记为未到，不能评价',
    needStars: '请选择星级',
    driver: '驾驶员 {name}',
    loading: '正在加载…',
    failed: '加载失败，请稍后再试',
    offline: '网络不通，请稍后再提交',
    sms: '用收到短信的手机号 {phone} 提交',
  },
  en: {
    title: 'Rate this ride',
    rate: '★ Rate this ride',
    rated: 'Rated {stars} stars',
    stars: 'How many stars for this ride?',
    star: '{n} stars',
    tags: 'What went well? (any)',
    on_time: 'On time',
    friendly: 'Friendly',
    smooth: 'Smooth driving',
    clean: 'Clean bus',
    complain: 'Something wrong? (optional: say what happened)',
    send: 'Send rating',
    sending: 'Sending…',
    thanks: 'Thank you for rating!',
    thanksComplaint: 'Thank you. Your complaint has gone to the dispatcher.',
    already: 'This ride has been rated already: one rating per ride',
    notRidden: 'A ride can be rated once the driver has marked you on board',
    noShow: 'This booking was marked as not shown up: it cannot be rated',
    needStars: 'Please choose the stars',
    driver: 'Driver {name}',
    loading: 'Loading…',
    failed: 'Could not load; try again shortly',
    offline: 'No connection; please send again shortly',
    sms: 'Sent with {phone}, the phone the text came to',
  },
}
type Word = keyof (typeof WORDS)['zh']
export const rw = (lang: Lang, k: Word, slots: Record<string, string | number> = {}): string =>
  WORDS[lang][k].replace(/\{(\w+)\}/g, (m, s: string) => (s in slots ? String(slots[s]) : m))

/** Rides rated on this phone: booking code → stars (我的预约 says so without asking). */
const RATED_KEY = 'rb.rated'
export const ratedStars = (code: string): number | undefined =>
  readJson<Record<string, number>>(deviceStore(), RATED_KEY, {})[code]
const remember = (code: string, stars: number): void =>
  writeJson(deviceStore(), RATED_KEY, {
    ...readJson<Record<string, number>>(deviceStore(), RATED_KEY, {}),
    [code]: stars,
  })

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed' }
  | { kind: 'form'; error: string | null; field: string | null }
  | { kind: 'sending' }
  | { kind: 'done'; note: Word }

/** One ride's rating screen: the ride, what was tapped, and where the sending is. */
export class RateFlow {
  key = ''
  data: RideData | null = null
  phase: Phase = { kind: 'loading' }
  #who: Record<string, string> = {}
  #stars = ''
  #tags: string[] = []
  #complaint = ''

  constructor(private readonly rerender: () => void) {}

  /** `codeOrToken` is a booking code (with the phone it was made with) or the SMS link's token. */
  open(codeOrToken: string, phone: string): void {
    if (this.key === codeOrToken && this.data && this.phase.kind !== 'done') return
    const who: Record<string, string> = codeOrToken.startsWith('rt-')
      ? { invite: codeOrToken }
      : { code: codeOrToken, phone }
    Object.assign(this, { key: codeOrToken, data: null, phase: { kind: 'loading' } })
    this.#who = who
    this.#stars = ''
    this.#tags = []
    this.#complaint = ''
    request<RideData>(`/api/ratings/ride?${new URLSearchParams(who).toString()}`)
      .then(
        (d) => {
          this.data = d
          if (d.rating) remember(d.code, d.rating.stars)
          this.phase = d.rateable ? { kind: 'form', error: null, field: null } : { kind: 'done', note: this.#why(d) }
        },
        () => (this.phase = { kind: 'failed' }),
      )
      .finally(() => this.key === codeOrToken && this.rerender())
  }

  #why(d: RideData): Word {
    return d.rating ? 'already' : d.status === 'no_show' ? 'noShow' : 'notRidden'
  }

  remember(form: HTMLFormElement): void {
    const data = new FormData(form)
    this.#stars = String(data.get('stars') ?? '')
    this.#tags = data.getAll('tags').map(String)
    this.#complaint = String(data.get('complaint') ?? '')
  }

  async submit(form: HTMLFormElement, lang: Lang): Promise<void> {
    const d = this.data
    if (!d || this.phase.kind === 'sending') return
    this.remember(form)
    if (!this.#stars) {
      this.phase = { kind: 'form', error: rw(lang, 'needStars'), field: 'stars' }
      return
    }
    this.phase = { kind: 'sending' }
    this.rerender()
    const complaint = this.#complaint.trim()
    try {
      await request('/api/ratings', {
        method: 'POST',
        json: { ...this.#who, stars: Number(this.#stars), tags: this.#tags, ...(complaint ? { complaint } : {}) },
      })
      remember(d.code, Number(this.#stars))
      this.phase = { kind: 'done', note: complaint ? 'thanksComplaint' : 'thanks' }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'RATING_EXISTS') this.phase = { kind: 'done', note: 'already' }
      else if (err instanceof ApiError && err.code === 'RATING_NOT_ALLOWED')
        this.phase = { kind: 'done', note: err.details?.reason === 'no_show' ? 'noShow' : 'notRidden' }
      else
        this.phase = {
          kind: 'form',
          error: err instanceof NetworkError ? rw(lang, 'offline') : (err as Error).message,
          field: err instanceof ApiError ? refusedField(err) : null,
        }
    }
  }

  html(lang: Lang): Html {
    const d = this.data
    const p = this.phase
    const top = header(lang, rw(lang, 'title'), d ? `${d.serviceDate.slice(5)} ${d.routeName}` : null, true)
    if (!d)
      return html`${top}
        <main class="page"><p class="muted">${rw(lang, p.kind === 'failed' ? 'failed' : 'loading')}</p></main>`
    const ride = html`<p class="card">
      ${d.boardStopName} → ${d.alightStopName} · <b class="code">${d.code}</b>
      ${d.driver ? html`<br />${rw(lang, 'driver', { name: d.driver.name })}` : ''}
    </p>`
    if (p.kind === 'done')
      return html`${top}
        <main class="page">
          ${ride}
          <p class="card ${p.note.startsWith('thanks') ? 'ok' : 'warning'}" role="status" data-rate-state="${p.note}">
            ${rw(lang, p.note)}
          </p>
        </main>`
    const error = p.kind === 'form' ? p : null
    const fieldError = (f: string): Html | '' =>
      error?.field === f && error.error ? html`<p class="error" role="alert" data-field-error>${error.error}</p>` : ''
    const general = error?.error && !error.field ? html`<p class="error" role="alert">${error.error}</p>` : ''
    return html`${top}
      <main class="page">
        ${ride}
        <form class="survey" data-form="rate" novalidate>
          <fieldset class="card question">
            <legend>${rw(lang, 'stars')}</legend>
            <div class="rating">
              ${[1, 2, 3, 4, 5].map(
                (n) =>
                  html`<label class="choice star"
                    ><input
                      type="radio"
                      name="stars"
                      value="${n}"
                      ${this.#stars === String(n) ? ' checked' : ''}
                      aria-label="${rw(lang, 'star', { n })}"
                    /><span>${n}</span></label
                  >`,
              )}
            </div>
            ${fieldError('stars')}
          </fieldset>
          <fieldset class="card question">
            <legend>${rw(lang, 'tags')}</legend>
            <div class="choices">
              ${TAGS.map(
                (t) =>
                  html`<label class="choice"
                    ><input type="checkbox" name="tags" value="${t}" ${this.#tags.includes(t) ? ' checked' : ''} />
                    <span>${rw(lang, t)}</span></label
                  >`,
              )}
            </div>
            ${fieldError('tags')}
          </fieldset>
          <fieldset class="card question">
            <legend>${rw(lang, 'complain')}</legend>
            <textarea name="complaint" rows="3" maxlength="500">${this.#complaint}</textarea>
            ${fieldError('complaint')}
          </fieldset>
          ${this.#who.invite ? html`<p class="muted">${rw(lang, 'sms', { phone: d.phoneMasked })}</p>` : ''} ${general}
          <div class="actions">
            <button class="btn btn-primary btn-wide" type="submit" ${p.kind === 'sending' ? ' disabled' : ''}>
              ${rw(lang, p.kind === 'sending' ? 'sending' : 'send')}
            </button>
          </div>
        </form>
      </main>`
  }
}

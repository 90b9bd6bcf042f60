/**
 * 我的上报 for grid reporters (`#grid`): register this phone (name, phone, an SMS code — the
 * township is the stop sign's), then the reporter's points and each report's status and points.
 * The token the server gives is kept on the phone; reports sent from it carry it. In the lazily
 * loaded chunk with its own words, so the first load does not carry it.
 */
import { ApiError, NetworkError, refusedField, request } from '../api.js'
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { Lang } from '../model.js'
import { KEYS, readJson, writeJson, type KeyValue } from '../store.js'
import { header } from './stop.js'

export interface SavedReporter {
  token: string
  id: string
  name: string
}

interface Mine {
  reporter: { id: string; name: string; phone: string; townshipName: string }
  month: string
  points: { month: number; total: number }
  reports: {
    id: string
    stopName: string
    category: string
    status: 'open' | 'assigned' | 'fixed' | 'rejected'
    reportedAt: string
    points: number
    revokedAt: string | null
  }[]
}

const WORDS = {
  zh: {
    title: '我的上报',
    join: '登记为网格员',
    joinIntro: '登记后，您上报的站牌损坏、道路隐患经核实后可得积分，按月评比、兑换奖励。',
    name: '姓名',
    phone: '手机号（接收验证码）',
    township: '按本站牌所在乡镇登记',
    getCode: '获取验证码',
    code: '短信验证码（6位数字）',
    codeSent: '验证码已发送到 {phone}，10分钟内有效',
    confirm: '确认登记',
    resend: '重新发送',
    resendIn: '{s} 秒后可重发',
    sending: '正在提交…',
    wrong: '验证码不对，还可以再试 {n} 次',
    closed: '验证码已失效，请重新获取',
    tooSoon: '发送太频繁，请 {s} 秒后再试',
    tooMany: '今天验证码已发送多次，请查看短信或明天再试',
    offline: '网络不通，请稍后再试',
    need: '请填写姓名和手机号',
    needCode: '请输入6位验证码',
    reporter: '网格员 {name} · {township}',
    month: '本月积分',
    total: '累计积分',
    none: '还没有上报。看到站牌损坏或道路隐患，点“报修”上报。',
    report: '去报修',
    pending: '待确认',
    revoked: '已撤回',
    noPoints: '0 分',
    loading: '正在加载…',
    failed: '加载失败，请稍后再试',
  },
  en: {
    title: 'My reports',
    join: 'Register as a grid reporter',
    joinIntro:
      'Registered reporters earn points for every damaged sign or road hazard the county confirms, with a monthly ranking and rewards.',
    name: 'Name',
    phone: 'Mobile number (for the code)',
    township: "Registered for this stop sign's township",
    getCode: 'Send me a code',
    code: 'SMS code (6 digits)',
    codeSent: 'Code sent to {phone}; valid for 10 minutes',
    confirm: 'Register',
    resend: 'Send again',
    resendIn: 'Send again in {s} s',
    sending: 'Sending…',
    wrong: 'Wrong code; {n} tries left',
    closed: 'The code is no longer valid; ask for a new one',
    tooSoon: 'Too soon; try again in {s} s',
    tooMany: 'Several codes were sent today; check your texts or try tomorrow',
    offline: 'No connection; please try again shortly',
    need: 'Please enter your name and mobile number',
    needCode: 'Please enter the 6-digit code',
    reporter: 'Grid reporter {name} · {township}',
    month: 'Points this month',
    total: 'Points in all',
    none: 'No reports yet. See a damaged sign or a road hazard? Tap Report.',
    report: 'Report a problem',
    pending: 'to be confirmed',
    revoked: 'taken back',
    noPoints: '0 points',
    loading: 'Loading…',
    failed: 'Could not load; try again shortly',
  },
}
type Word = keyof (typeof WORDS)['zh']
const w = (lang: Lang, k: Word, slots: Record<string, string | number> = {}): string =>
  WORDS[lang][k].replace(/\{(\w+)\}/g, (m, s: string) => (s in slots ? String(slots[s]) : m))

type Phase =
  | { kind: 'loading' }
  | { kind: 'failed' }
  | { kind: 'register'; error: string | null; field: string | null }
  | { kind: 'code'; masked: string; resendTs: number | null; error: string | null }
  | { kind: 'sending'; from: 'register' | 'code' }
  | { kind: 'me'; data: Mine }

const day = (iso: string): string => {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000)
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}`
}

export class GridFlow {
  phase: Phase = { kind: 'loading' }
  #name = ''
  #phone = ''
  #masked = ''

  constructor(
    private readonly store: KeyValue,
    private readonly rerender: () => void,
    private readonly now: () => number,
  ) {}

  saved(): SavedReporter | null {
    return readJson<SavedReporter | null>(this.store, KEYS.gridReporter, null)
  }

  /** Shows the reporter's reports, or the registration form on a phone not registered. */
  open(): void {
    const saved = this.saved()
    if (!saved) {
      if (this.phase.kind !== 'code') this.phase = { kind: 'register', error: null, field: null }
      return this.rerender()
    }
    if (this.phase.kind !== 'me') this.phase = { kind: 'loading' }
    request<Mine>('/api/grid/me', { headers: { 'x-reporter-token': saved.token } })
      .then(
        (data) => (this.phase = { kind: 'me', data }),
        (err: unknown) => {
          // Registered again on another phone: this one's token stopped working.
          if (err instanceof ApiError && err.code === 'REPORTER_TOKEN_INVALID') {
            this.store.remove(KEYS.gridReporter)
            this.phase = { kind: 'register', error: null, field: null }
          } else if (this.phase.kind !== 'me') this.phase = { kind: 'failed' }
        },
      )
      .finally(() => this.rerender())
  }

  /** The registration form (name, phone) or the code form, sent. */
  async submit(form: HTMLFormElement, stopCode: string, lang: Lang): Promise<void> {
    const data = new FormData(form)
    if (form.dataset.form === 'grid-register') {
      this.#name = String(data.get('reporterName') ?? '').trim()
      this.#phone = String(data.get('reporterPhone') ?? '').trim()
      if (!this.#name || this.#phone.replace(/\D/g, '').length < 7) {
        this.phase = { kind: 'register', error: w(lang, 'need'), field: this.#name ? 'phone' : 'name' }
        return this.rerender()
      }
      return this.#sendCode(stopCode, lang)
    }
    const typed = String(data.get('reporterCode') ?? '').replace(/\s/g, '')
    if (this.phase.kind !== 'code') return
    if (!/^\d{6}$/.test(typed)) {
      this.phase = { ...this.phase, error: w(lang, 'needCode') }
      return this.rerender()
    }
    const back = this.phase
    this.phase = { kind: 'sending', from: 'code' }
    this.rerender()
    try {
      const r = await request<{ reporter: { id: string; name: string }; token: string }>('/api/grid/verify', {
        method: 'POST',
        json: { phone: this.#phone, smsCode: typed },
      })
      writeJson(this.store, KEYS.gridReporter, { token: r.token, id: r.reporter.id, name: r.reporter.name })
      this.open()
    } catch (err) {
      if (err instanceof ApiError && err.code === 'GRID_CODE_CLOSED')
        this.phase = { kind: 'register', error: w(lang, 'closed'), field: null }
      else {
        const left = err instanceof ApiError ? Number(err.details?.triesLeft) : NaN
        this.phase = {
          ...back,
          error: Number.isFinite(left) ? w(lang, 'wrong', { n: left }) : this.#problem(err, lang),
        }
      }
      this.rerender()
    }
  }

  /** Asks for a (new) code. */
  async resend(stopCode: string, lang: Lang): Promise<void> {
    if (this.phase.kind === 'code') await this.#sendCode(stopCode, lang)
  }

  async #sendCode(stopCode: string, lang: Lang): Promise<void> {
    const back = this.phase
    this.phase = { kind: 'sending', from: back.kind === 'code' ? 'code' : 'register' }
    this.rerender()
    try {
      const r = await request<{ phone: string; resendAt: string | null }>('/api/grid/register', {
        method: 'POST',
        json: { phone: this.#phone, name: this.#name, stopCode },
      })
      this.#masked = r.phone
      this.phase = {
        kind: 'code',
        masked: r.phone,
        resendTs: r.resendAt === null ? null : Date.parse(r.resendAt),
        error: null,
      }
    } catch (err) {
      const error = this.#problem(err, lang)
      const field = err instanceof ApiError ? refusedField(err) : null
      this.phase =
        back.kind === 'code'
          ? { ...back, error }
          : { kind: 'register', error, field: field === 'phone' || field === 'name' ? field : null }
    }
    this.rerender()
  }

  #problem(err: unknown, lang: Lang): string {
    if (err instanceof NetworkError) return w(lang, 'offline')
    if (err instanceof ApiError && err.code === 'RATE_LIMITED')
      return err.details?.reason === 'too_many_sends'
        ? w(lang, 'tooMany')
        : w(lang, 'tooSoon', { s: err.retryAfterS ?? 60 })
    return (err as Error).message
  }

  html(lang: Lang): Html {
    const top = header(lang, w(lang, 'title'), null, true)
    const p = this.phase
    if (p.kind === 'loading' || p.kind === 'failed')
      return html`${top}
        <main class="page"><p class="muted">${w(lang, p.kind)}</p></main>`
    if (p.kind === 'me') return html`${top} ${this.#mine(p.data, lang)}`
    const from = p.kind === 'sending' ? p.from : p.kind
    const busy = p.kind === 'sending'
    const error = p.kind === 'sending' ? null : p.error
    const alert = error ? html`<p class="error" role="alert" data-grid-error>${error}</p>` : ''
    if (from === 'register') {
      const field = p.kind === 'register' ? p.field : null
      return html`${top}
        <main class="page">
          <form class="card grid-join" data-form="grid-register" novalidate>
            <h2>${w(lang, 'join')}</h2>
            <p class="muted">${w(lang, 'joinIntro')}</p>
            <label for="gr-name">${w(lang, 'name')}</label>
            <input
              id="gr-name"
              name="reporterName"
              autocomplete="name"
              maxlength="40"
              value="${this.#name}"
              ${field === 'name' ? html` aria-invalid="true"` : ''}
            />
            <label for="gr-phone">${w(lang, 'phone')}</label>
            <input
              id="gr-phone"
              name="reporterPhone"
              type="tel"
              inputmode="tel"
              autocomplete="tel"
              value="${this.#phone}"
              ${field === 'phone' ? html` aria-invalid="true"` : ''}
            />
            <p class="muted">${w(lang, 'township')}</p>
            ${alert}
            <button class="btn btn-primary btn-wide" type="submit" ${busy ? ' disabled' : ''}>
              ${w(lang, busy ? 'sending' : 'getCode')}
            </button>
          </form>
        </main>`
    }
    const resendTs = p.kind === 'code' ? p.resendTs : null
    const wait = resendTs === null ? null : Math.max(0, Math.ceil((resendTs - this.now()) / 1000))
    return html`${top}
      <main class="page">
        <form class="card grid-code" data-form="grid-code" novalidate>
          <p class="ok" role="status">${w(lang, 'codeSent', { phone: this.#masked })}</p>
          <label for="gr-code">${w(lang, 'code')}</label>
          <input id="gr-code" name="reporterCode" inputmode="numeric" autocomplete="one-time-code" maxlength="8" />
          ${alert}
          <button class="btn btn-primary btn-wide" type="submit" ${busy ? ' disabled' : ''}>
            ${w(lang, busy ? 'sending' : 'confirm')}
          </button>
          ${
            resendTs === null
              ? ''
              : html`<button
                  type="button"
                  class="btn btn-secondary"
                  data-action="grid-resend"
                  ${wait ? ' disabled' : ''}
                >
                  ${wait ? w(lang, 'resendIn', { s: wait }) : w(lang, 'resend')}
                </button>`
          }
        </form>
      </main>`
  }

  #mine(d: Mine, lang: Lang): Html {
    const points = (r: Mine['reports'][number]): string =>
      r.points > 0
        ? `+${r.points}`
        : r.revokedAt
          ? w(lang, 'revoked')
          : r.status === 'open' || r.status === 'assigned'
            ? w(lang, 'pending')
            : w(lang, 'noPoints')
    return html`<main class="page">
      <section class="card grid-me" data-grid-reporter="${d.reporter.id}">
        <p><b>${w(lang, 'reporter', { name: d.reporter.name, township: d.reporter.townshipName })}</b></p>
        <div class="grid-points" style="display:flex;gap:2em">
          <p style="white-space:nowrap">
            <span style="font-size:2em;font-weight:bold" data-points="month">${d.points.month}</span>
            ${w(lang, 'month')}
          </p>
          <p style="white-space:nowrap">
            <span style="font-size:2em;font-weight:bold" data-points="total">${d.points.total}</span>
            ${w(lang, 'total')}
          </p>
        </div>
        <a class="btn btn-secondary" href="#report">${w(lang, 'report')}</a>
      </section>
      ${
        d.reports.length === 0
          ? html`<p class="empty">${w(lang, 'none')}</p>`
          : html`<ol class="reports">
              ${d.reports.map(
                (r) =>
                  html`<li class="card report-item" data-grid-report="${r.id}">
                    <p>
                      <b>${t(lang, `cat_${r.category}` as 'cat_other')}</b>
                      <span class="pill">${t(lang, `tstatus_${r.status}`)}</span>
                      <b class="grid-pts${r.points > 0 ? ' ok' : ''}" style="float:right" data-report-points
                        >${points(r)}</b
                      >
                    </p>
                    <p class="muted">${r.stopName} · ${day(r.reportedAt)}</p>
                  </li>`,
              )}
            </ol>`
      }
    </main>`
  }
}

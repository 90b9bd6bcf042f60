/**
 * Notices and drivers' surveys on the driver page: the list comes from the server (listing them
 * is their delivery receipt), a live `notice` push makes the page list them again, and opening a
 * notice sends its read receipt. Unread notices stay pinned on top of every screen until opened.
 */
import './notices.css'
import { ApiError, request } from '../api.js'
import type { Lang } from '../model.js'
import {
  noticePage,
  noticesLink,
  noticesPage,
  pinned,
  readAnswers,
  surveyPage,
  type DriverNotice,
  type DriverSurvey,
} from './views.js'

export class NoticesScreen {
  notices: DriverNotice[] | null = null
  unread = 0
  surveys: DriverSurvey[] = []
  /** Notice pushes received (the end-to-end test reads it). */
  pushes = 0
  #survey = { busy: false, error: null as string | null, errorField: null as string | null, done: new Set<number>() }

  constructor(private readonly o: { render(): void; lang(): Lang }) {}

  async load(): Promise<void> {
    try {
      const [n, s] = await Promise.all([
        request<{ unread: number; items: DriverNotice[] }>('GET', '/api/driver/notices'),
        request<{ items: DriverSurvey[] }>('GET', '/api/driver/surveys'),
      ])
      Object.assign(this, { notices: n.items, unread: n.unread, surveys: s.items })
    } catch {
      // The trips screen still works; the next push or visit lists them.
    }
    this.o.render()
  }

  /** A notice (or its reminder) was pushed: list them again, and buzz. */
  onPush(): void {
    this.pushes++
    void this.load()
    navigator.vibrate?.([200, 100, 200])
  }

  /** Opening a notice is reading it: the receipt goes to the server once. */
  async open(id: number): Promise<void> {
    const n = this.notices?.find((x) => x.id === id)
    if (!n) await this.load()
    const cur = this.notices?.find((x) => x.id === id)
    if (!cur || cur.readTs !== null) return
    try {
      const r = await request<{ readTs: number }>('POST', `/api/driver/notices/${id}/read`)
      cur.readTs = r.readTs
      this.unread = Math.max(0, this.unread - 1)
    } catch {
      // Stays unread on the server; it is sent again when the notice is next opened.
    }
    this.o.render()
  }

  bar(lang: Lang): string {
    return noticesLink(lang, this.unread)
  }

  pinnedHtml(lang: Lang): string {
    return pinned(lang, this.notices ?? [], this.surveys)
  }

  listHtml(lang: Lang): string {
    return noticesPage(lang, this.notices)
  }

  noticeHtml(lang: Lang, id: number): string {
    return noticePage(
      lang,
      this.notices?.find((x) => x.id === id),
    )
  }

  surveyHtml(lang: Lang, id: number): string {
    const s = this.#survey
    return surveyPage(
      lang,
      this.surveys.find((x) => x.id === id),
      { busy: s.busy, error: s.error, errorField: s.errorField, done: s.done.has(id) },
    )
  }

  /** The survey form was sent; answers whether it was ours. */
  onSubmit(form: HTMLFormElement): boolean {
    if (!form.classList.contains('survey-form')) return false
    const id = Number(form.dataset.survey)
    const survey = this.surveys.find((x) => x.id === id)
    if (!survey || this.#survey.busy) return true
    const answers = readAnswers(form, survey.questions)
    this.#survey.busy = true
    this.o.render()
    request('POST', `/api/driver/surveys/${id}/answers`, { answers })
      .then(
        () => {
          Object.assign(this.#survey, { error: null, errorField: null })
          this.#survey.done.add(id)
          survey.answered = true
        },
        (err: unknown) => {
          this.#survey.error = err instanceof ApiError ? err.message : String(err)
          this.#survey.errorField =
            err instanceof ApiError && typeof err.details?.field === 'string' ? err.details.field : null
          if (err instanceof ApiError && err.code === 'SURVEY_ANSWERED') survey.answered = true
        },
      )
      .finally(() => {
        this.#survey.busy = false
        this.o.render()
      })
    return true
  }
}

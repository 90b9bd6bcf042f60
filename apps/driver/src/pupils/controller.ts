/**
 * The student-run roll call on the driver's page: loads today's student runs and one run's
 * pupils, takes taps into the phone's queue at once (the screen answers without the network),
 * and sends the queue whenever there is a signal — after a tap, when the browser comes back
 * online, when the live socket reconnects, and every few seconds while something waits.
 */
import './pupils.css'
import { ApiError, request } from '../api.js'
import type { Lang } from '../model.js'
import type { PendingTap, RunView, StudentRunSummary, Tap } from './model.js'
import { newOpId, TapQueue, withPending } from './queue.js'
import { studentRunsCard, pupilsPage } from './views.js'
import { w } from './words.js'

const RETRY_MS = 10_000
const REFRESH_MS = 15_000

export class PupilsScreen {
  runs: StudentRunSummary[] | null = null
  runId: string | null = null
  view: RunView | null = null
  error: string | null = null
  adding: string | null = null
  addError: string | null = null
  busy = false
  syncing = false
  /** Taps sent and taken by the server (the end-to-end test reads it). */
  sent = 0
  #queue: TapQueue
  #flushing: Promise<void> | null = null
  #timer: ReturnType<typeof setInterval>

  constructor(private readonly o: { render(): void; lang(): Lang; storageKey: string }) {
    this.#queue = new TapQueue(localStorage, o.storageKey)
    window.addEventListener('online', () => void this.flush())
    this.#timer = setInterval(
      () => {
        if (this.#queue.items.length > 0) void this.flush()
        else if (this.runId && document.visibilityState === 'visible') void this.load()
      },
      Math.min(RETRY_MS, REFRESH_MS),
    )
  }

  get pending(): number {
    return this.#queue.items.length
  }

  /** Today's student runs of the signed-in driver (for the trips screen). */
  async loadRuns(): Promise<void> {
    try {
      this.runs = (await request<{ items: StudentRunSummary[] }>('GET', '/api/driver/student-runs')).items
    } catch {
      // Not a reason to fail the trips screen: the card just does not show.
    }
  }

  open(runId: string): void {
    if (this.runId !== runId) Object.assign(this, { view: null, error: null, adding: null, addError: null })
    this.runId = runId
  }

  close(): void {
    this.runId = null
  }

  async load(): Promise<void> {
    const id = this.runId
    if (!id) return
    try {
      const view = await request<RunView>('GET', `/api/student-runs/${encodeURIComponent(id)}`)
      if (this.runId === id) Object.assign(this, { view, error: null })
    } catch (err) {
      if (this.runId === id && !this.view)
        this.error = err instanceof ApiError ? err.message : w(this.o.lang(), 'pending', { n: this.pending })
    }
    this.o.render()
  }

  /** The roll call as it stands on this phone (the server's, with the taps still waiting). */
  html(lang: Lang, live: boolean | null): string {
    const view = this.view && this.runId ? withPending(this.view, this.#queue.of(this.runId)) : null
    const expected = new Set(view?.stops.flatMap((s) => s.boarding.map((e) => e.pupilId)) ?? [])
    const roster = (view?.stops.flatMap((s) => s.boarding) ?? [])
      .filter((e, i, all) => all.findIndex((x) => x.pupilId === e.pupilId) === i && expected.has(e.pupilId))
      .map((e) => ({ pupilId: e.pupilId, name: e.name, className: e.className }))
    return pupilsPage(lang, view, {
      live,
      error: this.error,
      pending: this.runId ? this.#queue.of(this.runId).length : 0,
      syncing: this.syncing,
      busy: this.busy,
      roster,
      adding: this.adding,
      addError: this.addError,
    })
  }

  card(lang: Lang): string {
    return studentRunsCard(lang, this.runs)
  }

  #tap(t: Omit<PendingTap, 'opId' | 'runId' | 'ts'>): void {
    if (!this.runId) return
    this.#queue.add({ ...t, opId: newOpId(Date.now()), runId: this.runId, ts: Date.now() })
    this.o.render()
    void this.flush()
  }

  /** Handles a click on the roll call; false when it is not ours. */
  onClick(target: EventTarget | null): boolean {
    const el = (target as HTMLElement | null)?.closest<HTMLElement>('[data-tap],[data-action]')
    if (!el || !this.runId) return false
    if (el.dataset.tap) {
      const subject = el.dataset.subject
      const extraKey = subject?.startsWith('x:') ? subject.slice(2) : null
      const pupilId = el.dataset.pupil
        ? Number(el.dataset.pupil)
        : subject?.startsWith('p:')
          ? Number(subject.slice(2))
          : null
      this.#tap({
        pupilId,
        extraKey,
        extraName: null,
        status: el.dataset.tap as Tap,
        stopCode: el.dataset.stop ?? null,
        reason: null,
      })
      return true
    }
    if (el.dataset.action === 'add-open') {
      Object.assign(this, { adding: el.dataset.stop ?? null, addError: null })
      this.o.render()
      return true
    }
    if (el.dataset.action === 'confirm-empty') {
      void this.#confirmEmpty()
      return true
    }
    return false
  }

  /** The add-a-rider form; false when the form is not ours. */
  onSubmit(form: HTMLFormElement): boolean {
    if (!form.classList.contains('add-rider')) return false
    const data = new FormData(form)
    const reason = String(data.get('reason') ?? '').trim()
    const picked = String(data.get('pupilId') ?? '')
    const name = String(data.get('name') ?? '').trim()
    if (!reason || (!picked && !name)) {
      this.addError = w(this.o.lang(), 'reasonNeeded')
      this.o.render()
      return true
    }
    const stopCode = form.dataset.stop ?? null
    this.adding = null
    if (picked)
      this.#tap({ pupilId: Number(picked), extraKey: null, extraName: null, status: 'boarded', stopCode, reason })
    else
      this.#tap({
        pupilId: null,
        extraKey: newOpId(Date.now()).slice(1),
        extraName: name,
        status: 'boarded',
        stopCode,
        reason,
      })
    return true
  }

  /** Sends what waits, run by run, in tap order; a signal lost keeps it for the next try. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = null
    })
    return this.#flushing
  }

  async #flushAll(): Promise<void> {
    for (let round = 0; round < 20 && this.#queue.items.length > 0; round++) {
      const runId = (this.#queue.items[0] as PendingTap).runId
      const taps = this.#queue.of(runId)
      this.syncing = true
      this.o.render()
      try {
        const r = await request<{ stored: number; skipped: number; view: RunView }>(
          'POST',
          `/api/student-runs/${encodeURIComponent(runId)}/checks`,
          {
            marks: taps.map((t) => ({
              opId: t.opId,
              pupilId: t.pupilId,
              extraKey: t.extraKey,
              extraName: t.extraName,
              status: t.status,
              stopCode: t.stopCode,
              ts: t.ts,
              reason: t.reason,
            })),
          },
        )
        this.#queue.remove(taps.map((t) => t.opId))
        this.sent += r.stored
        if (this.runId === runId) Object.assign(this, { view: r.view, error: null })
      } catch (err) {
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 401) break
        // The server refused a tap (it names which): drop that one, say why, send the rest.
        const index = Number(/^marks\[(\d+)\]/.exec(err.message)?.[1] ?? 0)
        const bad = (taps[index] ?? taps[0]) as PendingTap
        this.#queue.remove([bad.opId])
        this.error = w(this.o.lang(), 'refused', { why: err.message })
      } finally {
        this.syncing = false
      }
    }
    this.o.render()
  }

  async #confirmEmpty(): Promise<void> {
    const id = this.runId
    if (!id || this.busy) return
    this.busy = true
    this.o.render()
    try {
      await this.flush()
      const r = await request<{ view: RunView }>('POST', `/api/student-runs/${encodeURIComponent(id)}/confirm-empty`)
      if (this.runId === id) Object.assign(this, { view: r.view, error: null })
    } catch (err) {
      this.error = err instanceof ApiError ? err.message : w(this.o.lang(), 'pending', { n: this.pending })
    } finally {
      this.busy = false
      this.o.render()
    }
  }

  dispose(): void {
    clearInterval(this.#timer)
  }
}

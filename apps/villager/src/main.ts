/**
 * The villager page in the browser. The server has already painted the stop page and left its
 * data in #rb-boot; this script takes over: live departures from the stop's room, the departure
 * view (where the bus is, who drives), booking, "my bookings", and reports that wait on the phone
 * while there is no connection. Views are strings (views/*), re-rendered on change.
 */
import './styles.css'
import { api, ApiError, NetworkError, sendReport } from './api.js'
import { Bookings, submit, type BookingRequest } from './booking.js'
import { errorText, isLang, t } from './i18n.js'
import { connectStop } from './live.js'
import type { BootData, CrewView, Lang, StopArrival, StopArrivalsUpdate, TripStopsView } from './model.js'
import { ReportOutbox, type ReportCategory } from './outbox.js'
import { shrinkPhoto } from './photo.js'
import { BOOT_ID } from './ssr.js'
import { deviceStore, KEYS, randomKey, readJson, writeJson } from './store.js'
import { bookPage, MAX_SEATS, type BookForm, type BookPhase } from './views/book.js'
import { minePage } from './views/mine.js'
import { reportPage, type ReportForm, type ReportNotice } from './views/report.js'
import { banner, stopPage, type Connection } from './views/stop.js'
import { tripPage, type Loadable } from './views/trip.js'

type View = { name: 'stop' } | { name: 'trip'; id: string } | { name: 'book'; id: string } | { name: 'mine' } | { name: 'report' }

const root = document.getElementById('app') as HTMLElement
const bootEl = document.getElementById(BOOT_ID)
const booted = bootEl ? (JSON.parse(bootEl.textContent ?? '{}') as { boot: BootData; lang: Lang }) : null
const store = deviceStore()

const state = {
  boot: booted?.boot ?? ({ code: location.pathname.split('/')[2]?.toUpperCase() ?? '', stop: null, routes: [], arrivals: [], ts: Date.now() } as BootData),
  lang: booted?.lang ?? 'zh',
  /** Server clock minus the phone's clock, ms. */
  skewMs: 0,
  updatedTs: null as number | null,
  navigatorOnline: navigator.onLine,
  /** The server answered lately (socket or HTTP): the "offline" banner is down. */
  reachable: true,
  socketUp: false,
  view: { name: 'stop' } as View,
  /** Every departure seen, by trip instance (a bus that left this stop drops out of the list). */
  known: new Map<string, StopArrival>(),
  tripStops: new Map<string, Loadable<TripStopsView>>(),
  crews: new Map<string, Loadable<CrewView>>(),
  bookForm: { alightStop: null, seats: 1, name: '', phone: '' } as BookForm,
  bookFor: null as string | null,
  bookPhase: { kind: 'form', error: null } as BookPhase,
  mineBusy: null as string | null,
  mineError: null as string | null,
  reportForm: { category: null, note: '', photo: null } as ReportForm,
  reportNotice: null as ReportNotice,
}

const now = (): number => Date.now() + state.skewMs
const code = state.boot.code
const bookings = new Bookings(store, () => randomKey('bk'), Date.now)
const outbox = new ReportOutbox(store, sendReport, Date.now, () => randomKey('rp'))

const connection = (): Connection => ({ online: state.navigatorOnline && state.reachable, updatedTs: state.updatedTs })

function setArrivals(u: StopArrivalsUpdate): void {
  state.boot.arrivals = u.arrivals
  state.updatedTs = u.ts
  state.skewMs = u.ts - Date.now()
  for (const a of u.arrivals) {
    const before = state.known.get(a.tripInstanceId)
    state.known.set(a.tripInstanceId, a)
    // Another driver took the wheel (IC card, driver page) or another bus took the trip: the driver card follows.
    if (before && state.crews.has(a.tripInstanceId) && (before.driverCode !== a.driverCode || before.vehicleId !== a.vehicleId)) refreshCrew(a.tripInstanceId)
  }
  writeJson(store, KEYS.lastArrivals(code), u)
}

/** Fetches a crew again, keeping the card shown until the new one arrives. */
function refreshCrew(id: string): void {
  api.crew(id).then(
    (value) => {
      state.crews.set(id, { state: 'ready', value })
      if (state.view.name === 'trip' && state.view.id === id) render()
    },
    () => {},
  )
}

// ── Rendering ──

function parseView(hash: string): View {
  const [name, id] = hash.replace(/^#/, '').split('/', 2)
  if (name === 't' && id) return { name: 'trip', id: decodeURIComponent(id) }
  if (name === 'b' && id) return { name: 'book', id: decodeURIComponent(id) }
  if (name === 'mine') return { name: 'mine' }
  if (name === 'report') return { name: 'report' }
  return { name: 'stop' }
}

function render(): void {
  const lang = state.lang
  const v = state.view
  let out: string
  switch (v.name) {
    case 'stop':
      out = stopPage(state.boot, lang, now(), connection()).value
      break
    case 'trip': {
      const a = state.known.get(v.id)
      if (!a) return go('')
      out = tripPage(a, code, state.tripStops.get(v.id) ?? { state: 'loading' }, state.crews.get(v.id) ?? { state: 'loading' }, lang, now(), connection()).value
      break
    }
    case 'book': {
      const a = state.known.get(v.id)
      if (!a) return go('')
      out = bookPage(a, code, state.tripStops.get(v.id) ?? { state: 'loading' }, state.bookForm, state.bookPhase, lang).value
      break
    }
    case 'mine':
      out = minePage(bookings.list(), lang, now(), state.mineBusy, state.mineError).value
      break
    case 'report':
      out = reportPage(state.reportForm, state.reportNotice, outbox.queued(), outbox.sent(), lang, connection()).value
      break
  }
  root.innerHTML = out
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
}

/** Live changes redraw the views that show live data; forms are left as they are, only the banner changes. */
function renderLive(): void {
  if (state.view.name === 'stop' || state.view.name === 'trip') return render()
  const el = root.querySelector('[data-live="banner"]')
  if (el) el.outerHTML = banner(state.lang, connection()).value
}

function go(hash: string): void {
  if (location.hash.replace(/^#/, '') === hash) onRoute()
  else location.hash = hash
}

function onRoute(): void {
  state.view = parseView(location.hash)
  const v = state.view
  if (v.name === 'trip' || v.name === 'book') loadTrip(v.id)
  if (v.name === 'trip') loadCrew(v.id)
  if (v.name === 'book') prepareBooking(v.id)
  if (v.name === 'mine') void refreshBookings()
  if (v.name === 'report') {
    state.reportNotice = null
    void outbox.refreshStatuses(async (id) => (await api.reportStatus(id)).status).then(() => state.view.name === 'report' && render())
  }
  render()
  window.scrollTo(0, 0)
}

// ── Data on demand ──

function load<T>(cache: Map<string, Loadable<T>>, id: string, fetcher: () => Promise<T>): void {
  const cur = cache.get(id)
  if (cur && cur.state !== 'failed') return
  cache.set(id, { state: 'loading' })
  fetcher().then(
    (value) => cache.set(id, { state: 'ready', value }),
    () => cache.set(id, { state: 'failed' }),
  ).finally(() => {
    const v = state.view
    if ((v.name === 'trip' || v.name === 'book') && v.id === id) render()
  })
}

const loadTrip = (id: string): void => load(state.tripStops, id, () => api.tripStops(id))
const loadCrew = (id: string): void => load(state.crews, id, () => api.crew(id))

async function refreshArrivals(): Promise<void> {
  try {
    setArrivals(await api.arrivals(code))
    state.reachable = true
  } catch (err) {
    if (err instanceof NetworkError) state.reachable = false
  }
  renderLive()
}

// ── Booking ──

function prepareBooking(id: string): void {
  if (state.bookFor === id && state.bookPhase.kind !== 'done') return
  const pending = bookings.pending()
  const profile = bookings.profile()
  state.bookFor = id
  if (pending && pending.request.tripInstanceId === id) {
    // An attempt whose answer never came: show it as sent, "try again" resends the same key.
    const r = pending.request
    state.bookForm = { alightStop: r.alightStop, seats: r.seats, name: r.name, phone: r.phone }
    state.bookPhase = { kind: 'unreachable' }
    return
  }
  state.bookForm = { alightStop: null, seats: 1, name: profile?.name ?? '', phone: profile?.phone ?? '' }
  state.bookPhase = { kind: 'form', error: null }
}

function bookingRequest(id: string): BookingRequest | string {
  const f = state.bookForm
  if (!f.alightStop) return t(state.lang, 'needStop')
  if (!f.name.trim()) return t(state.lang, 'needName')
  if (f.phone.replace(/\D/g, '').length < 7) return t(state.lang, 'needPhone')
  return { tripInstanceId: id, boardStop: code, alightStop: f.alightStop, seats: f.seats, name: f.name.trim(), phone: f.phone.trim() }
}

async function book(id: string): Promise<void> {
  const req = bookingRequest(id)
  if (typeof req === 'string') {
    state.bookPhase = { kind: 'form', error: req }
    return render()
  }
  const attempt = bookings.attemptFor(req)
  state.bookPhase = { kind: 'sending', retryNo: null }
  render()
  const outcome = await submit(bookings, attempt, {
    send: (a) => api.book({ ...a.request, waitlist: true }, a.key),
    onRetry: (n) => {
      state.bookPhase = { kind: 'sending', retryNo: n }
      if (state.view.name === 'book') render()
    },
  })
  if (outcome.kind === 'booked') state.bookPhase = { kind: 'done', booking: outcome.booking }
  else if (outcome.kind === 'refused') state.bookPhase = { kind: 'form', error: errorText(state.lang, outcome.error.code, outcome.error.message) }
  else state.bookPhase = { kind: 'unreachable' }
  if (state.view.name === 'book') render()
}

/** A booking sent before the page was closed, answer unseen: send it again (same key) so it gets its code. */
async function resumePendingBooking(): Promise<void> {
  const pending = bookings.pending()
  if (!pending) return
  await submit(bookings, pending, { send: (a) => api.book({ ...a.request, waitlist: true }, a.key), delaysMs: [] })
}

async function refreshBookings(): Promise<void> {
  state.mineError = null
  // Look-ups are rate-limited per address: only bookings that can still change, newest first.
  const open = bookings.list().filter((b) => b.view.status === 'confirmed' || b.view.status === 'waitlisted').slice(0, 5)
  for (const b of open) {
    try {
      bookings.update(await api.lookupBooking(b.code, b.phone))
    } catch {
      break
    }
  }
  if (state.view.name === 'mine') render()
}

async function cancelBooking(bookingCode: string): Promise<void> {
  const b = bookings.list().find((x) => x.code === bookingCode)
  if (!b || !window.confirm(t(state.lang, 'confirmCancel', { code: bookingCode }))) return
  state.mineBusy = bookingCode
  state.mineError = null
  render()
  try {
    bookings.update(await api.cancelBooking(b.code, b.phone))
  } catch (err) {
    state.mineError = err instanceof ApiError ? errorText(state.lang, err.code, err.message) : t(state.lang, 'offlineNoTime')
  }
  state.mineBusy = null
  if (state.view.name === 'mine') render()
}

// ── Reports ──

let flushTimer: ReturnType<typeof setTimeout> | undefined

/** Sends what waits (all of it with `force`) and sets the timer for the next try. */
function flushReports(force = false): void {
  clearTimeout(flushTimer)
  void outbox.flush(force).then(() => {
    // "Saved on the phone" is over once everything went.
    if (state.reportNotice === 'queued' && !outbox.queued().some((q) => q.state === 'queued')) state.reportNotice = 'sent'
    if (state.view.name === 'report') render()
    const due = outbox.nextDueTs()
    if (due !== null) flushTimer = setTimeout(() => flushReports(), Math.max(1000, due - Date.now()))
  })
}

function sendReportForm(): void {
  const f = state.reportForm
  if (!f.category) {
    state.reportNotice = 'need_category'
    return render()
  }
  const r = outbox.add({ stopCode: code, category: f.category, note: f.note.trim() || null, photo: f.photo })
  state.reportForm = { category: null, note: '', photo: null }
  if (!connection().online) {
    state.reportNotice = 'queued'
    render()
    return
  }
  state.reportNotice = 'sending'
  render()
  void outbox.flush(true).then(() => {
    state.reportNotice = outbox.queued().some((q) => q.key === r.key) ? 'queued' : 'sent'
    if (state.view.name === 'report') render()
    flushReports()
  })
}

// ── Language ──

function setLang(lang: Lang): void {
  state.lang = lang
  store.set(KEYS.lang, lang)
  // The server paints the next visit in this language too.
  document.cookie = `rb_lang=${lang}; path=/s; max-age=31536000; samesite=lax`
  const url = new URL(location.href)
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
  }
  render()
}

// ── Events (delegated: the markup is replaced on every render) ──

root.addEventListener('click', (e) => {
  const el = (e.target as Element).closest<HTMLElement>('[data-action]')
  if (!el) return
  const action = el.dataset.action ?? ''
  switch (action) {
    case 'lang':
      e.preventDefault()
      return setLang(state.lang === 'zh' ? 'en' : 'zh')
    case 'back':
      e.preventDefault()
      if (state.view.name === 'book' && state.bookPhase.kind !== 'done') return go(`t/${state.view.id}`)
      return go('')
    case 'seats-':
    case 'seats+':
      state.bookForm.seats = Math.min(MAX_SEATS, Math.max(1, state.bookForm.seats + (action === 'seats+' ? 1 : -1)))
      return render()
    case 'category':
      state.reportForm.category = el.dataset.category as ReportCategory
      state.reportNotice = null
      return render()
    case 'cancel-booking':
      return void cancelBooking(el.dataset.code ?? '')
    case 'discard-report':
      outbox.discard(el.dataset.key ?? '')
      return render()
    default:
      return
  }
})

root.addEventListener('input', (e) => {
  const el = e.target as HTMLInputElement
  if (el.name === 'name') state.bookForm.name = el.value
  else if (el.name === 'phone') state.bookForm.phone = el.value
  else if (el.name === 'note') state.reportForm.note = el.value
})

root.addEventListener('change', (e) => {
  const el = e.target as HTMLInputElement
  if (el.name === 'alightStop') state.bookForm.alightStop = el.value
  if (el.name === 'photo' && el.files?.[0]) {
    void shrinkPhoto(el.files[0]).then((photo) => {
      state.reportForm.photo = photo
      if (state.view.name === 'report') render()
    })
  }
})

root.addEventListener('submit', (e) => {
  const form = e.target as HTMLFormElement
  const kind = form.dataset.form ?? form.dataset.action
  if (kind === 'book' && state.view.name === 'book') {
    e.preventDefault()
    if (state.bookPhase.kind !== 'sending') void book(state.view.id)
  } else if (kind === 'report') {
    e.preventDefault()
    sendReportForm()
  } else if (kind === 'goto') {
    e.preventDefault()
    const typed = (new FormData(form).get('code') ?? '').toString().trim().toUpperCase()
    if (typed) location.href = `/s/${encodeURIComponent(typed)}`
  }
})

window.addEventListener('hashchange', onRoute)
window.addEventListener('online', () => {
  state.navigatorOnline = true
  void refreshArrivals()
  flushReports(true)
})
window.addEventListener('offline', () => {
  state.navigatorOnline = false
  renderLive()
})
window.addEventListener('pageshow', (e) => {
  if (e.persisted) void refreshArrivals()
})

// ── Start ──

function start(): void {
  const stored = readJson<StopArrivalsUpdate | null>(store, KEYS.lastArrivals(code), null)
  const boot = state.boot
  // The newer of what the server sent and what this phone saw last (a page from the browser's cache).
  setArrivals(stored && stored.ts > boot.ts ? stored : { stopCode: code, ts: boot.ts, arrivals: boot.arrivals })
  const remembered = store.get(KEYS.lang)
  const asked = new URL(location.href).searchParams.get('lang')
  if (!asked && isLang(remembered) && remembered !== state.lang) state.lang = remembered
  if (asked && isLang(asked)) setLang(asked)
  onRoute()
  // When the script took over, ms after navigation (the end-to-end test prints it).
  document.documentElement.dataset.ready = String(Math.round(performance.now()))
  if (!boot.stop) return

  let downTimer: ReturnType<typeof setTimeout> | undefined
  connectStop(code, {
    onArrivals(u) {
      setArrivals(u)
      state.reachable = true
      renderLive()
    },
    onUp() {
      clearTimeout(downTimer)
      // Where an end-to-end test (or a curious person) sees that the live room is joined.
      document.documentElement.dataset.live = 'up'
      document.documentElement.dataset.liveAt ??= String(Math.round(performance.now()))
      state.socketUp = true
      state.reachable = true
      void refreshArrivals()
      flushReports(true)
    },
    onDown() {
      state.socketUp = false
      document.documentElement.dataset.live = 'down'
      // A moment without the socket is normal on 3G; when it lasts, HTTP says whether the server is reachable.
      clearTimeout(downTimer)
      downTimer = setTimeout(() => void refreshArrivals(), 8000)
    },
  })
  // "in 5 min" counts down; without the socket the departures come over HTTP.
  setInterval(() => {
    if (state.view.name === 'stop' || state.view.name === 'trip') render()
  }, 20_000)
  setInterval(() => {
    if (!state.socketUp) void refreshArrivals()
  }, 30_000)
  flushReports(true)
  void resumePendingBooking()
}

start()

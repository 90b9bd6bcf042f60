/**
 * The villager page in the browser. The server has already painted the stop page and left its
 * data in #rb-boot; this script takes over: live departures from the stop's room, the departure
 * view (where the bus is, who drives), booking, "my bookings", and reports that wait on the phone
 * while there is no connection. Views are strings (views/*), re-rendered on change.
 */
import './styles.css'
import { api, ApiError, NetworkError, refusedField, reporterToken, request, sendReport } from './api.js'
import { Bookings, submit, type BookingRequest } from './booking.js'
import { errorText, isLang, t, type MessageKey } from './i18n.js'
import { isNewerArrivals, newerBookings } from './freshness.js'
import { connectStop } from './live.js'
import type {
  AheadData,
  BookingView,
  BootData,
  CrewView,
  Lang,
  PlannedDeparture,
  ReminderView,
  StopArrival,
  StopArrivalsUpdate,
  StopTimetable,
  TripBookingState,
  TripStopsView,
} from './model.js'
import { ReportOutbox, type ReportCategory } from './outbox.js'
import { shrinkPhoto } from './photo.js'
import { BOOT_ID } from './ssr.js'
import { deviceStore, KEYS, randomKey, readJson, writeJson } from './store.js'
import type * as LazyViews from './lazy.js'
import type { BookField, BookForm, BookPhase } from './views/book.js'
import { pageContext } from './views/context.js'
import type { RemindForm, RemindPhase } from './views/remind.js'
import type { ReportForm, ReportNotice } from './views/report.js'
import { banner, stopName, stopPage, type Connection } from './views/stop.js'
import { tripPage, type Loadable } from './views/trip.js'
import { statusWords, whenWords } from './words.js'

type View =
  | { name: 'stop' }
  | { name: 'trip'; id: string }
  | { name: 'book'; id: string }
  | { name: 'remind'; id: string }
  | { name: 'mine' }
  | { name: 'report' }
  | { name: 'week' }
  | { name: 'survey'; id: number; invite: string | null }
  | { name: 'rate'; key: string }
  | { name: 'grid' }

const root = document.getElementById('app') as HTMLElement
const bootEl = document.getElementById(BOOT_ID)
const booted = bootEl ? (JSON.parse(bootEl.textContent ?? '{}') as { boot: BootData; lang: Lang }) : null
const store = deviceStore()

/** Most seats in one booking (the booking API's limit). */
const MAX_SEATS = 6

/** The views a first visit does not need, loaded on first use (lazy.ts). */
let lazy: typeof LazyViews | null = null
let lazyLoading: Promise<void> | null = null
let lazyFailed = false

function loadLazy(): Promise<void> {
  lazyLoading ??= import('./lazy.js').then(
    (m) => {
      lazy = m
      lazyFailed = false
      if (state.view.name !== 'stop' && state.view.name !== 'trip') render()
    },
    () => {
      lazyLoading = null
      lazyFailed = true
      if (state.view.name !== 'stop' && state.view.name !== 'trip') render()
    },
  )
  return lazyLoading
}

const state = {
  boot:
    booted?.boot ??
    ({
      code: location.pathname.split('/')[2]?.toUpperCase() ?? '',
      stop: null,
      routes: [],
      arrivals: [],
      ts: Date.now(),
    } as BootData),
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
  bookForm: {
    alightStop: null,
    seats: 1,
    name: '',
    phone: '',
    forFamily: false,
    riderName: '',
    riderPhone: '',
  } as BookForm,
  bookFor: null as string | null,
  bookPhase: { kind: 'form', error: null } as BookPhase,
  mineBusy: null as string | null,
  mineError: null as string | null,
  reportForm: { category: null, note: '', photo: null } as ReportForm,
  reportNotice: null as ReportNotice,
  timetable: null as Loadable<StopTimetable> | null,
  remindForm: { phone: '', stopsBefore: 2 } as RemindForm,
  remindFor: null as string | null,
  remindPhase: { kind: 'form', error: null } as RemindPhase,
  /** Villagers' surveys open now: a link on the stop page. */
  surveys: [] as { id: number; title: string }[],
  survey: null as LazyViews.SurveyFlow | null,
  rate: null as LazyViews.RateFlow | null,
  grid: null as LazyViews.GridFlow | null,
}

const now = (): number => Date.now() + state.skewMs
const code = state.boot.code
const bookings = new Bookings(store, () => randomKey('bk'), Date.now)
const outbox = new ReportOutbox(store, sendReport, Date.now, () => randomKey('rp'))
reporterToken.get = () => readJson<{ token: string } | null>(store, KEYS.gridReporter, null)?.token ?? null
reporterToken.forget = () => store.remove(KEYS.gridReporter)

const connection = (): Connection => ({ online: state.navigatorOnline && state.reachable, updatedTs: state.updatedTs })

// ── Feedback where the eye is: a toast above the bottom bar, read out by screen readers ──

const toastEl = document.createElement('div')
toastEl.className = 'toast'
toastEl.setAttribute('role', 'status')
toastEl.setAttribute('aria-live', 'assertive')
toastEl.hidden = true
document.body.append(toastEl)
let toastTimer: ReturnType<typeof setTimeout> | undefined

function toast(text: string, tone: 'ok' | 'warn' | 'bad'): void {
  toastEl.textContent = text
  toastEl.className = `toast toast-${tone}`
  toastEl.hidden = false
  toastEl.dataset.tone = tone
  clearTimeout(toastTimer)
  toastTimer = setTimeout(() => (toastEl.hidden = true), 8000)
}

/** After a render that shows an error next to a field: bring the field into view. */
function showFieldError(): void {
  const el = root.querySelector('[data-field-error]')
  if (el) el.scrollIntoView({ block: 'center' })
}

// ── Days ahead: planned departures are departures too (a trip 30 hours ahead opens like a live one) ──

const planned = new Set<string>()

function plannedArrival(p: PlannedDeparture): StopArrival {
  return {
    tripInstanceId: p.tripInstanceId,
    routeId: p.routeId,
    routeName: p.routeName,
    routeNameEn: p.routeNameEn,
    kind: p.kind,
    headsign: p.headsign,
    scheduledTs: p.scheduledTs,
    etaTs: null,
    status: p.status === 'cancelled' ? 'cancelled' : 'scheduled',
    delayS: null,
    punctuality: null,
    vehicleId: null,
    stopsAway: null,
    driverCode: null,
  } as StopArrival
}

function setAhead(a: AheadData): void {
  // A trip's booking state pushed after this answer was read stays (the answer would undo a booking).
  a.bookings = newerBookings(a.bookings, Object.values(state.boot.ahead?.bookings ?? {}))
  state.boot.ahead = a
  pageContext.hotline = a.hotline
  for (const p of [...a.departures, ...a.more]) {
    if (state.known.has(p.tripInstanceId) && !planned.has(p.tripInstanceId)) continue
    planned.add(p.tripInstanceId)
    state.known.set(p.tripInstanceId, plannedArrival(p))
  }
}

async function refreshAhead(): Promise<void> {
  try {
    setAhead(await api.ahead(code))
    renderLive()
  } catch {
    // Kept as it was; the next connection asks again.
  }
}

function setTripBookings(batch: readonly TripBookingState[]): void {
  const a = state.boot.ahead
  if (!a) return
  a.bookings = newerBookings(a.bookings, batch)
  for (const s of batch)
    if (a.bookings[s.tripInstanceId] === s && s.status === 'cancelled') a.cancelled[s.tripInstanceId] = s.cancelReason
}

/** A departure by trip instance: live, planned, or (a timetable link) built from its stops once loaded. */
function arrivalFor(id: string): StopArrival | 'loading' | null {
  const known = state.known.get(id)
  if (known) return known
  const stops = state.tripStops.get(id)
  if (!stops || stops.state === 'loading') return 'loading'
  if (stops.state === 'failed') return null
  const v = stops.value
  const here = v.stops.find((s) => s.code === code)
  if (!here) return null
  const a = plannedArrival({
    tripInstanceId: v.tripInstanceId,
    routeId: v.routeId,
    routeName: v.routeName,
    routeNameEn: v.routeNameEn,
    kind: 'regular',
    headsign: v.headsign,
    serviceDate: '',
    scheduledTs: here.scheduledTs,
    status: v.status,
    cancelReason: null,
  })
  planned.add(id)
  state.known.set(id, a)
  return a
}

function setArrivals(u: StopArrivalsUpdate): void {
  // An answer read before the last push is older than what is shown.
  if (!isNewerArrivals(state.updatedTs, u)) return
  state.boot.arrivals = u.arrivals
  state.updatedTs = u.ts
  state.skewMs = u.ts - Date.now()
  for (const a of u.arrivals) {
    const before = state.known.get(a.tripInstanceId)
    state.known.set(a.tripInstanceId, a)
    planned.delete(a.tripInstanceId)
    // Another driver took the wheel (IC card, driver page) or another bus took the trip: the driver card follows.
    if (
      before &&
      state.crews.has(a.tripInstanceId) &&
      (before.driverCode !== a.driverCode || before.vehicleId !== a.vehicleId)
    )
      refreshCrew(a.tripInstanceId)
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
  const q = /^#?q\/(\d+)(?:\/(sv-[0-9a-f]{24}))?$/.exec(hash)
  if (q) return { name: 'survey', id: Number(q[1]), invite: q[2] ?? null }
  const r = /^#?rate\/([A-Za-z0-9-]{4,40})$/.exec(hash)
  if (r) return { name: 'rate', key: r[1] as string }
  const [name, id] = hash.replace(/^#/, '').split('/', 2)
  if (name === 't' && id) return { name: 'trip', id: decodeURIComponent(id) }
  if (name === 'b' && id) return { name: 'book', id: decodeURIComponent(id) }
  if (name === 'r' && id) return { name: 'remind', id: decodeURIComponent(id) }
  if (name === 'week') return { name: 'week' }
  if (name === 'mine') return { name: 'mine' }
  if (name === 'report') return { name: 'report' }
  if (name === 'grid') return { name: 'grid' }
  return { name: 'stop' }
}

function render(): void {
  const lang = state.lang
  const v = state.view
  let out: string
  const views = lazy
  if (!views && v.name !== 'stop' && v.name !== 'trip') {
    if (!lazyFailed) void loadLazy()
    root.innerHTML = `<main class="page"><p class="muted">${t(lang, lazyFailed ? 'loadFailed' : 'loading')}</p></main>`
    return
  }
  switch (v.name) {
    case 'stop':
      out = stopPage(state.boot, lang, now(), connection(), state.surveys).value
      break
    case 'trip':
    case 'book':
    case 'remind': {
      const a = arrivalFor(v.id)
      if (a === null) return go('')
      if (a === 'loading') {
        out = `<main class="page"><p class="muted">${t(lang, 'loading')}</p></main>`
        break
      }
      const ahead = state.boot.ahead
      if (v.name === 'trip')
        out = tripPage(
          a,
          code,
          state.tripStops.get(v.id) ?? { state: 'loading' },
          state.crews.get(v.id) ?? { state: 'loading' },
          lang,
          now(),
          connection(),
          ahead?.bookings[v.id],
          ahead?.bookings[v.id]?.cancelReason ?? ahead?.cancelled[v.id],
        ).value
      else if (v.name === 'book')
        out = (views as typeof LazyViews).bookPage(
          a,
          code,
          state.tripStops.get(v.id) ?? { state: 'loading' },
          state.bookForm,
          state.bookPhase,
          lang,
          now(),
        ).value
      else out = (views as typeof LazyViews).remindPage(a, state.remindForm, state.remindPhase, lang).value
      break
    }
    case 'week':
      out = (views as typeof LazyViews).timetablePage(
        state.timetable ?? { state: 'loading' },
        state.boot.routes,
        lang,
        now(),
      ).value
      break
    case 'mine':
      out = (views as typeof LazyViews).minePage(
        bookings.list(),
        lang,
        now(),
        state.mineBusy,
        state.mineError,
        state.boot.ahead,
        reminders(),
      ).value
      break
    case 'survey':
      out = surveyFlow(views as typeof LazyViews).html(lang).value
      break
    case 'rate':
      out = rateFlow(views as typeof LazyViews).html(lang).value
      break
    case 'grid':
      out = gridFlow(views as typeof LazyViews).html(lang).value
      break
    case 'report':
      out = (views as typeof LazyViews).reportPage(
        state.reportForm,
        state.reportNotice,
        outbox.queued(),
        outbox.sent(),
        lang,
        connection(),
      ).value
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

/** The grid reporter's screen (registration, my reports and points), made once the lazy chunk is there. */
const gridFlow = (views: typeof LazyViews): LazyViews.GridFlow =>
  (state.grid ??= new views.GridFlow(store, () => state.view.name === 'grid' && render(), now))

/** The survey screen's flow, made once the lazy chunk is there. */
const surveyFlow = (views: typeof LazyViews): LazyViews.SurveyFlow =>
  (state.survey ??= new views.SurveyFlow(() => state.view.name === 'survey' && render()))

/** The phone a booking made here was made with (else the one remembered): it stands for the rider. */
const phoneFor = (code: string): string =>
  bookings.list().find((b) => b.code === code)?.phone ?? bookings.profile()?.phone ?? ''

/** The rating screen's flow, made once the lazy chunk is there. */
const rateFlow = (views: typeof LazyViews): LazyViews.RateFlow =>
  (state.rate ??= new views.RateFlow(() => state.view.name === 'rate' && render()))

async function refreshSurveys(): Promise<void> {
  const r = await request<{ items: { id: number; title: string }[] }>('/api/villager/surveys').catch(() => null)
  if (!r || JSON.stringify(r.items) === JSON.stringify(state.surveys)) return
  state.surveys = r.items
  if (state.view.name === 'stop') render()
}

function go(hash: string): void {
  if (location.hash.replace(/^#/, '') === hash) onRoute()
  else location.hash = hash
}

function onRoute(): void {
  state.view = parseView(location.hash)
  const v = state.view
  if (v.name === 'trip' || v.name === 'book' || v.name === 'remind') loadTrip(v.id)
  if (v.name === 'trip') loadCrew(v.id)
  if (v.name === 'book') prepareBooking(v.id)
  if (v.name === 'remind') prepareReminder(v.id)
  if (v.name === 'week') loadTimetable()
  if (v.name === 'survey') {
    const id = v.id
    const invite = v.invite
    void loadLazy().then(() => lazy && surveyFlow(lazy).open(id, invite, bookings.profile()?.phone ?? ''))
  }
  if (v.name === 'rate') {
    const key = v.key
    void loadLazy().then(() => lazy && rateFlow(lazy).open(key, phoneFor(key)))
  }
  if (v.name === 'grid') void loadLazy().then(() => lazy && gridFlow(lazy).open())
  if (v.name === 'mine') void refreshReminders()
  if (v.name === 'mine') void refreshBookings()
  if (v.name === 'report') {
    state.reportNotice = null
    void outbox
      .refreshStatuses(async (id) => (await api.reportStatus(id)).status)
      .then(() => state.view.name === 'report' && render())
  }
  render()
  window.scrollTo(0, 0)
}

// ── Data on demand ──

function load<T>(cache: Map<string, Loadable<T>>, id: string, fetcher: () => Promise<T>): void {
  const cur = cache.get(id)
  if (cur && cur.state !== 'failed') return
  cache.set(id, { state: 'loading' })
  fetcher()
    .then(
      (value) => cache.set(id, { state: 'ready', value }),
      () => cache.set(id, { state: 'failed' }),
    )
    .finally(() => {
      const v = state.view
      if ((v.name === 'trip' || v.name === 'book' || v.name === 'remind') && v.id === id) render()
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
  // Booked on this phone and held for its SMS code (the page was left or reloaded): enter the code, not book again.
  const held = bookings
    .list()
    .find((b) => b.tripInstanceId === id && b.view.verification && Date.parse(b.view.verification.expiresAt) > now())
  if (held) {
    state.bookPhase = { kind: 'sending', retryNo: null }
    void loadLazy().then(() => hold(held.view, held.phone))
    return
  }
  if (pending && pending.request.tripInstanceId === id) {
    // An attempt whose answer never came: show it as sent, "try again" resends the same key.
    const r = pending.request
    state.bookForm = r.bookedBy
      ? {
          alightStop: r.alightStop,
          seats: r.seats,
          name: r.bookedBy.name,
          phone: r.bookedBy.phone,
          forFamily: true,
          riderName: r.name,
          riderPhone: r.phone,
        }
      : {
          alightStop: r.alightStop,
          seats: r.seats,
          name: r.name,
          phone: r.phone,
          forFamily: false,
          riderName: '',
          riderPhone: '',
        }
    state.bookPhase = { kind: 'unreachable' }
    return
  }
  state.bookForm = {
    alightStop: null,
    seats: 1,
    name: profile?.name ?? '',
    phone: profile?.phone ?? '',
    forFamily: false,
    riderName: '',
    riderPhone: '',
  }
  state.bookPhase = { kind: 'form', error: null }
}

const FIELD_LABEL: Record<BookField, MessageKey> = {
  alightStop: 'getOffAt',
  name: 'name',
  phone: 'phoneNumber',
  riderName: 'riderName',
  riderPhone: 'riderPhone',
  seats: 'seats',
}

/** "手机号：手机号要 7–15 位数字": the field named, then why. */
const fieldMessage = (field: BookField, msg: string): string =>
  field === 'alightStop' ? msg : t(state.lang, 'fieldError', { field: t(state.lang, FIELD_LABEL[field]), msg })

function bookingRequest(id: string): BookingRequest | { field: BookField; error: string } {
  const f = state.bookForm
  const lang = state.lang
  const badPhone = (p: string): boolean => p.replace(/\D/g, '').length < 7
  if (!f.alightStop) return { field: 'alightStop', error: t(lang, 'needStop') }
  if (f.forFamily && !f.riderName.trim())
    return { field: 'riderName', error: fieldMessage('riderName', t(lang, 'badName')) }
  if (f.forFamily && badPhone(f.riderPhone))
    return { field: 'riderPhone', error: fieldMessage('riderPhone', t(lang, 'badPhone')) }
  if (!f.name.trim()) return { field: 'name', error: t(lang, 'needName') }
  if (badPhone(f.phone)) return { field: 'phone', error: t(lang, 'needPhone') }
  const me = { name: f.name.trim(), phone: f.phone.trim() }
  if (!f.forFamily) return { tripInstanceId: id, boardStop: code, alightStop: f.alightStop, seats: f.seats, ...me }
  return {
    tripInstanceId: id,
    boardStop: code,
    alightStop: f.alightStop,
    seats: f.seats,
    name: f.riderName.trim(),
    phone: f.riderPhone.trim(),
    bookedBy: me,
  }
}

/** Which form field a refusal is about: the rider's fields when booking for family. */
function refusalField(err: ApiError): BookField | null {
  const f = refusedField(err)
  const family = state.bookForm.forFamily
  if (f === 'name') return family ? 'riderName' : 'name'
  if (f === 'phone') return family ? 'riderPhone' : 'phone'
  if (f === 'bookedBy.name') return 'name'
  if (f === 'bookedBy.phone') return 'phone'
  if (f === 'alightStop' || f === 'seats') return f
  return null
}

function refusalText(err: ApiError, field: BookField | null): string {
  const lang = state.lang
  if (field && err.code === 'VALIDATION_FAILED')
    return fieldMessage(
      field,
      t(
        lang,
        field === 'phone' || field === 'riderPhone'
          ? 'badPhone'
          : field === 'name' || field === 'riderName'
            ? 'badName'
            : 'needStop',
      ),
    )
  const text = errorText(lang, err.code, err.message)
  return field ? fieldMessage(field, text) : text
}

async function book(id: string): Promise<void> {
  const req = bookingRequest(id)
  if ('error' in req) {
    state.bookPhase = { kind: 'form', error: req.error, field: req.field }
    render()
    showFieldError()
    toast(req.error, 'bad')
    return
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
  if (outcome.kind === 'booked' && outcome.booking.verification) {
    // Its seats are held until the phone confirms the SMS code.
    return hold(outcome.booking, attempt.request.bookedBy?.phone ?? attempt.request.phone)
  } else if (outcome.kind === 'booked') {
    state.bookPhase = { kind: 'done', booking: outcome.booking }
    const b = outcome.booking
    toast(
      b.status === 'waitlisted'
        ? t(state.lang, 'waitlistedToast', { n: b.waitlistPosition ?? 1 })
        : t(state.lang, 'bookedToast', { code: b.code }),
      b.status === 'waitlisted' ? 'warn' : 'ok',
    )
    void refreshAhead()
  } else if (outcome.kind === 'refused') {
    const field = refusalField(outcome.error)
    state.bookPhase = { kind: 'form', error: refusalText(outcome.error, field), field }
    toast(state.bookPhase.error ?? '', 'bad')
  } else {
    state.bookPhase = { kind: 'unreachable' }
    toast(t(state.lang, 'offlineNoTime'), 'bad')
  }
  if (state.view.name === 'book') {
    render()
    if (state.bookPhase.kind === 'done') window.scrollTo(0, 0)
    else showFieldError()
  }
}

/** The SMS code confirmation (lazy.ts → verify.ts) drives the booking view through this. */
const verifyHost: LazyViews.VerifyHost = {
  root,
  lang: () => state.lang,
  now,
  phase: () => state.bookPhase,
  set(p) {
    state.bookPhase = p
    // Released (time ran out, too many wrong codes): the server cancels it; this phone stops offering the code.
    if (p.closed) bookings.update({ ...p.booking, status: 'cancelled', verification: undefined })
    if (state.view.name === 'book') render()
  },
  toast,
  done(b) {
    bookings.update(b)
    state.bookPhase = { kind: 'done', booking: b }
    toast(t(state.lang, 'bookedToast', { code: b.code }), 'ok')
    if (state.view.name === 'book') render()
    void refreshAhead()
  },
}

function hold(b: BookingView, phone: string): void {
  const p = lazy?.heldPhase(b, phone)
  if (!lazy || !p) return verifyHost.done(b)
  verifyHost.set(p)
  lazy.watchHold(verifyHost)
  toast(lazy.vt(state.lang, 'held'), 'warn')
  root.querySelector<HTMLInputElement>('#sms-code')?.focus()
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
  const open = bookings
    .list()
    .filter((b) => b.view.status === 'confirmed' || b.view.status === 'waitlisted')
    .slice(0, 5)
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
    state.mineError =
      err instanceof ApiError ? errorText(state.lang, err.code, err.message) : t(state.lang, 'offlineNoTime')
    toast(state.mineError, 'bad')
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
    if (state.reportNotice === 'queued' && !outbox.queued().some((q) => q.state === 'queued'))
      state.reportNotice = 'sent'
    if (state.view.name === 'report') render()
    const due = outbox.nextDueTs()
    if (due !== null) flushTimer = setTimeout(() => flushReports(), Math.max(1000, due - Date.now()))
  })
}

function sendReportForm(): void {
  const f = state.reportForm
  if (!f.category) {
    state.reportNotice = 'need_category'
    render()
    root.querySelector('.cats')?.scrollIntoView({ block: 'center' })
    toast(t(state.lang, 'chooseCategory'), 'bad')
    return
  }
  const r = outbox.add({ stopCode: code, category: f.category, note: f.note.trim() || null, photo: f.photo })
  state.reportForm = { category: null, note: '', photo: null }
  if (!connection().online) {
    state.reportNotice = 'queued'
    render()
    toast(t(state.lang, 'reportQueued'), 'warn')
    return
  }
  state.reportNotice = 'sending'
  render()
  void outbox.flush(true).then(() => {
    const waiting = outbox.queued().find((q) => q.key === r.key)
    // Still waiting: the server was busy (sent later by itself), or the connection failed.
    state.reportNotice = !waiting
      ? 'sent'
      : waiting.error === 'RATE_LIMITED'
        ? 'rate_limited'
        : state.navigatorOnline
          ? 'queued_online'
          : 'queued'
    const words: Record<string, [MessageKey, 'ok' | 'warn']> = {
      sent: ['reportSent', 'ok'],
      rate_limited: ['reportRateLimited', 'warn'],
      queued_online: ['reportQueuedOnline', 'warn'],
      queued: ['reportQueued', 'warn'],
    }
    const [key, tone] = words[state.reportNotice] ?? ['reportSent', 'ok']
    toast(t(state.lang, key), tone)
    if (state.view.name === 'report') render()
    flushReports()
  })
}

// ── Reminders: "车快到了提醒我" ──

const reminders = (): ReminderView[] => readJson<ReminderView[]>(store, KEYS.reminders, [])
const saveReminder = (r: ReminderView): void =>
  writeJson(store, KEYS.reminders, [r, ...reminders().filter((x) => x.token !== r.token)].slice(0, 20))

function prepareReminder(id: string): void {
  if (state.remindFor === id && state.remindPhase.kind !== 'done') return
  state.remindFor = id
  state.remindForm = { phone: bookings.profile()?.phone ?? '', stopsBefore: 2 }
  state.remindPhase = { kind: 'form', error: null }
}

async function remind(id: string): Promise<void> {
  const lang = state.lang
  const f = state.remindForm
  if (f.phone.replace(/\D/g, '').length < 7) {
    state.remindPhase = {
      kind: 'form',
      error: t(lang, 'fieldError', { field: t(lang, 'phoneNumber'), msg: t(lang, 'badPhone') }),
    }
    render()
    showFieldError()
    toast(state.remindPhase.error ?? '', 'bad')
    return
  }
  state.remindPhase = { kind: 'sending' }
  render()
  try {
    const r = await api.remind({
      tripInstanceId: id,
      stopCode: code,
      phone: f.phone.trim(),
      stopsBefore: f.stopsBefore,
    })
    saveReminder(r)
    state.remindPhase = { kind: 'done', reminder: r }
    toast(t(lang, 'remindSet', { n: r.stopsBefore, phone: r.phoneMasked }), 'ok')
  } catch (err) {
    let error = t(lang, 'offlineNoTime')
    if (err instanceof ApiError) {
      const tooMany = err.details?.reason === 'too_many_reminders'
      error = tooMany
        ? t(lang, 'remindRefusedPhone', { n: Number(err.details?.limit ?? 0) })
        : refusedField(err) === 'phone'
          ? t(lang, 'fieldError', { field: t(lang, 'phoneNumber'), msg: t(lang, 'badPhone') })
          : errorText(lang, err.code, err.message)
    }
    state.remindPhase = { kind: 'form', error }
    toast(error, 'bad')
  }
  if (state.view.name === 'remind') {
    render()
    showFieldError()
  }
}

async function refreshReminders(): Promise<void> {
  for (const r of reminders()
    .filter((x) => x.state === 'active')
    .slice(0, 5)) {
    try {
      saveReminder(await api.reminder(r.token))
    } catch {
      break
    }
  }
  if (state.view.name === 'mine') render()
}

async function cancelReminder(token: string): Promise<void> {
  state.mineBusy = token
  render()
  try {
    saveReminder(await api.cancelReminder(token))
    toast(t(state.lang, 'reminderCancelled'), 'ok')
  } catch (err) {
    toast(
      err instanceof ApiError ? errorText(state.lang, err.code, err.message) : t(state.lang, 'offlineNoTime'),
      'bad',
    )
  }
  state.mineBusy = null
  if (state.view.name === 'mine') render()
}

function loadTimetable(): void {
  if (state.timetable?.state === 'ready' || state.timetable?.state === 'loading') return
  state.timetable = { state: 'loading' }
  api
    .timetable(code)
    .then(
      (v) => (state.timetable = { state: 'ready', value: v }),
      () => (state.timetable = { state: 'failed' }),
    )
    .finally(() => state.view.name === 'week' && render())
}

// ── Read aloud, large type ──

/** The next buses in a sentence, in Chinese, for the phone's speech synthesis. */
function speakNext(): void {
  const stop = state.boot.stop
  if (!stop || !pageContext.canSpeak) return
  const list = state.boot.arrivals.slice(0, 2)
  const parts = list.map((a, i) => {
    const w = whenWords(a, 'zh', now())
    return `${i === 0 ? '下一班车' : '再下一班'}：${a.routeName}，开往${a.headsign}，${statusWords(a, 'zh').text}，${w.big}。`
  })
  const text = `${stopName(stop, 'zh')}站。${parts.length > 0 ? parts.join('') : t('zh', 'noDepartures')}`
  const u = new SpeechSynthesisUtterance(text)
  u.lang = 'zh-CN'
  const voice = speechSynthesis.getVoices().find((v) => /^zh[-_]CN/i.test(v.lang))
  if (voice) u.voice = voice
  speechSynthesis.cancel()
  speechSynthesis.speak(u)
}

/** Speech where the phone has it, with a Chinese voice once the voices are known. */
function detectSpeech(): void {
  const has = typeof window.speechSynthesis === 'object' && typeof window.SpeechSynthesisUtterance === 'function'
  if (!has) return
  const check = (): void => {
    const voices = speechSynthesis.getVoices()
    pageContext.canSpeak = voices.length === 0 || voices.some((v) => /^zh/i.test(v.lang))
    if (state.view.name === 'stop') render()
  }
  check()
  speechSynthesis.addEventListener?.('voiceschanged', check)
}

function setLarge(on: boolean): void {
  pageContext.large = on
  store.set(KEYS.large, on ? '1' : '0')
  document.cookie = `rb_large=${on ? '1' : '0'}; path=/s; max-age=31536000; samesite=lax`
  document.documentElement.classList.toggle('large', on)
  render()
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
    case 'resend-code':
      return void lazy?.resendCode(verifyHost)
    case 'grid-resend':
      return void state.grid?.resend(code, state.lang)
    case 'book-again':
      e.preventDefault()
      state.bookFor = null
      return onRoute()
    case 'cancel-booking':
      return void cancelBooking(el.dataset.code ?? '')
    case 'discard-report':
      outbox.discard(el.dataset.key ?? '')
      return render()
    case 'cancel-reminder':
      return void cancelReminder(el.dataset.token ?? '')
    case 'speak':
      return speakNext()
    case 'large':
      return setLarge(!pageContext.large)
    default:
      return
  }
})

root.addEventListener('input', (e) => {
  const el = e.target as HTMLInputElement
  if (el.name === 'name') state.bookForm.name = el.value
  else if (el.name === 'phone') state.bookForm.phone = el.value
  else if (el.name === 'riderName') state.bookForm.riderName = el.value
  else if (el.name === 'riderPhone') state.bookForm.riderPhone = el.value
  else if (el.name === 'remindPhone') state.remindForm.phone = el.value
  else if (el.name === 'note') state.reportForm.note = el.value
  else if (el.name === 'smsCode' && state.bookPhase.kind === 'verify') state.bookPhase.typed = el.value
})

root.addEventListener('change', (e) => {
  const el = e.target as HTMLInputElement
  if (el.name === 'alightStop') state.bookForm.alightStop = el.value
  if (el.name === 'stopsBefore') state.remindForm.stopsBefore = Number(el.value)
  if (el.name === 'forFamily') {
    state.bookForm.forFamily = el.checked
    render()
  }
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
  } else if (kind === 'verify') {
    e.preventDefault()
    void lazy?.confirmCode(verifyHost)
  } else if (kind === 'remind' && state.view.name === 'remind') {
    e.preventDefault()
    if (state.remindPhase.kind !== 'sending') void remind(state.view.id)
  } else if (kind === 'survey' && state.survey) {
    e.preventDefault()
    void state.survey.submit(form, code, state.lang).then(() => {
      render()
      showFieldError()
    })
  } else if (kind === 'rate' && state.rate) {
    e.preventDefault()
    void state.rate.submit(form, state.lang).then(() => {
      render()
      showFieldError()
    })
  } else if (kind?.startsWith('grid-') && state.grid) {
    e.preventDefault()
    void state.grid.submit(form, code, state.lang)
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
  if (lazyFailed) {
    lazyFailed = false
    void loadLazy()
  }
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
  if (boot.ahead) setAhead(boot.ahead)
  pageContext.large = store.get(KEYS.large) === '1' || document.documentElement.classList.contains('large')
  document.documentElement.classList.toggle('large', pageContext.large)
  detectSpeech()
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
    onTripBookings(batch) {
      setTripBookings(batch)
      renderLive()
    },
    onUp() {
      clearTimeout(downTimer)
      // Where an end-to-end test (or a curious person) sees that the live room is joined.
      document.documentElement.dataset.live = 'up'
      document.documentElement.dataset.liveAt ??= String(Math.round(performance.now()))
      // The other views follow in the background once the page is live, so reporting works offline later.
      if (!lazy) setTimeout(() => void loadLazy(), 3000)
      state.socketUp = true
      state.reachable = true
      void refreshArrivals()
      void refreshAhead()
      void refreshSurveys()
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
  // Days ahead move on (a departure comes into the live list, a day turns).
  setInterval(() => void refreshAhead(), 120_000)
  flushReports(true)
  void resumePendingBooking()
}

start()

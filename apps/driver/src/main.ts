/**
 * The driver's phone page (/driver): sign in, say which bus you are driving now ("I am driving"),
 * today's (or tomorrow's) trips assigned to you, and a trip's manifest — who boards and alights
 * where — where you mark each booking boarded or no-show. It follows the trips on screen live
 * and fetches again when their bookings change. Views are strings (views.ts), re-rendered on
 * every change; `#/`, `#/tomorrow`, `#/trip/<id>`.
 */
import './styles.css'
import { ApiError, request } from './api.js'
import { isLang, serviceDay, t } from './i18n.js'
import { Live } from './live.js'
import { dutyCards, type DriverDuties } from './duty.js'
import { drivingCard, normaliseVehicleId, suggestedVehicle } from './driving.js'
import type { DriverMessage } from '@rb/protocol'
import type { DriverTrips, DriverVehicleView, Lang, ManifestView, Mark, SessionUser } from './model.js'
import { messagesBanner } from './messages.js'
import { manifestPage, notDriverPage, signInPage, simplePage, tripsPage, withBarExtra, type Day } from './views.js'
import { ParcelsScreen } from './parcels/controller.js'
import { PupilsScreen } from './pupils/controller.js'
import { NoticesScreen } from './notices/controller.js'

type View =
  | { name: 'trips'; day: Day }
  | { name: 'trip'; id: string }
  | { name: 'pupils'; id: string }
  | { name: 'notices' }
  | { name: 'notice'; id: number }
  | { name: 'survey'; id: number }

const root = document.getElementById('app') as HTMLElement

const cookieLang = /(?:^|;\s*)rb_lang=(zh|en)/.exec(document.cookie)?.[1]
const state = {
  lang: (isLang(cookieLang) ? cookieLang : 'zh') as Lang,
  user: undefined as SessionUser | null | undefined,
  signInError: null as string | null,
  view: { name: 'trips', day: 'today' } as View,
  trips: null as DriverTrips | null,
  tripsError: null as string | null,
  /** Today's and tomorrow's duty (GET /api/driver/duties), kept across the day tabs. */
  duties: null as DriverDuties | null,
  dutiesError: null as string | null,
  /** The bus the driver is at the wheel of, and the buses to pick from (GET /api/driver/vehicle). */
  driving: null as DriverVehicleView | null,
  drivingError: null as string | null,
  drivingBusy: false,
  /** What the driver typed in the bus field (null: untouched, the suggestion shows). */
  vehicleInput: null as string | null,
  /** The service day the server calls today (tomorrow is the day after). */
  today: null as string | null,
  manifest: null as ManifestView | null,
  manifestError: null as string | null,
  /** Code of the booking being marked. */
  busy: null as string | null,
  live: null as Live | null,
  liveUp: false,
  /** Booking events received (the end-to-end test reads it). */
  received: 0,
  /** Dispatchers' messages not yet acknowledged on this phone, newest first. */
  messages: [] as DriverMessage[],
}
;(globalThis as unknown as { rbDriver: typeof state }).rbDriver = state
// Parcels (parcels/): a section under each manifest, and the whole page for a post point's keeper.
const parcels = new ParcelsScreen({ render: () => render(), lang: () => state.lang })
;(globalThis as unknown as { rbParcels: ParcelsScreen }).rbParcels = parcels
// The student runs' roll call (pupils/): its own screen, its card on the trips screen, its offline queue.
const pupils = new PupilsScreen({ render: () => render(), lang: () => state.lang, storageKey: 'rb-driver-taps' })
;(globalThis as unknown as { rbPupils: PupilsScreen }).rbPupils = pupils
// Notices from dispatch and drivers' surveys (notices/): pinned until read, a badge in the top bar.
const notices = new NoticesScreen({ render: () => render(), lang: () => state.lang })
;(globalThis as unknown as { rbNotices: NoticesScreen }).rbNotices = notices

const errorText = (err: unknown): string => (err instanceof ApiError ? err.message : t(state.lang, 'loadFailed'))

function parseHash(): View {
  if (location.hash === '#/notices') return { name: 'notices' }
  const notice = /^#\/notice\/(\d+)$/.exec(location.hash)
  if (notice) return { name: 'notice', id: Number(notice[1]) }
  const survey = /^#\/survey\/(\d+)$/.exec(location.hash)
  if (survey) return { name: 'survey', id: Number(survey[1]) }
  const trip = /^#\/trip\/(.+)$/.exec(location.hash)
  const run = /^#\/pupils\/(.+)$/.exec(location.hash)
  if (run) return { name: 'pupils', id: decodeURIComponent(run[1] as string) }
  if (trip) return { name: 'trip', id: decodeURIComponent(trip[1] as string) }
  return { name: 'trips', day: location.hash === '#/tomorrow' ? 'tomorrow' : 'today' }
}

function render(): void {
  const { lang, user } = state
  const live = state.live ? state.liveUp : null
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
  if (user === undefined) return
  if (user === null) root.innerHTML = signInPage(lang, state.signInError)
  else if (user.role === 'station') root.innerHTML = parcels.keeperHtml(lang)
  else if (user.role !== 'driver') root.innerHTML = notDriverPage(lang, user.role)
  else root.innerHTML = withBarExtra(driverScreen(lang, live), notices.bar(lang), pinnedNow(lang))
}

/** Unread notices and open surveys, under the bar (not on the notice or survey being read). */
function pinnedNow(lang: Lang): string {
  return state.view.name === 'notice' || state.view.name === 'survey' ? '' : notices.pinnedHtml(lang)
}

/** The signed-in driver's screen: dispatch's messages on top, then the view. */
function driverScreen(lang: Lang, live: boolean | null): string {
  const v = state.view
  const top = messagesBanner(lang, state.messages)
  if (v.name === 'notices') return top + simplePage(lang, live, notices.listHtml(lang))
  if (v.name === 'notice') return top + simplePage(lang, live, notices.noticeHtml(lang, v.id))
  if (v.name === 'survey') return top + simplePage(lang, live, notices.surveyHtml(lang, v.id))
  if (v.name === 'pupils') return top + pupils.html(lang, live)
  if (v.name === 'trips')
    return (
      top +
      tripsPage(
        lang,
        state.trips,
        v.day,
        state.tripsError,
        live,
        drivingNow(lang, v.day) +
          (v.day === 'today' ? pupils.card(lang) : '') +
          dutyCards(lang, state.duties, { today: state.today, open: v.day, error: state.dutiesError }),
      )
    )
  return (
    top +
    manifestPage(lang, state.manifest, { now: Date.now(), live, error: state.manifestError, busy: state.busy }) +
    parcels.tripSection(lang)
  )
}

/** The "I am driving" card, on today's screen only, pre-filled with the bus of the current or next trip. */
function drivingNow(lang: Lang, day: Day): string {
  if (day !== 'today') return ''
  const suggested = state.trips ? suggestedVehicle(state.trips.items, Date.now()) : null
  return drivingCard(lang, state.driving, {
    input: state.vehicleInput ?? suggested ?? '',
    busy: state.drivingBusy,
    error: state.drivingError,
  })
}

// ── Loading (one request at a time per screen; a change during one asks for another after it) ──

let loading: Promise<void> | null = null
let again = false

async function loadOnce(): Promise<void> {
  const view = state.view
  if (view.name === 'notices' || view.name === 'survey') {
    await notices.load()
    return
  }
  if (view.name === 'notice') {
    await notices.open(view.id)
    return
  }
  if (view.name === 'pupils') {
    await pupils.load()
    return
  }
  if (view.name === 'trips') {
    const date = view.day === 'today' ? null : nextDay(state.today ?? serviceDay(Date.now()))
    const duties = request<DriverDuties>('GET', '/api/driver/duties?days=2').then(
      (d) => Object.assign(state, { duties: d, dutiesError: null }),
      (err: unknown) => (state.dutiesError = errorText(err)),
    )
    const driving = request<DriverVehicleView>('GET', '/api/driver/vehicle').then(
      (d) => Object.assign(state, { driving: d, drivingError: null }),
      (err: unknown) => (state.drivingError = errorText(err)),
    )
    try {
      const trips = await request<DriverTrips>('GET', `/api/driver/trips${date ? `?date=${date}` : ''}`)
      if (view.day === 'today') state.today = trips.date
      if (state.view === view) Object.assign(state, { trips, tripsError: null })
    } catch (err) {
      if (state.view === view) state.tripsError = errorText(err)
      if (err instanceof ApiError && err.status === 401) state.user = null
    }
    if (state.view === view) state.live?.follow((state.trips?.items ?? []).map((x) => x.id))
    await duties
    await driving
    if (view.day === 'today') await pupils.loadRuns()
  } else {
    void parcels.loadTrip(view.id)
    try {
      const manifest = await request<ManifestView>('GET', `/api/trip-instances/${encodeURIComponent(view.id)}/manifest`)
      if (state.view === view) Object.assign(state, { manifest, manifestError: null })
    } catch (err) {
      if (state.view === view) state.manifestError = errorText(err)
      if (err instanceof ApiError && err.status === 401) state.user = null
    }
  }
  render()
}

function refresh(): void {
  if (loading) {
    again = true
    return
  }
  loading = loadOnce().finally(() => {
    loading = null
    if (again) {
      again = false
      refresh()
    }
  })
}

const nextDay = (date: string): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)

function route(): void {
  state.view = parseHash()
  Object.assign(state, { trips: null, tripsError: null, manifest: null, manifestError: null, busy: null })
  if (state.view.name === 'trip' || state.view.name === 'pupils') state.live?.follow([state.view.id])
  if (state.view.name === 'pupils') pupils.open(state.view.id)
  else pupils.close()
  if (state.view.name !== 'trip') parcels.leaveTrip()
  render()
  if (state.user?.role === 'driver') refresh()
  if (
    state.user?.role === 'driver' &&
    notices.notices === null &&
    state.view.name !== 'notices' &&
    state.view.name !== 'survey'
  )
    void notices.load()
  if (state.user?.role === 'station') void parcels.loadKeeper()
}

// ── Session and live updates ──

function startLive(): void {
  state.live?.close()
  state.live = new Live({
    onChange(ids) {
      state.received++
      const v = state.view
      if (v.name === 'trip' ? ids.has(v.id) : (state.trips?.items ?? []).some((x) => ids.has(x.id))) refresh()
    },
    onNotice() {
      notices.onPush()
    },
    onMessage(m) {
      if (state.messages.some((x) => x.id === m.id)) return
      state.messages = [m, ...state.messages].slice(0, 5)
      if (state.view.name === 'pupils') void pupils.load()
      render()
      navigator.vibrate?.([300, 150, 300])
    },
    onUp() {
      state.liveUp = true
      void notices.load()
      void pupils.flush()
      refresh()
    },
    onDown() {
      state.liveUp = false
      render()
    },
  })
}

async function boot(): Promise<void> {
  try {
    state.user = (await request<{ user: SessionUser }>('GET', '/api/auth/me')).user
  } catch {
    state.user = null
  }
  if (state.user?.role === 'driver') startLive()
  route()
}

async function signIn(form: HTMLFormElement): Promise<void> {
  const data = new FormData(form)
  try {
    const r = await request<{ user: SessionUser }>('POST', '/api/auth/login', {
      username: String(data.get('username') ?? '').trim(),
      password: String(data.get('password') ?? ''),
    })
    Object.assign(state, { user: r.user, signInError: null })
    // The socket carries the session from its handshake: open it now that there is one.
    if (r.user.role === 'driver') startLive()
    route()
  } catch (err) {
    state.signInError = err instanceof ApiError && err.status === 401 ? t(state.lang, 'signInFailed') : errorText(err)
    render()
  }
}

async function signOut(): Promise<void> {
  await request('POST', '/api/auth/logout').catch(() => null)
  state.live?.close()
  Object.assign(state, {
    live: null,
    liveUp: false,
    user: null,
    trips: null,
    manifest: null,
    today: null,
    duties: null,
    dutiesError: null,
    driving: null,
    drivingError: null,
    vehicleInput: null,
  })
  location.hash = '#/'
  render()
}

async function mark(code: string, to: Mark): Promise<void> {
  const v = state.view
  if (v.name !== 'trip' || state.busy) return
  state.busy = code
  render()
  try {
    state.manifest = await request<ManifestView>('POST', `/api/trip-instances/${encodeURIComponent(v.id)}/manifest`, {
      code,
      status: to,
    })
    state.manifestError = null
  } catch (err) {
    state.manifestError = errorText(err)
  } finally {
    state.busy = null
    render()
  }
}

/** "I am driving this bus" (`vehicleId`), or, without one, "I left the bus I was driving". */
async function drive(vehicleId: string | null): Promise<void> {
  if (state.drivingBusy) return
  state.drivingBusy = true
  render()
  try {
    state.driving =
      vehicleId === null
        ? await request<DriverVehicleView>('DELETE', '/api/driver/vehicle')
        : await request<DriverVehicleView>('POST', '/api/driver/vehicle', { vehicleId })
    Object.assign(state, { drivingError: null, vehicleInput: null })
  } catch (err) {
    state.drivingError = errorText(err)
    if (err instanceof ApiError && err.status === 401) state.user = null
  } finally {
    state.drivingBusy = false
    render()
  }
}

root.addEventListener('click', (ev) => {
  if (parcels.onClick(ev.target)) return
  if (state.view.name === 'pupils' && pupils.onClick(ev.target)) return
  const el = (ev.target as HTMLElement).closest<HTMLElement>('[data-action],[data-mark]')
  if (!el) return
  if (el.dataset.mark && el.dataset.code) void mark(el.dataset.code, el.dataset.mark as Mark)
  else if (el.dataset.action === 'lang') {
    state.lang = state.lang === 'zh' ? 'en' : 'zh'
    document.cookie = `rb_lang=${state.lang}; path=/; max-age=31536000; samesite=lax`
    render()
  } else if (el.dataset.action === 'sign-out') void signOut()
  else if (el.dataset.action === 'sign-off-bus') void drive(null)
  else if (el.dataset.action === 'read-message') {
    state.messages = state.messages.filter((m) => String(m.id) !== el.dataset.id)
    render()
  }
})
root.addEventListener('submit', (ev) => {
  ev.preventDefault()
  const form = ev.target as HTMLFormElement
  if (parcels.onSubmit(form, (ev as SubmitEvent).submitter)) return
  if (notices.onSubmit(form)) return
  if (pupils.onSubmit(form)) return
  if (form.classList.contains('driving-form')) {
    const typed = normaliseVehicleId(String(new FormData(form).get('vehicleId') ?? ''))
    if (typed) void drive(typed)
  } else void signIn(form)
})
// Keeps what is typed in the bus field across the re-renders live updates cause.
root.addEventListener('input', (ev) => {
  const el = ev.target as HTMLInputElement
  if (el.name === 'vehicleId') state.vehicleInput = el.value
})
window.addEventListener('hashchange', route)
// Back from the lock screen: what was missed while the socket slept.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.user?.role === 'driver') refresh()
})

void boot()

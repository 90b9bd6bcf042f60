/** One departure: what it is doing, where the bus is (route strip), who drives, and "book a seat". */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { CrewView, Lang, StopArrival, TripBookingState, TripStopsView } from '../model.js'
import { stripModel, type StripRow } from '../strip.js'
import { statusWords, whenWords } from '../words.js'
import { bookingLine, reasonLine } from './ahead.js'
import { pageContext } from './context.js'
import { banner, header, stopName, type Connection } from './stop.js'

/** Something fetched on demand. */
export type Loadable<T> = { state: 'loading' } | { state: 'failed' } | { state: 'ready'; value: T }

function stripRow(row: StripRow, lang: Lang): Html {
  // Drawn, not an emoji: cheap phones often have no emoji font.
  const bus = html`<svg class="bus" viewBox="0 0 24 24" width="28" height="28" role="img" aria-label="${t(lang, 'busHere')}"><rect x="3" y="2" width="18" height="16" rx="3" fill="#0a2f6b"/><rect x="5" y="5" width="14" height="6" rx="1" fill="#fff"/><rect x="5" y="13" width="3" height="2" fill="#ffd400"/><rect x="16" y="13" width="3" height="2" fill="#ffd400"/><circle cx="7.5" cy="19.5" r="2.2" fill="#111"/><circle cx="16.5" cy="19.5" r="2.2" fill="#111"/></svg>`
  switch (row.kind) {
    case 'more':
      return html`<li class="strip-more${row.bus ? ' has-bus' : ''}">${row.bus ? bus : ''}<span>${t(lang, 'moreStops', { n: row.n })}</span></li>`
    case 'gap':
      return html`<li class="strip-gap${row.bus ? ' has-bus' : ''}">${row.bus ? html`${bus}<span class="bus-label">${t(lang, 'busHere')}</span>` : ''}</li>`
    case 'stop':
      return html`<li class="strip-stop${row.here ? ' here' : ''}${row.passed ? ' passed' : ''}${row.bus ? ' has-bus' : ''}" data-stop="${row.stop.code}">
  <span class="dot"></span><span class="strip-name">${stopName(row.stop, lang)}</span>${row.here ? html`<span class="here-tag">${t(lang, 'thisStop')}</span>` : ''}${row.bus ? bus : ''}
</li>`
  }
}

export function stripSection(stops: Loadable<TripStopsView>, a: StopArrival, stopCode: string, lang: Lang): Html {
  let body: Html
  if (stops.state === 'loading') body = html`<p class="muted">${t(lang, 'loading')}</p>`
  else if (stops.state === 'failed') body = html`<p class="muted">${t(lang, 'loadFailed')}</p>`
  else {
    const model = stripModel(stops.value.stops, stopCode, a)
    body = model
      ? html`${model.busShown ? '' : html`<p class="muted">${t(lang, 'busNotOut')}</p>`}<ol class="strip">${model.rows.map((r) => stripRow(r, lang))}</ol>`
      : html`<p class="muted">${t(lang, 'loadFailed')}</p>`
  }
  return html`<section class="card where" data-live="strip"><h2>${t(lang, 'whereTitle')}</h2>${body}</section>`
}

function avatar(name: string, photoUrl: string | null): Html {
  if (photoUrl) return html`<img class="avatar" src="${photoUrl}" alt="" width="72" height="72" loading="lazy">`
  return html`<span class="avatar avatar-text" aria-hidden="true">${[...name][0] ?? '?'}</span>`
}

export function crewSection(crew: Loadable<CrewView>, lang: Lang): Html {
  let body: Html
  if (crew.state === 'loading') body = html`<p class="muted">${t(lang, 'loading')}</p>`
  else if (crew.state === 'failed') body = html`<p class="muted">${t(lang, 'loadFailed')}</p>`
  else {
    const { driver, vehicle } = crew.value
    body = html`${
      driver
        ? html`<div class="driver">${avatar(driver.name, driver.photoUrl)}<div>
  <p class="driver-name">${driver.name}${driver.pioneer ? html` <span class="badge">★ ${t(lang, 'pioneer')}</span>` : ''}</p>
  ${driver.rating.average !== null ? html`<p class="driver-rating">${t(lang, 'ratingLine', { avg: driver.rating.average.toFixed(1), n: driver.rating.count })}</p>` : ''}
  <p>${t(lang, 'driverNumber')} <b class="code">${driver.code}</b></p>
  <p>${t(lang, 'years', { n: driver.yearsOfService })}</p>
  <p>${t(lang, 'phone')} <span class="code">${driver.phoneMasked}</span></p>
</div></div>${pageContext.hotline ? html`<p class="call-hint">${t(lang, 'callHint')} <a href="tel:${pageContext.hotline.phone.replace(/[^\d+]/g, '')}" data-call>${pageContext.hotline.phone}</a></p>` : ''}`
        : html`<p class="muted">${t(lang, 'noDriver')}</p>`
    }${
      vehicle
        ? html`<p class="vehicle">${t(lang, 'vehicle')} <b class="code">${vehicle.id}</b> · ${t(lang, 'plate')} <b class="plate">${vehicle.plate}</b></p>`
        : html`<p class="muted">${t(lang, 'noVehicle')}</p>`
    }`
  }
  return html`<section class="card who" data-live="crew"><h2>${t(lang, 'whoTitle')}</h2>${body}</section>`
}

export type Bookability = 'bookable' | 'not_bookable' | 'closed' | 'unknown'

export function bookability(stops: Loadable<TripStopsView>, a: StopArrival, now: number): Bookability {
  if (a.status === 'cancelled') return 'closed'
  if (stops.state !== 'ready') return 'unknown'
  const v = stops.value
  if (v.bookingPolicy === 'none' || v.bookingCutoffTs === null) return 'not_bookable'
  if (v.status === 'cancelled' || now >= v.bookingCutoffTs) return 'closed'
  return 'bookable'
}

/** Whether "tell me when it comes" makes sense: the bus has not reached the stop and the trip runs. */
const remindable = (a: StopArrival, booking: TripBookingState | undefined): boolean =>
  !['at_stop', 'departed', 'completed', 'cancelled'].includes(a.status) &&
  booking?.onDemand !== 'cancelled' &&
  booking?.status !== 'cancelled'

export function tripPage(
  a: StopArrival,
  stopCode: string,
  stops: Loadable<TripStopsView>,
  crew: Loadable<CrewView>,
  lang: Lang,
  now: number,
  c: Connection,
  booking?: TripBookingState,
  reason?: string | null,
): Html {
  const s = statusWords(a, lang)
  const w = whenWords(a, lang, now)
  const b = bookability(stops, a, now)
  const title = lang === 'en' && a.routeNameEn ? a.routeNameEn : a.routeName
  return html`${header(lang, title, t(lang, 'to', { place: a.headsign }), true)}
${banner(lang, c)}
<main class="page">
  <section class="card status tone-${s.tone}" data-live="trip-status">
    <p class="status-words">${s.text}</p>
    <p class="status-when${w.struck ? ' struck' : ''}"><b>${w.big}</b> <small>${w.small}</small></p>
    ${bookingLine(booking, lang, now)}
    ${a.status === 'cancelled' ? reasonLine(reason, lang) : ''}
    ${remindable(a, booking) ? html`<a class="btn btn-secondary remind-btn" href="#r/${a.tripInstanceId}" data-action="nav">${t(lang, 'remindMe')}</a>` : ''}
  </section>
  ${stripSection(stops, a, stopCode, lang)}
  ${crewSection(crew, lang)}
</main>
<nav class="actions">${
    b === 'bookable'
      ? html`<a class="btn btn-primary btn-wide" href="#b/${a.tripInstanceId}" data-action="nav">${t(lang, 'book')}</a>`
      : b === 'unknown'
        ? ''
        : html`<p class="actions-note">${t(lang, b === 'closed' ? 'bookingClosed' : 'notBookable')}</p>`
  }</nav>`
}

/**
 * The page's screens as strings (pure: the same input gives the same markup, so they are tested
 * without a browser). Every interpolated value is escaped. Buttons carry `data-*` attributes the
 * script acts on.
 */
import { clock, t } from './i18n.js'
import type { DriverTrip, DriverTrips, Lang, ManifestEntry, ManifestView } from './model.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c] as string)

export type Day = 'today' | 'tomorrow'

/** The top bar: title, live state (on the manifest), language switch, sign-out. */
export function topBar(lang: Lang, opts: { back?: boolean; live?: boolean | null; signedIn: boolean }): string {
  const live =
    opts.live === undefined || opts.live === null
      ? ''
      : `<span class="live ${opts.live ? 'up' : 'down'}" data-live="${opts.live ? 'up' : 'down'}">${esc(t(lang, opts.live ? 'live' : 'offline'))}</span>`
  return `<header class="bar">
  ${opts.back ? `<a class="back" href="#/">‹ ${esc(t(lang, 'back'))}</a>` : `<strong>${esc(t(lang, 'title'))}</strong>`}
  ${live}
  <span class="grow"></span>
  <button type="button" class="link" data-action="lang">${esc(t(lang, 'switchLang'))}</button>
  ${opts.signedIn ? `<button type="button" class="link" data-action="sign-out">${esc(t(lang, 'signOut'))}</button>` : ''}
</header>`
}

/** Puts `extra` (the notices link and its badge) into a screen's top bar, before the spacer, and `below` right under the bar. */
export function withBarExtra(screen: string, extra: string, below = ''): string {
  return screen
    .replace('<span class="grow"></span>', `${extra}<span class="grow"></span>`)
    .replace('</header>', `</header>${below}`)
}

/** A screen of its own under the bar with a back link (notices, one notice, a survey). */
export function simplePage(lang: Lang, live: boolean | null, body: string): string {
  return `${topBar(lang, { back: true, signedIn: true, live })}<main class="simple">${body || `<p class="loading">${esc(t(lang, 'loading'))}</p>`}</main>`
}

export function signInPage(lang: Lang, error: string | null): string {
  return `${topBar(lang, { signedIn: false })}
<main>
<form class="sign-in" autocomplete="on">
  <h1>${esc(t(lang, 'signInTitle'))}</h1>
  <label>${esc(t(lang, 'username'))}<input name="username" autocomplete="username" autocapitalize="none" required></label>
  <label>${esc(t(lang, 'password'))}<input name="password" type="password" autocomplete="current-password" required></label>
  ${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
  <button type="submit" class="big">${esc(t(lang, 'signIn'))}</button>
</form>
</main>`
}

export function notDriverPage(lang: Lang, role: string): string {
  return `${topBar(lang, { signedIn: true })}<main><p class="error" role="alert">${esc(t(lang, 'notDriver', { role }))}</p></main>`
}

function tripCard(lang: Lang, trip: DriverTrip): string {
  const c = trip.counts
  const cancelled = trip.status === 'cancelled'
  const counts =
    trip.bookingPolicy === 'none'
      ? `<span>${esc(t(lang, 'noBookings'))}</span>`
      : [
          t(lang, 'booked', { n: c.riders }),
          t(lang, 'boardedCount', { n: c.boarded }),
          c.waitlisted > 0 ? t(lang, 'waitlistCount', { n: c.waitlisted }) : '',
        ]
          .filter(Boolean)
          .map((s) => `<span>${esc(s)}</span>`)
          .join('')
  return `<li><a class="trip${cancelled ? ' cancelled' : ''}" href="#/trip/${encodeURIComponent(trip.id)}" data-trip="${esc(trip.id)}">
  <span class="time">${esc(clock(trip.departure))}</span>
  <span class="what"><b>${esc(trip.from.name)} → ${esc(trip.to.name)}</b>
    <small>${esc(trip.routeName)} · ${esc(clock(trip.departure))}–${esc(clock(trip.arrival))}${trip.vehiclePlate ? ` · ${esc(trip.vehiclePlate)}` : ''}</small>
    ${cancelled ? `<em class="badge no">${esc(t(lang, 'cancelled'))}${trip.cancelReason ? `：${esc(trip.cancelReason)}` : ''}</em>` : `<span class="counts" data-k="counts">${counts}</span>`}
  </span>
</a></li>`
}

/** `duties`: the duty cards (duty.ts), drawn above the day tabs. */
export function tripsPage(
  lang: Lang,
  data: DriverTrips | null,
  day: Day,
  error: string | null,
  live: boolean | null,
  duties = '',
): string {
  const dayWord = t(lang, day)
  const tabs = `<nav class="days">${(['today', 'tomorrow'] as const).map((d) => `<a href="#/${d === 'today' ? '' : 'tomorrow'}" class="${d === day ? 'on' : ''}">${esc(t(lang, d))}</a>`).join('')}</nav>`
  const body = error
    ? `<p class="error" role="alert">${esc(error)}</p>`
    : !data
      ? `<p class="loading">${esc(t(lang, 'loading'))}</p>`
      : data.items.length === 0
        ? `<p class="empty">${esc(t(lang, 'noTrips', { day: dayWord }))}</p>`
        : `<ul class="trips">${data.items.map((trip) => tripCard(lang, trip)).join('')}</ul>`
  return `${topBar(lang, { signedIn: true, live })}
<main>
${data ? `<h1>${esc(t(lang, 'myTrips', { name: `${data.driver.name} ${data.driver.id}` }))}</h1>` : ''}
${duties}
${tabs}
${body}
</main>`
}

/** Whether marks may be made now: from the cutoff on, on a trip that runs. */
export function marksOpen(m: ManifestView, now: number): boolean {
  return m.trip.status !== 'cancelled' && m.trip.onDemand !== 'cancelled' && now >= Date.parse(m.trip.cutoff)
}

function passenger(lang: Lang, e: ManifestEntry, open: boolean, busy: string | null): string {
  const disabled = !open || busy !== null ? ' disabled' : ''
  const status =
    e.status === 'boarded'
      ? `<em class="badge ok">${esc(t(lang, 'statusBoarded'))}</em>`
      : e.status === 'no_show'
        ? `<em class="badge no">${esc(t(lang, 'statusNoShow'))}</em>`
        : ''
  const buttons =
    e.status === 'confirmed'
      ? `<button type="button" class="mark ok" data-mark="boarded" data-code="${esc(e.code)}"${disabled}>${esc(t(lang, 'board'))}</button>
     <button type="button" class="mark no" data-mark="no_show" data-code="${esc(e.code)}"${disabled}>${esc(t(lang, 'noShow'))}</button>`
      : `<button type="button" class="mark undo" data-mark="confirmed" data-code="${esc(e.code)}"${disabled}>${esc(t(lang, 'undo'))}</button>`
  return `<li class="pax ${e.status}" data-code="${esc(e.code)}" data-status="${esc(e.status)}">
  <div class="who"><span class="code">${esc(e.code)}</span> <span class="seats">${esc(t(lang, 'seats', { n: e.seats }))}</span> ${status}
    <small>${esc(e.name)} · ${esc(e.phoneMasked)}</small></div>
  <div class="actions">${buttons}</div>
</li>`
}

export function manifestPage(
  lang: Lang,
  m: ManifestView | null,
  opts: { now: number; live: boolean | null; error: string | null; busy: string | null },
): string {
  if (!m)
    return `${topBar(lang, { back: true, signedIn: true, live: opts.live })}<main>${opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : `<p class="loading">${esc(t(lang, 'loading'))}</p>`}</main>`
  const open = marksOpen(m, opts.now)
  const first = m.stops[0]
  const last = m.stops.at(-1)
  const notice =
    m.trip.status === 'cancelled'
      ? `<p class="banner no" role="alert">${esc(t(lang, 'tripCancelled', { reason: m.trip.cancelReason ?? '' }))}</p>`
      : !open
        ? `<p class="banner">${esc(t(lang, 'marksOpenAt', { time: clock(m.trip.cutoff) }))}</p>`
        : ''
  const stops = m.stops
    .map((s) => {
      const quiet = s.boarding.length === 0 && s.alighting.length === 0
      const off =
        s.alighting.length > 0
          ? `<p class="off">${esc(t(lang, 'alighting'))}：${s.alighting.map((e) => `${esc(e.code)}×${e.seats}`).join('，')}</p>`
          : ''
      return `<section class="stop${quiet ? ' quiet' : ''}" data-stop="${esc(s.stopCode)}">
  <h2><span class="time">${esc(clock(s.arrival))}</span> ${esc(s.stopName)} <small>${esc(t(lang, 'load', { n: s.loadAfter }))}</small></h2>
  ${s.boarding.length > 0 ? `<ul class="boarding">${s.boarding.map((e) => passenger(lang, e, open, opts.busy)).join('')}</ul>` : ''}
  ${off}${quiet ? `<p class="quiet-note">${esc(t(lang, 'nobodyHere'))}</p>` : ''}
</section>`
    })
    .join('')
  const waitlist =
    m.waitlist.length > 0
      ? `<section class="waitlist"><h2>${esc(t(lang, 'waitlist'))}</h2><ol>${m.waitlist.map((e) => `<li><span class="code">${esc(e.code)}</span> ${esc(t(lang, 'seats', { n: e.seats }))} <small>${esc(e.name)}</small></li>`).join('')}</ol></section>`
      : ''
  return `${topBar(lang, { back: true, signedIn: true, live: opts.live })}
<main class="manifest" data-trip="${esc(m.trip.id)}">
<h1>${esc(clock(m.trip.departure))} ${esc(first?.stopName ?? '')} → ${esc(last?.stopName ?? m.trip.headsign)}</h1>
<p class="summary" data-k="summary">${esc(t(lang, 'summary', { boarded: m.counts.boarded, riders: m.counts.riders, noShow: m.counts.noShow }))}</p>
${notice}${opts.error ? `<p class="error" role="alert">${esc(opts.error)}</p>` : ''}
${stops}
${waitlist}
</main>`
}

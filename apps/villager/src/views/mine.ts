/** "My bookings": the bookings made on this phone, their status, and cancel. */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { SavedBooking } from '../booking.js'
import type { AheadData, Lang, ReminderView } from '../model.js'
import { clock } from '../words.js'
import { bookableList } from './ahead.js'
import { remindersSection } from './remind.js'
import { header } from './stop.js'
import { vt } from './verify.js'
import { ratedStars, rw } from './rate.js'

const CANCELLABLE = new Set(['confirmed', 'waitlisted'])

function bookingRow(b: SavedBooking, lang: Lang, now: number, busy: boolean): Html {
  const v = b.view
  const canCancel = CANCELLABLE.has(v.status) && now < Date.parse(v.cancelBefore)
  return html`<li class="card booking status-${v.status}" data-booking="${v.code}">
  <p class="booking-line"><b class="booking-code small">${v.code}</b> <span class="pill">${t(lang, `status_${v.status}`)}</span></p>
  <p>${v.serviceDate.slice(5)} ${clock(Date.parse(v.boardTime))} ${t(lang, 'fromTo', { from: v.boardStopName, to: v.alightStopName })} · ${t(lang, 'seatsN', { n: v.seats })}</p>
  ${v.status === 'waitlisted' && v.waitlistPosition !== null ? html`<p>${t(lang, 'waitlistPos', { n: v.waitlistPosition })}</p>` : ''}
  ${v.cancelReason ? html`<p class="muted">${v.cancelReason}</p>` : ''}
  ${v.verification && v.status === 'confirmed' && now < Date.parse(v.verification.expiresAt) ? html`<p class="warning">${vt(lang, 'heldLine')}</p><a class="btn btn-primary btn-wide" href="#b/${v.tripInstanceId}">${vt(lang, 'enterCode')}</a>` : ''}
  ${rateLine(v.code, v.status, lang)}
  ${canCancel ? html`<button class="btn btn-danger" data-action="cancel-booking" data-code="${v.code}"${busy ? ' disabled' : ''}>${t(lang, 'cancel')}</button>` : ''}
</li>`
}

/** A ride taken: rate it once (the form says if it was rated elsewhere), or the stars given here. */
function rateLine(code: string, status: string, lang: Lang): Html | '' {
  if (status !== 'boarded') return ''
  const stars = ratedStars(code)
  return stars
    ? html`<p class="muted" data-rated="${code}">${rw(lang, 'rated', { stars })}</p>`
    : html`<a class="btn btn-primary btn-wide" href="#rate/${code}" data-rate="${code}">${rw(lang, 'rate')}</a>`
}

export function minePage(
  list: readonly SavedBooking[],
  lang: Lang,
  now: number,
  busyCode: string | null,
  error: string | null,
  ahead?: AheadData,
  reminders: readonly ReminderView[] = [],
): Html {
  return html`${header(lang, t(lang, 'myBookings'), null, true)}
<main class="page">
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
  ${list.length === 0 ? html`<p class="empty">${t(lang, 'noBookings')}</p>${bookableList(ahead, lang, now)}` : html`<ol class="bookings">${list.map((b) => bookingRow(b, lang, now, busyCode === b.code))}</ol>`}
  ${remindersSection(reminders, lang, busyCode)}
</main>`
}

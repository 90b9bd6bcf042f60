/** Booking (一键可约): where to get off and how many, name and phone (remembered), then the code, big. */
import { Html, html } from '../html.js'
import { t } from '../i18n.js'
import type { BookingView, Lang, StopArrival, TripStop, TripStopsView } from '../model.js'
import { clock } from '../words.js'
import { header, stopName } from './stop.js'
import { verifyCard, type VerifyPhase } from './verify.js'
import type { Loadable } from './trip.js'

export interface BookForm {
  alightStop: string | null
  seats: number
  /** The booker's name and phone (remembered on the phone). */
  name: string
  phone: string
  /** Booking for someone else (a parent in the village): the rider's name and phone. */
  forFamily: boolean
  riderName: string
  riderPhone: string
}

/** A form field an error is about: the error is shown next to it. */
export type BookField = 'alightStop' | 'name' | 'phone' | 'riderName' | 'riderPhone' | 'seats'

export type BookPhase =
  | { kind: 'form'; error: string | null; field?: BookField | null }
  | { kind: 'sending'; retryNo: number | null }
  /** No answer: the same attempt (same key) is sent again by "try again". */
  | { kind: 'unreachable' }
  | { kind: 'done'; booking: BookingView }
  /** Booked, the seats held until the phone confirms the SMS code (views/verify.ts). */
  | VerifyPhase

export const MAX_SEATS = 6

/** Stops after this one on the trip: where a villager boarding here may get off. */
export function destinations(stops: readonly TripStop[], stopCode: string, scheduledTs: number): TripStop[] {
  let i = stops.findIndex((s) => s.code === stopCode && s.scheduledTs === scheduledTs)
  if (i < 0) i = stops.findIndex((s) => s.code === stopCode)
  return i < 0 ? [] : stops.slice(i + 1)
}

const iso = (s: string): number => Date.parse(s)

export function bookingResult(b: BookingView, lang: Lang): Html {
  const waitlisted = b.status === 'waitlisted'
  return html`<section class="card result ${waitlisted ? 'tone-warn' : 'tone-ok'}" data-booking="${b.code}">
  <h2>${t(lang, waitlisted ? 'waitlistedTitle' : 'bookedTitle')}</h2>
  <p class="code-label">${t(lang, 'bookingCode')}</p>
  <p class="booking-code" data-code>${b.code}</p>
  ${waitlisted && b.waitlistPosition !== null ? html`<p class="big-hint">${t(lang, 'waitlistPos', { n: b.waitlistPosition })}</p>` : ''}
  <p>${t(lang, 'showCode')}</p>
  <p>${t(lang, 'fromTo', { from: `${clock(iso(b.boardTime))} ${b.boardStopName}`, to: `${clock(iso(b.alightTime))} ${b.alightStopName}` })} · ${t(lang, 'seatsN', { n: b.seats })}</p>
  <p class="muted">${t(lang, 'cancelBefore', { time: clock(iso(b.cancelBefore)) })}</p>
</section>`
}

export function bookPage(
  a: StopArrival,
  stopCode: string,
  stops: Loadable<TripStopsView>,
  form: BookForm,
  phase: BookPhase,
  lang: Lang,
  now: number,
): Html {
  const title = t(lang, 'bookTitle')
  const sub = `${lang === 'en' && a.routeNameEn ? a.routeNameEn : a.routeName} · ${clock(a.scheduledTs)} · ${t(lang, 'to', { place: a.headsign })}`
  if (phase.kind === 'verify')
    return html`${header(lang, title, sub, true)}<main class="page">${verifyCard(phase, lang, now)}</main>`
  if (phase.kind === 'done') {
    return html`${header(lang, title, sub, true)}<main class="page">${bookingResult(phase.booking, lang)}</main>
<nav class="actions"><a class="btn btn-primary btn-wide" href="#" data-action="back">${t(lang, 'done')}</a></nav>`
  }
  if (stops.state !== 'ready')
    return html`${header(lang, title, sub, true)}<main class="page"><p class="muted">${t(lang, stops.state === 'loading' ? 'loading' : 'loadFailed')}</p></main>`
  const busy = phase.kind === 'sending'
  const choices = destinations(stops.value.stops, stopCode, a.scheduledTs)
  const field = phase.kind === 'form' && phase.error ? (phase.field ?? null) : null
  /** The error under the field it is about (read out at once: role alert). */
  const fieldError = (f: BookField): Html | '' =>
    field === f && phase.kind === 'form'
      ? html`<p class="error field-error" id="err-${f}" role="alert" data-field-error="${f}">${phase.error}</p>`
      : ''
  const invalid = (f: BookField): string => (field === f ? ' aria-invalid="true" aria-describedby="err-' + f + '"' : '')
  const input = (id: string, name: BookField, label: string, value: string, extra: string) =>
    html`<label for="${id}">${label}</label>
    <input id="${id}" name="${name}" ${new Html(extra)} value="${value}"${busy ? new Html(' disabled') : ''}${new Html(invalid(name))}>
    ${fieldError(name)}`
  return html`${header(lang, title, sub, true)}
<main class="page">
<form class="book" data-form="book" novalidate>
  <fieldset class="card" id="f-alightStop">
    <legend>${t(lang, 'getOffAt')}</legend>
    ${fieldError('alightStop')}
    <div class="choices">${choices.map(
      (s) =>
        html`<label class="choice"><input type="radio" name="alightStop" value="${s.code}"${form.alightStop === s.code ? ' checked' : ''}${busy ? ' disabled' : ''}><span>${stopName(s, lang)} <small>${clock(s.scheduledTs)}</small></span></label>`,
    )}</div>
  </fieldset>
  <fieldset class="card">
    <legend>${t(lang, 'seats')}</legend>
    <div class="stepper">
      <button type="button" class="btn step" data-action="seats-" aria-label="−"${busy || form.seats <= 1 ? ' disabled' : ''}>−</button>
      <output name="seats" data-seats>${form.seats}</output>
      <button type="button" class="btn step" data-action="seats+" aria-label="+"${busy || form.seats >= MAX_SEATS ? ' disabled' : ''}>+</button>
    </div>
  </fieldset>
  <fieldset class="card">
    <label class="check"><input type="checkbox" name="forFamily"${form.forFamily ? ' checked' : ''}${busy ? ' disabled' : ''}> ${t(lang, 'forFamily')}</label>
    ${
      form.forFamily
        ? html`${input('bk-rider-name', 'riderName', t(lang, 'riderName'), form.riderName, 'maxlength="40"')}
    ${input('bk-rider-phone', 'riderPhone', t(lang, 'riderPhone'), form.riderPhone, 'type="tel" inputmode="tel" maxlength="24"')}
    <p class="muted">${t(lang, 'bothTold')}</p>`
        : ''
    }
    ${input('bk-name', 'name', t(lang, form.forFamily ? 'yourName' : 'name'), form.name, 'autocomplete="name" maxlength="40"')}
    ${input('bk-phone', 'phone', t(lang, form.forFamily ? 'yourPhone' : 'phoneNumber'), form.phone, 'type="tel" inputmode="tel" autocomplete="tel" maxlength="24"')}
  </fieldset>
  ${phase.kind === 'form' && phase.error && !field ? html`<p class="error" role="alert">${phase.error}</p>` : ''}
  ${phase.kind === 'sending' && phase.retryNo !== null ? html`<p class="warning" role="status">${t(lang, 'retrying', { n: phase.retryNo })}</p>` : ''}
  ${phase.kind === 'unreachable' ? html`<p class="error" role="alert">${t(lang, 'offlineNoTime')}</p>` : ''}
  <div class="actions">
    <button class="btn btn-primary btn-wide" type="submit"${busy ? ' disabled' : ''}>${t(lang, busy ? 'sending' : phase.kind === 'unreachable' ? 'retry' : 'submitBooking')}</button>
  </div>
</form>
</main>`
}

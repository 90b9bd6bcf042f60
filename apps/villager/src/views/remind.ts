/** "车快到了提醒我": a phone number and how many stops before, then one SMS when the bus is that close. */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { Lang, ReminderView, StopArrival } from '../model.js'
import { clock } from '../words.js'
import { header } from './stop.js'

export interface RemindForm {
  phone: string
  stopsBefore: number
}

export type RemindPhase =
  { kind: 'form'; error: string | null } | { kind: 'sending' } | { kind: 'done'; reminder: ReminderView }

export const REMIND_CHOICES = [1, 2, 3] as const

export function remindPage(a: StopArrival, form: RemindForm, phase: RemindPhase, lang: Lang): Html {
  const sub = `${lang === 'en' && a.routeNameEn ? a.routeNameEn : a.routeName} · ${clock(a.scheduledTs)} · ${t(lang, 'to', { place: a.headsign })}`
  const head = header(lang, t(lang, 'remindTitle'), sub, true)
  if (phase.kind === 'done') {
    const r = phase.reminder
    return html`${head}<main class="page"><section class="card result tone-ok" data-reminder="${r.token}"><h2>${t(lang, 'remindSet', { n: r.stopsBefore, phone: r.phoneMasked })}</h2></section></main>
<nav class="actions"><a class="btn btn-primary btn-wide" href="#" data-action="back">${t(lang, 'done')}</a></nav>`
  }
  const busy = phase.kind === 'sending'
  const error = phase.kind === 'form' ? phase.error : null
  return html`${head}<main class="page">
<form class="remind" data-form="remind" novalidate>
  <fieldset class="card">
    <legend>${t(lang, 'remindHow')}</legend>
    <div class="choices row">${REMIND_CHOICES.map(
      (n) =>
        html`<label class="choice"><input type="radio" name="stopsBefore" value="${n}"${form.stopsBefore === n ? ' checked' : ''}${busy ? ' disabled' : ''}><span>${t(lang, 'remindStops', { n })}</span></label>`,
    )}</div>
  </fieldset>
  <fieldset class="card">
    <label for="rm-phone">${t(lang, 'phoneNumber')}</label>
    <input id="rm-phone" name="remindPhone" type="tel" inputmode="tel" autocomplete="tel" maxlength="24" value="${form.phone}"${busy ? ' disabled' : ''}${error ? ' aria-invalid="true" aria-describedby="err-rm"' : ''}>
    ${error ? html`<p class="error field-error" id="err-rm" role="alert" data-field-error="phone">${error}</p>` : ''}
  </fieldset>
  <div class="actions"><button class="btn btn-primary btn-wide" type="submit"${busy ? ' disabled' : ''}>${t(lang, busy ? 'sending' : 'remindSubmit')}</button></div>
</form>
</main>`
}

export function remindersSection(list: readonly ReminderView[], lang: Lang, busy: string | null): Html | '' {
  if (list.length === 0) return ''
  return html`<section data-live="reminders"><h2>${t(lang, 'myReminders')}</h2><ol class="bookings">${list.map(
    (r) => html`<li class="card booking" data-reminder="${r.token}">
  <p class="booking-line"><b>${clock(r.scheduledTs)} ${t(lang, 'to', { place: r.headsign })}</b> <span class="pill">${t(lang, `rstate_${r.state}`)}</span></p>
  <p>${t(lang, 'remindSet', { n: r.stopsBefore, phone: r.phoneMasked })}</p>
  ${r.state === 'active' ? html`<button class="btn btn-danger" data-action="cancel-reminder" data-token="${r.token}"${busy === r.token ? ' disabled' : ''}>${t(lang, 'cancelReminder')}</button>` : ''}
</li>`,
  )}</ol></section>`
}

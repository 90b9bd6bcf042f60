/** Report this sign (一键报修) or a danger on the road here: tap what is wrong, optionally a note and a photo, send. */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { Lang } from '../model.js'
import {
  HAZARD_CATEGORIES,
  SIGN_CATEGORIES,
  type QueuedReport,
  type ReportCategory,
  type SentReport,
} from '../outbox.js'
import { clock } from '../words.js'
import { banner, header, type Connection } from './stop.js'

/** The grid reporter's page (in this chunk's words, not the first load's). */
const GRID_LINK = { zh: '网格员：登记、我的上报与积分 ›', en: 'Grid reporters: register, my reports and points ›' }

export interface ReportForm {
  category: ReportCategory | null
  note: string
  photo: string | null
}

/** What happened to the last "send": sent now, or kept on the phone until the connection returns. */
export type ReportNotice = 'sending' | 'sent' | 'queued' | 'queued_online' | 'rate_limited' | 'need_category' | null

function categoryButton(c: ReportCategory, form: ReportForm, lang: Lang): Html {
  const on = form.category === c
  return html`<button type="button" class="cat${on ? ' on' : ''}" data-action="category" data-category="${c}" aria-pressed="${on ? 'true' : 'false'}">${t(lang, `cat_${c}`)}</button>`
}

function reportItem(r: QueuedReport | SentReport, lang: Lang): Html {
  const queued = 'state' in r
  const state = queued
    ? t(lang, r.state === 'failed' ? 'rstate_failed' : 'rstate_queued')
    : r.ticketStatus
      ? t(lang, `tstatus_${r.ticketStatus}` as 'tstatus_open')
      : t(lang, 'tstatus_open')
  return html`<li class="card report-item ${queued ? `r-${r.state}` : 'r-sent'}" data-report="${queued ? r.key : r.reportId}">
  <p><b>${t(lang, `cat_${r.category}`)}</b> <span class="pill">${state}</span></p>
  <p class="muted">${t(lang, 'reportFrom', { time: clock(r.createdTs) })}${queued && r.error && r.state === 'failed' ? html` · ${r.error}` : ''}</p>
  ${queued && r.state === 'failed' ? html`<button class="btn btn-secondary" data-action="discard-report" data-key="${r.key}">${t(lang, 'discard')}</button>` : ''}
</li>`
}

export function reportPage(
  form: ReportForm,
  notice: ReportNotice,
  queued: readonly QueuedReport[],
  sent: readonly SentReport[],
  lang: Lang,
  c: Connection,
): Html {
  const mine = [...queued, ...sent].sort((a, b) => b.createdTs - a.createdTs)
  return html`${header(lang, t(lang, 'reportTitle'), null, true)}
${banner(lang, c)}
<main class="page">
<p><a class="btn btn-secondary btn-wide" href="#grid" data-link="grid">${GRID_LINK[lang]}</a></p>
<form class="report" data-form="report" novalidate>
  <fieldset class="card"><legend>${t(lang, 'reportSign')}</legend><div class="cats">${SIGN_CATEGORIES.map((x) => categoryButton(x, form, lang))}</div></fieldset>
  <fieldset class="card"><legend>${t(lang, 'reportRoad')}</legend><div class="cats">${HAZARD_CATEGORIES.map((x) => categoryButton(x, form, lang))}</div></fieldset>
  <fieldset class="card">
    <label for="rp-note">${t(lang, 'note')}</label>
    <textarea id="rp-note" name="note" rows="2" maxlength="500">${form.note}</textarea>
    <label class="btn btn-secondary photo-btn" for="rp-photo">${t(lang, form.photo ? 'photoAdded' : 'photo')}</label>
    <input id="rp-photo" name="photo" type="file" accept="image/*" capture="environment" class="visually-hidden">
    ${form.photo ? html`<img class="photo-preview" src="${form.photo}" alt="">` : ''}
  </fieldset>
  ${notice === 'need_category' ? html`<p class="error" role="alert">${t(lang, 'chooseCategory')}</p>` : ''}
  ${notice === 'sending' ? html`<p class="muted" role="status" data-notice="sending">${t(lang, 'sending')}</p>` : ''}
  ${notice === 'sent' ? html`<p class="ok" role="status" data-notice="sent">${t(lang, 'reportSent')}</p>` : ''}
  ${notice === 'queued' ? html`<p class="warning" role="status" data-notice="queued">${t(lang, 'reportQueued')}</p>` : ''}
  ${notice === 'queued_online' ? html`<p class="warning" role="status" data-notice="queued_online">${t(lang, 'reportQueuedOnline')}</p>` : ''}
  ${notice === 'rate_limited' ? html`<p class="warning" role="status" data-notice="rate_limited">${t(lang, 'reportRateLimited')}</p>` : ''}
  <div class="actions"><button class="btn btn-primary btn-wide" type="submit">${t(lang, 'send')}</button></div>
</form>
${mine.length > 0 ? html`<section data-live="my-reports"><h2>${t(lang, 'myReports')}</h2><ol class="reports">${mine.map((r) => reportItem(r, lang))}</ol></section>` : ''}
</main>`
}

/** The stop page: the sign's name and code, routes served, next departures, the two big actions. */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type { AheadData, BootData, Lang, RouteInfo, StopArrival, StopInfo } from '../model.js'
import { clock, statusWords, whenWords } from '../words.js'
import { aheadSection, bookingLine, marketLine, reasonLine } from './ahead.js'
import { pageContext } from './context.js'

export const stopName = (s: Pick<StopInfo, 'name' | 'nameEn'>, lang: Lang): string =>
  lang === 'en' && s.nameEn ? s.nameEn : s.name
export const routeName = (r: { name: string; nameEn: string }, lang: Lang): string =>
  lang === 'en' && r.nameEn ? r.nameEn : r.name
const routeNameOf = (a: StopArrival, lang: Lang): string =>
  lang === 'en' && a.routeNameEn ? a.routeNameEn : a.routeName

export interface Connection {
  online: boolean
  /** When the departures shown were current (server time), epoch ms. */
  updatedTs: number | null
}

export function header(lang: Lang, title: string, sub: Html | string | null, back: boolean, readAloud = false): Html {
  const hotline = pageContext.hotline
  return html`<header class="top${back ? ' has-back' : ''}">
  ${back ? html`<a class="back" href="#" data-action="back" aria-label="${t(lang, 'back')}">‹ ${t(lang, 'back')}</a>` : ''}
  <div class="top-main"><h1>${title}</h1>${sub ? html`<p class="sub">${sub}</p>` : ''}</div>
  <a class="lang" href="?lang=${lang === 'zh' ? 'en' : 'zh'}" data-action="lang" lang="${lang === 'zh' ? 'en' : 'zh'}">${t(lang, 'switchLang')}</a>
</header>
<div class="tools">
  ${hotline ? html`<a class="tool call" href="tel:${hotline.phone.replace(/[^\d+]/g, '')}" data-call aria-label="${t(lang, 'call')} ${hotline.phone}">☎ ${hotline.phone}</a>` : ''}
  ${readAloud ? html`<button type="button" class="tool" data-action="speak"${pageContext.canSpeak ? '' : ' hidden'}>${t(lang, 'readAloud')}</button>` : ''}
  <button type="button" class="tool" data-action="large" aria-pressed="${pageContext.large ? 'true' : 'false'}">${t(lang, pageContext.large ? 'normalText' : 'largeText')}</button>
</div>`
}

export function banner(lang: Lang, c: Connection): Html {
  if (c.online) return html`<div class="banner" data-live="banner" hidden></div>`
  const text = c.updatedTs !== null ? t(lang, 'offline', { time: clock(c.updatedTs) }) : t(lang, 'offlineNoTime')
  return html`<div class="banner" data-live="banner" role="status">${text}</div>`
}

/** The service kind as a tag, unless the route's name already says it (叙永—江门 赶场车). */
function kindTag(name: string, kind: StopArrival['kind'], lang: Lang): Html | string {
  const word = t(lang, `kind_${kind}`)
  return name.toLowerCase().includes(word.toLowerCase()) ? '' : html` <span class="kind kind-${kind}">${word}</span>`
}

export function departureCard(a: StopArrival, lang: Lang, now: number, ahead?: AheadData): Html {
  const s = statusWords(a, lang)
  const w = whenWords(a, lang, now)
  const name = routeNameOf(a, lang)
  const booking = ahead?.bookings[a.tripInstanceId]
  return html`<li><a class="dep tone-${s.tone}" href="#t/${a.tripInstanceId}" data-trip="${a.tripInstanceId}">
  <span class="dep-main">
    <span class="dep-route">${name}${kindTag(name, a.kind, lang)}</span>
    <span class="dep-head">${t(lang, 'to', { place: a.headsign })}</span>
    <span class="dep-status">${s.text}</span>
    ${bookingLine(booking, lang, now)}
    ${a.status === 'cancelled' ? reasonLine(booking?.cancelReason ?? ahead?.cancelled[a.tripInstanceId], lang) : ''}
  </span>
  <span class="dep-when${w.struck ? ' struck' : ''}${w.planned ? ' planned' : ''}"><b>${w.big}</b><small>${w.small}</small></span>
</a></li>`
}

export function departuresSection(
  arrivals: readonly StopArrival[],
  lang: Lang,
  now: number,
  c: Connection,
  ahead?: AheadData,
  routes: readonly RouteInfo[] = [],
): Html {
  // A stop served only on market days names the next one.
  const market = routes.filter((r) => r.kind === 'market').map((r) => marketLine(ahead, r.id, lang))[0] ?? ''
  return html`<section class="deps-section" data-live="departures" aria-live="polite">
  <h2>${t(lang, 'departures')}${c.updatedTs !== null ? html` <small class="updated">${t(lang, 'updated', { time: clock(c.updatedTs) })}</small>` : ''}</h2>
  ${arrivals.length === 0 ? html`<p class="empty">${t(lang, 'noDepartures')}${market ? html`<br>${market}` : ''}</p>` : html`<ol class="deps">${arrivals.map((a) => departureCard(a, lang, now, ahead))}</ol>`}
</section>`
}

function routesSection(routes: readonly RouteInfo[], lang: Lang, ahead?: AheadData): Html {
  return html`<section class="routes"><h2>${t(lang, 'routes')}</h2>${
    routes.length === 0
      ? html`<p class="empty">${t(lang, 'noRoutes')}</p>`
      : html`<ul class="chips">${routes.map((r) => html`<li class="chip kind-${r.kind}">${routeName(r, lang)}${r.kind === 'market' ? marketLine(ahead, r.id, lang) : ''}</li>`)}</ul>`
  }<a class="btn btn-secondary tt-link" href="#week" data-action="nav">${t(lang, 'timetable')}</a></section>`
}

export function actionBar(lang: Lang): Html {
  return html`<nav class="actions">
  <a class="btn btn-secondary" href="#mine" data-action="nav">${t(lang, 'myBookings')}</a>
  <a class="btn btn-primary" href="#report" data-action="nav">${t(lang, 'report')}</a>
</nav>`
}

export function notFoundPage(code: string, lang: Lang): Html {
  return html`${header(lang, code ? t(lang, 'notFoundTitle', { code }) : t(lang, 'enterCode'), null, false)}
<main class="page notfound">
  <p class="big-hint">${t(lang, 'notFoundHint')}</p>
  <form class="goto" action="/s/" method="get" data-action="goto">
    <label for="code">${t(lang, 'enterCode')}</label>
    <input id="code" name="code" autocapitalize="characters" autocomplete="off" inputmode="text" placeholder="XY-0421" value="">
    <button class="btn btn-primary" type="submit">${t(lang, 'go')}</button>
  </form>
</main>`
}

/** The whole stop page (also what the server sends as the first paint). */
/** Open surveys for villagers, each a link to its questions (`#q/<id>`). */
function surveysSection(surveys: readonly { id: number; title: string }[], lang: Lang): Html | '' {
  return surveys.length === 0
    ? ''
    : html`<section class="surveys">${surveys.map((s) => html`<a class="card survey-link" href="#q/${s.id}" data-survey="${s.id}">📝 ${t(lang, 'surveyLink', { title: s.title })}</a>`)}</section>`
}

export function stopPage(
  boot: BootData,
  lang: Lang,
  now: number,
  c: Connection,
  surveys: readonly { id: number; title: string }[] = [],
): Html {
  if (!boot.stop) return notFoundPage(boot.code, lang)
  const stop = boot.stop
  return html`${header(lang, stopName(stop, lang), html`${t(lang, 'stopCode')} <b class="code">${stop.code}</b>`, false, true)}
${banner(lang, c)}
<main class="page">
  ${stop.status === 'removed' ? html`<p class="warning">${t(lang, 'signRemoved')}</p>` : ''}
  ${departuresSection(boot.arrivals, lang, now, c, boot.ahead, boot.routes)}
  ${aheadSection(boot.ahead, lang, now)}
  ${surveysSection(surveys, lang)}
  ${routesSection(boot.routes, lang, boot.ahead)}
</main>
${actionBar(lang)}`
}

/**
 * Days ahead on the stop page: later today and tomorrow from the timetable, bookable trips
 * further ahead, the next market days with their lunar dates, the 7-day timetable by route, and
 * each bookable departure's booking state in words ("需预约 · 满3人发车 · 已约2人 · 13:30截止").
 */
import { html, type Html } from '../html.js'
import { t } from '../i18n.js'
import type {
  AheadData,
  Lang,
  LunarDay,
  PlannedDeparture,
  RouteInfo,
  StopTimetable,
  TripBookingState,
} from '../model.js'
import { clock } from '../words.js'
import { header, routeName } from './stop.js'
import type { Loadable } from './trip.js'

const CHINA_MS = 8 * 3_600_000
const ZH_WEEK = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const EN_WEEK = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const EN_MONTH = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** YYYY-MM-DD of an instant in China time. */
export const chinaDate = (ts: number): string => new Date(ts + CHINA_MS).toISOString().slice(0, 10)

/** "12月9日 周三" / "Wed 9 Dec" of a YYYY-MM-DD date. */
export function dateWords(date: string, lang: Lang): string {
  const d = new Date(`${date}T00:00:00Z`)
  if (lang === 'en') return `${EN_WEEK[d.getUTCDay()]} ${d.getUTCDate()} ${EN_MONTH[d.getUTCMonth()]}`
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${ZH_WEEK[d.getUTCDay()]}`
}

/** "明天 · 12月8日 周二", "今天晚些", or the date. */
export function dayWords(date: string, now: number, lang: Lang): string {
  const today = chinaDate(now)
  if (date === today) return t(lang, 'later')
  if (date === chinaDate(now + 86_400_000)) return `${t(lang, 'tomorrow')} · ${dateWords(date, lang)}`
  return dateWords(date, lang)
}

/** A market day with its lunar date: "12月9日 周三 冬月初一" (the lunar date in Chinese in both languages). */
export const lunarDayWords = (d: LunarDay, lang: Lang): string => `${dateWords(d.date, lang)} ${d.lunar}`

/** "13:30" today, "12月8日 13:30" another day. */
function whenClock(ts: number, now: number, lang: Lang): string {
  return chinaDate(ts) === chinaDate(now) ? clock(ts) : `${dateWords(chinaDate(ts), lang)} ${clock(ts)}`
}

/** The booking state of a departure in a line; empty for one that takes no bookings. */
export function bookingWords(
  s: TripBookingState | undefined,
  lang: Lang,
  now: number,
): { text: string; tone: 'ok' | 'warn' | 'bad' } | null {
  if (!s) return null
  const sep = ' · '
  if (s.policy === 'required') {
    if (s.onDemand === 'cancelled' || s.status === 'cancelled') return { text: t(lang, 'notRunning'), tone: 'bad' }
    if (s.onDemand === 'confirmed') return { text: t(lang, 'runs', { n: s.riders }), tone: 'ok' }
    if (now >= s.cutoffTs) return { text: t(lang, 'decidingAfterCutoff', { n: s.riders }), tone: 'warn' }
    return {
      text: [
        t(lang, 'needBooking'),
        t(lang, 'minRiders', { n: s.minRiders }),
        t(lang, 'booked', { n: s.riders }),
        t(lang, 'cutoffAt', { time: whenClock(s.cutoffTs, now, lang) }),
      ].join(sep),
      tone: 'warn',
    }
  }
  if (s.status === 'cancelled' || now >= s.cutoffTs) return null
  return {
    text: [
      t(lang, 'bookableTag'),
      t(lang, 'seatsLeft', { n: s.seatsFree }),
      t(lang, 'cutoffAt', { time: whenClock(s.cutoffTs, now, lang) }),
    ].join(sep),
    tone: 'ok',
  }
}

export function bookingLine(s: TripBookingState | undefined, lang: Lang, now: number): Html | '' {
  const w = bookingWords(s, lang, now)
  return w ? html`<span class="dep-booking b-${w.tone}" data-booking-line>${w.text}</span>` : ''
}

export function reasonLine(reason: string | null | undefined, lang: Lang): Html | '' {
  return reason ? html`<span class="dep-reason" data-reason>${t(lang, 'cancelledBecause', { reason })}</span>` : ''
}

function plannedCard(p: PlannedDeparture, ahead: AheadData, lang: Lang, now: number): Html {
  const name = lang === 'en' && p.routeNameEn ? p.routeNameEn : p.routeName
  const cancelled = p.status === 'cancelled' || ahead.bookings[p.tripInstanceId]?.status === 'cancelled'
  return html`<li><a class="dep planned-dep ${cancelled ? 'tone-bad' : 'tone-muted'}" href="#t/${p.tripInstanceId}" data-trip="${p.tripInstanceId}">
  <span class="dep-main">
    <span class="dep-route">${name}</span>
    <span class="dep-head">${t(lang, 'to', { place: p.headsign })}</span>
    ${cancelled ? html`<span class="dep-status">${t(lang, 'cancelled')}</span>` : ''}
    ${bookingLine(ahead.bookings[p.tripInstanceId], lang, now)}
    ${cancelled ? reasonLine(p.cancelReason ?? ahead.cancelled[p.tripInstanceId], lang) : ''}
  </span>
  <span class="dep-when planned${cancelled ? ' struck' : ''}"><b>${clock(p.scheduledTs)}</b><small>${t(lang, 'planned', { time: clock(p.scheduledTs) })}</small></span>
</a></li>`
}

/** Later today, tomorrow, and the bookable trips beyond, grouped by day. */
export function aheadSection(ahead: AheadData | undefined, lang: Lang, now: number): Html | '' {
  if (!ahead || ahead.departures.length === 0) return ''
  const days: { date: string; list: PlannedDeparture[] }[] = []
  for (const p of ahead.departures) {
    const date = chinaDate(p.scheduledTs)
    const day = days.at(-1)
    if (day && day.date === date) day.list.push(p)
    else days.push({ date, list: [p] })
  }
  return html`<section class="ahead" data-live="ahead">${days.map(
    (d) =>
      html`<h2 class="day" data-day="${d.date}">${dayWords(d.date, now, lang)}</h2><ol class="deps">${d.list.map((p) => plannedCard(p, ahead, lang, now))}</ol>`,
  )}</section>`
}

/** "下次赶场 12月9日 周三 冬月初一" for a market-day route. */
export function marketLine(ahead: AheadData | undefined, routeId: string, lang: Lang): Html | '' {
  const dates = ahead?.marketDays.find((m) => m.routeId === routeId)?.dates ?? []
  const first = dates[0]
  return first
    ? html`<span class="market" data-market="${routeId}">${t(lang, 'nextMarket', { when: lunarDayWords(first, lang) })}</span>`
    : ''
}

/** The empty "my bookings": the next trips that can be booked. */
export function bookableList(ahead: AheadData | undefined, lang: Lang, now: number): Html {
  const all = [...(ahead?.departures ?? []), ...(ahead?.more ?? [])]
  const list = (ahead?.bookable ?? [])
    .map((id) => all.find((p) => p.tripInstanceId === id))
    .filter((p): p is PlannedDeparture => p !== undefined)
  if (list.length === 0) return html`<p class="muted">${t(lang, 'noBookable')}</p>`
  return html`<section class="bookable" data-live="bookable"><h2>${t(lang, 'nextBookable')}</h2><ol class="deps">${list.map(
    (p) => html`<li><a class="dep tone-ok" href="#b/${p.tripInstanceId}" data-book="${p.tripInstanceId}">
  <span class="dep-main"><span class="dep-route">${lang === 'en' && p.routeNameEn ? p.routeNameEn : p.routeName}</span><span class="dep-head">${t(lang, 'to', { place: p.headsign })}</span>${bookingLine(ahead?.bookings[p.tripInstanceId], lang, now)}</span>
  <span class="dep-when planned"><b>${clock(p.scheduledTs)}</b><small>${dayWords(chinaDate(p.scheduledTs), now, lang)}</small></span>
</a></li>`,
  )}</ol></section>`
}

/** The stop's timetable for 7 days by route; bookable departures link to booking. */
export function timetablePage(
  tt: Loadable<StopTimetable>,
  routes: readonly RouteInfo[],
  lang: Lang,
  now: number,
): Html {
  const head = header(lang, t(lang, 'timetableTitle'), null, true)
  if (tt.state !== 'ready')
    return html`${head}<main class="page"><p class="muted">${t(lang, tt.state === 'loading' ? 'loading' : 'loadFailed')}</p></main>`
  const v = tt.value
  return html`${head}<main class="page timetable">${v.routes.map((r) => {
    const info = routes.find((x) => x.id === r.id) ?? r
    return html`<section class="card tt-route" data-route="${r.id}">
  <h2>${routeName(info, lang)}</h2>
  ${r.marketDays.length > 0 ? html`<p class="market">${t(lang, 'nextMarket', { when: r.marketDays.map((d) => lunarDayWords(d, lang)).join('，') })}</p>` : ''}
  <dl class="tt-days">${v.days
    .map((d) => ({ d, deps: r.departures.filter((x) => x.serviceDate === d.date) }))
    .filter((x) => x.deps.length > 0)
    .map(
      ({ d, deps }) =>
        html`<dt>${dayWords(d.date, now, lang) === t(lang, 'later') ? t(lang, 'today') : dayWords(d.date, now, lang)}</dt><dd>${deps.map(
          (x) =>
            x.bookable
              ? html`<a class="tt-time bookable" href="#b/${x.tripInstanceId}" data-book="${x.tripInstanceId}">${clock(x.scheduledTs)}<small>${t(lang, 'bookableTag')}</small></a>`
              : html`<span class="tt-time${x.status === 'cancelled' ? ' struck-text' : ''}">${clock(x.scheduledTs)}</span>`,
        )}</dd>`,
    )}</dl>
</section>`
  })}</main>`
}

/**
 * A departure in words a villager reads at a glance: what the bus is doing ("on the way, 3 stops
 * away", "running 6 minutes late", "not started yet", "cancelled", "at the stop now") and when it
 * comes ("5 min", "08:30"). Late and early are the server's word (`punctuality`, the county's
 * lateness policy, the same the console shows), never a threshold of the page's own. Pure: `now`
 * is a parameter; times are shown in China time (UTC+8, no daylight saving), whatever the phone's
 * time zone.
 */
import { t } from './i18n.js'
import type { Lang, StopArrival } from './model.js'

const CHINA_OFFSET_MS = 8 * 3_600_000

export type Tone = 'ok' | 'warn' | 'bad' | 'muted'

export interface StatusWords {
  text: string
  tone: Tone
}

/** HH:MM in China time. */
export function clock(ts: number): string {
  const d = new Date(ts + CHINA_OFFSET_MS)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

/** Whole minutes off the timetable, when there is at least one to say. */
const offMinutes = (delayS: number | null): number | null => {
  const n = delayS === null ? 0 : Math.round(Math.abs(delayS) / 60)
  return n >= 1 ? n : null
}

/** "Running 6 minutes late" / "running early" by the server's judgement; null when on time or not judged. */
function punctualityWords(a: StopArrival, lang: Lang): string | null {
  const n = offMinutes(a.delayS)
  if (a.punctuality === 'late') return n !== null ? t(lang, 'late', { n }) : t(lang, 'lateNoFigure')
  if (a.punctuality === 'early') return n !== null ? t(lang, 'early', { n }) : t(lang, 'earlyNoFigure')
  return null
}

function away(a: StopArrival, lang: Lang): string | null {
  if (a.stopsAway === null || a.stopsAway < 0) return null
  return a.stopsAway === 0 ? t(lang, 'nextIsHere') : t(lang, 'stopsAway', { n: a.stopsAway })
}

const join = (lang: Lang, parts: (string | null)[]): string =>
  parts.filter((p): p is string => p !== null).join(lang === 'zh' ? '，' : ', ')

/** A followed bus on its way: where, and late or early only when the server says so. */
function coming(a: StopArrival, lang: Lang, lateFirst: boolean): StatusWords {
  const off = punctualityWords(a, lang)
  if (off === null) return { text: join(lang, [t(lang, 'onTheWay'), away(a, lang)]), tone: 'ok' }
  if (lateFirst && a.punctuality === 'late') return { text: join(lang, [off, away(a, lang)]), tone: 'warn' }
  return { text: join(lang, [t(lang, 'onTheWay'), away(a, lang), lowerFirst(off, lang)]), tone: 'warn' }
}

/** What the bus is doing, in a sentence. */
export function statusWords(a: StopArrival, lang: Lang): StatusWords {
  switch (a.status) {
    case 'cancelled':
      return { text: t(lang, 'cancelled'), tone: 'bad' }
    case 'at_stop':
      return { text: t(lang, 'atStop'), tone: 'ok' }
    case 'departed':
    case 'completed':
      return { text: t(lang, 'departed'), tone: 'muted' }
    case 'on_the_way':
      return coming(a, lang, false)
    case 'late':
      // A bus the engine follows is judged like any other; with no bus on it, it never left.
      if (a.vehicleId === null || a.stopsAway === null) return { text: t(lang, 'notStartedLate'), tone: 'warn' }
      return coming(a, lang, true)
    case 'scheduled':
      return { text: t(lang, 'notStarted'), tone: 'muted' }
    case 'no_position':
      // The bus runs the trip, but nothing has been heard of it for longer than the server's grace.
      return { text: t(lang, 'noPosition'), tone: 'warn' }
  }
}

/** "最后位置 3 分钟前": how old the bus's last position is. */
function lastFixWords(a: StopArrival, lang: Lang, now: number): string | null {
  if (a.lastFixTs === null) return null
  const n = Math.floor((now - a.lastFixTs) / 60_000)
  return lowerFirst(n >= 1 ? t(lang, 'lastFix', { n }) : t(lang, 'lastFixUnderMin'), lang)
}

const lowerFirst = (s: string, lang: Lang): string => (lang === 'en' ? s.charAt(0).toLowerCase() + s.slice(1) : s)

export interface WhenWords {
  /** The big figure: "5 分钟", "08:30", "已到站". */
  big: string
  /** The small line under it: "计划 08:30 · 预计 08:36". */
  small: string
  /** The figure is a timetable time, not a live prediction. */
  planned: boolean
  struck: boolean
}

/** When the bus comes to this stop. */
export function whenWords(a: StopArrival, lang: Lang, now: number): WhenWords {
  const planned = t(lang, 'planned', { time: clock(a.scheduledTs) })
  if (a.status === 'cancelled') return { big: clock(a.scheduledTs), small: planned, planned: true, struck: true }
  if (a.status === 'at_stop') return { big: t(lang, 'here'), small: planned, planned: false, struck: false }
  // No live position: the timetable, and how old the last position is — never "due now".
  if (a.status === 'no_position') {
    const age = lastFixWords(a, lang, now)
    return {
      big: clock(a.scheduledTs),
      small: age ? `${planned} · ${age}` : t(lang, 'byTimetable', { time: clock(a.scheduledTs) }),
      planned: true,
      struck: false,
    }
  }
  if (a.etaTs === null) return { big: clock(a.scheduledTs), small: planned, planned: true, struck: false }
  const mins = Math.ceil((a.etaTs - now) / 60_000)
  const small =
    clock(a.etaTs) === clock(a.scheduledTs) ? planned : `${planned} · ${t(lang, 'expected', { time: clock(a.etaTs) })}`
  if (mins <= 0) return { big: t(lang, 'due'), small, planned: false, struck: false }
  if (mins < 60) return { big: t(lang, 'min', { n: mins }), small, planned: false, struck: false }
  return { big: clock(a.etaTs), small, planned: false, struck: false }
}

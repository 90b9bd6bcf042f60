/** How times, delays and ages read in the console (times in Asia/Shanghai, the county's clock). */
import type { Punctuality } from '@rb/domain'
import { t, type MessageKey } from '../i18n/index.js'

const TZ = 'Asia/Shanghai'
const hm = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false })
const hms = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})
const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' })

export const clock = (ts: number | null | undefined): string => (ts === null || ts === undefined ? '—' : hm.format(ts))
export const clockS = (ts: number | null | undefined): string =>
  ts === null || ts === undefined ? '—' : hms.format(ts)
export const day = (ts: number): string => ymd.format(ts)

const PUNCTUALITY_WORDS = { early: 'Early', on_time: 'On time', late: 'Late' } as const satisfies Record<
  Punctuality,
  MessageKey
>
export const punctualityLabel = (p: Punctuality): string => t(PUNCTUALITY_WORDS[p])

/** "+6 min", "−2 min", "+14 s": a delay as a figure, no judgement (that is the server's `punctuality`). */
export function delayFigure(delayS: number | null | undefined): string {
  if (delayS === null || delayS === undefined) return '—'
  const absS = Math.round(Math.abs(delayS))
  const sign = absS === 0 ? '±' : delayS > 0 ? '+' : '−'
  return absS < 60 ? `${sign}${t('{n} s', { n: absS })}` : `${sign}${t('{n} min', { n: Math.round(absS / 60) })}`
}

/** "Late · +6 min" (晚点 · +6 分钟): the server's judgement with the figure; the figure alone when not judged. */
export function punctualityText(
  punctuality: Punctuality | null | undefined,
  delayS: number | null | undefined,
): string {
  if (!punctuality) return delayFigure(delayS)
  return delayS === null || delayS === undefined
    ? punctualityLabel(punctuality)
    : `${punctualityLabel(punctuality)} · ${delayFigure(delayS)}`
}

/** "12 s ago", "4 min ago", "2 h ago". */
export function age(ts: number | null | undefined, now: number): string {
  if (ts === null || ts === undefined) return t('never')
  const s = Math.max(0, Math.round((now - ts) / 1000))
  if (s < 90) return t('{n} s ago', { n: s })
  if (s < 5400) return t('{n} min ago', { n: Math.round(s / 60) })
  return t('{n} h ago', { n: Math.round(s / 3600) })
}

/** `YYYY-MM-DDTHH:mm` in Asia/Shanghai for <input type=datetime-local>, and back. */
export function toLocalInput(ts: number): string {
  return new Date(ts + 8 * 3_600_000).toISOString().slice(0, 16)
}
export function fromLocalInput(value: string): number {
  return Date.parse(`${value}:00+08:00`)
}

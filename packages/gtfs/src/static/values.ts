/** GTFS value formats: times, dates, colours, numbers; parsing returns undefined for malformed input. */
import { isServiceDate, type ServiceDate } from '@rb/domain'

// HH:MM:SS, with H:MM:SS accepted (the reference allows it) and hours past 24 for trips after midnight.
const TIME = /^(\d{1,3}):([0-5]\d):([0-5]\d)$/
const DATE = /^(\d{4})(\d{2})(\d{2})$/

/** Seconds after the service day's noon-minus-12h, or undefined. */
export function parseTime(value: string): number | undefined {
  const m = TIME.exec(value)
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : undefined
}

/** 3725 → `01:02:05`; 90000 → `25:00:00` (GTFS counts past midnight on the same service day). */
export function formatTime(seconds: number): string {
  const s = Math.round(seconds)
  const pad = (n: number): string => String(n).padStart(2, '0')
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`
}

/** `20260901` → `2026-09-01`, or undefined when it is not a real date in the supported years. */
export function parseDate(value: string): ServiceDate | undefined {
  const m = DATE.exec(value)
  const iso = m ? `${m[1]}-${m[2]}-${m[3]}` : ''
  return isServiceDate(iso) ? iso : undefined
}

export function formatDate(date: ServiceDate): string {
  return date.replaceAll('-', '')
}

export const isColor = (value: string): boolean => /^[0-9a-fA-F]{6}$/.test(value)

/** A plain decimal number (no exponent, no hex, no blanks), or undefined. */
export function parseDecimal(value: string): number | undefined {
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : undefined
}

export function parseNonNegativeInt(value: string): number | undefined {
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined
}

/** A coordinate with up to 7 decimals (about 1 cm), never in exponent notation. */
export function formatCoord(value: number): string {
  return value.toFixed(7).replace(/\.?0+$/, '')
}

export function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false
  const { protocol } = new URL(value)
  return protocol === 'http:' || protocol === 'https:'
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

/** Black or white text, whichever reads better on the route colour (`rrggbb`). */
export function textColorOn(color: string): string {
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(color.slice(i, i + 2), 16)) as [number, number, number]
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '000000' : 'FFFFFF'
}

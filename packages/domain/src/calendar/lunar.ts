/** Gregorian → Chinese lunar date conversion, delegated to the maintained lunar-javascript library. */
import lunarJavascript from 'lunar-javascript'
import { gregorianPartsOf, type ServiceDate } from './service-day.js'

const { Solar } = lunarJavascript

/** A date on the Chinese lunar calendar. */
export interface LunarDate {
  readonly lunarYear: number
  /** 1–12; a leap month (闰月) carries the number of the month it follows, with `isLeapMonth`. */
  readonly lunarMonth: number
  readonly isLeapMonth: boolean
  /** Day of the lunar month, 1–29 or 1–30. */
  readonly lunarDay: number
}

// The conversion costs ~50 µs, and "which trips run today" asks it once per lunar-market trip for the
// same date; the answer never changes, so a bounded memo is safe and keeps dispatch queries cheap.
const MEMO_LIMIT = 4096
const memo = new Map<ServiceDate, LunarDate>()

/** The Chinese lunar date of a service date. */
export function lunarDateOf(date: ServiceDate): LunarDate {
  const cached = memo.get(date)
  if (cached) return cached
  const { year, month, day } = gregorianPartsOf(date)
  const lunar = Solar.fromYmd(year, month, day).getLunar()
  const lunarDate: LunarDate = {
    lunarYear: lunar.getYear(),
    lunarMonth: Math.abs(lunar.getMonth()),
    isLeapMonth: lunar.getMonth() < 0,
    lunarDay: lunar.getDay(),
  }
  if (memo.size >= MEMO_LIMIT) memo.clear()
  memo.set(date, Object.freeze(lunarDate))
  return lunarDate
}

/**
 * Lunar dates as a villager reads them: 冬月初一, 腊月廿三, 闰四月十五. Market days are named this
 * way on the stop page and in SMS answers ("下次赶场 12月9日 周三 冬月初一").
 */
import { lunarDateOf } from './lunar.js'
import type { ServiceDate } from './service-day.js'

const MONTHS = ['正月', '二月', '三月', '四月', '五月', '六月', '七月', '八月', '九月', '十月', '冬月', '腊月'] as const
const DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const

/** 初一…初十, 十一…十九, 二十, 廿一…廿九, 三十. */
export function lunarDayName(day: number): string {
  if (day < 1 || day > 30 || !Number.isInteger(day)) throw new RangeError(`a lunar day is 1–30, not ${day}`)
  if (day <= 10) return `初${DIGITS[day]}`
  if (day < 20) return `十${DIGITS[day - 10]}`
  if (day === 20) return '二十'
  if (day < 30) return `廿${DIGITS[day - 20]}`
  return '三十'
}

/** 正月…腊月; a leap month is 闰 + the month it follows. */
export function lunarMonthName(month: number, isLeapMonth = false): string {
  const name = MONTHS[month - 1]
  if (!name) throw new RangeError(`a lunar month is 1–12, not ${month}`)
  return `${isLeapMonth ? '闰' : ''}${name}`
}

/** The lunar month and day of a service date in words: 冬月初一. */
export function lunarLabel(date: ServiceDate): string {
  const l = lunarDateOf(date)
  return `${lunarMonthName(l.lunarMonth, l.isLeapMonth)}${lunarDayName(l.lunarDay)}`
}

/**
 * Market days (赶场/赶集): a town's market falls on days of the month whose last digit is in a set,
 * counted on the lunar or the Gregorian calendar as the town has it; some towns instead follow a
 * fixed n-day cycle (a 12-day earthly-branch cycle, a 5-day cycle) from a known market day.
 */
import { lunarDateOf } from './lunar.js'
import type { DayDigit } from './market-digits.js'
import { daysBetween, gregorianPartsOf, type ServiceDate } from './service-day.js'

export { MARKET_DIGITS, type DayDigit, type MarketPattern } from './market-digits.js'

export type MarketCalendarKind = 'lunar' | 'gregorian'

/**
 * Market on every day of the month whose last digit is in `digits`. A lunar month has 29 or 30
 * days, so a lunar "30" exists only in long months and there is never a lunar 31st; leap months
 * (闰月) are ordinary months for this purpose.
 */
export interface MarketDaysRule {
  kind: 'marketDays'
  calendar: MarketCalendarKind
  digits: readonly DayDigit[]
}

/** Market every `periodDays` days, counted both ways from `anchor`, which is a market day. */
export interface DayCycleRule<D extends string = ServiceDate> {
  kind: 'dayCycle'
  anchor: D
  periodDays: number
}

/** Day of the month on the given calendar, 1–31 (Gregorian) or 1–30 (lunar). */
export function dayOfMonthOn(calendar: MarketCalendarKind, date: ServiceDate): number {
  switch (calendar) {
    case 'lunar':
      return lunarDateOf(date).lunarDay
    case 'gregorian':
      return gregorianPartsOf(date).day
  }
}

/** Whether `date` is a market day under the digit rule. */
export function isMarketDay(rule: MarketDaysRule, date: ServiceDate): boolean {
  const lastDigit = dayOfMonthOn(rule.calendar, date) % 10
  return (rule.digits as readonly number[]).includes(lastDigit)
}

/** Whether `date` falls on the cycle (dates before the anchor count backwards the same way). */
export function isOnDayCycle(rule: DayCycleRule, date: ServiceDate): boolean {
  // A negative offset gives -0 or a negative remainder; -0 === 0, so no sign fix is needed.
  return daysBetween(rule.anchor, date) % rule.periodDays === 0
}

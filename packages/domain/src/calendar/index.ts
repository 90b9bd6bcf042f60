export { CalendarError, type CalendarErrorCode, type CalendarIssue } from './errors.js'
export {
  MAX_SERVICE_YEAR,
  MIN_SERVICE_YEAR,
  SERVICE_TIME_ZONE,
  SERVICE_UTC_OFFSET_MS,
  addDays,
  compareDates,
  daysBetween,
  gregorianPartsOf,
  isServiceDate,
  serviceDate,
  serviceDayOf,
  serviceDayStartMs,
  weekdayOf,
  type ServiceDate,
  type Weekday,
} from './service-day.js'
export { lunarDateOf, type LunarDate } from './lunar.js'
export { lunarDayName, lunarLabel, lunarMonthName } from './lunar-words.js'
export {
  MARKET_DIGITS,
  dayOfMonthOn,
  isMarketDay,
  isOnDayCycle,
  type DayCycleRule,
  type DayDigit,
  type MarketCalendarKind,
  type MarketDaysRule,
  type MarketPattern,
} from './market-day.js'
export {
  isInRange,
  isSchoolDay,
  publicHolidaysOf,
  type DateRange,
  type PublicHolidayYear,
  type SchoolDaysRule,
} from './school-term.js'
export {
  MAX_EXPAND_DAYS,
  expandDates,
  ruleMatches,
  runsOn,
  tripsRunningOn,
  type AllRule,
  type AnyRule,
  type CalendarJson,
  type CalendarRule,
  type DateRangeRule,
  type NotRule,
  type ServiceCalendar,
  type WeekdaysRule,
} from './calendar.js'
export { MAX_RULE_DEPTH, parseCalendar, validateCalendar, type CalendarValidation } from './validate.js'
export { makeCalendar } from './factories.js'
export { calendarWords, type WordsLang } from './words.js'
export {
  applyHolidays,
  calendarKind,
  CALENDAR_KINDS,
  holidayDates,
  isMarketDayOf,
  springFestival,
  stops as holidayStops,
  type CalendarKind,
  type HolidayException,
} from './holidays.js'

/**
 * The views a first visit does not need (booking and its SMS code confirmation, my bookings,
 * reports, reminders, the 7-day timetable): a chunk of its own, loaded when the villager first opens one of them (or when the
 * phone is idle), so the first load stays small on weak 3G.
 */
export { bookPage } from './views/book.js'
export { minePage } from './views/mine.js'
export { remindPage } from './views/remind.js'
export { reportPage } from './views/report.js'
export { timetablePage } from './views/ahead.js'
export { confirmCode, heldPhase, resendCode, watchHold, type VerifyHost } from './verify.js'
export { vt } from './views/verify.js'
export { SurveyFlow } from './views/survey.js'
export { RateFlow, ratedStars, rw } from './views/rate.js'
export { GridFlow } from './views/grid.js'

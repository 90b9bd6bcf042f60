/** Stable codes a caller (HTTP layer, console) can switch on; messages are for people. */
export type CalendarErrorCode =
  'INVALID_DATE' | 'INVALID_INSTANT' | 'INVALID_DATE_RANGE' | 'INVALID_CALENDAR' | 'HOLIDAY_DATA_MISSING'

/** One problem found in a calendar document; `path` points into the JSON, e.g. `rule.rules[1].digits[0]`. */
export interface CalendarIssue {
  path: string
  message: string
}

/**
 * Error thrown by the calendar module. Kept minimal on purpose: the lead will fold it into the
 * package-wide DomainError (code + HTTP status) later.
 */
export class CalendarError extends Error {
  override readonly name = 'CalendarError'
  readonly code: CalendarErrorCode
  /** Every problem found, for INVALID_CALENDAR; empty otherwise. */
  readonly issues: readonly CalendarIssue[]

  constructor(code: CalendarErrorCode, message: string, issues: readonly CalendarIssue[] = []) {
    super(message)
    this.code = code
    this.issues = issues
  }
}

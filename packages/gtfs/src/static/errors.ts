/** The one error type of the GTFS module; `code` is stable, `message` names file, line and field. */

export type GtfsErrorCode =
  /** A required file (agency, stops, routes, trips, stop_times, calendar or calendar_dates) is absent. */
  | 'MISSING_FILE'
  /** A required column is absent, or a required value is empty. */
  | 'MISSING_FIELD'
  /** An id points at nothing: a trip's route, a stop time's stop, a trip's shape … */
  | 'BAD_REFERENCE'
  /** A value is malformed or out of range: a time, a date, a coordinate, a duplicate id, times going back. */
  | 'BAD_VALUE'
  /** The bytes are not a readable zip archive. */
  | 'BAD_ZIP'

/** Where in the feed a problem is; line 1 is the header row. */
export interface GtfsLocation {
  file?: string
  line?: number
  field?: string
}

export interface GtfsIssue extends GtfsLocation {
  code: GtfsErrorCode
  message: string
}

/** `stop_times.txt line 12, arrival_time: …` */
export function describeIssue(issue: GtfsIssue): string {
  const where = [issue.file, issue.line === undefined ? undefined : `line ${issue.line}`].filter(Boolean).join(' ')
  const prefix = where && issue.field ? `${where}, ${issue.field}` : where || issue.field || ''
  return prefix ? `${prefix}: ${issue.message}` : issue.message
}

export class GtfsError extends Error {
  override readonly name = 'GtfsError'
  readonly code: GtfsErrorCode
  readonly file: string | undefined
  readonly line: number | undefined
  readonly field: string | undefined

  constructor(code: GtfsErrorCode, message: string, where: GtfsLocation = {}) {
    super(describeIssue({ code, message, ...where }))
    this.code = code
    this.file = where.file
    this.line = where.line
    this.field = where.field
  }

  static of(issue: GtfsIssue, suffix = ''): GtfsError {
    const { code, message, ...where } = issue
    return new GtfsError(code, message + suffix, where)
  }
}

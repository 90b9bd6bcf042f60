/**
 * Every error a person may see carries a stable code and an HTTP status, from this one table.
 * The server's error handler answers 4xx with `{ error: { code, message, details } }`.
 */
export const ERRORS = {
  VALIDATION_FAILED: 400,
  BAD_TIME_RANGE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VEHICLE_NOT_FOUND: 404,
  STOP_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  TRIP_NOT_FOUND: 404,
  BOOKING_NOT_FOUND: 404,
  REPORT_NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  DUTY_NOT_FOUND: 404,
  ALERT_NOT_FOUND: 404,
  PARCEL_NOT_FOUND: 404,
  POST_POINT_NOT_FOUND: 404,
  IMPORT_NOT_FOUND: 404,
  NOTICE_NOT_FOUND: 404,
  SURVEY_NOT_FOUND: 404,
  REPORTER_TOKEN_INVALID: 401,
  COMPLAINT_NOT_FOUND: 404,
  CONFLICT: 409,
  SEAT_UNAVAILABLE: 409,
  BOOKING_CLOSED: 409,
  TRIP_CANCELLED: 409,
  TICKET_STATE_CONFLICT: 409,
  ROSTER_CONFLICT: 409,
  ALERT_STATE_CONFLICT: 409,
  PARCEL_SCANNED_TWICE: 409,
  PARCEL_OUT_OF_ORDER: 409,
  PARCEL_WRONG_PLACE: 409,
  PARCEL_NOT_OVERDUE: 409,
  PARCEL_OVER_CAPACITY: 409,
  NO_TRIP_FOR_PARCEL: 409,
  PICKUP_CODE_WRONG: 403,
  GTFS_CONFLICTS: 409,
  IMPORT_UNDO_BLOCKED: 409,
  SURVEY_NOT_OPEN: 409,
  SURVEY_CLOSED: 409,
  SURVEY_ANSWERED: 409,
  GRID_CODE_CLOSED: 409,
  GRID_POINTS_REFUSED: 409,
  RATING_EXISTS: 409,
  RATING_NOT_ALLOWED: 409,
  COMPLAINT_DECIDED: 409,
  PAYLOAD_TOO_LARGE: 413,
  PHOTO_TOO_LARGE: 413,
  RANGE_NOT_SATISFIABLE: 416,
  UNSUPPORTED_PHOTO: 415,
  RATE_LIMITED: 429,
  BOOKING_LIMIT: 429,
  SERVICE_UNAVAILABLE: 503,
} as const

export type ErrorCode = keyof typeof ERRORS

export class AppError extends Error {
  readonly status: number
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = ERRORS[code]
  }
}

export const isAppError = (err: unknown): err is AppError => err instanceof AppError

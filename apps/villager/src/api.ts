/**
 * The few HTTP calls of the page, through the pages' one client (`@rb/web/http`). A failed
 * connection (no signal, timeout) is a NetworkError and may be retried; an answer from the server
 * is returned or thrown as ApiError with its code.
 */
import { ApiError, NetworkError, request, type RequestOptions } from '@rb/web/http'
import type {
  AheadData,
  BookingView,
  CrewView,
  PublicReport,
  ReminderView,
  StopArrivalsUpdate,
  StopTimetable,
  TripStopsView,
} from './model.js'
import type { QueuedReport, SendResult } from './outbox.js'

export { ApiError, NetworkError, request }

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestOptions => ({
  method,
  headers,
  json: body,
})
const enc = encodeURIComponent

/** The grid reporter's token kept on the phone (main.ts sets where it lives): reports carry it. */
export const reporterToken = { get: (): string | null => null, forget: (): void => {} }

export const api = {
  arrivals: (code: string) => request<StopArrivalsUpdate>(`/api/stops/${enc(code)}/arrivals`),
  tripStops: (id: string) => request<TripStopsView>(`/api/trips/${enc(id)}/stops`),
  crew: (id: string) => request<CrewView>(`/api/trips/${enc(id)}/crew`),
  book: (body: unknown, idempotencyKey: string) =>
    request<BookingView>('/api/bookings', json('POST', body, { 'idempotency-key': idempotencyKey })),
  lookupBooking: (code: string, phone: string) =>
    request<BookingView>(`/api/bookings/lookup?code=${enc(code)}&phone=${enc(phone)}`),
  cancelBooking: (code: string, phone: string) =>
    request<BookingView>(`/api/bookings/${enc(code)}/cancel`, json('POST', { phone })),
  // A photo goes as a data: URL inside the JSON (the reports API takes that or multipart); uploads get a minute.
  report: (r: QueuedReport, token = reporterToken.get()) =>
    request<PublicReport>(`/api/stops/${enc(r.stopCode)}/reports`, {
      ...json(
        'POST',
        {
          category: r.category,
          note: r.note,
          reportedAt: new Date(r.createdTs).toISOString(),
          ...(r.photo ? { photo: r.photo } : {}),
        },
        { 'idempotency-key': r.key, ...(token ? { 'x-reporter-token': token } : {}) },
      ),
      timeoutMs: 60_000,
    }),
  reportStatus: (id: string) => request<PublicReport>(`/api/reports/${enc(id)}`),
  ahead: (code: string) => request<AheadData>(`/api/stops/${enc(code)}/ahead`),
  timetable: (code: string) => request<StopTimetable>(`/api/stops/${enc(code)}/timetable`),
  remind: (body: { tripInstanceId: string; stopCode: string; phone: string; stopsBefore: number }) =>
    request<ReminderView>('/api/reminders', json('POST', body)),
  reminder: (token: string) => request<ReminderView>(`/api/reminders/${enc(token)}`),
  cancelReminder: (token: string) => request<ReminderView>(`/api/reminders/${enc(token)}/cancel`, json('POST', {})),
}

/** The form field a refusal names (`details.field`, or the first schema issue's path), if any. */
export function refusedField(err: ApiError): string | null {
  const d = err.details
  if (typeof d?.field === 'string') return d.field
  const issues = d?.issues
  if (Array.isArray(issues)) {
    const path = (issues[0] as { path?: unknown } | undefined)?.path
    if (typeof path === 'string' && path.length > 1) return path.slice(1).replace(/\//g, '.')
  }
  return null
}

/** The outbox's sender: a connection problem or a busy server is retried, a refusal is not. */
export async function sendReport(r: QueuedReport): Promise<SendResult> {
  try {
    const done = await api.report(r)
    return { kind: 'sent', reportId: done.id, ticketStatus: done.status }
  } catch (err) {
    // Registered again on another phone: this one's token stopped working; the report goes anonymous.
    if (err instanceof ApiError && err.code === 'REPORTER_TOKEN_INVALID') {
      reporterToken.forget()
      return { kind: 'retry', afterMs: 0, error: err.code }
    }
    if (err instanceof ApiError && !err.transient) return { kind: 'refused', error: err.message }
    // A busy server is not "no network": the page says which (RATE_LIMITED: sent later by itself).
    const error = err instanceof ApiError ? err.code : err instanceof NetworkError ? 'NETWORK' : (err as Error).message
    return {
      kind: 'retry',
      afterMs: err instanceof ApiError && err.retryAfterS !== null ? err.retryAfterS * 1000 : null,
      error,
    }
  }
}

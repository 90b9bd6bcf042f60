/**
 * An alert's life-cycle: raised `open`; `acknowledged` by a dispatcher (who, when, an optional
 * note — required for critical alerts); `resolved` by the system when its condition clears, or by
 * a dispatcher with a note. `state` (active / cleared) is the condition itself and is independent:
 * an acknowledged alert may still be active, a resolved one too (resolved by hand).
 */
import { AppError } from '../errors.js'
import type { AlertStatus, LiveAlert } from '../tracking/views.js'
import { cleanText, STAFF_NOTE_MAX_CHARS } from './notes.js'

/** Who resolves an alert whose condition cleared by itself. */
export const SYSTEM_RESOLVER = 'system'

/**
 * The status from the stored facts: resolved when a resolution is recorded (whatever else is),
 * else acknowledged when an acknowledgement is, else open. (Migration 008 derives the `status`
 * column the same way.)
 */
export function alertStatus(a: Pick<LiveAlert, 'ackTs' | 'resolvedTs'>): AlertStatus {
  if (a.resolvedTs !== null) return 'resolved'
  if (a.ackTs !== null) return 'acknowledged'
  return 'open'
}

/** Not resolved: what `GET /api/alerts?open=true` lists and the console counts. */
export const isUnresolved = (a: Pick<LiveAlert, 'ackTs' | 'resolvedTs'>): boolean => alertStatus(a) !== 'resolved'

/**
 * Critical alerts (a driver's SOS or emergency alarm, a bus silent on a trip, a landslide or flood
 * report) are acknowledged with a note saying what was done: the log must show it.
 */
export const ackNeedsNote = (a: Pick<LiveAlert, 'severity'>): boolean => a.severity === 'critical'

/** The note of an acknowledgement, checked against the alert; null when none was given (and none is needed). */
export function ackNote(a: Pick<LiveAlert, 'id' | 'type' | 'severity'>, raw: string | null | undefined): string | null {
  const why =
    a.type === 'driver_alarm'
      ? 'a driver alarm (SOS, emergency) is acknowledged with what was done, e.g. "called the driver, ambulance on its way"'
      : `a critical ${a.type} alert is acknowledged with what was done`
  return cleanText(raw, { field: 'note', maxChars: STAFF_NOTE_MAX_CHARS, required: ackNeedsNote(a), why })
}

/** The note of a resolution by hand: always required (how it ended). */
export const resolveNote = (raw: string | null | undefined): string =>
  cleanText(raw, {
    field: 'note',
    maxChars: STAFF_NOTE_MAX_CHARS,
    required: true,
    why: 'say how it was resolved',
  }) as string

/** Refuses resolving an alert already resolved (a second click, or a colleague was faster). */
export function checkResolvable(a: LiveAlert): void {
  if (a.resolvedTs === null) return
  const by = a.resolvedBy === SYSTEM_RESOLVER ? 'by itself (its condition cleared)' : `by ${a.resolvedBy ?? '?'}`
  throw new AppError(
    'ALERT_STATE_CONFLICT',
    `alert ${a.id} was already resolved ${by}; add a note to the incident log instead`,
    { status: 'resolved', resolvedBy: a.resolvedBy, resolvedTs: a.resolvedTs },
  )
}

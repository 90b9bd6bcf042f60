/** The dispatcher's incident log: notes per vehicle, trip instance and alert, in the order written. */
import { AppError } from '../errors.js'
import { cleanText, STAFF_NOTE_MAX_CHARS } from './notes.js'

/** `note` typed into the log; `ack` / `resolve` the note given with an alert; `message` a text sent to a driver. */
export type IncidentKind = 'note' | 'ack' | 'resolve' | 'message'

export interface IncidentNote {
  id: number
  /** When it was written, epoch ms. */
  ts: number
  vehicleId: string | null
  tripInstanceId: string | null
  alertId: string | null
  kind: IncidentKind
  /** Who wrote it: the staff user name at the time. */
  by: string
  text: string
  /** For `message`: the channels that took it. */
  data: Record<string, unknown>
}

export interface IncidentSubject {
  vehicleId: string | null
  tripInstanceId: string | null
  alertId: string | null
}

/** A note must be about something: a vehicle, a trip instance or an alert. */
export function checkSubject(s: IncidentSubject): void {
  if (s.vehicleId === null && s.tripInstanceId === null && s.alertId === null) {
    throw new AppError('VALIDATION_FAILED', 'say what the note is about: vehicleId, tripInstanceId or alertId', {
      field: 'vehicleId',
      reason: 'required',
    })
  }
}

export const incidentText = (raw: string | null | undefined): string =>
  cleanText(raw, { field: 'text', maxChars: STAFF_NOTE_MAX_CHARS, required: true }) as string

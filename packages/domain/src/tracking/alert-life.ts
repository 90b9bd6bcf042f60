/** Making alerts and ending their condition; the life-cycle fields start empty (the store keeps acknowledgements). */
import type { LiveAlert } from './views.js'

/** The life-cycle fields of an alert just raised. */
export const OPEN = Object.freeze({
  status: 'open',
  ackBy: null,
  ackTs: null,
  ackNote: null,
  resolvedBy: null,
  resolvedTs: null,
  resolveNote: null,
} as const)

/** The same alert, its condition over: resolved by the system (an acknowledgement is kept by the store). */
export function clearedAlert(a: LiveAlert, ts: number, data: Record<string, unknown> = {}): LiveAlert {
  const at = Math.round(ts)
  return {
    ...a,
    state: 'cleared',
    clearedTs: at,
    status: 'resolved',
    resolvedBy: a.resolvedBy ?? 'system',
    resolvedTs: a.resolvedTs ?? at,
    data: { ...a.data, ...data },
  }
}

export function makeAlert(
  type: LiveAlert['type'],
  severity: LiveAlert['severity'],
  ts: number,
  vehicleId: string | null,
  tripInstanceId: string | null,
  stopCode: string | null,
  message: string,
  data: Record<string, unknown>,
): LiveAlert {
  const subject = vehicleId ?? tripInstanceId ?? stopCode ?? 'network'
  const at = Math.round(ts)
  return {
    id: `${type}:${subject}:${at}`,
    type,
    severity,
    state: 'active',
    ts: at,
    clearedTs: null,
    vehicleId,
    tripInstanceId,
    stopCode,
    message,
    data,
    ...OPEN,
  }
}

/**
 * Who drives the bus, as the bus says it: a `driver` device event (MQTT `…/event` with
 * `type: driver`, a JT/T 808 0x0702 IC card report, or the driver page's "I am driving"). The
 * event's `data` is stored as sent in `vehicle_event`; `readDriverEvent` reads it back typed.
 */

/** Where the fact came from: the terminal's IC card reader, the driver page, or another device. */
export type DriverFactSource = 'card' | 'app' | 'device'

export type DriverAction = 'on' | 'off'

/** `data` of a `driver` device event. Card fields are null when the card did not carry them (removal). */
export interface DriverEventData {
  action: DriverAction
  source: DriverFactSource
  /** Unified driver number (`XY-D007`), when the device or account knows it. */
  driverId?: string | null
  /** Qualification certificate number (从业资格证编码). */
  cert?: string | null
  name?: string | null
  /** IC card only: issuing authority, validity (`YYYY-MM-DD`), ID-card number (2019 terminals), read result (0 = read). */
  authority?: string | null
  validUntil?: string | null
  idCard?: string | null
  readResult?: number | null
}

/** Unified driver numbers as devices may send them: letters, digits, `-`, `_`. */
export const DRIVER_ID_PATTERN = '^[A-Za-z0-9_-]{1,32}$'

const SOURCES: readonly string[] = ['card', 'app', 'device']
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)

/** A stored or live `driver` event's data, typed; null when it is not one this contract describes. */
export function readDriverEvent(data: Record<string, unknown>): DriverEventData | null {
  const { action, source } = data
  if ((action !== 'on' && action !== 'off') || typeof source !== 'string' || !SOURCES.includes(source)) return null
  return {
    action,
    source: source as DriverFactSource,
    driverId: text(data.driverId),
    cert: text(data.cert),
    name: text(data.name),
    authority: text(data.authority),
    validUntil: text(data.validUntil),
    idCard: text(data.idCard),
    readResult: typeof data.readResult === 'number' ? data.readResult : null,
  }
}

/** MQTT topic layout of docs/design.md §2: `rb/v1/veh/{vehicleId}/{kind}`. */
import { isVehicleId } from './position.js'

export const TOPIC_PREFIX = 'rb/v1/veh'

export type UplinkKind = 'pos' | 'pos/batch' | 'status' | 'event'

export const topics = {
  position: (vehicleId: string): string => `${TOPIC_PREFIX}/${vehicleId}/pos`,
  positionBatch: (vehicleId: string): string => `${TOPIC_PREFIX}/${vehicleId}/pos/batch`,
  status: (vehicleId: string): string => `${TOPIC_PREFIX}/${vehicleId}/status`,
  event: (vehicleId: string): string => `${TOPIC_PREFIX}/${vehicleId}/event`,
  command: (vehicleId: string): string => `${TOPIC_PREFIX}/${vehicleId}/cmd`,
} as const

/** Subscriptions the ingest holds (QoS 1). */
export const UPLINK_SUBSCRIPTIONS = [
  `${TOPIC_PREFIX}/+/pos`,
  `${TOPIC_PREFIX}/+/pos/batch`,
  `${TOPIC_PREFIX}/+/status`,
  `${TOPIC_PREFIX}/+/event`,
] as const

export interface ParsedTopic {
  vehicleId: string
  kind: UplinkKind
}

/** Parses an uplink topic; null for anything that is not one (including a malformed vehicle id). */
export function parseUplinkTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${TOPIC_PREFIX}/`)) return null
  const rest = topic.slice(TOPIC_PREFIX.length + 1)
  const slash = rest.indexOf('/')
  if (slash <= 0) return null
  const vehicleId = rest.slice(0, slash)
  const kind = rest.slice(slash + 1)
  if (!isVehicleId(vehicleId)) return null
  switch (kind) {
    case 'pos':
    case 'pos/batch':
    case 'status':
    case 'event':
      return { vehicleId, kind }
    default:
      return null
  }
}

/**
 * Whether an MQTT client id belongs to this vehicle: the vehicle id itself, or the vehicle id
 * followed by a character that cannot be part of a vehicle id and then anything (`XY-V012`,
 * `XY-V012.tbox`, `XY-V012:2`). Binding ids this way keeps one vehicle from taking, or blocking,
 * another's session: `XY-V01` cannot use `XY-V012`, nor `XY-V01-2`.
 */
export function clientIdBelongsTo(clientId: string, vehicleId: string): boolean {
  if (!clientId.startsWith(vehicleId)) return false
  if (clientId.length === vehicleId.length) return true
  return !/[A-Za-z0-9_-]/.test(clientId.charAt(vehicleId.length))
}

/** MQTT topic layout of DESIGN.md §5: `rb/v1/veh/{vehicleId}/{kind}`. */
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

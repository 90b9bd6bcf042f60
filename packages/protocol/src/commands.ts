/**
 * Downlink payloads on `rb/v1/veh/{vehicleId}/cmd` (QoS 1, JSON). A terminal or driver app
 * subscribes to its own vehicle's topic.
 */
import type { BookingChangeKind, Manifest } from '@rb/domain'

/** The trip instance's whole manifest after a change (phones masked); the newest `ts` wins. */
export interface ManifestCommand {
  type: 'manifest'
  /** Server time of the change, epoch ms. */
  ts: number
  tripInstanceId: string
  tripStatus: 'scheduled' | 'cancelled'
  changes: { kind: BookingChangeKind; codes: string[] }[]
  manifest: Manifest
}

/** A dispatcher's text for the driver (also sent to a JT/T 808 terminal's screen and the driver page). */
export interface DriverMessageCommand {
  type: 'message'
  /** Server time it was sent, epoch ms. */
  ts: number
  /** The incident note that records it; the same message sent twice has the same id. */
  id: number
  text: string
  /** The dispatcher's display name. */
  from: string
  alertId: string | null
  tripInstanceId: string | null
}

/**
 * The broker refused a message of this device without acknowledging it (MQTT 3.1.1 has no reason
 * codes: the connection is closed instead). Queued in the device's persistent session, so it
 * arrives after the reconnect; the device keeps the data and sends it in smaller messages.
 */
export interface RefusedCommand {
  type: 'refused'
  /** Server time of the refusal, epoch ms. */
  ts: number
  /** Topic of the refused message. */
  topic: string
  reason: 'packet_too_large'
  /** Size the message declared, bytes. */
  bytes: number
  /** Largest packet the broker takes, bytes. */
  maxBytes: number
}

/** A notice to the driver on duty with this bus, shortened for the screen (the whole notice is on the driver page). */
export interface NoticeCommand {
  type: 'notice'
  /** Server time it was sent, epoch ms. */
  ts: number
  /** The notice; the same notice (or its reminder) sent twice has the same id. */
  id: number
  driverId: string
  title: string
  /** At most 60 characters: `【通知】title：body…`. */
  text: string
  link: string | null
  /** A reminder of a notice the driver has not read. */
  reminder: boolean
}

export type VehicleCommand = ManifestCommand | DriverMessageCommand | NoticeCommand | RefusedCommand

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

export type VehicleCommand = ManifestCommand

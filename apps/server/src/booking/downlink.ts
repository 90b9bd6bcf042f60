/**
 * Manifest changes to the vehicle: the whole manifest as JSON on its MQTT downlink topic
 * (`rb/v1/veh/{vehicleId}/cmd`, QoS 1), and a short text on its JT/T 808 terminal screen when it is
 * connected to the gateway. Both are notices: the driver page (HTTP) is the record.
 */
import { manifestText } from '@rb/domain'
import { topics, type ManifestCommand } from '@rb/protocol'
import type { PublishFn } from '../broker/downlink.js'
import type { BookingEvent } from './service.js'

export interface TextTerminals {
  isConnected(vehicleId: string): boolean
  sendText(vehicleId: string, text: string): Promise<{ replied: boolean }>
}

export interface DownlinkLog {
  debug(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export function manifestCommand(e: BookingEvent): ManifestCommand {
  return {
    type: 'manifest',
    ts: e.ts,
    tripInstanceId: e.trip.id,
    tripStatus: e.trip.status,
    changes: e.changes,
    manifest: e.manifest,
  }
}

export class ManifestDownlink {
  constructor(
    private readonly publish: PublishFn | undefined,
    private readonly terminals: TextTerminals | undefined,
    private readonly log: DownlinkLog,
  ) {}

  /** Sends without waiting: a slow or absent vehicle never holds up a booking. */
  onEvent(e: BookingEvent): void {
    const vehicleId = e.trip.vehicleId
    if (!vehicleId) return
    if (this.publish) {
      this.publish(topics.command(vehicleId), JSON.stringify(manifestCommand(e))).catch((err: Error) =>
        this.log.warn(
          { vehicleId, tripInstanceId: e.trip.id, err: err.message },
          'manifest not published to the vehicle downlink',
        ),
      )
    }
    if (this.terminals?.isConnected(vehicleId)) {
      const text =
        e.trip.status === 'cancelled' ? `${e.trip.id} 已取消，无需出车` : manifestText(e.manifest, e.label.stopName)
      this.terminals.sendText(vehicleId, text).then(
        (r) => this.log.debug({ vehicleId, replied: r.replied }, 'manifest text sent to JT/T 808 terminal'),
        (err: Error) =>
          this.log.warn(
            { vehicleId, tripInstanceId: e.trip.id, err: err.message },
            'manifest text not sent to JT/T 808 terminal',
          ),
      )
    }
  }
}

/**
 * Alerts about the platform itself rather than a bus. `broker_session_lost`: the external MQTT
 * broker answered the ingest's reconnect without its session (sessionPresent = false), so whatever
 * it had queued for the server while the link was down — positions it had already acknowledged to
 * the buses — is gone. A dispatcher should know the picture of that outage may have holes.
 */
import { makeAlert } from '../tracking/alert-life.js'
import type { LiveAlert } from '../tracking/views.js'

export interface BrokerSessionLost {
  /** When the reconnect found no session, epoch ms. */
  ts: number
  /** The broker, without credentials (host:port). */
  broker: string
  /** The ingest's client id (MQTT_CLIENT_ID). */
  clientId: string
  /** When the link had gone down, epoch ms; null if unknown. */
  downSinceTs: number | null
}

export function brokerSessionLostAlert(x: BrokerSessionLost): LiveAlert {
  const since =
    x.downSinceTs === null ? '' : ` (link down for ${Math.max(1, Math.round((x.ts - x.downSinceTs) / 1000))} s)`
  const message = `MQTT broker ${x.broker} lost the server's session ${x.clientId} on reconnect${since}: positions it held for the server were lost`
  return makeAlert('broker_session_lost', 'critical', x.ts, null, null, null, message, {
    broker: x.broker,
    clientId: x.clientId,
    downSinceTs: x.downSinceTs,
  })
}

/** Publishing to vehicles' downlink topics through whichever broker the server uses (QoS 1). */
import type { Aedes } from 'aedes'
import type { MqttClient } from 'mqtt'

export type PublishFn = (topic: string, payload: string) => Promise<void>

/** The embedded broker: delivered to the subscribed devices of this process. */
export function embeddedPublisher(aedes: Aedes): PublishFn {
  return (topic, payload) =>
    new Promise<void>((resolve, reject) => {
      aedes.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
        (err) => (err ? reject(err) : resolve()),
      )
    })
}

/** An external broker, through the ingest's client (mqtt.js queues while it reconnects). */
export function mqttPublisher(client: MqttClient): PublishFn {
  return async (topic, payload) => {
    await client.publishAsync(topic, payload, { qos: 1 })
  }
}

/**
 * The raw pass-through's consumer: one mqtt.js QoS 1 subscription that only JSON.parses each
 * message (mqtt.js acknowledges at once). Against an external broker MQTT 5 with receive maximum
 * 65,535, like the server's ingest subscription, so the broker's in-flight limit is the same for
 * both; aedes speaks only 3.1.1.
 */
import mqtt from 'mqtt'
import { onParentMessage, reply } from './proc.js'
import { cpuMs } from '@rb/sim/sample'

export type SubscriberIn =
  | { type: 'subscribe'; url: string; filter: string; clientId: string; protocolVersion: 4 | 5 }
  | { type: 'stats' }
  | { type: 'bye' }
export type SubscriberOut =
  | { type: 'subscribed' }
  | { type: 'stats'; received: number; badJson: number; firstAt: number; lastAt: number; cpuMs: number }

let client: mqtt.MqttClient | undefined
let received = 0
let badJson = 0
let firstAt = 0
let lastAt = 0

onParentMessage<SubscriberIn>(async (msg) => {
  switch (msg.type) {
    case 'subscribe': {
      client = await mqtt.connectAsync(msg.url, {
        clientId: msg.clientId,
        clean: true,
        protocolVersion: msg.protocolVersion,
        ...(msg.protocolVersion === 5 ? { properties: { receiveMaximum: 65_535 } } : {}),
        reconnectPeriod: 1000,
      })
      client.on('message', (_topic, payload) => {
        try {
          JSON.parse(payload.toString())
        } catch {
          badJson++
        }
        const now = Date.now()
        if (received === 0) firstAt = now
        lastAt = now
        received++
      })
      await client.subscribeAsync(msg.filter, { qos: 1 })
      return reply<SubscriberOut>({ type: 'subscribed' })
    }
    case 'stats':
      return reply<SubscriberOut>({ type: 'stats', received, badJson, firstAt, lastAt, cpuMs: cpuMs() })
    case 'bye':
      await client?.endAsync(true)
      process.exit(0)
  }
})

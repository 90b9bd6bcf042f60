/**
 * Raw QoS 1 pass-through, the machine's own limit (docs/design.md §4): closed-loop mqtt.js publishers
 * → broker → one mqtt.js subscriber that only parses JSON. Rate = messages received by the
 * subscriber / (last receipt − first publish). The publishers are the simulator's load generator
 * with the same vehicles, connections, window and payloads as the server's capacity step (only
 * the topics differ), so the two figures can be divided. Repeated (the best run is the limit:
 * anything else on the box only lowers it).
 */
import { randomBytes } from 'node:crypto'
import { startHelper, type Helper } from './proc.js'
import { startFleet, type Fleet } from './load.js'
import { boxCpu } from './machine.js'
import type { BrokerIn, BrokerOut } from './raw-broker.js'
import type { SubscriberIn, SubscriberOut } from './raw-subscriber.js'
import type { Summary } from '@rb/sim/sample'

export interface RawMqttOptions {
  /** Broker URL; undefined = start a plain aedes broker in its own process. */
  url: string | undefined
  seconds: number
  vehicles: number
  connections: number
  window: number
  publishers: number
  /** Measurements in a row; the best one is the machine's limit (the box is noisy). */
  repeats: number
}

export interface RawMqttResult {
  broker: string
  sent: number
  acked: number
  received: number
  lost: number
  badJson: number
  /** Messages/s through to the subscriber. */
  rate: number
  /** Publisher's own rate (PUBACKs/s from the broker). */
  publishRate: number
  ackMs: Summary
  cpu: { box: number; publisher: number; subscriber: number; broker: number | null }
  seconds: number
  /** msg/s of every repeat (the figures above are the best one's; `lost` sums all). */
  runs: number[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function rawMqtt(o: RawMqttOptions): Promise<RawMqttResult> {
  const tag = randomBytes(4).toString('hex')
  let brokerHelper: Helper<BrokerIn, BrokerOut> | undefined
  let url = o.url
  if (!url) {
    brokerHelper = startHelper<BrokerIn, BrokerOut>('./raw-broker.ts')
    const ready = await brokerHelper.next((m) => m.type === 'ready', 30_000)
    url = `mqtt://127.0.0.1:${ready.type === 'ready' ? ready.port : 0}`
  }
  const sub = startHelper<SubscriberIn, SubscriberOut>('./raw-subscriber.ts')
  const prefix = `bench/raw/${tag}`
  let fleet: Fleet | undefined
  try {
    sub.send({
      type: 'subscribe',
      url,
      filter: `${prefix}/+/pos`,
      clientId: `bench-rawsub-${tag}`,
      protocolVersion: o.url ? 5 : 4,
    })
    await sub.next((m) => m.type === 'subscribed', 30_000)
    fleet = await startFleet({
      url,
      vehicles: o.vehicles,
      connections: o.connections,
      publishers: o.publishers,
      topicPrefix: prefix,
      tag: `raw-${tag}`,
    })
    const stats = async (): Promise<Extract<SubscriberOut, { type: 'stats' }>> => {
      sub.send({ type: 'stats' })
      return (await sub.next((m) => m.type === 'stats')) as Extract<SubscriberOut, { type: 'stats' }>
    }
    const brokerCpu = async (): Promise<number> => {
      if (!brokerHelper) return 0
      brokerHelper.send({ type: 'cpu' })
      const m = await brokerHelper.next((x) => x.type === 'cpu')
      return m.type === 'cpu' ? m.ms : 0
    }
    const once = async (): Promise<Omit<RawMqttResult, 'runs' | 'broker'>> => {
      const sub0 = await stats()
      const broker0 = await brokerCpu()
      const box = boxCpu()
      const send = await (fleet as Fleet).max(o.seconds, o.window)
      // Wait for the subscriber to catch up (or stop making progress: a broker dropping messages).
      let s = await stats()
      for (let still = 0; s.received - sub0.received < send.acked && still < 30;) {
        await sleep(100)
        const n = await stats()
        still = n.received === s.received ? still + 1 : 0
        s = n
      }
      const boxCores = box()
      const wall = (s.lastAt - send.firstSendAt) / 1000
      const received = s.received - sub0.received
      return {
        sent: send.sent,
        acked: send.acked,
        received,
        lost: send.acked - received,
        badJson: s.badJson - sub0.badJson,
        rate: received / Math.max(0.001, wall),
        publishRate: send.acked / Math.max(0.001, (send.lastAckAt - send.firstSendAt) / 1000),
        ackMs: send.ack,
        cpu: {
          box: boxCores,
          publisher: send.publisherCpuMs / 1000 / wall,
          subscriber: (s.cpuMs - sub0.cpuMs) / 1000 / wall,
          broker: brokerHelper ? ((await brokerCpu()) - broker0) / 1000 / wall : null,
        },
        seconds: wall,
      }
    }
    const all: Omit<RawMqttResult, 'runs' | 'broker'>[] = []
    for (let i = 0; i < o.repeats; i++) {
      all.push(await once())
      await sleep(500)
    }
    const best = all.reduce((a, b) => (b.rate > a.rate ? b : a))
    // Loss in any run counts.
    const lost = all.reduce((n, r) => n + r.lost, 0)
    return { broker: o.url ?? 'aedes (bench process)', ...best, lost, runs: all.map((r) => Math.round(r.rate)) }
  } finally {
    await fleet?.close()
    await sub.stop({ type: 'bye' })
    await brokerHelper?.stop({ type: 'bye' })
  }
}

/**
 * Load generator, parent side: splits the vehicles over publisher processes, connects them, runs
 * one step (open-loop rate or closed-loop max) in all of them at once and merges the results.
 */
import { startHelper, type Helper } from './proc.js'
import type { PublisherIn, PublisherOut, PublishResult, TopicKind } from './publisher.js'
import type { Summary } from './stats.js'

export interface Fleet {
  vehicles: number
  connections: number
  rate(hz: number, seconds: number): Promise<StepSend>
  /**
   * Closed loop. With `accounted` (points the server has dealt with since the step began), the
   * fleet also keeps no more than connections × window points ahead of the server.
   */
  max(seconds: number, window: number, accounted?: () => Promise<number>): Promise<StepSend>
  close(): Promise<void>
}

/** Merged result of one step over every publisher process. */
export interface StepSend {
  expected: number
  sent: number
  acked: number
  errors: number
  firstSendAt: number
  lastSendAt: number
  lastAckAt: number
  /** sent / (last send − first send) */
  sendRate: number
  lagAtEndMs: number
  maxLagMs: number
  /** Publish → PUBACK (the embedded broker acknowledges after the commit), ms; merged as the worst publisher. */
  ack: Summary
  disconnects: number
  publisherCpuMs: number
}

export function vehicleId(i: number): string {
  return `BV${String(i).padStart(5, '0')}`
}

export interface FleetOptions {
  url: string
  vehicles: number
  connections: number
  publishers: number
  topic: TopicKind
  protocolVersion?: 4 | 5
  tag: string
}

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const pubs = Math.max(1, Math.min(o.publishers, o.connections))
  const helpers: Helper<PublisherIn, PublisherOut>[] = []
  const ids = Array.from({ length: o.vehicles }, (_, i) => vehicleId(i))
  try {
    await Promise.all(
      Array.from({ length: pubs }, async (_, p) => {
        const h = startHelper<PublisherIn, PublisherOut>('./publisher.ts')
        helpers.push(h)
        const mine = ids.filter((_, i) => i % pubs === p)
        const connections = Math.floor(o.connections / pubs) + (p < o.connections % pubs ? 1 : 0)
        h.send({ type: 'connect', url: o.url, ids: mine, connections, topic: o.topic, clientIdPrefix: `bench-${o.tag}-${p}`, protocolVersion: o.protocolVersion ?? 4 })
        await h.next((m) => m.type === 'connected', 60_000)
      }),
    )
  } catch (err) {
    await Promise.all(helpers.map((h) => h.stop()))
    throw err
  }

  const runAll = async (msg: (startAt: number) => PublisherIn): Promise<StepSend> => {
    const startAt = Date.now() + 300
    for (const h of helpers) h.send(msg(startAt))
    const results = await Promise.all(helpers.map(async (h) => ((await h.next((m) => m.type === 'done', 600_000)) as { result: PublishResult }).result))
    return merge(results)
  }
  return {
    vehicles: o.vehicles,
    connections: o.connections,
    rate: (hz, seconds) => runAll((startAt) => ({ type: 'rate', hz, seconds, startAt })),
    max: async (seconds, window, accounted) => {
      const ahead = o.connections * window
      const share = (n: number): number => Math.floor(n / helpers.length)
      let running = true
      const granting = (async () => {
        while (running && accounted) {
          await new Promise((r) => setTimeout(r, 50))
          const n = await accounted().catch(() => null)
          if (n !== null) for (const h of helpers) h.send({ type: 'credit', upTo: share(n + ahead) })
        }
      })()
      try {
        return await runAll((startAt) => ({ type: 'max', seconds, window, startAt, credit: accounted ? share(ahead) : null }))
      } finally {
        running = false
        await granting
      }
    },
    close: async () => {
      await Promise.all(helpers.map((h) => h.stop({ type: 'bye' })))
    },
  }
}

function merge(rs: PublishResult[]): StepSend {
  const sum = (f: (r: PublishResult) => number): number => rs.reduce((n, r) => n + f(r), 0)
  const min = (f: (r: PublishResult) => number): number => Math.min(...rs.map(f))
  const max = (f: (r: PublishResult) => number): number => Math.max(...rs.map(f))
  const sent = sum((r) => r.sent)
  const firstSendAt = min((r) => r.firstSendAt)
  const lastSendAt = max((r) => r.lastSendAt)
  const worst = (k: keyof Summary): number => max((r) => r.ack[k])
  return {
    expected: sum((r) => r.expected),
    sent,
    acked: sum((r) => r.acked),
    errors: sum((r) => r.errors),
    firstSendAt,
    lastSendAt,
    lastAckAt: max((r) => r.lastAckAt),
    sendRate: sent > 1 ? (sent - 1) / Math.max(0.001, (lastSendAt - firstSendAt) / 1000) : 0,
    lagAtEndMs: max((r) => r.lagAtEndMs),
    maxLagMs: max((r) => r.maxLagMs),
    ack: { n: sum((r) => r.ack.n), p50: worst('p50'), p90: worst('p90'), p99: worst('p99'), max: worst('max'), mean: worst('mean') },
    disconnects: sum((r) => r.disconnects),
    publisherCpuMs: sum((r) => r.cpuMs),
  }
}

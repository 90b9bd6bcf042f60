/**
 * The bench's fleet: the simulator's load generator (@rb/sim `connectLoad`) in one or more
 * publisher processes (load-host.ts). Splits the vehicles over the processes, connects them, runs
 * one step (open loop at a rate, or closed loop) in all of them at once and merges their reports.
 */
import type { LoadReport } from '@rb/sim'
import type { Summary } from '@rb/sim/sample'
import type { HostIn, HostOut } from './load-host.js'
import { startHelper, type Helper } from './proc.js'

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
  /** Achieved: sent / the time sending took (the longest publisher's; a perfect open loop of D s takes D s). */
  sendRate: number
  /** Open loop: points due but skipped because their connection's backlog was full. */
  behind: number
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
  /** Publish on `${topicPrefix}/<id>/pos` (bare broker) instead of the platform's topics. */
  topicPrefix?: string
  tag: string
}

export async function startFleet(o: FleetOptions): Promise<Fleet> {
  const pubs = Math.max(1, Math.min(o.publishers, o.connections))
  const helpers: Helper<HostIn, HostOut>[] = []
  const ids = Array.from({ length: o.vehicles }, (_, i) => vehicleId(i))
  try {
    await Promise.all(
      Array.from({ length: pubs }, async (_, p) => {
        const h = startHelper<HostIn, HostOut>('./load-host.ts')
        helpers.push(h)
        const mine = ids.filter((_, i) => i % pubs === p)
        const connections = Math.floor(o.connections / pubs) + (p < o.connections % pubs ? 1 : 0)
        h.send({
          type: 'connect',
          url: o.url,
          ids: mine,
          connections,
          topicPrefix: o.topicPrefix,
          clientIdPrefix: `bench-${o.tag}-${p}-`,
        })
        await h.next((m) => m.type === 'connected', 60_000)
      }),
    )
  } catch (err) {
    await Promise.all(helpers.map((h) => h.stop()))
    throw err
  }

  const runAll = async (msg: (startAt: number) => HostIn): Promise<StepSend> => {
    const startAt = Date.now() + 300
    for (const h of helpers) h.send(msg(startAt))
    const reports = await Promise.all(
      helpers.map(async (h) => ((await h.next((m) => m.type === 'done', 600_000)) as { report: LoadReport }).report),
    )
    return merge(reports)
  }
  return {
    vehicles: o.vehicles,
    connections: o.connections,
    rate: (hz, seconds) => runAll((startAt) => ({ type: 'open', hz, seconds, startAt })),
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
        return await runAll((startAt) => ({
          type: 'closed',
          seconds,
          window,
          startAt,
          credit: accounted ? share(ahead) : null,
        }))
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

function merge(rs: LoadReport[]): StepSend {
  const sum = (f: (r: LoadReport) => number): number => rs.reduce((n, r) => n + f(r), 0)
  const max = (f: (r: LoadReport) => number): number => Math.max(...rs.map(f))
  const sent = sum((r) => r.sent)
  // JSON over IPC turns an empty sample's NaN into null.
  const worst = (k: keyof Summary): number => max((r) => r.ackMs[k] ?? NaN)
  const sending = rs.filter((r) => r.sent > 0)
  const spanS = max((r) => r.sendSpanS)
  return {
    expected: sum((r) => r.due),
    sent,
    acked: sum((r) => r.acked),
    errors: sum((r) => r.errors),
    firstSendAt: sending.length > 0 ? Math.min(...sending.map((r) => r.firstSendAt)) : 0,
    lastSendAt: max((r) => r.lastSendAt),
    lastAckAt: max((r) => r.lastAckAt),
    sendRate: spanS > 0 ? sent / spanS : 0,
    behind: sum((r) => r.behind),
    lagAtEndMs: max((r) => r.lagAtEndMs),
    maxLagMs: max((r) => r.maxLagMs),
    ack: {
      n: sum((r) => r.ackMs.n),
      p50: worst('p50'),
      p90: worst('p90'),
      p99: worst('p99'),
      max: worst('max'),
      mean: worst('mean'),
    },
    disconnects: sum((r) => r.disconnects),
    publisherCpuMs: sum((r) => r.cpuMs),
  }
}

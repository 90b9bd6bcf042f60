/**
 * One measured step against a running server: publish, wait until the write buffer drained, and
 * read everything off /metrics deltas — stored rate over the window (first publish → drained),
 * sent vs stored, live latency, batch timings, CPU of each party.
 */
import type { Fleet, StepSend } from './load.js'
import type { LatencyWindow, LiveProbe } from './latency.js'
import { boxCpu } from './machine.js'
import { delta, histogramDelta, scrape, type Snapshot } from './metrics.js'
import type { RunningTarget } from './server.js'
import { cpuMs } from '@rb/sim/sample'

export type StepKind = 'rate' | 'capacity' | 'warmup'

export interface StepResult {
  kind: StepKind
  vehicles: number
  connections: number
  hz: number | null
  /** Positions/s asked for (rate steps). */
  offered: number | null
  window: number | null
  /** Closed loop paced by the server's stored counter (external broker), not by PUBACKs. */
  credited: boolean
  send: StepSend
  received: number
  accepted: number
  stored: number
  duplicates: number
  dropped: Record<string, number>
  /** Sent but not stored (counter); > 0 is a loss. */
  lost: number
  /** Stored beyond what was sent (another publisher on a shared broker?). */
  extra: number
  /** Rows of the bench's vehicles added in the database, when the target can count them. */
  rowsCounted: number | null
  windowS: number
  storedRate: number
  /** Last publish → everything stored, ms. */
  drainMs: number
  /** Stopped waiting: nothing moved for a while, with points still missing. */
  stalled: boolean
  maxBufferDepth: number
  live: LatencyWindow
  batch: { count: number; meanMs: number; p50Ms: number; p99Ms: number; meanPoints: number; busyShare: number }
  /** Cores in use on average over the window. */
  cpu: { server: number; publisher: number; bench: number; box: number; other: number }
  serverRssMiB: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export interface StepPlan {
  kind: StepKind
  hz?: number
  seconds: number
  window?: number
  /** LIVE_TICK_MS of the server, to wait for the last tick. */
  tickMs: number
}

export async function runStep(
  target: RunningTarget,
  fleet: Fleet,
  probe: LiveProbe,
  plan: StepPlan,
  rowsBefore: number | null,
): Promise<StepResult> {
  const s0 = await scrape(target.baseUrl)
  const box = boxCpu()
  const bench0 = cpuMs()
  probe.start(Date.now())
  let maxDepth = 0
  let sending = true
  const poller = (async () => {
    while (sending) {
      const s = await scrape(target.baseUrl).catch(() => null)
      if (s) maxDepth = Math.max(maxDepth, s.sum('rb_ingest_buffer_depth'))
      await sleep(100)
    }
  })()
  const accounted = (s: Snapshot): number =>
    delta(s0, s, 'rb_ingest_points_stored_total') +
    delta(s0, s, 'rb_ingest_dropped_total') +
    delta(s0, s, 'rb_ingest_points_duplicate_total')
  // An external broker acknowledges on receipt: without credit from the server's counters the
  // closed loop would measure the broker, and overflow its queue for the ingest subscription.
  const credit = target.broker === 'external' ? async () => accounted(await scrape(target.baseUrl)) : undefined
  const send =
    plan.kind === 'capacity'
      ? await fleet.max(plan.seconds, plan.window ?? 20, credit)
      : await fleet.rate(plan.hz ?? 1, plan.seconds)
  sending = false
  await poller

  // Drained: every sent point stored (or counted as dropped/duplicate) and nothing buffered;
  // or no progress for 10 s (then the difference is reported as lost).
  let s1 = await scrape(target.baseUrl)
  let lastChange = s1.at
  let stalled = false
  while (!(accounted(s1) >= send.sent && s1.sum('rb_ingest_buffer_depth') === 0)) {
    maxDepth = Math.max(maxDepth, s1.sum('rb_ingest_buffer_depth'))
    await sleep(50)
    const next = await scrape(target.baseUrl)
    if (
      accounted(next) !== accounted(s1) ||
      next.sum('rb_ingest_points_received_total') !== s1.sum('rb_ingest_points_received_total')
    )
      lastChange = next.at
    s1 = next
    if (next.at - lastChange > 10_000) {
      stalled = true
      break
    }
  }
  // The embedded broker acknowledges after the commit: the last PUBACK is the moment the last
  // point was stored, more exact than the polling. An external broker acknowledges on receipt.
  const exactByAcks = target.broker === 'embedded' && send.acked === send.sent && send.errors === 0
  const drainedAt = stalled ? lastChange : exactByAcks ? Math.min(s1.at, send.lastAckAt) : s1.at
  // The last positions reach the socket on the next tick.
  await sleep(plan.tickMs + 300)
  const live = probe.stop()
  const benchCpu = (cpuMs() - bench0) / 1000
  const boxCores = box()
  const s2 = await scrape(target.baseUrl)

  const stored = delta(s0, s1, 'rb_ingest_points_stored_total')
  const windowS = (drainedAt - send.firstSendAt) / 1000
  const wallS = (s2.at - s0.at) / 1000
  const batchSec = histogramDelta(s0, s1, 'rb_ingest_batch_seconds')
  const batchPts = histogramDelta(s0, s1, 'rb_ingest_batch_points')
  const server = delta(s0, s2, 'process_cpu_seconds_total') / wallS
  const publisher = send.publisherCpuMs / 1000 / wallS
  const bench = benchCpu / wallS
  const dropped = Object.fromEntries(
    Object.entries(s1.byLabel('rb_ingest_dropped_total', 'reason'))
      .map(([k, v]) => [k, v - (s0.byLabel('rb_ingest_dropped_total', 'reason')[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  )
  const rowsAfter = rowsBefore === null ? null : await target.countRows()
  return {
    kind: plan.kind,
    vehicles: fleet.vehicles,
    connections: fleet.connections,
    hz: plan.kind === 'capacity' ? null : (plan.hz ?? 1),
    offered: plan.kind === 'capacity' ? null : fleet.vehicles * (plan.hz ?? 1),
    window: plan.kind === 'capacity' ? (plan.window ?? 20) : null,
    credited: plan.kind === 'capacity' && credit !== undefined,
    send,
    received: delta(s0, s1, 'rb_ingest_points_received_total'),
    accepted: delta(s0, s1, 'rb_ingest_points_accepted_total'),
    stored,
    duplicates: delta(s0, s1, 'rb_ingest_points_duplicate_total'),
    dropped,
    lost: Math.max(0, send.sent - stored),
    extra: Math.max(0, stored - send.sent),
    rowsCounted: rowsAfter === null || rowsBefore === null ? null : rowsAfter - rowsBefore,
    windowS,
    storedRate: stored / windowS,
    drainMs: drainedAt - send.lastSendAt,
    stalled,
    maxBufferDepth: maxDepth,
    live,
    batch: {
      count: batchSec.count,
      meanMs: batchSec.mean * 1000,
      p50Ms: batchSec.p50 * 1000,
      p99Ms: batchSec.p99 * 1000,
      meanPoints: batchPts.mean,
      busyShare: batchSec.sum / windowS,
    },
    cpu: { server, publisher, bench, box: boxCores, other: Math.max(0, boxCores - server - publisher - bench) },
    serverRssMiB: s2.sum('process_resident_memory_bytes') / 2 ** 20,
  }
}

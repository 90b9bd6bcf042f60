/** Printing (compact tables on stdout) and the JSON results file. Figures only: no pass/fail on timings. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BookingRound } from './booking.js'
import type { TrackRead } from './track.js'
import type { StepResult } from './ingest.js'
import type { MachineInfo } from './machine.js'
import type { BenchOptions, TargetName } from './options.js'
import type { RawDbResult } from './raw-db.js'
import type { RawMqttResult } from './raw-mqtt.js'

export interface TargetResult {
  name: TargetName
  describe: string
  startMs: number
  /** Raw pass-through of the broker this target's vehicles publish to, msg/s. */
  rawMqttRate: number | null
  rawDbRate: number | null
  warmup: StepResult | null
  steps: StepResult[]
  /** Booking contention rounds (null: not run on this target; once per database). */
  bookings: BookingRound[] | null
  /** Vehicle-day reads (null: not run on this target; once per database, with the bookings). */
  track: TrackRead[] | null
  exit: number | string | null
  error: string | null
  /** Last lines of the server's log (warnings and errors only: LOG_LEVEL=warn). */
  logTail: string
}

export interface BenchResults {
  startedAt: string
  finishedAt: string
  machine: MachineInfo
  /** Cores busy with other work during 2 s before the run (the box may be shared). */
  backgroundCores: number
  options: Omit<BenchOptions, 'databaseUrl'> & { databaseUrl: string | null }
  plan: { sweep: boolean; estimateS: number; liveTickMs: number }
  raw: { mqtt: RawMqttResult[]; db: RawDbResult[] }
  targets: TargetResult[]
  /** Every LOST line printed. */
  losses: string[]
}

const int = (n: number | null | undefined): string =>
  n == null || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US')
const ms = (n: number): string => (Number.isFinite(n) ? String(Math.round(n)) : '—')
const pct = (a: number, b: number | null): string => (b && Number.isFinite(a) ? `${Math.round((a / b) * 100)}%` : '—')
const cores = (n: number | null): string => (n == null ? '—' : n.toFixed(2))

export function table(rows: string[][], indent = '  '): string {
  const widths: number[] = []
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  return rows
    .map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '))
    .join('\n')
}

export function rawMqttTable(rs: RawMqttResult[]): string {
  const head = [
    'broker',
    'msg/s',
    'all runs',
    'sent',
    'received',
    'lost',
    'puback p50/p99 ms',
    'cores box/pub/sub/broker',
  ]
  return table([
    head,
    ...rs.map((r) => [
      r.broker,
      int(r.rate),
      r.runs.map(int).join(' '),
      int(r.sent),
      int(r.received),
      int(r.lost),
      `${ms(r.ackMs.p50)}/${ms(r.ackMs.p99)}`,
      `${cores(r.cpu.box)}/${cores(r.cpu.publisher)}/${cores(r.cpu.subscriber)}/${cores(r.cpu.broker)}`,
    ]),
  ])
}

export function rawDbTable(rs: RawDbResult[]): string {
  const head = ['database', 'rows/s', 'rows/batch', 'batch p50/p99 ms', '1-row INSERTs/s']
  return table([
    head,
    ...rs.map((r) => [
      r.db,
      int(r.rate),
      int(r.batchRows),
      `${ms(r.batchMs.p50)}/${ms(r.batchMs.p99)}`,
      int(r.singleRowRate),
    ]),
  ])
}

export function stepLabel(s: StepResult): string {
  if (s.kind === 'capacity')
    return s.credited
      ? `max (≤ ${s.connections}×${s.window} ahead of stored)`
      : `max (${s.connections}×${s.window} in flight)`
  return `${int(s.offered)}/s (${int(s.vehicles)} veh × ${s.hz} Hz)`
}

export function stepsTable(t: TargetResult): string {
  const head = [
    'step',
    'sent/s',
    'stored/s',
    '% raw mqtt',
    '% raw db',
    'sent',
    'stored',
    'lost',
    'drain ms',
    'live p50/p90/p99/max ms',
    'puback p50/p99 ms',
    'batch ms/pts',
    'cores srv/pub/box/other',
  ]
  const rows = t.steps.map((s) => [
    stepLabel(s),
    int(s.send.sendRate),
    int(s.storedRate),
    pct(s.storedRate, t.rawMqttRate),
    pct(s.storedRate, t.rawDbRate),
    int(s.send.sent),
    int(s.stored),
    s.lost > 0 ? `${int(s.lost)} LOST` : '0',
    ms(s.drainMs),
    `${ms(s.live.ms.p50)}/${ms(s.live.ms.p90)}/${ms(s.live.ms.p99)}/${ms(s.live.ms.max)}`,
    `${ms(s.send.ack.p50)}/${ms(s.send.ack.p99)}`,
    `${ms(s.batch.meanMs)}/${int(s.batch.meanPoints)}`,
    `${cores(s.cpu.server)}/${cores(s.cpu.publisher)}/${cores(s.cpu.box)}/${cores(s.cpu.other)}`,
  ])
  return table([head, ...rows])
}

/** Loud lines for anything not stored, and for a publisher that could not keep its schedule. */
export function warnings(target: string, s: StepResult, tickMs: number): string[] {
  const out: string[] = []
  const where = `${target} ${stepLabel(s)}`
  if (s.lost > 0)
    out.push(
      `!!! LOST ${int(s.lost)} points in ${where}: sent ${int(s.send.sent)}, stored ${int(s.stored)}${s.stalled ? ' (stopped waiting: nothing moved for 10 s)' : ''}; dropped ${JSON.stringify(s.dropped)}`,
    )
  if (s.rowsCounted !== null && s.rowsCounted !== s.send.sent)
    out.push(`!!! ${where}: ${int(s.rowsCounted)} rows of bench vehicles in the database for ${int(s.send.sent)} sent`)
  if (s.extra > 0)
    out.push(`!!  ${where}: ${int(s.extra)} more stored than sent (another publisher on a shared broker?)`)
  if (s.send.errors > 0 || s.send.acked < s.send.sent)
    out.push(
      `!!  ${where}: ${int(s.send.sent - s.send.acked)} publishes not acknowledged (${int(s.send.errors)} errors)`,
    )
  if (s.offered !== null && s.send.sendRate < s.offered * 0.97) {
    out.push(
      `!!  ${where}: the publisher reached only ${int(s.send.sendRate)}/s of the asked ${int(s.offered)}/s (last point ${ms(s.send.lagAtEndMs)} ms late; ${int(s.send.behind)} due points skipped, their connection's backlog full)`,
    )
  }
  // At most one point per vehicle per tick: nothing is coalesced away, every point should arrive.
  if (s.hz !== null && s.hz * (tickMs / 1000) < 1 && s.live.received < s.send.sent * 0.99)
    out.push(`!!  ${where}: only ${int(s.live.received)} of ${int(s.send.sent)} positions reached the socket`)
  // Only the embedded setup has no third party (database, broker) of its own on the box.
  if (target === 'embedded' && s.cpu.other > 0.4)
    out.push(
      `!   ${where}: other work on the box used ${s.cpu.other.toFixed(2)} cores during this step: its figures are depressed`,
    )
  return out
}

export function writeResults(outDir: string, results: BenchResults): string {
  const dir = resolve(outDir)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`)
  writeFileSync(file, JSON.stringify(results, null, 2))
  return file
}

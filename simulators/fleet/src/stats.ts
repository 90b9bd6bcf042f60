/** Run statistics and how they read on a terminal. */
import type { LoadReport } from './load/generator.js'

export interface SimStats {
  mode: 'timetable' | 'load'
  state: 'starting' | 'running' | 'draining' | 'done' | 'failed'
  protocol: 'mqtt' | 'jt808'
  /** Virtual clock, epoch ms (load mode: the wall clock). */
  virtualTs: number | null
  speed: number
  /** Virtual time is held at the wall clock (it caught up; fixes must not be from the future). */
  heldAtWallClock: boolean
  vehicles: number
  /** Vehicles on a trip now. */
  running: number
  connected: number
  /** Distinct fixes handed to the transport, live and in batches (duplicates not counted). */
  pointsSent: number
  livePoints: number
  batchPoints: number
  batches: number
  /** Extra copies sent on purpose. */
  duplicates: number
  messages: number
  acked: number
  reconnects: number
  errors: number
  lastError: string | null
  /** Points per real second over the last stats interval. */
  ratePerS: number
  truthRecords: number
  faults: Record<string, number>
  elapsedS: number
  /** Seconds from the end of sending until every message was acknowledged (or the drain gave up). */
  drainS: number
  /** Load mode: the rate asked for (vehicles × hz), points per second; null for a closed loop. */
  targetRatePerS: number | null
  /** Load mode: points due but not sent (the publisher fell behind). */
  behindPoints: number
  /** Load mode, at the end: the generator's full report (rates, acknowledgement times, lag). */
  load: LoadReport | null
  warnings: string[]
}

export function emptyStats(mode: SimStats['mode'], protocol: SimStats['protocol'], speed: number): SimStats {
  return {
    mode,
    state: 'starting',
    protocol,
    virtualTs: null,
    speed,
    heldAtWallClock: false,
    vehicles: 0,
    running: 0,
    connected: 0,
    pointsSent: 0,
    livePoints: 0,
    batchPoints: 0,
    batches: 0,
    duplicates: 0,
    messages: 0,
    acked: 0,
    reconnects: 0,
    errors: 0,
    lastError: null,
    ratePerS: 0,
    truthRecords: 0,
    faults: {},
    elapsedS: 0,
    drainS: 0,
    targetRatePerS: null,
    behindPoints: 0,
    load: null,
    warnings: [],
  }
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US')

/** Local time of day in Asia/Shanghai, `HH:MM:SS`. */
export function clockOf(ts: number): string {
  return new Date(ts + 8 * 3_600_000).toISOString().slice(11, 19)
}

export function statusLine(s: SimStats): string {
  const parts: string[] = []
  if (s.mode === 'load') {
    const rate =
      s.targetRatePerS === null ? `${n(s.ratePerS)}/s closed loop` : `${n(s.ratePerS)}/s of ${n(s.targetRatePerS)}/s`
    parts.push(`load ${s.protocol}`, `${s.connected} connected`, `sent ${n(s.pointsSent)}`, rate, `acked ${n(s.acked)}`)
    if (s.behindPoints > 0) parts.push(`behind ${n(s.behindPoints)}`)
  } else {
    const clock = s.virtualTs === null ? '--:--:--' : clockOf(s.virtualTs)
    parts.push(
      `${clock} ×${s.speed}${s.heldAtWallClock ? ' (live)' : ''}`,
      `${s.running}/${s.vehicles} running`,
      `${s.connected} online`,
      `points ${n(s.pointsSent)}`,
      `${n(s.ratePerS)}/s`,
    )
    parts.push(`batches ${n(s.batches)}`, `reconnects ${n(s.reconnects)}`, `dups ${n(s.duplicates)}`)
  }
  if (s.errors > 0) parts.push(`errors ${n(s.errors)}`)
  return parts.join(' | ')
}

export function summary(s: SimStats): string {
  const lines = [
    `${s.mode === 'load' ? 'load run' : 'simulation'} ${s.state} after ${s.elapsedS.toFixed(1)} s over ${s.protocol}: ${n(s.vehicles)} vehicles`,
    `points sent ${n(s.pointsSent)} (live ${n(s.livePoints)}, in ${n(s.batches)} batches ${n(s.batchPoints)}), duplicates ${n(s.duplicates)}`,
    `messages ${n(s.messages)}, acknowledged ${n(s.acked)}, reconnects ${n(s.reconnects)}, errors ${n(s.errors)}`,
  ]
  if (s.mode === 'load') {
    lines.push(...loadLines(s))
  } else {
    lines.push(
      `truth records ${n(s.truthRecords)}; faults ${
        Object.entries(s.faults)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }`,
    )
  }
  if (s.lastError) lines.push(`last error: ${s.lastError}`)
  for (const w of s.warnings) lines.push(`warning: ${w}`)
  return lines.join('\n')
}

const ms = (x: number): string => (Number.isFinite(x) ? String(Math.round(x)) : '—')

/** What a load run achieved, against what was asked. */
function loadLines(s: SimStats): string[] {
  const achieved = s.elapsedS > 0 ? s.pointsSent / s.elapsedS : 0
  const acks = s.load
    ? `acknowledged ${n(s.load.ackRatePerS)}/s (last ack ${s.drainS.toFixed(1)} s after sending stopped)`
    : `acknowledged ${n(s.acked)}`
  const lines: string[] = []
  if (s.targetRatePerS !== null) {
    const pct = s.targetRatePerS > 0 ? (100 * achieved) / s.targetRatePerS : 0
    lines.push(
      `rate: asked ${n(s.targetRatePerS)}/s, sent ${n(achieved)}/s (${pct.toFixed(1)} %) over ${s.elapsedS.toFixed(1)} s; ${acks}; ${n(s.behindPoints)} points were due but not sent`,
    )
  } else {
    lines.push(
      `closed loop${s.load ? `, ${s.load.window} in flight per connection` : ''}: sent ${n(achieved)}/s over ${s.elapsedS.toFixed(1)} s (what the receiver sustained); ${acks}`,
    )
  }
  const l = s.load
  if (l) {
    const lag = l.loop === 'open' ? `; last fix ${ms(l.lagAtEndMs)} ms late, worst ${ms(l.maxLagMs)} ms` : ''
    lines.push(
      `${n(l.vehicles)} vehicles on ${n(l.connections)} connections; send → ack ms p50/p90/p99/max ${ms(l.ackMs.p50)}/${ms(l.ackMs.p90)}/${ms(l.ackMs.p99)}/${ms(l.ackMs.max)}${lag}`,
    )
  }
  return lines
}

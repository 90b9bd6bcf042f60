/**
 * One load run's counting: sends and their answers, send → acknowledgement times, the wait for
 * the last acknowledgements, and the report of what was achieved.
 */
import type { Protocol } from '../options.js'
import type { ChannelCounters, Channels } from './channel.js'
import { cpuMs, Sample, type Summary } from './sample.js'

export interface LoadProgress {
  state: 'waiting' | 'sending' | 'draining' | 'done'
  sent: number
  acked: number
  errors: number
  behind: number
}

export interface LoadReport {
  loop: 'open' | 'closed'
  protocol: Protocol
  /** Vehicles that sent (those on connections that opened). */
  vehicles: number
  connections: number
  /** Open loop: fixes per second asked for. */
  targetRatePerS: number | null
  /** Closed loop: fixes in flight per connection. */
  window: number | null
  /** Fixes that came due (open loop: sent + behind; closed loop: sent). */
  due: number
  sent: number
  acked: number
  /** Fixes refused (or dropped by a closing connection). */
  errors: number
  /** Open loop: fixes due but skipped because their connection's backlog was full (the publisher fell behind). */
  behind: number
  /** Still unacknowledged when the drain gave up. */
  unacked: number
  /** Epoch ms: when the run began, first and last send, last acknowledgement (0: none). */
  startAt: number
  firstSendAt: number
  lastSendAt: number
  lastAckAt: number
  /**
   * Seconds the sending took. Open loop: the schedule's length, longer if the last fix left late
   * (a perfect run of D s spans exactly D s); closed loop: start → stop.
   */
  sendSpanS: number
  /** Achieved: sent / sendSpanS. Below the target whenever fixes were skipped or late. */
  sendRatePerS: number
  /** acknowledged / (start → last acknowledgement). */
  ackRatePerS: number
  /** Last acknowledgement after sending stopped, s. */
  drainS: number
  /** Open loop: how late the last due fix was handled, and the worst, ms. */
  lagAtEndMs: number
  maxLagMs: number
  /** Send → acknowledgement per fix, ms. */
  ackMs: Summary
  disconnects: number
  reconnects: number
  /** CPU of this process from start to report, ms (the publisher's own when it runs alone in a process). */
  cpuMs: number
}

export interface LoadRun {
  progress(): LoadProgress
  /** Closed loop: lets the run have sent up to `upTo` fixes in total (never lowers it). */
  grant(upTo: number): void
  /** Stops sending now; `done` follows once the sent fixes are acknowledged. */
  stop(): void
  done: Promise<LoadReport>
}

/** What the loop itself knows at its end. */
export type LoopFigures = Pick<LoadReport, 'loop' | 'targetRatePerS' | 'window' | 'due' | 'lagAtEndMs' | 'maxLagMs'>

export class Tally {
  sent = 0
  acked = 0
  errors = 0
  behind = 0
  /** performance.now() at the start, and at the last send. */
  t0 = 0
  lastSendPerf = 0
  #state: LoadProgress['state'] = 'waiting'
  #startWall = 0
  #firstSendAt = 0
  #lastSendAt = 0
  #lastAckAt = 0
  #stopWall = 0
  #cpu0 = 0
  #counters0: ChannelCounters
  readonly #ack = new Sample()
  readonly #protocol: Protocol
  readonly #now: () => number
  readonly #chans: Channels
  readonly #startAt: number
  readonly #drainTimeoutMs: number
  readonly #release: () => void
  #startTimer: NodeJS.Timeout | undefined
  #settled: (() => void) | null = null
  #resolve: (r: LoadReport) => void = () => {}
  readonly done: Promise<LoadReport>

  constructor(
    protocol: Protocol,
    now: () => number,
    chans: Channels,
    startAt: number,
    drainTimeoutMs: number,
    release: () => void,
  ) {
    this.#protocol = protocol
    this.#now = now
    this.#chans = chans
    this.#startAt = startAt
    this.#drainTimeoutMs = drainTimeoutMs
    this.#release = release
    this.#counters0 = chans.counters()
    this.done = new Promise((resolve) => (this.#resolve = resolve))
  }

  onStart(begin: () => void): void {
    this.#startTimer = setTimeout(
      () => {
        this.#startTimer = undefined
        this.t0 = performance.now()
        this.#startWall = this.#now()
        this.#cpu0 = cpuMs()
        this.#counters0 = this.#chans.counters()
        this.#state = 'sending'
        begin()
      },
      Math.max(0, this.#startAt - this.#now()),
    )
  }

  run(stop: () => void, grant: (upTo: number) => void): LoadRun {
    return {
      progress: () => ({
        state: this.#state,
        sent: this.sent,
        acked: this.acked,
        errors: this.errors,
        behind: this.behind,
      }),
      grant,
      stop: () => {
        if (this.#startTimer) {
          // Stopped before it began: nothing was sent.
          clearTimeout(this.#startTimer)
          this.#startTimer = undefined
          this.t0 = performance.now()
          this.#startWall = this.#now()
          this.#cpu0 = cpuMs()
        }
        if (this.#state === 'waiting' || this.#state === 'sending') stop()
      },
      done: this.done,
    }
  }

  /** A fix leaves now (`wall`, epoch ms); returns its send instant (performance.now) for the answer. */
  sending(wall: number): number {
    const at = performance.now()
    if (this.sent === 0) this.#firstSendAt = wall
    this.#lastSendAt = wall
    this.lastSendPerf = at
    this.sent++
    return at
  }

  answered(ok: boolean, sentAt: number): void {
    if (ok) {
      this.acked++
      this.#ack.add(performance.now() - sentAt)
    } else this.errors++
    this.#lastAckAt = this.#now()
    if (this.#settled && this.acked + this.errors >= this.sent) this.#settled()
  }

  stopSending(spanMs: number, figures: LoopFigures): void {
    if (this.#state === 'draining' || this.#state === 'done') return
    this.#state = 'draining'
    this.#stopWall = this.#now()
    void this.#drain().then(() => {
      const spanS = spanMs / 1000
      const c = this.#chans.counters()
      const ackSpanS = (this.#lastAckAt - this.#startWall) / 1000
      this.#state = 'done'
      this.#release()
      this.#resolve({
        ...figures,
        protocol: this.#protocol,
        vehicles: this.#chans.channels.reduce((n, ch) => n + ch.vehicles.length, 0),
        connections: this.#chans.channels.length,
        sent: this.sent,
        acked: this.acked,
        errors: this.errors,
        behind: this.behind,
        unacked: this.sent - this.acked - this.errors,
        startAt: this.#startWall,
        firstSendAt: this.#firstSendAt,
        lastSendAt: this.#lastSendAt,
        lastAckAt: this.#lastAckAt,
        sendSpanS: spanS,
        sendRatePerS: spanS > 0 ? this.sent / spanS : 0,
        ackRatePerS: this.acked > 0 && ackSpanS > 0 ? this.acked / ackSpanS : 0,
        drainS: this.acked > 0 ? Math.max(0, this.#lastAckAt - this.#stopWall) / 1000 : 0,
        ackMs: this.#ack.summary(),
        disconnects: c.disconnects - this.#counters0.disconnects,
        reconnects: c.reconnects - this.#counters0.reconnects,
        cpuMs: cpuMs() - this.#cpu0,
      })
    })
  }

  #drain(): Promise<void> {
    if (this.acked + this.errors >= this.sent) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.#drainTimeoutMs)
      this.#settled = () => {
        clearTimeout(timer)
        this.#settled = null
        resolve()
      }
    })
  }
}

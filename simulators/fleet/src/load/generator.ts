/**
 * Load generator, the library side of load mode: synthetic vehicles circling the county seat,
 * shared over connections (load/channel.ts), driven
 *  - open loop (`openLoop`): every vehicle at `hz`, phases spread evenly over the period, so the
 *    connections see a steady N × H fixes a second; a fix whose connection already has too many
 *    unacknowledged messages is skipped and counted, never silently delayed into a burst;
 *  - closed loop (`closedLoop`): each connection keeps `window` fixes unacknowledged and sends the
 *    next when one is acknowledged, so the rate is the receiver's capacity; optionally also never
 *    more than a total the caller grants (`credit`, `grant`).
 * Every fix's `ts` is its send time (ms; strictly increasing per vehicle, whole seconds over
 * JT/T 808), and send → acknowledgement is timed per fix. The report says what was achieved.
 */
import { randomBytes } from 'node:crypto'
import { offsetPoint } from '../model/path.js'
import { Rng } from '../model/rng.js'
import type { Fix, SimVehicle } from '../model/types.js'
import { parseHostPort, type Protocol } from '../options.js'
import { withLimit } from '../transport/types.js'
import { jt808Channels, mqttChannels, type ChannelCounters, type Channels, type LoadChannel } from './channel.js'
import { Tally, type LoadRun } from './tally.js'

export type { LoadProgress, LoadReport, LoadRun } from './tally.js'

/** Xuyong county seat: synthetic vehicles circle around it. */
const CENTRE: [number, number] = [105.4433, 28.1655]
const SPEED_KMH = 30
/** Default backlog of an open loop: unacknowledged fixes per vehicle on a connection before due fixes are skipped. */
const BACKLOG_PER_VEHICLE = 200

export interface LoadGeneratorOptions {
  protocol?: Protocol
  /** Broker, default `mqtt://localhost:1883`. */
  mqttUrl?: string
  mqttUsername?: string
  mqttPassword?: string
  /** JT/T 808 gateway `host:port`, default `localhost:6808`. */
  jt808?: string
  /** How many vehicles (ids `LOAD-V00001`…), or their ids. */
  vehicles: number | readonly string[]
  /** Connections the vehicles share round robin (MQTT only; default one per vehicle). */
  connections?: number
  /** Publish on `${topicPrefix}/<id>/pos` instead of `rb/v1/veh/<id>/pos` (a bare broker's limit). */
  topicPrefix?: string
  /** MQTT client ids are this plus the connection number (default `rb-load-<random>-`). */
  clientIdPrefix?: string
  /** Seed of the vehicles' circles (default 1). */
  seed?: string | number
  /** Most connections opened at once (default 100). */
  connectConcurrency?: number
  /** Wall clock for timestamps (tests). */
  now?: () => number
}

export interface OpenLoopOptions {
  /** Fixes per second per vehicle. */
  hz: number
  seconds: number
  /** Epoch ms to begin at (several generators in step); default now. */
  startAt?: number
  /** Unacknowledged fixes a connection may have before its due fixes are skipped (default 200 per vehicle on it). */
  maxBacklog?: number
  /** How long to wait for the last acknowledgements, ms (default 60,000). */
  drainTimeoutMs?: number
}

export interface ClosedLoopOptions {
  /** Unacknowledged fixes each connection keeps in flight. */
  window: number
  seconds: number
  /** Fixes the run may send in total until `grant` raises it (default: no limit). */
  credit?: number
  startAt?: number
  drainTimeoutMs?: number
}

export interface LoadGenerator {
  readonly protocol: Protocol
  readonly vehicleIds: readonly string[]
  /** Connections open (some may have failed: see `warnings`). */
  readonly connections: number
  readonly warnings: readonly string[]
  /** Time it took to open the connections, ms. */
  readonly connectMs: number
  openLoop(o: OpenLoopOptions): LoadRun
  closedLoop(o: ClosedLoopOptions): LoadRun
  counters(): ChannelCounters
  close(): Promise<void>
}

export interface LoadPlan {
  protocol: Protocol
  vehicles: number
  connections?: number
  hz?: number
  window?: number
  seconds: number
  maxBacklog?: number
}

const whole = (n: number | undefined, min: number, max: number): boolean =>
  n !== undefined && Number.isInteger(n) && n >= min && n <= max

/** Everything wrong with a load plan, before anything connects. */
export function loadProblems(p: LoadPlan): string[] {
  const out: string[] = []
  if (!whole(p.vehicles, 1, 100_000)) out.push('vehicles must be a whole number in 1..100000')
  if (p.connections !== undefined && !whole(p.connections, 1, Math.max(1, p.vehicles)))
    out.push('connections must be a whole number in 1..vehicles')
  if ((p.hz === undefined) === (p.window === undefined))
    out.push('give hz (open loop) or window (closed loop), one of them')
  if (p.hz !== undefined && !(p.hz > 0 && p.hz <= 50)) out.push('hz must be in (0, 50]')
  if (p.window !== undefined && !whole(p.window, 1, 10_000)) out.push('window must be a whole number in 1..10000')
  if (!(p.seconds > 0 && p.seconds <= 86_400)) out.push('seconds must be in (0, 86400]')
  if (p.maxBacklog !== undefined && !whole(p.maxBacklog, 1, 10_000_000))
    out.push('maxBacklog must be a whole number ≥ 1')
  if (p.protocol === 'jt808') {
    // JT/T 808 times have whole seconds; faster fixes would share a timestamp and be deduplicated.
    if (p.hz !== undefined && p.hz > 1)
      out.push('hz above 1 cannot be carried by JT/T 808 (its timestamps have whole seconds)')
    if (p.window !== undefined)
      out.push(
        'a closed loop cannot run over JT/T 808 (its whole-second timestamps allow one fix per vehicle per second)',
      )
    if (p.connections !== undefined && p.connections !== p.vehicles)
      out.push('a JT/T 808 terminal is its connection: connections must equal vehicles')
  }
  return out
}

export const loadVehicleId = (i: number): string => `LOAD-V${String(i + 1).padStart(5, '0')}`

export async function connectLoad(o: LoadGeneratorOptions): Promise<LoadGenerator> {
  const protocol = o.protocol ?? 'mqtt'
  const now = o.now ?? Date.now
  const ids =
    typeof o.vehicles === 'number' ? Array.from({ length: o.vehicles }, (_, i) => loadVehicleId(i)) : [...o.vehicles]
  const problems = loadProblems({ protocol, vehicles: ids.length, connections: o.connections, hz: 1, seconds: 1 })
  if (new Set(ids).size !== ids.length) problems.push('vehicle ids must be distinct')
  if (problems.length > 0) throw new Error(problems.join('; '))
  const concurrency = o.connectConcurrency ?? 100
  const connectStarted = performance.now()
  let chans: Channels
  if (protocol === 'mqtt') {
    chans = await mqttChannels({
      url: o.mqttUrl ?? 'mqtt://localhost:1883',
      username: o.mqttUsername,
      password: o.mqttPassword,
      clientIdPrefix: o.clientIdPrefix ?? `rb-load-${randomBytes(3).toString('hex')}-`,
      vehicleIds: ids,
      connections: o.connections ?? ids.length,
      topicPrefix: o.topicPrefix,
      connectConcurrency: concurrency,
    })
  } else {
    const { host, port } = parseHostPort(o.jt808 ?? 'localhost:6808', 6808)
    const vehicles: SimVehicle[] = ids.map((id, i) => ({
      id,
      plate: null,
      jt808Phone: `0188${String(i + 1).padStart(8, '0')}`,
    }))
    chans = await jt808Channels({ host, port, vehicles, connectConcurrency: concurrency })
  }
  const connectMs = performance.now() - connectStarted
  const { channels } = chans
  if (channels.length === 0)
    throw new Error(`no load connection could be opened over ${protocol}: ${chans.firstFailure}`)
  const warnings: string[] = []
  if (channels.length < chans.asked)
    warnings.push(
      `${chans.asked - channels.length} of ${chans.asked} connections could not connect (their vehicles send nothing): ${chans.firstFailure}`,
    )

  const chanOf: LoadChannel[] = []
  for (const ch of channels) for (const v of ch.vehicles) chanOf[v] = ch
  /** Vehicles that can send, in id order: consecutive ones ride different connections. */
  const live = ids.map((_, v) => v).filter((v) => chanOf[v] !== undefined)
  const rng = new Rng(o.seed ?? 1, 'load')
  const circles = ids.map((id) => {
    const r = rng.fork(id)
    return { radiusM: r.range(500, 5000), angle: r.range(0, 2 * Math.PI) }
  })
  const epoch = now()
  const resolutionMs = protocol === 'jt808' ? 1000 : 1
  const lastTs = new Float64Array(ids.length)
  const fixOf = (v: number, wall: number): Fix => {
    const ts = Math.max(Math.floor(wall / resolutionMs) * resolutionMs, (lastTs[v] as number) + resolutionMs)
    lastTs[v] = ts
    const c = circles[v] as { radiusM: number; angle: number }
    const travelledM = ((SPEED_KMH / 3.6) * (ts - epoch)) / 1000
    const a = c.angle + travelledM / c.radiusM
    const p = offsetPoint(CENTRE, c.radiusM * Math.sin(a), c.radiusM * Math.cos(a))
    return {
      ts,
      lng: Math.round(p[0] * 1e6) / 1e6,
      lat: Math.round(p[1] * 1e6) / 1e6,
      speedKmh: SPEED_KMH,
      headingDeg: Math.round(((a * 180) / Math.PI + 90) % 360),
      accM: 5,
      odoM: 1_000_000 + Math.round(travelledM),
    }
  }

  let busy = false
  const begin = (plan: LoadPlan, startAt: number | undefined, drainTimeoutMs: number | undefined): Tally => {
    const problems = loadProblems(plan)
    if (problems.length > 0) throw new Error(problems.join('; '))
    if (busy) throw new Error('a load run is already in progress on these connections')
    busy = true
    return new Tally(protocol, now, chans, startAt ?? now(), drainTimeoutMs ?? 60_000, () => (busy = false))
  }
  const sendOne = (t: Tally, v: number, after?: () => void): void => {
    const wall = now()
    const fix = fixOf(v, wall)
    const at = t.sending(wall)
    ;(chanOf[v] as LoadChannel).send(v, fix, (ok) => {
      t.answered(ok, at)
      after?.()
    })
  }

  return {
    protocol,
    vehicleIds: ids,
    connections: channels.length,
    warnings,
    connectMs,
    counters: chans.counters,
    close: async () => {
      await withLimit(channels, 200, (c) => c.close().catch(() => {}))
    },

    openLoop(opts) {
      const t = begin(
        { protocol, vehicles: live.length, hz: opts.hz, seconds: opts.seconds, maxBacklog: opts.maxBacklog },
        opts.startAt,
        opts.drainTimeoutMs,
      )
      const rate = live.length * opts.hz
      const periodMs = 1000 / rate
      let total = Math.round(rate * opts.seconds)
      let j = 0
      let timer: NodeJS.Timeout | undefined
      let lagAtEnd = 0
      let maxLag = 0
      const cap = (ch: LoadChannel): number => opts.maxBacklog ?? BACKLOG_PER_VEHICLE * ch.vehicles.length
      const tick = (): void => {
        const due = Math.min(total, Math.floor((performance.now() - t.t0) / periodMs) + 1)
        for (; j < due; j++) {
          const v = live[j % live.length] as number
          lagAtEnd = performance.now() - (t.t0 + j * periodMs)
          if (lagAtEnd > maxLag) maxLag = lagAtEnd
          if ((chanOf[v] as LoadChannel).inflight() >= cap(chanOf[v] as LoadChannel)) t.behind++
          else sendOne(t, v)
        }
        if (j < total) timer = setTimeout(tick, Math.max(0, t.t0 + j * periodMs - performance.now()))
        else finish()
      }
      const finish = (): void => {
        clearTimeout(timer)
        total = j
        // A perfect run's last fix leaves one period before the end of its schedule.
        const spanMs = Math.max(j * periodMs, t.sent > 0 ? t.lastSendPerf - t.t0 + periodMs : 0)
        t.stopSending(spanMs, {
          loop: 'open',
          targetRatePerS: rate,
          window: null,
          due: j,
          lagAtEndMs: lagAtEnd,
          maxLagMs: maxLag,
        })
      }
      t.onStart(tick)
      return t.run(finish, () => {})
    },

    closedLoop(opts) {
      const t = begin(
        { protocol, vehicles: live.length, window: opts.window, seconds: opts.seconds },
        opts.startAt,
        opts.drainTimeoutMs,
      )
      let allowance = opts.credit ?? Infinity
      let sending = false
      let stopAt = Infinity
      let timer: NodeJS.Timeout | undefined
      const cursor = channels.map(() => 0)
      /** Sends the next fix on connection `c` if its window and the credit allow; false if not. */
      const sendNext = (c: number): boolean => {
        const ch = channels[c] as LoadChannel
        if (!sending || ch.inflight() >= opts.window || t.sent >= allowance) return false
        if (performance.now() >= stopAt) {
          finish()
          return false
        }
        const i = cursor[c] as number
        cursor[c] = i + 1
        sendOne(t, ch.vehicles[i % ch.vehicles.length] as number, () => pump(c))
        return true
      }
      const pump = (c: number): void => {
        while (sendNext(c));
      }
      // One fix per connection per pass, from a rotating first one: scarce credit is shared out evenly.
      let first = 0
      const pumpAll = (): void => {
        for (let progressed = true; progressed;) {
          progressed = false
          for (let k = 0; k < channels.length; k++) if (sendNext((first + k) % channels.length)) progressed = true
        }
        first = (first + 1) % channels.length
      }
      const finish = (): void => {
        sending = false
        clearTimeout(timer)
        t.stopSending(performance.now() - t.t0, {
          loop: 'closed',
          targetRatePerS: null,
          window: opts.window,
          due: t.sent,
          lagAtEndMs: 0,
          maxLagMs: 0,
        })
      }
      t.onStart(() => {
        sending = true
        stopAt = t.t0 + opts.seconds * 1000
        timer = setTimeout(finish, opts.seconds * 1000)
        pumpAll()
      })
      return t.run(finish, (upTo) => {
        allowance = Math.max(allowance, upTo)
        pumpAll()
      })
    },
  }
}

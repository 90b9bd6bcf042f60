/**
 * Load mode: N synthetic vehicles, each on its own connection, each sending H fixes a second for
 * D seconds, stamped with the wall clock. The report is what was achieved, not what was asked:
 * a vehicle with too many unacknowledged messages skips its due points, and they are counted.
 */
import { offsetPoint } from './model/path.js'
import { Rng } from './model/rng.js'
import type { Fix, SimVehicle } from './model/types.js'
import { resolveOptions, type LoadOptions, type SimulationOptions } from './options.js'
import type { Simulation } from './runner.js'
import { emptyStats, type SimStats } from './stats.js'
import { jt808Transport } from './transport/jt808.js'
import { mqttTransport } from './transport/mqtt.js'
import { withLimit, type VehicleLink } from './transport/types.js'

/** Xuyong county seat: synthetic vehicles circle around it. */
const CENTRE: [number, number] = [105.4433, 28.1655]
/** Unacknowledged messages a vehicle may have before it skips points (backpressure). */
const MAX_BACKLOG = 200
const TICK_MS = 20

export function loadProblems(load: LoadOptions, protocol: string): string[] {
  const out: string[] = []
  if (!(Number.isInteger(load.vehicles) && load.vehicles >= 1 && load.vehicles <= 100_000)) out.push('--vehicles must be a whole number in 1..100000')
  if (!(load.hz > 0 && load.hz <= 50)) out.push('--hz must be in (0, 50]')
  if (!(load.seconds > 0)) out.push('--seconds must be positive')
  // JT/T 808 times have whole seconds; faster fixes would share a timestamp and be deduplicated.
  if (protocol === 'jt808' && load.hz > 1) out.push('--hz above 1 cannot be carried by JT/T 808 (its timestamps have whole seconds)')
  return out
}

export async function startLoad(options: SimulationOptions, load: LoadOptions): Promise<Simulation> {
  const now = options.now ?? Date.now
  const r = resolveOptions(options, now())
  const problems = loadProblems(load, r.protocol)
  if (problems.length > 0) throw new Error(problems.join('; '))
  const stats: SimStats = { ...emptyStats('load', r.protocol, 1), targetRatePerS: load.vehicles * load.hz }
  const rng = new Rng(r.seed, 'load')
  const vehicles: (SimVehicle & { radiusM: number; angle: number; phaseMs: number })[] = Array.from({ length: load.vehicles }, (_, i) => ({
    id: `LOAD-V${String(i + 1).padStart(5, '0')}`,
    plate: null,
    jt808Phone: `0188${String(i + 1).padStart(8, '0')}`,
    radiusM: rng.range(500, 5000),
    angle: rng.range(0, 2 * Math.PI),
    phaseMs: rng.range(0, 1000 / load.hz),
  }))
  if (r.protocol === 'jt808') stats.warnings.push('JT/T 808 load vehicles (LOAD-V…, phones 0188…) must exist on the server with those terminal phones, or the gateway refuses them')
  const transport = r.protocol === 'mqtt'
    ? mqttTransport({ url: r.mqttUrl, username: options.mqttUsername, password: options.mqttPassword, clientIdPrefix: 'rb-load-' })
    : jt808Transport({ host: r.jt808.host, port: r.jt808.port })
  const links: VehicleLink[] = vehicles.map((v) => transport.link(v))
  stats.vehicles = links.length
  const opened = await withLimit(links, options.connectConcurrency ?? 100, (l) => l.open())
  const rejected = opened.filter((o): o is PromiseRejectedResult => o.status === 'rejected')
  if (rejected.length === links.length) {
    await Promise.all(links.map((l) => l.close().catch(() => {})))
    throw new Error(`no load vehicle could connect over ${r.protocol}: ${(rejected[0]?.reason as Error).message}`)
  }
  if (rejected.length > 0) stats.warnings.push(`${rejected.length} of ${links.length} vehicles could not connect: ${(rejected[0]?.reason as Error).message}`)
  const liveIdx = links.map((_, i) => i).filter((i) => opened[i]?.status === 'fulfilled')
  const live = liveIdx.map((i) => links[i] as VehicleLink)

  const start = now()
  const endAt = start + load.seconds * 1000
  const periodMs = 1000 / load.hz
  const next = new Array<number>(links.length).fill(0)
  const fixOf = (i: number, k: number): Fix => {
    const v = vehicles[i] as (typeof vehicles)[0]
    const ts = Math.round(start + v.phaseMs + k * periodMs)
    // 30 km/h around a circle of radiusM.
    const a = v.angle + (8.33 * (ts - start)) / 1000 / v.radiusM
    const p = offsetPoint(CENTRE, v.radiusM * Math.sin(a), v.radiusM * Math.cos(a))
    return { ts, lng: Math.round(p[0] * 1e6) / 1e6, lat: Math.round(p[1] * 1e6) / 1e6, speedKmh: 30, headingDeg: Math.round(((a * 180) / Math.PI + 90) % 360), accM: 5, odoM: 1_000_000 + k * 8 }
  }
  const tick = (): void => {
    const t = Math.min(now(), endAt)
    for (const i of liveIdx) {
      const link = links[i] as VehicleLink
      const v = vehicles[i] as (typeof vehicles)[0]
      const due = Math.floor((t - start - v.phaseMs) / periodMs) + 1
      let k = next[i] as number
      for (; k < due; k++) {
        if (link.backlog() >= MAX_BACKLOG) {
          stats.behindPoints += due - k
          k = due
          break
        }
        link.send(fixOf(i, k), false)
        stats.pointsSent++
        stats.livePoints++
      }
      next[i] = k
    }
    stats.virtualTs = t
    if (t >= endAt) void finish()
  }

  let lastAt = start
  let lastPoints = 0
  const snapshot = (): SimStats => {
    const c = transport.counters()
    return { ...stats, connected: c.connected, messages: c.messages, acked: c.acked, reconnects: c.reconnects, errors: c.errors, lastError: c.lastError, elapsedS: (Math.min(now(), endAt) - start) / 1000, warnings: [...stats.warnings] }
  }
  const emitStats = (): void => {
    const t = now()
    if (t > lastAt) stats.ratePerS = ((stats.pointsSent - lastPoints) * 1000) / (t - lastAt)
    lastAt = t
    lastPoints = stats.pointsSent
    options.onStats?.(snapshot())
  }
  let finishing: Promise<SimStats> | null = null
  let resolveDone: (s: SimStats) => void = () => {}
  const done = new Promise<SimStats>((resolve) => (resolveDone = resolve))
  const finish = (): Promise<SimStats> => {
    if (finishing) return finishing
    clearInterval(ticker)
    clearInterval(statsTimer)
    stats.state = 'draining'
    finishing = (async () => {
      const drained = await Promise.all(live.map((l) => l.drain(15_000)))
      stats.drainS = Math.max(0, now() - endAt) / 1000
      const stuck = drained.filter((ok) => !ok).length
      if (stuck > 0) stats.warnings.push(`${stuck} vehicles still had unacknowledged messages after 15 s`)
      await withLimit(live, 200, (l) => l.close().catch(() => {}))
      stats.state = 'done'
      emitStats()
      const final = snapshot()
      resolveDone(final)
      return final
    })()
    return finishing
  }
  stats.state = 'running'
  const ticker = setInterval(tick, TICK_MS)
  const statsTimer = setInterval(emitStats, options.statsIntervalMs ?? 1000)
  return { stats: snapshot, stop: () => finish(), done, vehicles: vehicles.map((v) => ({ id: v.id, trips: [] })) }
}

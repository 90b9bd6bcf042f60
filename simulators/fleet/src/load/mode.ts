/**
 * Load mode as a simulator run (`npm run sim -- --load …`, `startSimulation({ load })`,
 * `runInWorker`): the load generator behind the `Simulation` interface, its progress as `SimStats`
 * for the status line, and its report in the final stats. The rate asked for is vehicles × hz as
 * given: vehicles whose connection failed count against the achieved rate, not out of the target.
 */
import { resolveOptions, type LoadOptions, type SimulationOptions } from '../options.js'
import type { Simulation } from '../runner.js'
import { emptyStats, type SimStats } from '../stats.js'
import { connectLoad, loadProblems, type LoadRun } from './generator.js'

const DRAIN_TIMEOUT_MS = 15_000

export async function startLoad(options: SimulationOptions, load: LoadOptions): Promise<Simulation> {
  const now = options.now ?? Date.now
  const r = resolveOptions(options, now())
  const problems = loadProblems({ protocol: r.protocol, ...load })
  if (problems.length > 0) throw new Error(problems.join('; '))
  const gen = await connectLoad({
    protocol: r.protocol,
    mqttUrl: r.mqttUrl,
    mqttUsername: options.mqttUsername,
    mqttPassword: options.mqttPassword,
    jt808: `${r.jt808.host}:${r.jt808.port}`,
    vehicles: load.vehicles,
    connections: load.connections,
    topicPrefix: load.topicPrefix,
    seed: r.seed,
    connectConcurrency: options.connectConcurrency,
    now,
  })
  const base: SimStats = {
    ...emptyStats('load', r.protocol, 1),
    vehicles: gen.vehicleIds.length,
    targetRatePerS: load.hz === undefined ? null : load.vehicles * load.hz,
  }
  base.warnings.push(...gen.warnings)
  if (r.protocol === 'jt808')
    base.warnings.push(
      'JT/T 808 load vehicles (LOAD-V…, phones 0188…) must exist on the server with those terminal phones, or the gateway refuses them',
    )

  let run: LoadRun
  try {
    run =
      load.window !== undefined
        ? gen.closedLoop({ window: load.window, seconds: load.seconds, drainTimeoutMs: DRAIN_TIMEOUT_MS })
        : gen.openLoop({
            hz: load.hz ?? 1,
            seconds: load.seconds,
            maxBacklog: load.maxBacklog,
            drainTimeoutMs: DRAIN_TIMEOUT_MS,
          })
  } catch (err) {
    await gen.close()
    throw err
  }
  const startedAt = now()
  const snapshot = (): SimStats => {
    const p = run.progress()
    const c = gen.counters()
    return {
      ...base,
      state: p.state === 'done' ? 'done' : p.state === 'draining' ? 'draining' : 'running',
      virtualTs: now(),
      connected: c.connected,
      pointsSent: p.sent,
      livePoints: p.sent,
      messages: p.sent,
      acked: p.acked,
      behindPoints: p.behind,
      reconnects: c.reconnects,
      errors: p.errors + c.errors,
      lastError: c.lastError,
      elapsedS: Math.min((now() - startedAt) / 1000, load.seconds),
      warnings: [...base.warnings],
    }
  }
  let lastAt = startedAt
  let lastSent = 0
  const emitStats = (): void => {
    const s = snapshot()
    const t = now()
    if (t > lastAt) base.ratePerS = ((s.pointsSent - lastSent) * 1000) / (t - lastAt)
    lastAt = t
    lastSent = s.pointsSent
    options.onStats?.({ ...s, ratePerS: base.ratePerS })
  }
  const statsTimer = setInterval(emitStats, options.statsIntervalMs ?? 1000)
  const done = run.done.then(async (report) => {
    clearInterval(statsTimer)
    await gen.close()
    const c = gen.counters()
    const warnings = [...base.warnings]
    if (report.unacked > 0)
      warnings.push(
        `${report.unacked} fixes were still unacknowledged ${DRAIN_TIMEOUT_MS / 1000} s after sending stopped`,
      )
    const final: SimStats = {
      ...snapshot(),
      state: 'done',
      connected: c.connected,
      pointsSent: report.sent,
      livePoints: report.sent,
      messages: report.sent,
      acked: report.acked,
      behindPoints: report.behind,
      ratePerS: report.sendRatePerS,
      elapsedS: report.sendSpanS,
      drainS: report.drainS,
      load: report,
      warnings,
    }
    options.onStats?.(final)
    return final
  })
  return {
    stats: snapshot,
    stop: () => {
      run.stop()
      return done
    },
    done,
    vehicles: gen.vehicleIds.map((id) => ({ id, trips: [] })),
  }
}

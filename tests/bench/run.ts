/**
 * `npm run bench`: the budgets of docs/design.md §4 as figures, in one run on one machine —
 *   1. raw limits: MQTT QoS 1 pass-through (aedes, and BENCH_MQTT_URL) and batched inserts
 *      (embedded PGlite, and DATABASE_URL);
 *   2. the real server as a child process per setup: fixed loads (positions/s stored, sent vs
 *      stored, publish → socket latency) and a closed-loop capacity step (ratio to the raw rate);
 *   3. on the same server, once per database: booking latency under contention (500 simultaneous
 *      attempts on a fresh 30-seat trip per round, exactly 30 seats confirmed).
 * Prints compact tables and writes everything to bench-results/bench-<timestamp>.json.
 * Exit code 2 when points were lost or a booking round sold other than 30 seats; timings never fail the run.
 */
import { parseOptions, planLoads, type BenchOptions, type Load, type TargetName } from './options.js'
import { boxCpu, machineInfo } from './machine.js'
import { rawMqtt, type RawMqttResult } from './raw-mqtt.js'
import { dropRawSchemas, rawEmbeddedDb, rawPostgres, type RawDbResult } from './raw-db.js'
import { startTarget, type RunningTarget } from './server.js'
import { startFleet } from './load.js'
import { connectLiveProbe } from './latency.js'
import { runStep, type StepPlan, type StepResult } from './ingest.js'
import { killAllHelpers } from './proc.js'
import { BOOKING_SERVER_ENV, benchBookings, bookingTable, bookingsExact } from './booking.js'
import { benchTrack, trackTable } from './track.js'
import {
  rawDbTable,
  rawMqttTable,
  stepLabel,
  stepsTable,
  warnings,
  writeResults,
  type BenchResults,
  type TargetResult,
} from './report.js'

const startedAt = new Date()
const opts = parseOptions(process.argv.slice(2), process.env)
const plan = planLoads(opts)
const tickMs = Number(opts.serverEnv.LIVE_TICK_MS ?? 200)
const machine = machineInfo()
const losses: string[] = []
/** Databases whose booking latency was measured (one setup each: the broker does not take part). */
const bookingDbs = new Set<string>()
let current: RunningTarget | undefined

const log = (line = ''): void => console.log(line)
const progress = (line: string): void => console.log(`  … ${line}`)

process.on('SIGINT', () => {
  console.error('\ninterrupted: stopping helpers and the server, dropping bench schemas')
  killAllHelpers()
  const raw = opts.databaseUrl ? dropRawSchemas(opts.databaseUrl) : Promise.resolve()
  void Promise.allSettled([current?.stop(), raw]).finally(() => process.exit(130))
})

function header(backgroundCores: number): void {
  const m = machine
  log(`rural-bus bench — ${startedAt.toISOString()}`)
  log(`machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, node ${m.node}, ${m.platform}`)
  log(
    `other work on the box before the run: ${backgroundCores.toFixed(2)} cores busy over 2 s; load average ${m.loadAvg.join(' ')}`,
  )
  const loads = plan.loads
    .map(
      (l) => `${(l.vehicles * l.hz).toLocaleString('en-US')}/s (${l.vehicles} veh × ${l.hz} Hz, ${l.connections} conn)`,
    )
    .join(', ')
  log(
    `loads: ${loads} × ${opts.seconds} s each${plan.sweep ? ' [sweep]' : ''}; estimated ${plan.estimateS} s (sweep ≈ ${plan.sweepEstimateS} s, auto-sweep under 180 s)`,
  )
  log(
    `bookings: ${opts.bookingRounds} round(s) of ${opts.bookingAttempts} simultaneous attempts on a 30-seat trip, once per database`,
  )
  log(
    `closed-loop steps: ${opts.maxVehicles} vehicles on ${opts.maxConnections} connections × ${opts.window} in flight; raw MQTT best of ${opts.rawRepeats} × ${opts.rawSeconds} s, capacity ${opts.capacitySeconds} s; raw DB ${opts.rawDbSeconds} s × ${opts.rawDbBatch} rows/batch; publisher processes ${opts.publishers}`,
  )
  log(
    `targets: ${opts.targets.join(', ')}; server env: ${
      Object.entries(opts.serverEnv)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'defaults'
    } (LIVE_TICK_MS ${tickMs})`,
  )
  log()
}

async function raws(): Promise<{ mqtt: RawMqttResult[]; db: RawDbResult[] }> {
  const mqtt: RawMqttResult[] = []
  const closed = {
    seconds: opts.rawSeconds,
    repeats: opts.rawRepeats,
    vehicles: opts.maxVehicles,
    connections: opts.maxConnections,
    window: opts.window,
    publishers: opts.publishers,
  }
  const needsAedes = opts.targets.some((t) => !t.endsWith('+mqtt'))
  if (needsAedes) {
    progress('raw MQTT pass-through: aedes')
    mqtt.push(await rawMqtt({ url: undefined, ...closed }))
  }
  if (opts.mqttUrl) {
    progress(`raw MQTT pass-through: ${opts.mqttUrl}`)
    mqtt.push(await rawMqtt({ url: opts.mqttUrl, ...closed }))
  }
  const db: RawDbResult[] = []
  progress('raw batched inserts: embedded PGlite')
  db.push(await rawEmbeddedDb(opts.rawDbBatch, opts.rawDbSeconds))
  if (opts.databaseUrl) {
    progress('raw batched inserts: PostgreSQL')
    db.push(await rawPostgres(opts.databaseUrl, opts.rawDbBatch, opts.rawDbSeconds))
  }
  log('Raw machine limits')
  log(rawMqttTable(mqtt))
  log()
  log(rawDbTable(db))
  log()
  return { mqtt, db }
}

async function step(
  target: RunningTarget,
  load: Load | 'capacity',
  probe: Awaited<ReturnType<typeof connectLiveProbe>>,
  warmup = false,
): Promise<StepResult> {
  const vehicles = load === 'capacity' ? opts.maxVehicles : load.vehicles
  const connections = load === 'capacity' ? opts.maxConnections : load.connections
  const fleet = await startFleet({
    url: target.mqttUrl,
    vehicles,
    connections,
    publishers: opts.publishers,
    tag: `${target.name.replace('+', '-')}-${Date.now().toString(36)}`,
  })
  try {
    const p: StepPlan =
      load === 'capacity'
        ? { kind: 'capacity', seconds: opts.capacitySeconds, window: opts.window, tickMs }
        : { kind: warmup ? 'warmup' : 'rate', hz: load.hz, seconds: warmup ? 3 : opts.seconds, tickMs }
    const rowsBefore = await target.countRows()
    return await runStep(target, fleet, probe, p, rowsBefore)
  } finally {
    await fleet.close()
  }
}

async function runTarget(name: TargetName, raw: { mqtt: RawMqttResult[]; db: RawDbResult[] }): Promise<TargetResult> {
  progress(`starting the server: ${name}`)
  const result: TargetResult = {
    name,
    describe: '',
    startMs: 0,
    rawMqttRate: null,
    rawDbRate: null,
    warmup: null,
    steps: [],
    bookings: null,
    track: null,
    exit: null,
    error: null,
    logTail: '',
  }
  const brokerRaw = name.endsWith('+mqtt')
    ? raw.mqtt.find((r) => r.broker === opts.mqttUrl)
    : raw.mqtt.find((r) => !r.broker.startsWith('mqtt'))
  result.rawMqttRate = brokerRaw?.rate ?? null
  result.rawDbRate =
    raw.db.find((r) => (name.startsWith('postgres') ? r.db === 'postgres' : r.db !== 'postgres'))?.rate ?? null
  let target: RunningTarget | undefined
  try {
    // Villagers book without a session: the per-address limits would refuse the bench's one address.
    target = current = await startTarget(name, { ...opts, serverEnv: { ...opts.serverEnv, ...BOOKING_SERVER_ENV } })
    result.describe = target.describe
    result.startMs = target.startMs
    const probe = await connectLiveProbe(target.baseUrl, 'BV', target.token)
    try {
      const first = plan.loads[0] as Load
      progress(`${name}: warm-up 3 s at ${(first.vehicles * first.hz).toLocaleString('en-US')}/s`)
      result.warmup = await step(target, first, probe, true)
      for (const load of plan.loads) {
        progress(`${name}: ${(load.vehicles * load.hz).toLocaleString('en-US')}/s for ${opts.seconds} s`)
        const s = await step(target, load, probe)
        result.steps.push(s)
        progress(
          `${name}: ${stepLabel(s)} → stored ${Math.round(s.storedRate).toLocaleString('en-US')}/s, lost ${s.lost}, live p50 ${Math.round(s.live.ms.p50)} ms p99 ${Math.round(s.live.ms.p99)} ms`,
        )
      }
      if (opts.capacitySeconds > 0) {
        progress(`${name}: capacity, closed loop for ${opts.capacitySeconds} s`)
        const s = await step(target, 'capacity', probe)
        result.steps.push(s)
        progress(`${name}: capacity → stored ${Math.round(s.storedRate).toLocaleString('en-US')}/s, lost ${s.lost}`)
      }
    } finally {
      probe.close()
    }
    const db = name.startsWith('postgres') ? 'postgres' : 'embedded'
    if (opts.bookingRounds > 0 && !bookingDbs.has(db)) {
      bookingDbs.add(db)
      progress(
        `${name}: bookings, ${opts.bookingRounds} round(s) of ${opts.bookingAttempts} simultaneous attempts on a 30-seat trip`,
      )
      result.bookings = await benchBookings(target.baseUrl, target.token, {
        rounds: opts.bookingRounds,
        attempts: opts.bookingAttempts,
      })
      progress(`${name}: a vehicle-day of history (86,400 fixes) stored, then read back in both forms`)
      result.track = await benchTrack(target)
    }
  } catch (err) {
    result.error = (err as Error).stack ?? String(err)
    console.error(`  ${name} failed: ${(err as Error).message}`)
  } finally {
    if (target) {
      const stopped = await target.stop().catch((err: Error) => ({ exit: `stop failed: ${err.message}`, log: '' }))
      result.exit = stopped.exit
      result.logTail = stopped.log.split('\n').slice(-30).join('\n')
    }
    current = undefined
  }
  return result
}

function printTarget(t: TargetResult): void {
  log(
    `Ingest — ${t.name}: ${t.describe || '(did not start)'}; server ready in ${Math.round(t.startMs)} ms, exit ${t.exit}`,
  )
  if (t.steps.length > 0) log(stepsTable(t))
  for (const s of t.steps)
    for (const w of warnings(t.name, s, tickMs)) {
      log(`  ${w}`)
      if (w.startsWith('!!!')) losses.push(w)
    }
  if (t.bookings) {
    log(bookingTable(t.name, t.bookings))
    if (!bookingsExact(t.bookings))
      losses.push(`!!! ${t.name}: a booking round confirmed other than 30 seats or left requests unanswered`)
  }
  if (t.track) log(trackTable(t.name, t.track))
  if (t.error) log(`  ERROR: ${t.error.split('\n')[0]}`)
  log()
}

function budgets(targets: TargetResult[]): void {
  log('docs/design.md §4 budgets (figures, side by side with the targets)')
  for (const t of targets) {
    const cap = t.steps.find((s) => s.kind === 'capacity')
    const at5k = t.steps.filter((s) => s.kind === 'rate').sort((a, b) => (b.offered ?? 0) - (a.offered ?? 0))[0]
    const ratio =
      cap && t.rawMqttRate
        ? `${Math.round((cap.storedRate / t.rawMqttRate) * 100)}% (${Math.round(cap.storedRate).toLocaleString('en-US')} of ${Math.round(t.rawMqttRate).toLocaleString('en-US')}/s)`
        : '—'
    const lat = at5k
      ? `p50 ${Math.round(at5k.live.ms.p50)} ms, p99 ${Math.round(at5k.live.ms.p99)} ms at ${Math.round(at5k.offered ?? 0).toLocaleString('en-US')}/s`
      : '—'
    log(
      `  ${t.name.padEnd(14)} capacity ${ratio} [target ≥ 60%]; live ${lat} [target p50 ≤ 150, p99 ≤ 400 ms at 5,000/s]`,
    )
  }
  for (const t of targets.filter((x) => x.bookings && x.bookings.length > 0)) {
    const rounds = t.bookings ?? []
    const exact = rounds.filter((r) => r.exact && r.failed === 0).length
    const worst = (k: 'p50' | 'p99'): number => Math.max(...rounds.map((r) => r.ms[k]))
    log(
      `  ${t.name.padEnd(14)} bookings: exactly 30 seats in ${exact} of ${rounds.length} round(s) [target: every round]; per request p50 ≤ ${Math.round(worst('p50'))} ms, p99 ≤ ${Math.round(worst('p99'))} ms (worst round)`,
    )
  }
  for (const t of targets.filter((x) => x.track)) {
    const p50 = (form: string, max: number | null): string => {
      const r = t.track?.find((x) => x.form === form && x.maxPoints === max)
      return r ? `${Math.round([...r.ms].sort((a, b) => a - b)[Math.floor((r.ms.length - 1) / 2)] ?? 0)} ms` : '—'
    }
    const goal = t.name.startsWith('postgres')
      ? '[target ≤ 250 ms full, ≤ 100 ms with maxPoints]'
      : '[target ≤ 400 ms full, ≤ 150 ms with maxPoints]'
    log(
      `  ${t.name.padEnd(14)} vehicle-day read p50: compact ${p50('compact', null)} full, ${p50('compact', 2000)} maxPoints=2000; points ${p50('points', null)} full, ${p50('points', 2000)} maxPoints=2000 ${goal}`,
    )
  }
  log(
    `  live latency includes the hub's per-tick coalescing: up to one tick (${tickMs} ms), ${tickMs / 2} ms on average.`,
  )
  log()
}

async function main(opts: BenchOptions): Promise<void> {
  const idle = boxCpu()
  await new Promise((r) => setTimeout(r, 2000))
  const backgroundCores = idle()
  header(backgroundCores)
  const raw = await raws()
  const targets: TargetResult[] = []
  for (const name of opts.targets) {
    const t = await runTarget(name, raw)
    targets.push(t)
    printTarget(t)
  }
  budgets(targets)
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    backgroundCores,
    options: { ...opts, databaseUrl: opts.databaseUrl ? opts.databaseUrl.replace(/\/\/[^@/]*@/, '//…@') : null },
    plan: { sweep: plan.sweep, estimateS: plan.estimateS, liveTickMs: tickMs },
    raw,
    targets,
    losses,
  }
  const file = writeResults(opts.outDir, results)
  log(`results: ${file} (took ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s)`)
  if (losses.length > 0) {
    log(`!!! ${losses.length} step(s) lost points or sold the wrong number of seats — see the lines above`)
    process.exitCode = 2
  }
  if (targets.some((t) => t.error)) process.exitCode = process.exitCode ?? 1
}

main(opts).catch((err: unknown) => {
  console.error(err)
  killAllHelpers()
  process.exit(1)
})

/**
 * Bench options: CLI flags override environment variables override defaults. Every option is
 * printed and written to the results file, so a figure always comes with the load that made it.
 */
import { parseArgs } from 'node:util'

export type TargetName = 'embedded' | 'postgres' | 'postgres+mqtt' | 'embedded+mqtt'

export interface BenchOptions {
  /** Single-load run (when not sweeping): vehicles × hz for `seconds`. */
  vehicles: number
  hz: number
  seconds: number
  /** MQTT connections of the load publishers; 0 = one per `perConnection` vehicles. */
  connections: number
  perConnection: number
  /** Publisher processes (the load is split between them). */
  publishers: number
  /** Run every load of `loads` (positions/s) instead of the single load; undefined = auto. */
  sweep: boolean | undefined
  loads: number[]
  /** Saturation step: closed-loop publishers for this long (0 = skip). */
  capacitySeconds: number
  /** Unacknowledged QoS 1 messages each connection keeps in flight in closed-loop steps. */
  window: number
  /** Connections and vehicles of closed-loop steps (raw pass-through and capacity). */
  maxConnections: number
  maxVehicles: number
  rawSeconds: number
  rawRepeats: number
  rawDbSeconds: number
  rawDbBatch: number
  /** Booking contention rounds per database (0 = skip) and simultaneous attempts per round. */
  bookingRounds: number
  bookingAttempts: number
  databaseUrl: string | undefined
  mqttUrl: string | undefined
  /** Which server setups to run; default: every one the environment allows. */
  targets: TargetName[]
  outDir: string
  /** Extra environment for the server (INGEST_BATCH_MAX, INGEST_FLUSH_MS, LIVE_TICK_MS …). */
  serverEnv: Record<string, string>
}

const USAGE = `npm run bench -- [flags]

  --vehicles N         single-load run: simulated vehicles          (BENCH_VEHICLES, 2000)
  --hz H               positions per vehicle per second            (BENCH_HZ, 1)
  --seconds D          length of each load step, s                  (BENCH_SECONDS, 20)
  --connections N      MQTT connections of the load publishers      (BENCH_CONNECTIONS, vehicles / 25)
  --per-connection N   vehicles per connection when --connections unset (BENCH_PER_CONNECTION, 25)
  --publishers N       publisher processes                          (BENCH_PUBLISHERS, 1)
  --sweep / --no-sweep run every load of --loads (default: only when the run stays under ~3 min)
  --loads A,B,C        sweep loads, positions/s                     (BENCH_LOADS, 1000,3000,5000)
  --capacity-seconds S saturation step, 0 to skip                   (BENCH_CAPACITY_SECONDS, 10)
  --window N           in-flight QoS 1 messages per connection, closed-loop steps (BENCH_WINDOW, 20)
  --max-connections N  connections of closed-loop steps             (BENCH_MAX_CONNECTIONS, 200)
  --max-vehicles N     vehicles of closed-loop steps                (BENCH_MAX_VEHICLES, 5000)
  --raw-seconds S      raw MQTT pass-through length, per repeat     (BENCH_RAW_SECONDS, 4)
  --raw-repeats N      raw MQTT measurements, the best one counts   (BENCH_RAW_REPEATS, 3)
  --raw-db-seconds S   raw batched insert length                    (BENCH_RAW_DB_SECONDS, 5)
  --raw-db-batch N     rows per raw insert                          (BENCH_RAW_DB_BATCH, 2000)
  --booking-rounds N   booking rounds per database, 0 to skip       (BENCH_BOOKING_ROUNDS, 2)
  --booking-attempts N simultaneous bookings per 30-seat trip       (BENCH_BOOKING_ATTEMPTS, 500)
  --targets a,b        embedded, postgres, postgres+mqtt, embedded+mqtt (BENCH_TARGETS, all available)
  --out DIR            results directory                            (BENCH_OUT, bench-results)

  DATABASE_URL         also measure PostgreSQL (raw inserts, and the server in its own schema)
  BENCH_MQTT_URL       also measure that broker (raw pass-through, and the server via MQTT_URL)
  INGEST_BATCH_MAX, INGEST_FLUSH_MS, INGEST_MAX_PENDING, LIVE_TICK_MS are passed to the server.`

const SERVER_VARS = [
  'INGEST_BATCH_MAX',
  'INGEST_FLUSH_MS',
  'INGEST_MAX_PENDING',
  'LIVE_TICK_MS',
  'MQTT_PROTOCOL_VERSION',
]
const TARGETS: TargetName[] = ['embedded', 'postgres', 'postgres+mqtt', 'embedded+mqtt']

function num(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min) throw new Error(`${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`)
  return n
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      vehicles: { type: 'string' },
      hz: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
      'per-connection': { type: 'string' },
      publishers: { type: 'string' },
      sweep: { type: 'boolean' },
      'no-sweep': { type: 'boolean' },
      loads: { type: 'string' },
      'capacity-seconds': { type: 'string' },
      window: { type: 'string' },
      'max-connections': { type: 'string' },
      'max-vehicles': { type: 'string' },
      'raw-seconds': { type: 'string' },
      'raw-repeats': { type: 'string' },
      'raw-db-seconds': { type: 'string' },
      'raw-db-batch': { type: 'string' },
      'booking-rounds': { type: 'string' },
      'booking-attempts': { type: 'string' },
      targets: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const pick = (flag: string | undefined, envName: string): string | undefined => flag ?? env[envName]
  const envSweep = env.BENCH_SWEEP
  const sweep = values.sweep
    ? true
    : values['no-sweep']
      ? false
      : envSweep === undefined || envSweep === ''
        ? undefined
        : envSweep !== '0' && envSweep !== 'false'
  const loads = (pick(values.loads, 'BENCH_LOADS') ?? '1000,3000,5000')
    .split(',')
    .map((s) => num('--loads', s.trim(), 0, 1))
  const databaseUrl = env.DATABASE_URL || undefined
  const mqttUrl = env.BENCH_MQTT_URL || env.MQTT_URL || undefined
  const available: TargetName[] = ['embedded']
  if (databaseUrl) available.push('postgres')
  if (databaseUrl && mqttUrl) available.push('postgres+mqtt')
  if (!databaseUrl && mqttUrl) available.push('embedded+mqtt')
  const asked = pick(values.targets, 'BENCH_TARGETS')
  const targets = asked ? asked.split(',').map((s) => s.trim() as TargetName) : available
  for (const t of targets) {
    if (!TARGETS.includes(t)) throw new Error(`unknown target ${t} (one of ${TARGETS.join(', ')})`)
    if (t.startsWith('postgres') && !databaseUrl) throw new Error(`target ${t} needs DATABASE_URL`)
    if (t.endsWith('+mqtt') && !mqttUrl) throw new Error(`target ${t} needs BENCH_MQTT_URL`)
  }
  const serverEnv: Record<string, string> = {}
  for (const v of SERVER_VARS) if (env[v]) serverEnv[v] = env[v]
  return {
    vehicles: num('--vehicles', pick(values.vehicles, 'BENCH_VEHICLES'), 2000, 1),
    hz: num('--hz', pick(values.hz, 'BENCH_HZ'), 1, 0.01),
    seconds: num('--seconds', pick(values.seconds, 'BENCH_SECONDS'), 20, 1),
    connections: num('--connections', pick(values.connections, 'BENCH_CONNECTIONS'), 0, 0),
    perConnection: num('--per-connection', pick(values['per-connection'], 'BENCH_PER_CONNECTION'), 25, 1),
    publishers: num('--publishers', pick(values.publishers, 'BENCH_PUBLISHERS'), 1, 1),
    sweep,
    loads,
    capacitySeconds: num('--capacity-seconds', pick(values['capacity-seconds'], 'BENCH_CAPACITY_SECONDS'), 10, 0),
    window: num('--window', pick(values.window, 'BENCH_WINDOW'), 20, 1),
    maxConnections: num('--max-connections', pick(values['max-connections'], 'BENCH_MAX_CONNECTIONS'), 200, 1),
    maxVehicles: num('--max-vehicles', pick(values['max-vehicles'], 'BENCH_MAX_VEHICLES'), 5000, 1),
    rawSeconds: num('--raw-seconds', pick(values['raw-seconds'], 'BENCH_RAW_SECONDS'), 4, 1),
    rawRepeats: num('--raw-repeats', pick(values['raw-repeats'], 'BENCH_RAW_REPEATS'), 3, 1),
    rawDbSeconds: num('--raw-db-seconds', pick(values['raw-db-seconds'], 'BENCH_RAW_DB_SECONDS'), 5, 1),
    rawDbBatch: num('--raw-db-batch', pick(values['raw-db-batch'], 'BENCH_RAW_DB_BATCH'), 2000, 1),
    bookingRounds: num('--booking-rounds', pick(values['booking-rounds'], 'BENCH_BOOKING_ROUNDS'), 2, 0),
    bookingAttempts: num('--booking-attempts', pick(values['booking-attempts'], 'BENCH_BOOKING_ATTEMPTS'), 500, 1),
    databaseUrl,
    mqttUrl,
    targets,
    outDir: pick(values.out, 'BENCH_OUT') ?? 'bench-results',
    serverEnv,
  }
}

/** A load step: `vehicles` each publishing at `hz`. */
export interface Load {
  vehicles: number
  hz: number
  connections: number
}

export function connectionsFor(opts: BenchOptions, vehicles: number): number {
  return Math.min(
    vehicles,
    opts.connections > 0 ? opts.connections : Math.max(1, Math.ceil(vehicles / opts.perConnection)),
  )
}

/** Loads of this run, and whether they are a sweep (decided by the estimated length when not forced). */
export function planLoads(opts: BenchOptions): {
  loads: Load[]
  sweep: boolean
  estimateS: number
  sweepEstimateS: number
} {
  const single: Load[] = [{ vehicles: opts.vehicles, hz: opts.hz, connections: connectionsFor(opts, opts.vehicles) }]
  const sweepLoads: Load[] = opts.loads.map((rate) => {
    const vehicles = Math.max(1, Math.round(rate / opts.hz))
    return { vehicles, hz: opts.hz, connections: connectionsFor(opts, vehicles) }
  })
  const estimate = (steps: number): number => {
    const brokers = 1 + (opts.mqttUrl ? 1 : 0)
    const dbs = 1 + (opts.databaseUrl ? 1 : 0)
    const raw = brokers * (opts.rawRepeats * (opts.rawSeconds + 1.5) + 3) + dbs * (opts.rawDbSeconds + 6)
    // Bookings: about 5 s a round (500 requests answered in 1–3 s, plus the trip's setup).
    const perTarget =
      8 +
      steps * (opts.seconds + 4) +
      (opts.capacitySeconds > 0 ? opts.capacitySeconds + 6 : 0) +
      opts.bookingRounds * 5
    return Math.round(raw + opts.targets.length * perTarget)
  }
  const sweepEstimateS = estimate(sweepLoads.length)
  const sweep = opts.sweep ?? sweepEstimateS <= 180
  return { loads: sweep ? sweepLoads : single, sweep, estimateS: sweep ? sweepEstimateS : estimate(1), sweepEstimateS }
}

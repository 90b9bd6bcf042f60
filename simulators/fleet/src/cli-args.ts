/** Command line → simulation options, and the help text that documents every option. */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { FAULT_PROFILES, type FaultProfile } from './model/config.js'
import type { Protocol, SimulationOptions } from './options.js'

export const HELP = `Fleet simulator: runs the network's vehicles through their timetable, or a synthetic load.

Usage:
  npm run sim -- [options]                                 timetable run (network from the server)
  npm run sim -- --load --vehicles N --hz H --seconds D    synthetic load at a target rate
  npm run sim -- --load --vehicles N --window W --seconds D  synthetic load as fast as it is acknowledged

Network (one of; default --api http://localhost:8080):
  --api URL             server to read routes, trips (with stop times) and vehicles from
  --api-user U          --api-password P   sign in to it (its vehicle list needs a dispatcher
                        or operator; the demo server has dispatcher / demo-dispatcher)
  --api-token T         or a bearer token (POST /api/auth/login with bearer: true)
  --gtfs FILE           GTFS static zip (its trips run on made-up vehicles: GTFS has none)

Timetable run:
  --date YYYY-MM-DD     service day, Asia/Shanghai (default: today)
  --from HH:MM[:SS]     start at this time of day (default: now, or at speed > 1 ten minutes
                        before the first trip)
  --until HH:MM[:SS]    stop at this time of day (default: when the last trip has ended)
  --speed N             speed-up factor 1..60 (default 1). Virtual time never runs ahead of
                        the wall clock (the server drops fixes > 5 min in the future): today's
                        run catches up fast, then goes on live
  --allow-future        let virtual time run ahead of the wall clock anyway
  --vehicles N          run at most N vehicles (those with assigned trips first)
  --vehicles roster     run every vehicle with trips assigned (the day's roster), each
                        exactly its trips
  --vehicle ID[,ID…]    run only these vehicles
  --routes ID[,ID…]     run only these routes' trips
  --interval S          seconds between fixes (default 5)
  --market-day          market-day crowds on every trip (longer dwell at stops)
  --faults PROFILE      none | realistic | heavy (default realistic): late starts, breakdowns,
                        detours, dead zones, reboots, GPS jumps, duplicate sends
  --no-faults           same as --faults none (GPS noise stays)
  --seed S              seed of every random draw (default 1): same seed, same run
  --scenario FILE       scenario JSON (routes, vehicles, faults, dead zones, seed, speed…);
                        options given here override it
  --truth FILE          write the ground truth (stop visits, injected faults) as JSON lines

Load mode (the summary says what was achieved against what was asked):
  --load                synthetic vehicles LOAD-V00001… circling the county seat; each fix
                        stamped with its send time; positions only (no status messages)
  --vehicles N          how many, 1..100000
  --hz H                open loop: fixes per second per vehicle, phases spread evenly
                        (JT/T 808: at most 1)
  --window W            closed loop instead of --hz: each connection keeps W fixes
                        unacknowledged and sends the next as one is acknowledged (capacity)
  --seconds D           how long to send
  --connections M       MQTT connections the vehicles share, round robin, clean sessions
                        (default: one per vehicle; JT/T 808: always one per vehicle)
  --max-backlog B       open loop: unacknowledged fixes a connection may have before its due
                        fixes are skipped and counted as behind (default 200 per vehicle on it)
  --topic-prefix P      publish on P/<id>/pos instead of rb/v1/veh/<id>/pos (a bare broker)

Transport:
  --protocol P          mqtt | jt808 (default mqtt)
  --mqtt URL            broker (default mqtt://localhost:1883)
  --mqtt-username U     --mqtt-password P   broker credentials, if it asks ({vehicle} in U
                        stands for each vehicle's id)
  --mqtt-secrets FILE   JSON { "<vehicle id>": "<device secret>" }: each vehicle signs in as
                        itself (DEVICE_AUTH=on, or Mosquitto with infra/mosquitto/acl)
  --jt808 HOST:PORT     JT/T 808 gateway (default localhost:6808)

Output:
  --quiet               no status line, only the summary
  --json                print the final stats as JSON
  -h, --help            this text

A live status line on a terminal, a plain line every 10 s otherwise. Docs: docs/simulator.md`

export interface CliRequest {
  help: boolean
  quiet: boolean
  json: boolean
  options: SimulationOptions
}

const list = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (v.trim() === '' || !Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`)
  return n
}

/** Every option the command line takes (each one is in HELP: a test checks it). */
export const CLI_OPTIONS = {
  api: { type: 'string' },
  gtfs: { type: 'string' },
  date: { type: 'string' },
  from: { type: 'string' },
  until: { type: 'string' },
  speed: { type: 'string' },
  'allow-future': { type: 'boolean' },
  vehicles: { type: 'string' },
  vehicle: { type: 'string' },
  routes: { type: 'string' },
  interval: { type: 'string' },
  'market-day': { type: 'boolean' },
  faults: { type: 'string' },
  'no-faults': { type: 'boolean' },
  seed: { type: 'string' },
  scenario: { type: 'string' },
  truth: { type: 'string' },
  load: { type: 'boolean' },
  hz: { type: 'string' },
  window: { type: 'string' },
  seconds: { type: 'string' },
  connections: { type: 'string' },
  'max-backlog': { type: 'string' },
  'topic-prefix': { type: 'string' },
  protocol: { type: 'string' },
  mqtt: { type: 'string' },
  'mqtt-username': { type: 'string' },
  'mqtt-password': { type: 'string' },
  'mqtt-secrets': { type: 'string' },
  jt808: { type: 'string' },
  'api-token': { type: 'string' },
  'api-user': { type: 'string' },
  'api-password': { type: 'string' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `{ "<vehicle id>": "<device secret>" }` from a file. */
function readSecrets(file: string): Record<string, string> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    throw new Error(`--mqtt-secrets ${file}: ${(err as Error).message}`)
  }
  if (
    !parsed ||
    typeof parsed !== 'object' ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((s) => typeof s === 'string')
  ) {
    throw new Error(`--mqtt-secrets ${file}: must be a JSON object of vehicle id → secret`)
  }
  return parsed as Record<string, string>
}

export function parseCli(argv: readonly string[]): CliRequest {
  const { values: v } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: CLI_OPTIONS })
  const request: CliRequest = { help: v.help ?? false, quiet: v.quiet ?? false, json: v.json ?? false, options: {} }
  if (request.help) return request
  const o = request.options
  if (v.protocol !== undefined && v.protocol !== 'mqtt' && v.protocol !== 'jt808')
    throw new Error(`--protocol must be mqtt or jt808, got "${v.protocol}"`)
  o.protocol = v.protocol as Protocol | undefined
  o.mqttUrl = v.mqtt
  o.mqttUsername = v['mqtt-username']
  o.mqttPassword = v['mqtt-password']
  if (v['mqtt-secrets'] !== undefined) o.mqttSecrets = readSecrets(v['mqtt-secrets'])
  if (v['api-token'] !== undefined) o.apiToken = v['api-token']
  if ((v['api-user'] === undefined) !== (v['api-password'] === undefined))
    throw new Error('give --api-user and --api-password together')
  if (v['api-user'] !== undefined) {
    o.apiUser = v['api-user']
    o.apiPassword = v['api-password']
  }
  o.jt808 = v.jt808
  o.seed = v.seed === undefined ? undefined : /^-?\d+$/.test(v.seed) ? Number(v.seed) : v.seed
  o.scenario = v.scenario
  const rostered = v.vehicles === 'roster' && !v.load
  const vehicles = rostered ? undefined : num('vehicles', v.vehicles)
  if (v.load) {
    const hz = num('hz', v.hz)
    const window = num('window', v.window)
    const seconds = num('seconds', v.seconds)
    if (vehicles === undefined || seconds === undefined || (hz === undefined) === (window === undefined)) {
      throw new Error('--load needs --vehicles N --seconds D and one of --hz H (open loop) or --window W (closed loop)')
    }
    const connections = num('connections', v.connections)
    const maxBacklog = num('max-backlog', v['max-backlog'])
    o.load = {
      vehicles,
      seconds,
      ...(hz !== undefined ? { hz } : { window }),
      ...(connections !== undefined ? { connections } : {}),
      ...(maxBacklog !== undefined ? { maxBacklog } : {}),
      ...(v['topic-prefix'] !== undefined ? { topicPrefix: v['topic-prefix'] } : {}),
    }
    return request
  }
  const loadOnly = (['hz', 'window', 'seconds', 'connections', 'max-backlog', 'topic-prefix'] as const).filter(
    (k) => v[k] !== undefined,
  )
  if (loadOnly.length > 0) throw new Error(`${loadOnly.map((k) => `--${k}`).join(', ')} belong to --load`)
  if (v.api !== undefined && v.gtfs !== undefined) throw new Error('give --api or --gtfs, not both')
  if (v.gtfs !== undefined) o.gtfs = v.gtfs
  else o.api = v.api ?? 'http://localhost:8080'
  o.date = v.date
  o.from = v.from
  o.until = v.until
  o.speed = num('speed', v.speed)
  o.allowFuture = v['allow-future']
  o.maxVehicles = vehicles
  if (rostered) o.rosteredOnly = true
  o.vehicleIds = list(v.vehicle)
  o.routes = list(v.routes)
  o.intervalS = num('interval', v.interval)
  o.marketDay = v['market-day']
  if (v.faults !== undefined && !FAULT_PROFILES.includes(v.faults as FaultProfile))
    throw new Error(`--faults must be one of ${FAULT_PROFILES.join(', ')}`)
  o.faults = v['no-faults'] ? 'none' : (v.faults as FaultProfile | undefined)
  o.truthFile = v.truth
  return request
}

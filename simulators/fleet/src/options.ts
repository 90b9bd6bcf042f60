/**
 * Options of a simulation run, and how they resolve: explicit options over the scenario file over
 * the defaults. Everything but the callbacks is plain data, so options cross into a worker thread.
 */
import { serviceDate, serviceDayOf, serviceDayStartMs, type NetworkSnapshot } from '@rb/domain'
import {
  DEFAULT_BEHAVIOUR,
  FAULT_PROFILES,
  faultProfile,
  merge,
  type BehaviourConfig,
  type DeepPartial,
  type FaultConfig,
  type FaultProfile,
  type ModelConfig,
} from './model/config.js'
import type { Selection } from './model/fleet.js'
import type { DeadZone, SimEvent, SimNetwork } from './model/types.js'
import { DATE, readScenario, TIME_OF_DAY, type Scenario } from './scenario.js'
import type { SimStats } from './stats.js'

export type Protocol = 'mqtt' | 'jt808'

/** Load mode (load/generator.ts): give `hz` for an open loop, or `window` for a closed loop. */
export interface LoadOptions {
  /** Synthetic vehicles `LOAD-V00001`…. */
  vehicles: number
  /** Open loop: fixes per second per vehicle. */
  hz?: number
  /** Closed loop: unacknowledged fixes each connection keeps in flight (as fast as acknowledgements come). */
  window?: number
  /** How long to send, real seconds. */
  seconds: number
  /** Connections the vehicles share round robin (MQTT; default one per vehicle). */
  connections?: number
  /** Publish on `${topicPrefix}/<id>/pos` instead of `rb/v1/veh/<id>/pos` (to measure a bare broker). */
  topicPrefix?: string
  /** Open loop: unacknowledged fixes a connection may have before its due fixes are skipped (default 200 per vehicle on it). */
  maxBacklog?: number
}

export interface SimulationOptions {
  /** Server base URL to read routes, trips and vehicles from (`GET /api/…`). */
  api?: string
  /** Bearer token for that server (its vehicle list needs a dispatcher or operator session). */
  apiToken?: string
  /** Or sign in to that server with this account (e.g. the demo `dispatcher`). */
  apiUser?: string
  apiPassword?: string
  /** GTFS static zip to read the network from (vehicles are made up: GTFS has none). */
  gtfs?: string
  /** A network already in memory (tests, or the server handing over its own). */
  network?: SimNetwork
  /** A network snapshot (e.g. `demoCounty()`), expanded for the service day here. */
  snapshot?: NetworkSnapshot
  /** A scenario file path, or the scenario itself. */
  scenario?: string | Scenario
  /** Service day `YYYY-MM-DD`, Asia/Shanghai (default: today). */
  date?: string
  /** Time of day to start at, `HH:MM[:SS]` (default: now on today at 1×, else the first trip). */
  from?: string
  /** Time of day to stop at (default: when the last trip ends). */
  until?: string
  /** Virtual seconds per real second, 1..60. */
  speed?: number
  seed?: string | number
  routes?: string[]
  vehicleIds?: string[]
  maxVehicles?: number
  /** Only the vehicles with trips assigned today (the roster), each running exactly those. */
  rosteredOnly?: boolean
  intervalS?: number
  marketDay?: boolean
  faults?: FaultProfile
  faultOverrides?: DeepPartial<FaultConfig>
  behaviour?: DeepPartial<BehaviourConfig>
  deadZones?: DeadZone[]
  protocol?: Protocol
  mqttUrl?: string
  mqttUsername?: string
  mqttPassword?: string
  /** Per-vehicle MQTT secrets (vehicle id → device secret): each vehicle signs in as itself. */
  mqttSecrets?: Record<string, string>
  /** JT/T 808 gateway, `host:port`. */
  jt808?: string
  /** JSON-lines ground truth file. */
  truthFile?: string
  /** Let virtual time run ahead of the wall clock (the ingest drops fixes > 5 min in the future). */
  allowFuture?: boolean
  /** Synthetic load instead of the timetable. */
  load?: LoadOptions
  /** How often `onStats` fires, real ms. */
  statsIntervalMs?: number
  /** Pacing tick, real ms. */
  tickMs?: number
  /** Most connections opened at once. */
  connectConcurrency?: number
  onStats?: (stats: SimStats) => void
  /** Every event of the core as it is dispatched (in-process observers). */
  onEvent?: (event: SimEvent) => void
  onLog?: (line: string) => void
  /** Wall clock (tests). */
  now?: () => number
}

export interface Resolved {
  date: string
  speed: number
  seed: string | number
  fromS: number | null
  untilS: number | null
  protocol: Protocol
  mqttUrl: string
  jt808: { host: string; port: number }
  model: ModelConfig
  selection: Selection
  scenarioName: string | null
}

export function parseTimeOfDay(text: string): number {
  if (!TIME_OF_DAY.test(text)) throw new Error(`"${text}" is not a time of day HH:MM[:SS]`)
  const [h, m, s] = text.split(':').map(Number) as [number, number, number | undefined]
  return h * 3600 + m * 60 + (s ?? 0)
}

export function parseHostPort(text: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(text.trim())
  const port = Number(m?.[2] ?? defaultPort)
  if (!m || !m[1] || !(port > 0 && port < 65536)) throw new Error(`"${text}" is not host:port`)
  return { host: m[1], port }
}

/** Options + scenario → one checked set of settings. Throws an Error naming every problem. */
export function resolveOptions(opts: SimulationOptions, nowMs: number): Resolved {
  const scenario: Scenario = typeof opts.scenario === 'string' ? readScenario(opts.scenario) : (opts.scenario ?? {})
  const problems: string[] = []
  const date = opts.date ?? scenario.date ?? serviceDayOf(nowMs)
  if (!DATE.test(date)) problems.push(`date "${date}" is not YYYY-MM-DD`)
  else {
    try {
      serviceDate(date)
    } catch (err) {
      problems.push((err as Error).message)
    }
  }
  const speed = opts.speed ?? scenario.speed ?? 1
  if (!(speed >= 1 && speed <= 60)) problems.push(`speed must be in 1..60, got ${speed}`)
  const time = (label: string, v: string | undefined): number | null => {
    if (v === undefined) return null
    try {
      return parseTimeOfDay(v)
    } catch (err) {
      problems.push(`${label}: ${(err as Error).message}`)
      return null
    }
  }
  const fromS = time('from', opts.from ?? scenario.from)
  const untilS = time('until', opts.until ?? scenario.until)
  if (fromS !== null && untilS !== null && untilS <= fromS) problems.push('until must be after from')
  const protocol = opts.protocol ?? 'mqtt'
  if (protocol !== 'mqtt' && protocol !== 'jt808')
    problems.push(`protocol must be mqtt or jt808, got ${String(protocol)}`)
  let jt808 = { host: 'localhost', port: 6808 }
  try {
    jt808 = parseHostPort(opts.jt808 ?? 'localhost:6808', 6808)
  } catch (err) {
    problems.push(`jt808: ${(err as Error).message}`)
  }
  const sf = typeof scenario.faults === 'string' ? { profile: scenario.faults } : (scenario.faults ?? {})
  const profile = opts.faults ?? sf.profile ?? 'realistic'
  if (!FAULT_PROFILES.includes(profile)) problems.push(`faults must be one of ${FAULT_PROFILES.join(', ')}`)
  const { profile: _p, ...scenarioFaults } = sf
  let faults = merge(
    merge(
      faultProfile(FAULT_PROFILES.includes(profile) ? profile : 'none'),
      scenarioFaults as DeepPartial<FaultConfig>,
    ),
    opts.faultOverrides,
  )
  const zones = [...(scenario.deadZones ?? []), ...(opts.deadZones ?? [])]
  if (zones.length > 0) faults = { ...faults, deadZones: [...faults.deadZones, ...zones] }
  let behaviour = merge(merge(DEFAULT_BEHAVIOUR, scenario.behaviour), opts.behaviour)
  const intervalS = opts.intervalS ?? scenario.intervalS
  if (intervalS !== undefined) behaviour = { ...behaviour, intervalS }
  const marketDay = opts.marketDay ?? scenario.marketDay
  if (marketDay !== undefined) behaviour = { ...behaviour, marketDay }
  const sv = scenario.vehicles
  const selection: Selection = {
    routeIds: opts.routes ?? scenario.routes,
    vehicleIds: opts.vehicleIds ?? (Array.isArray(sv) ? sv : undefined),
    maxVehicles: opts.maxVehicles ?? (typeof sv === 'number' ? sv : undefined),
    rosteredOnly: opts.rosteredOnly,
  }
  if (problems.length > 0) throw new Error(problems.join('; '))
  return {
    date,
    speed,
    seed: opts.seed ?? scenario.seed ?? 1,
    fromS,
    untilS,
    protocol,
    mqttUrl: opts.mqttUrl ?? 'mqtt://localhost:1883',
    jt808,
    model: { seed: opts.seed ?? scenario.seed ?? 1, faults, behaviour },
    selection,
    scenarioName: scenario.name ?? (typeof opts.scenario === 'string' ? opts.scenario : null),
  }
}

/** Start of the service day plus a time of day, epoch ms. */
export const atTimeOfDay = (date: string, seconds: number): number =>
  serviceDayStartMs(serviceDate(date)) + seconds * 1000

/**
 * Scenario files: which routes and vehicles, which faults where, seed and speed — one JSON file a
 * trainer can hand out so every run of it is the same run. Checked in full when read.
 */
import { readFileSync } from 'node:fs'
import {
  FAULT_PROFILES,
  type BehaviourConfig,
  type DeepPartial,
  type FaultConfig,
  type FaultProfile,
} from './model/config.js'
import type { DeadZone } from './model/types.js'

export interface Scenario {
  name?: string
  description?: string
  seed?: string | number
  /** Speed-up factor, 1..60. */
  speed?: number
  /** Service day `YYYY-MM-DD` (default: today in Asia/Shanghai). */
  date?: string
  /** Start / stop at this time of day, `HH:MM[:SS]`. */
  from?: string
  until?: string
  /** Only these routes' trips. */
  routes?: string[]
  /** Only these vehicle ids, or at most this many vehicles. */
  vehicles?: string[] | number
  /** Seconds between fixes. */
  intervalS?: number
  /** Market-day crowds on every trip (longer dwell), not only on market-service trips. */
  marketDay?: boolean
  /** A profile name, or a profile with overrides: `{ "profile": "realistic", "breakdown": { "probability": 0.2 } }`. */
  faults?: FaultProfile | ({ profile?: FaultProfile } & DeepPartial<FaultConfig>)
  behaviour?: DeepPartial<BehaviourConfig>
  /** No-coverage stretches, metres along the route geometry (direction 0). */
  deadZones?: DeadZone[]
}

const KEYS = new Set([
  'name',
  'description',
  'seed',
  'speed',
  'date',
  'from',
  'until',
  'routes',
  'vehicles',
  'intervalS',
  'marketDay',
  'faults',
  'behaviour',
  'deadZones',
])
const FAULT_KEYS = new Set([
  'profile',
  'lateStart',
  'breakdown',
  'detour',
  'reboot',
  'gpsJump',
  'duplicate',
  'deadZones',
  'randomDeadZones',
])

export const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/
export const DATE = /^\d{4}-\d{2}-\d{2}$/

/** Checks a parsed scenario; throws one error listing every problem. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const problems: string[] = []
  const fail = (msg: string): void => void problems.push(msg)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${source}: must be a JSON object`)
  const s = raw as Record<string, unknown>
  for (const k of Object.keys(s)) if (!KEYS.has(k)) fail(`unknown key "${k}" (known: ${[...KEYS].join(', ')})`)
  const str = (k: string, re?: RegExp, hint?: string): void => {
    const v = s[k]
    if (v !== undefined && (typeof v !== 'string' || (re && !re.test(v)))) fail(`${k} must be ${hint ?? 'a string'}`)
  }
  str('name')
  str('description')
  str('date', DATE, 'a date YYYY-MM-DD')
  str('from', TIME_OF_DAY, 'a time of day HH:MM[:SS]')
  str('until', TIME_OF_DAY, 'a time of day HH:MM[:SS]')
  if (s.seed !== undefined && typeof s.seed !== 'string' && !Number.isFinite(s.seed))
    fail('seed must be a number or a string')
  if (s.speed !== undefined && !(typeof s.speed === 'number' && s.speed >= 1 && s.speed <= 60))
    fail('speed must be a number in 1..60')
  if (s.intervalS !== undefined && !(Number.isInteger(s.intervalS) && (s.intervalS as number) >= 1))
    fail('intervalS must be a whole number of seconds ≥ 1')
  if (s.marketDay !== undefined && typeof s.marketDay !== 'boolean') fail('marketDay must be true or false')
  if (s.routes !== undefined && !(Array.isArray(s.routes) && s.routes.every((r) => typeof r === 'string')))
    fail('routes must be a list of route ids')
  const v = s.vehicles
  if (
    v !== undefined &&
    !(Array.isArray(v) ? v.every((x) => typeof x === 'string') : Number.isInteger(v) && (v as number) >= 1)
  )
    fail('vehicles must be a list of vehicle ids or a count ≥ 1')
  const f = s.faults
  if (typeof f === 'string') {
    if (!FAULT_PROFILES.includes(f as FaultProfile))
      fail(`faults must be one of ${FAULT_PROFILES.join(', ')} or an object`)
  } else if (f !== undefined) {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) fail('faults must be a profile name or an object')
    else {
      for (const k of Object.keys(f))
        if (!FAULT_KEYS.has(k)) fail(`unknown fault "${k}" (known: ${[...FAULT_KEYS].join(', ')})`)
      const p = (f as { profile?: unknown }).profile
      if (p !== undefined && !FAULT_PROFILES.includes(p as FaultProfile))
        fail(`faults.profile must be one of ${FAULT_PROFILES.join(', ')}`)
    }
  }
  if (s.behaviour !== undefined && (typeof s.behaviour !== 'object' || s.behaviour === null))
    fail('behaviour must be an object')
  const zones = s.deadZones
  if (zones !== undefined) {
    if (!Array.isArray(zones)) fail('deadZones must be a list')
    else
      zones.forEach((z: unknown, i) => {
        const zz = z as Partial<DeadZone> | null
        if (
          !zz ||
          typeof zz.routeId !== 'string' ||
          typeof zz.fromM !== 'number' ||
          typeof zz.toM !== 'number' ||
          !(zz.toM > zz.fromM)
        ) {
          fail(`deadZones[${i}] must be { "routeId": string, "fromM": number, "toM": number } with toM > fromM`)
        }
      })
  }
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`)
  return s as Scenario
}

export function readScenario(path: string): Scenario {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`cannot read scenario ${path}: ${(err as Error).message}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new Error(`scenario ${path} is not valid JSON: ${(err as Error).message}`)
  }
  return parseScenario(json, `scenario ${path}`)
}

/**
 * Behaviour and fault settings of the simulation core, with named profiles. Probabilities are per
 * trip unless they say "per fix"; durations are seconds, distances metres.
 */
import type { DeadZone } from './types.js'

export interface Range {
  min: number
  max: number
}

export interface FaultConfig {
  /** Trip leaves the first stop late. */
  lateStart: { probability: number; delayS: Range }
  /** Vehicle stands still mid-leg. */
  breakdown: { probability: number; durationS: Range }
  /** Vehicle leaves the route for a stretch and comes back (road works, a landslide). */
  detour: { probability: number; lengthM: Range; offsetM: Range }
  /** Device restarts: no fixes and no connection for a while. */
  reboot: { probability: number; durationS: Range }
  /** One fix far off, per fix. */
  gpsJump: { probability: number; distanceM: Range }
  /** The same fix sent twice, per fix. */
  duplicate: { probability: number }
  /** Explicit no-coverage stretches. */
  deadZones: DeadZone[]
  /** A seeded no-coverage stretch on a route, per route. */
  randomDeadZones: { probability: number; lengthM: Range }
  /** Explicit breakdowns for good (a training or bench scenario); none in the profiles. */
  strandings?: Stranding[]
}

/**
 * A bus that breaks down for good on a trip: it stands where it broke down for `standS`, then its
 * device is switched off; the rest of the trip and of its day are not run.
 */
export interface Stranding {
  tripInstanceId: string
  /** Where, as a share of the trip's distance from its first to its last stop (0..1, exclusive). */
  atShare: number
  standS: number
}

export interface BehaviourConfig {
  /** GPS noise, standard deviation in metres. */
  gpsNoiseM: number
  /** Seconds between fixes while the ignition is on. */
  intervalS: number
  /** Village stop with nobody waiting and nobody getting off, per stop. */
  skipStopProbability: number
  /** Dwell at a village stop / a township centre, seconds. */
  dwellS: { village: Range; township: Range }
  /** Dwell multiplier on market days (赶场天): more riders, sacks and baskets. */
  marketDayDwellFactor: number
  /** Force market-day behaviour for every trip; otherwise only market-service trips get it. */
  marketDay: boolean
  /** Top speed on a straight road, km/h (capped by the route's limit); switchbacks go down to `minSpeedKmh`. */
  maxSpeedKmh: number
  minSpeedKmh: number
  /**
   * Drive every leg at the driver's own pace instead of stretching it to the timetable's allowance:
   * where the timetable is slack the bus arrives early (and waits for its time), where it is tight,
   * late. None of the profiles; the accuracy bench's cold start uses it.
   */
  ownPace?: boolean
  /** Drivers slower than the rest (long boarding, late starts, a slower foot), by the bus they drive. */
  slowDrivers?: SlowDriver[]
}

/** A driver slower than the others on every trip of the bus they drive. */
export interface SlowDriver {
  vehicleId: string
  /** Factor on the time of every leg (1.15 = 15 % slower); a slow driver does not catch up a delay. */
  paceFactor: number
  /** Factor on every dwell (long boarding). */
  dwellFactor: number
  /** Every trip leaves the first stop this late, seconds. */
  lateStartS: Range
}

export interface ModelConfig {
  seed: string | number
  faults: FaultConfig
  behaviour: BehaviourConfig
}

export type FaultProfile = 'none' | 'realistic' | 'heavy'
export const FAULT_PROFILES: readonly FaultProfile[] = ['none', 'realistic', 'heavy']

const r = (min: number, max: number): Range => ({ min, max })

export function faultProfile(profile: FaultProfile): FaultConfig {
  switch (profile) {
    case 'none':
      return {
        lateStart: { probability: 0, delayS: r(60, 600) },
        breakdown: { probability: 0, durationS: r(180, 900) },
        detour: { probability: 0, lengthM: r(800, 2500), offsetM: r(200, 500) },
        reboot: { probability: 0, durationS: r(30, 120) },
        gpsJump: { probability: 0, distanceM: r(200, 900) },
        duplicate: { probability: 0 },
        deadZones: [],
        randomDeadZones: { probability: 0, lengthM: r(800, 3000) },
      }
    case 'realistic':
      return {
        lateStart: { probability: 0.12, delayS: r(60, 600) },
        breakdown: { probability: 0.02, durationS: r(180, 900) },
        detour: { probability: 0.02, lengthM: r(800, 2500), offsetM: r(200, 500) },
        reboot: { probability: 0.03, durationS: r(30, 120) },
        gpsJump: { probability: 0.001, distanceM: r(200, 900) },
        duplicate: { probability: 0.005 },
        deadZones: [],
        randomDeadZones: { probability: 0.3, lengthM: r(800, 3000) },
      }
    case 'heavy':
      return {
        lateStart: { probability: 0.3, delayS: r(120, 900) },
        breakdown: { probability: 0.15, durationS: r(300, 1200) },
        detour: { probability: 0.15, lengthM: r(1000, 3000), offsetM: r(250, 600) },
        reboot: { probability: 0.15, durationS: r(30, 180) },
        gpsJump: { probability: 0.005, distanceM: r(300, 1500) },
        duplicate: { probability: 0.03 },
        deadZones: [],
        randomDeadZones: { probability: 0.6, lengthM: r(1000, 4000) },
      }
  }
}

export const DEFAULT_BEHAVIOUR: BehaviourConfig = {
  gpsNoiseM: 3,
  intervalS: 5,
  skipStopProbability: 0.3,
  dwellS: { village: r(10, 40), township: r(45, 150) },
  marketDayDwellFactor: 2.5,
  marketDay: false,
  maxSpeedKmh: 55,
  minSpeedKmh: 18,
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K]
}

/** Overlays `patch` on `base` (objects merged key by key, arrays and scalars replaced). */
export function merge<T>(base: T, patch: DeepPartial<T> | undefined): T {
  if (patch === undefined) return base
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === undefined) continue
    const cur = out[k]
    out[k] = isPlainObject(v) && isPlainObject(cur) ? merge(cur, v) : v
  }
  return out as T
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Problems a person can act on (empty when the settings make sense). */
export function configProblems(c: ModelConfig): string[] {
  const out: string[] = []
  const prob = (name: string, p: number): void => {
    if (!(p >= 0 && p <= 1)) out.push(`${name} must be a probability in 0..1, got ${p}`)
  }
  const range = (name: string, x: Range): void => {
    if (!(x.min >= 0 && x.max >= x.min)) out.push(`${name} must have 0 ≤ min ≤ max, got ${x.min}..${x.max}`)
  }
  const f = c.faults
  prob('lateStart.probability', f.lateStart.probability)
  prob('breakdown.probability', f.breakdown.probability)
  prob('detour.probability', f.detour.probability)
  prob('reboot.probability', f.reboot.probability)
  prob('gpsJump.probability', f.gpsJump.probability)
  prob('duplicate.probability', f.duplicate.probability)
  prob('randomDeadZones.probability', f.randomDeadZones.probability)
  range('lateStart.delayS', f.lateStart.delayS)
  range('breakdown.durationS', f.breakdown.durationS)
  range('detour.lengthM', f.detour.lengthM)
  range('detour.offsetM', f.detour.offsetM)
  range('reboot.durationS', f.reboot.durationS)
  range('gpsJump.distanceM', f.gpsJump.distanceM)
  for (const z of f.deadZones)
    if (!(z.toM > z.fromM && z.fromM >= 0)) out.push(`dead zone on ${z.routeId}: fromM must be ≥ 0 and below toM`)
  for (const s of f.strandings ?? []) {
    if (!(s.atShare > 0 && s.atShare < 1))
      out.push(`stranding on ${s.tripInstanceId}: atShare must be between 0 and 1, got ${s.atShare}`)
    if (!(s.standS >= 0)) out.push(`stranding on ${s.tripInstanceId}: standS must be ≥ 0, got ${s.standS}`)
  }
  const b = c.behaviour
  if (!(Number.isInteger(b.intervalS) && b.intervalS >= 1 && b.intervalS <= 300))
    out.push(`intervalS must be a whole number of seconds in 1..300, got ${b.intervalS}`)
  if (!(b.gpsNoiseM >= 0 && b.gpsNoiseM <= 100)) out.push(`gpsNoiseM must be in 0..100, got ${b.gpsNoiseM}`)
  prob('skipStopProbability', b.skipStopProbability)
  if (!(b.minSpeedKmh > 0 && b.maxSpeedKmh >= b.minSpeedKmh))
    out.push('speeds must satisfy 0 < minSpeedKmh ≤ maxSpeedKmh')
  return out
}

/**
 * The accuracy bench's profiles: how the simulated county drives, what history the engine has,
 * and how often buses report. `realistic` and `heavy` are the fault profiles of the simulator; the
 * others put one question to the predictions each:
 *
 * - `cold-start`: no history at all (a new county, a new timetable) and drivers keeping their own
 *   pace, not the timetable's — where it is slack they arrive early and wait, where it is tight
 *   they are late. The ETA has only the timetable and the bus's pace on this trip.
 * - `late-driver`: a third of the buses have a slow driver on every day, history days included —
 *   late starts of 1–2.5 min, boarding twice as long, legs 15 % slower, no catching up.
 * - `silent-bus`: a third of the trips lose their terminal mid-trip for 4–15 min (flat battery,
 *   a long valley): nothing arrives meanwhile, nothing later.
 *
 * The new profiles report at one fix per 10 s (where pass-bys are hard to see); the two fault
 * profiles keep the simulator's 5 s, as their figures always had.
 */
import {
  DEFAULT_BEHAVIOUR,
  faultProfile,
  type BehaviourConfig,
  type FaultConfig,
  type FaultProfile,
  type SlowDriver,
} from '@rb/sim'
import { demoCounty } from '@rb/domain'

export const PROFILE_NAMES = ['realistic', 'heavy', 'cold-start', 'late-driver', 'silent-bus', 'none'] as const
export type ProfileName = (typeof PROFILE_NAMES)[number]
/** What `--profile all` runs. */
export const ALL_PROFILES: readonly ProfileName[] = ['realistic', 'heavy', 'cold-start', 'late-driver', 'silent-bus']

export interface BenchProfile {
  name: ProfileName
  /** The simulator's fault profile underneath. */
  faults: FaultProfile
  faultConfig: FaultConfig
  behaviour: BehaviourConfig
  /** The engine starts with no leg or start history, and learns none on the measured days. */
  noHistory: boolean
  /** Buses with a slow driver. */
  slowVehicles: ReadonlySet<string>
}

/** Every third bus of the county, by number: the slow drivers' buses. */
function slowDrivers(): SlowDriver[] {
  const ids = demoCounty()
    .vehicles.map((v) => v.id)
    .sort()
  return ids
    .filter((_, i) => i % 3 === 1)
    .map((vehicleId) => ({ vehicleId, paceFactor: 1.15, dwellFactor: 2, lateStartS: { min: 60, max: 150 } }))
}

export function benchProfile(name: ProfileName, intervalS?: number): BenchProfile {
  const base = name === 'heavy' || name === 'none' ? name : 'realistic'
  const faultConfig = faultProfile(base)
  const tenSeconds = name === 'cold-start' || name === 'late-driver' || name === 'silent-bus'
  const behaviour: BehaviourConfig = {
    ...DEFAULT_BEHAVIOUR,
    intervalS: intervalS ?? (tenSeconds ? 10 : DEFAULT_BEHAVIOUR.intervalS),
  }
  let slow: SlowDriver[] = []
  if (name === 'cold-start') behaviour.ownPace = true
  if (name === 'late-driver') behaviour.slowDrivers = slow = slowDrivers()
  if (name === 'silent-bus') faultConfig.reboot = { probability: 0.33, durationS: { min: 240, max: 900 } }
  return {
    name,
    faults: base,
    faultConfig,
    behaviour,
    noHistory: name === 'cold-start',
    slowVehicles: new Set(slow.map((s) => s.vehicleId)),
  }
}

/**
 * Was a stop served, or did the bus pass it without stopping? Judged from the speeds the bus
 * reported and the time it spent in the stop zone against the time driving through would take —
 * not from whether a fix fell in the zone: at one fix per 10 s a bus driving through an 80 m zone
 * usually leaves a fix in it. Pure.
 */

/** What the tracker saw of one pass through a stop zone. */
export interface ZonePass {
  /** When the bus entered the zone (interpolated at its near edge), epoch ms. */
  entryTs: number
  /** When it left (interpolated at the far edge), epoch ms. */
  exitTs: number
  /** Length of the zone along the route, metres. */
  zoneM: number
  /** Speeds of the fixes inside the zone, km/h (none: the zone was crossed between two fixes). */
  inZoneKmh: readonly number[]
  /** Speed of the last fix before the zone and of the first beyond it, km/h (null when unknown). */
  beforeKmh: number | null
  afterKmh: number | null
  /** Time between the last fix before the zone and the first beyond it, seconds. */
  gapS: number
}

export interface ServiceRules {
  /** A fix in the zone at or below this speed is the bus standing at the stop, km/h. */
  stopSpeedKmh: number
  /** Time in the zone beyond driving through that counts as a stop, seconds. */
  minDwellS: number
}

export const DEFAULT_SERVICE_RULES: Readonly<ServiceRules> = Object.freeze({ stopSpeedKmh: 5, minDwellS: 8 })

export interface ServiceJudgement {
  served: boolean
  /** How sure the judgement is, 0..1. */
  confidence: number
}

const round2 = (x: number): number => Math.round(x * 100) / 100

export function judgeService(p: ZonePass, rules: ServiceRules = DEFAULT_SERVICE_RULES): ServiceJudgement {
  const standing = p.inZoneKmh.filter((v) => v <= rules.stopSpeedKmh).length
  // Seen standing in the zone: served.
  if (standing > 0) return { served: true, confidence: standing > 1 ? 0.99 : 0.95 }
  // Time in the zone against driving through it at the speeds reported around it.
  const speeds = [p.beforeKmh, ...p.inZoneKmh, p.afterKmh].filter((v): v is number => v !== null && Number.isFinite(v))
  const meanMs = speeds.length === 0 ? null : speeds.reduce((a, b) => a + b, 0) / speeds.length / 3.6
  const inZoneS = Math.max(0, (p.exitTs - p.entryTs) / 1000)
  if (meanMs === null || meanMs < 1) {
    // No usable speed: only the time tells.
    return inZoneS >= rules.minDwellS * 2 ? { served: true, confidence: 0.6 } : { served: false, confidence: 0.5 }
  }
  const excessS = inZoneS - p.zoneM / meanMs
  if (excessS >= rules.minDwellS)
    return { served: true, confidence: round2(0.5 + 0.4 * Math.min(1, (excessS - rules.minDwellS) / 20)) }
  // Driven through: surer with fixes in the zone all moving, less sure across a long gap (a short
  // stop could hide in it).
  const base = p.inZoneKmh.length > 0 ? 0.9 : 0.8
  const gapFactor = p.gapS <= 30 ? 1 : Math.max(0.5, 30 / p.gapS)
  return { served: false, confidence: round2(base * gapFactor) }
}

/**
 * Trip matching for a vehicle nobody assigned: which scheduled trip instance is it running?
 * Spatial candidates are trips whose line passes within `spatialM` of the newest fix with a
 * compatible heading; the vehicle must be moving and have moved `minMoveM` forward along the
 * candidate since an earlier fix (two fixes after leaving a terminus; a parked bus is never
 * matched); among those, the one whose timetable expects the bus there closest to now wins,
 * within an early/late window. Pure.
 */
import { bearingDeg, headingDiffDeg, nearbyProjections, projectOnLine, type Projection } from '@rb/geo'
import type { TripInstance } from '../network/timetable.js'
import type { MatchConfig } from './config.js'
import type { TripGeometry } from './geometry.js'
import { scheduledTsAt } from './schedule.js'
import type { LngLat } from './types.js'

export interface MatchFix {
  /** Epoch ms. */
  ts: number
  lng: number
  lat: number
  speedKmh: number
  headingDeg: number
}

export interface MatchCandidate {
  instance: Pick<TripInstance, 'id' | 'stops' | 'departureTs'>
  geometry: TripGeometry
  /** Added to the candidate's score (another operator's route, another vehicle's rostered trip), seconds. */
  penaltyS?: number
}

export interface TripMatch {
  instanceId: string
  /** Distance along the trip where the newest fix lies, metres. */
  alongM: number
  /** Newest fix ts minus the timetable's time at that point, seconds (positive = late). */
  deviationS: number
}

/**
 * The best candidate for a vehicle whose recent fixes (oldest first, newest last) are given, or
 * null when none fits yet.
 */
export function matchTrip(
  recent: readonly MatchFix[],
  candidates: readonly MatchCandidate[],
  cfg: MatchConfig,
): TripMatch | null {
  const newest = recent.at(-1)
  if (!newest || newest.speedKmh < cfg.minSpeedKmh) return null
  let best: (TripMatch & { score: number }) | null = null
  for (const c of candidates) {
    const m = fit(recent, newest, c, cfg)
    if (m && (!best || m.score < best.score)) best = m
  }
  if (!best) return null
  const { score: _score, ...match } = best
  return match
}

function fit(
  recent: readonly MatchFix[],
  newest: MatchFix,
  c: MatchCandidate,
  cfg: MatchConfig,
): (TripMatch & { score: number }) | null {
  const { coords, cumM } = c.geometry
  // Nearest pass of the line with a fitting heading (a road driven out and back has two).
  let here: Projection | undefined
  for (const p of nearbyProjections(coords, cumM, [newest.lng, newest.lat], cfg.spatialM)) {
    if (headingFits(newest, coords, p, cfg) && (!here || p.offsetM < here.offsetM)) here = p
  }
  if (!here) return null

  // Movement forward along this candidate, from the oldest recent fix that lies on it behind here.
  let movedM = 0
  let worstOffsetM = here.offsetM
  for (const f of recent) {
    if (f === newest) break
    const p = projectOnLine(coords, cumM, [f.lng, f.lat], Math.max(0, here.alongM - 5000), here.alongM)
    if (!p || p.offsetM > cfg.spatialM) continue
    movedM = Math.max(movedM, here.alongM - p.alongM)
    worstOffsetM = Math.max(worstOffsetM, p.offsetM)
  }
  if (movedM < cfg.minMoveM) return null

  const deviationS = (newest.ts - scheduledTsAt(c.instance.stops, here.alongM)) / 1000
  if (deviationS < -cfg.earlyS || deviationS > cfg.lateS) return null
  // Time decides — being early counts several times being late (buses must not leave early: one
  // leaving a shared terminus late is on its own late trip, not the next one out); the line's
  // distance breaks ties between trips on the same road at the same time.
  const timeS = deviationS < 0 ? -deviationS * cfg.earlyWeight : deviationS
  return {
    instanceId: c.instance.id,
    alongM: here.alongM,
    deviationS: Math.round(deviationS),
    score: timeS + worstOffsetM + (c.penaltyS ?? 0),
  }
}

function headingFits(fix: MatchFix, coords: readonly LngLat[], at: Projection, cfg: MatchConfig): boolean {
  if (fix.speedKmh < cfg.headingMinSpeedKmh) return true
  const a = coords[at.segment] as LngLat
  const b = coords[at.segment + 1] as LngLat
  return headingDiffDeg(fix.headingDeg, bearingDeg(a, b)) <= cfg.headingToleranceDeg
}

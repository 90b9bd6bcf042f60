/**
 * What the engine keeps of one vehicle between fixes: its newest fix and link, the recent fixes
 * matching reads, its run, its alert rules and crew — and the two filters a fix passes before it
 * counts: a GPS jump is ignored unless several agree, and recent fixes are thinned. Pure.
 */
import { distanceM } from '@rb/geo'
import type { EngineConfig } from './config.js'
import { VehicleCrew } from './crew.js'
import type { EngineFix } from './engine-types.js'
import type { Freshness } from './freshness.js'
import type { MatchFix } from './matcher.js'
import type { Run } from './run.js'
import { VehicleAlerts, type AlertSink } from './vehicle-alerts.js'

export interface Slot {
  vehicleId: string
  lastFix: EngineFix | null
  /** When the server last heard from the vehicle, epoch ms. */
  lastHeardAt: number | null
  online: boolean
  /** Recent fixes (thinned) for matching; replayed into a new run. */
  recent: MatchFix[]
  run: Run | null
  alerts: VehicleAlerts
  badMatchTs: number[]
  /** Consecutive rejected jumps consistent with each other. */
  jumpRun: number
  jumpRunEnd: EngineFix | null
  /** Instances this vehicle must not be inferred onto again today (dropped as bad matches). */
  refused: Set<string>
  crew: VehicleCrew
  /** Freshness of the bus as of the last tick (a change re-sends its state and its trip's row). */
  freshness: Freshness
}

export function newSlot(vehicleId: string, config: EngineConfig, sink: AlertSink): Slot {
  return {
    vehicleId,
    lastFix: null,
    lastHeardAt: null,
    online: true,
    recent: [],
    run: null,
    alerts: new VehicleAlerts(vehicleId, config.alerts, config.tracker.offRouteM, sink),
    badMatchTs: [],
    jumpRun: 0,
    jumpRunEnd: null,
    refused: new Set(),
    crew: new VehicleCrew(vehicleId),
    freshness: 'live',
  }
}

/**
 * A fix implying an impossible speed from the last accepted one is a jump, ignored — unless
 * `jumpResetFixes` in a row agree with each other: then the reference was the glitch (the recent
 * fixes are dropped with it) and the fix counts.
 */
export function isJump(slot: Slot, last: EngineFix, fix: EngineFix, tracker: EngineConfig['tracker']): boolean {
  const max = tracker.maxSpeedKmh
  if (impliedKmh(last, fix) <= max) {
    slot.jumpRun = 0
    slot.jumpRunEnd = null
    return false
  }
  slot.jumpRun = slot.jumpRunEnd && impliedKmh(slot.jumpRunEnd, fix) <= max ? slot.jumpRun + 1 : 1
  slot.jumpRunEnd = fix
  if (slot.jumpRun >= tracker.jumpResetFixes) {
    slot.jumpRun = 0
    slot.jumpRunEnd = null
    slot.recent = []
    return false
  }
  return true
}

/** Keeps the last `windowS` of fixes for matching, thinned: a standing bus adds one every 30 s. */
export function rememberFix(slot: Slot, fix: EngineFix, windowS: number): void {
  const r = slot.recent
  const prev = r.at(-1)
  if (!prev || fix.ts - prev.ts >= 30_000 || distanceM([prev.lng, prev.lat], [fix.lng, fix.lat]) >= 10) {
    r.push({ ts: fix.ts, lng: fix.lng, lat: fix.lat, speedKmh: fix.speedKmh, headingDeg: fix.headingDeg })
  }
  const from = fix.ts - windowS * 1000
  let drop = 0
  while (drop < r.length - 1 && (r[drop] as MatchFix).ts < from) drop++
  if (drop > 0) r.splice(0, drop)
}

function impliedKmh(a: EngineFix, b: EngineFix): number {
  const dtS = (b.ts - a.ts) / 1000
  return (distanceM([a.lng, a.lat], [b.lng, b.lat]) / dtS) * 3.6
}

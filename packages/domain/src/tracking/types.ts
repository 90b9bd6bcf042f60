/**
 * Types of the per-vehicle tracking core: its config, the fixes it reads, the events it emits and
 * its state. Plain, JSON-serialisable data.
 */
import type { LngLat } from '../network/types.js'

/** Tuning of the tracker; every name carries its unit. */
export interface TrackerConfig {
  /** A fix implying a faster move from the last accepted fix is a GPS jump and is ignored, km/h. */
  maxSpeedKmh: number
  /**
   * After this many consecutive fixes rejected as jumps that agree with each other, the last of
   * them is accepted as the new reference (the earlier reference was the glitch), count.
   */
  jumpResetFixes: number
  /** Lateral distance from the route line beyond which the bus is off route, metres. */
  offRouteM: number
  /** Half-width of a stop zone along the route, around the stop's distance, metres. */
  stopZoneM: number
  /** Largest lateral distance from the route line still inside a stop zone, metres. */
  stopZoneLateralM: number
  /** The snapping window starts this far behind the current progress, metres. */
  searchBackM: number
  /** The snapping window reaches at least this far ahead of the current progress, metres. */
  searchAheadMinM: number
  /**
   * A match ahead of the progress wins over one behind it unless the one behind is nearer to the
   * fix by more than this, metres (a road driven out and back is equally near on both legs).
   */
  snapAheadBiasM: number
  /** Added to the distance travelable at maxSpeedKmh since the last on-route fix, metres. */
  searchMarginM: number
  /** A `delay` event is emitted when the delay moved this much since the last one, seconds. */
  delayEventStepS: number
  /** A fix in a stop zone at or below this speed is the bus standing at the stop, km/h. */
  stopSpeedKmh: number
  /** Time in a stop zone beyond driving through it that counts as stopping there, seconds. */
  minDwellS: number
}

export const DEFAULT_TRACKER_CONFIG: Readonly<TrackerConfig> = Object.freeze({
  maxSpeedKmh: 150,
  jumpResetFixes: 3,
  offRouteM: 100,
  stopZoneM: 40,
  stopZoneLateralM: 60,
  searchBackM: 200,
  searchAheadMinM: 1000,
  searchMarginM: 200,
  snapAheadBiasM: 20,
  delayEventStepS: 60,
  stopSpeedKmh: 5,
  minDwellS: 8,
})

/**
 * What the tracker reads from a position. `Position` from `@rb/protocol` fits it as is (the
 * protocol package depends on this one, so the type is restated here rather than imported).
 */
export interface TrackerFix {
  /** Fix time, epoch ms. */
  ts: number
  /** Longitude, WGS-84 degrees. */
  lng: number
  /** Latitude, WGS-84 degrees. */
  lat: number
  speedKmh: number
}

export interface StopVisitEvent {
  type: 'arrival' | 'departure'
  stopCode: string
  seq: number
  /** Epoch ms. */
  ts: number
  /** Scheduled arrival at the stop, epoch ms (the timetable has no separate departure time). */
  scheduledTs: number
  /** ts − scheduledTs, whole seconds; positive is late. */
  delayS: number
  /**
   * The bus passed the stop without stopping. An arrival knows it only when the zone was crossed
   * between two fixes (ts interpolated); the departure carries the judgement from speeds and time
   * in the zone (see service.ts).
   */
  passedWithoutStopping: boolean
  /** How sure that judgement is, 0..1; null on an arrival still to be judged. */
  serviceConfidence: number | null
}

export interface DelayEvent {
  type: 'delay'
  /** Fix time the delay was computed at, epoch ms. */
  ts: number
  /** Schedule deviation at the current progress, whole seconds; positive is late. */
  delayS: number
}

export type TrackerEvent = StopVisitEvent | DelayEvent

/** One stop of the trip as the bus served it. */
export interface StopVisit {
  seq: number
  stopCode: string
  scheduledTs: number
  /** Epoch ms. */
  arrivalTs: number
  /** Epoch ms; null while the bus is still in the stop zone. */
  departureTs: number | null
  /** Judged when the bus leaves the zone: from the speeds and the time in the zone, not only whether a fix fell in it. */
  passedWithoutStopping: boolean
  /** How sure that judgement is, 0..1; null while the bus is still in the zone. */
  serviceConfidence: number | null
}

export interface TrackerCounters {
  /** Fixes used. */
  accepted: number
  /** Fixes with ts ≤ the last accepted ts. */
  stale: number
  /** Fixes implying a speed above maxSpeedKmh. */
  jumps: number
  /** Accepted fixes farther than offRouteM from the route (progress not moved). */
  offRoute: number
  /** Stops already behind the bus at its first fix (no visit recorded). */
  skippedStops: number
}

export interface TrackerState {
  /** Distance along the trip geometry, metres; null before the first on-route fix. Never decreases. */
  progressM: number | null
  /** ts of the last accepted fix, epoch ms. */
  lastTs: number | null
  lastFix: TrackerFix | null
  /** Distance from the route line of the last accepted fix, metres. */
  offsetM: number | null
  offRoute: boolean
  /** The stop the bus is at or heading to; null once the last stop has been reached. */
  nextStopSeq: number | null
  /** Schedule deviation at the current progress, whole seconds; null before the first on-route fix. */
  delayS: number | null
  visits: StopVisit[]
  counters: TrackerCounters
}

export type { LngLat }

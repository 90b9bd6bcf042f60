/** What the tracking engine reads (the network of the service days it serves) and what it emits. */
import type { Route, Vehicle } from '../network/types.js'
import type { TripInstance } from '../network/timetable.js'
import type { LiveAlert } from './views.js'

/** A trip instance with what the dispatcher decided about it. */
export interface EngineInstance extends TripInstance {
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  vehicleId: string | null
  driverId: string | null
}

export type EngineRoute = Pick<Route, 'id' | 'operatorId' | 'geometry' | 'speedLimitKmh'>

export interface EngineNetwork {
  /** Instances of the service days served (yesterday's late trips and today's). */
  instances: EngineInstance[]
  routes: EngineRoute[]
  vehicles: Pick<Vehicle, 'id' | 'operatorId'>[]
}

/** One fix as the engine reads it (`Position` from `@rb/protocol` fits). */
export interface EngineFix {
  vehicleId: string
  /** Epoch ms. */
  ts: number
  lng: number
  lat: number
  speedKmh: number
  headingDeg: number
}

export type EngineEventType =
  | 'trip_start'
  | 'trip_end'
  | 'arrival'
  | 'departure'
  | 'off_route'
  | 'back_on_route'
  | 'overspeed'
  | 'overspeed_end'
  | 'late_start'
  | 'early_departure'
  | 'offline'
  | 'online'

/** A row of `vehicle_event`. */
export interface EngineEvent {
  vehicleId: string
  /** Epoch ms. */
  ts: number
  type: EngineEventType
  tripInstanceId: string | null
  stopCode: string | null
  data: Record<string, unknown>
}

/** One leg driven: leaving stop `fromSeq` to arriving at the next (feeds ETA history). */
export interface SegmentObservation {
  /** Arrival at the next stop, epoch ms. */
  ts: number
  routeId: string
  direction: 0 | 1
  fromSeq: number
  travelS: number
  /** Dwell at stop `fromSeq`; null at the first stop (waiting there is not dwell). */
  dwellS: number | null
}

/** Everything the engine produced since the last drain. */
export interface EngineOutput {
  events: EngineEvent[]
  alerts: LiveAlert[]
  segments: SegmentObservation[]
  /** Vehicles whose state view changed. */
  changedVehicles: string[]
  /** Trip instances whose board row changed. */
  changedInstances: string[]
}

export interface EngineCounters {
  fixes: number
  stale: number
  jumps: number
  matched: number
  badMatches: number
}

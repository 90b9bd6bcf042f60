/**
 * What the tracking engine shows of itself: a vehicle's state, alerts, next departures at a stop,
 * the trip board. Plain JSON data; the same types go over socket.io and HTTP (`@rb/protocol`
 * re-exports them as wire types).
 */
import type { Freshness } from './freshness.js'

/**
 * How the console colours a vehicle. On a trip: `on_time` · `early` · `late` (the county's lateness
 * policy) or `off_route`. Off a trip: `layover` (at a terminus or between trips of its duty, more
 * to run today), `off_duty` (no more trips today, or parked without one), `not_in_service` (moving
 * without a trip the engine can name), `offline` (silent while it should report).
 */
export type VehicleServiceStatus =
  'on_time' | 'late' | 'early' | 'off_route' | 'layover' | 'off_duty' | 'offline' | 'not_in_service'

/** A delay judged by the county's lateness policy (one rule for console, villager page, reports, GTFS-RT). */
export type Punctuality = 'early' | 'on_time' | 'late'

/** Where the driver shown for a vehicle comes from: the bus (IC card, driver page, device) or the roster (the plan). */
export type DriverSource = 'card' | 'app' | 'device' | 'roster'

/** How a vehicle's trip was found: a dispatcher's assignment, or inferred by the engine. */
export type TripMatchKind = 'assigned' | 'inferred'

export interface NextStopView {
  seq: number
  stopCode: string
  /** Scheduled arrival, epoch ms. */
  scheduledTs: number
  /** Predicted arrival, epoch ms; null when unknown or the bus's position is older than the ETA grace. */
  etaTs: number | null
}

/** Tracking state of one vehicle: pushed live (`vehicleStates`) and served by GET /api/vehicles/:id/state. */
export interface VehicleStateView {
  vehicleId: string
  status: VehicleServiceStatus
  online: boolean
  /** Newest fix, epoch ms; null when none was ever received. */
  lastTs: number | null
  /** `live` within the ETA grace of the newest fix (ETAs stand), `stale` past it, `lost` silent much longer (freshness.ts). */
  freshness: Freshness
  tripInstanceId: string | null
  routeId: string | null
  match: TripMatchKind | null
  /** Unified number of the driver on board (IC card, driver page, device), else the rostered one. */
  driverCode: string | null
  /** Where `driverCode` comes from; null when nobody is known. */
  driverSource: DriverSource | null
  /** The driver the roster puts on this vehicle's current (or next) trip. */
  rosteredDriverCode: string | null
  /** Schedule deviation, whole seconds, positive = late; null off trip. */
  delayS: number | null
  /** The delay judged by the county's lateness policy; null off trip. */
  punctuality: Punctuality | null
  /** Distance along the trip's geometry, metres. */
  progressM: number | null
  /** Distance from the route line, metres. */
  offsetM: number | null
  offRoute: boolean
  nextStop: NextStopView | null
}

export type AlertType =
  | 'off_route'
  | 'overspeed'
  | 'late_start'
  | 'early_departure'
  | 'offline'
  | 'driver_alarm'
  | 'sign_report'
  | 'road_report'
  | 'on_demand_under_min'
  | 'trip_missed'
  | 'driver_mismatch'
  /** A student run ended with a pupil boarded and not alighted (critical; cleared by the driver's confirmation). */
  | 'pupil_left_on_bus'
  | 'broker_session_lost'
  /** A bus left a geofence it must keep to, or went over a geofence's speed limit (data.rule). */
  | 'geofence'

export type AlertSeverity = 'info' | 'warning' | 'critical'

/** An alert's life: raised `open`, `acknowledged` by a dispatcher (who, note), `resolved` by itself when the condition clears or by hand with a note. */
export type AlertStatus = 'open' | 'acknowledged' | 'resolved'

/** One alert as the dispatcher sees it; the same alert is re-sent when it clears or is acknowledged. */
export interface LiveAlert {
  id: string
  type: AlertType
  severity: AlertSeverity
  /** `active` until the condition ends (`cleared`); reports stay active until handled. */
  state: 'active' | 'cleared'
  /** When it was raised, epoch ms. */
  ts: number
  clearedTs: number | null
  vehicleId: string | null
  tripInstanceId: string | null
  stopCode: string | null
  /** One line a dispatcher can act on (English; the console may localise by `type` + `data`). */
  message: string
  data: Record<string, unknown>
  /** The life-cycle; `state` above is the condition itself (an acknowledged alert can still be active). */
  status: AlertStatus
  ackBy: string | null
  ackTs: number | null
  ackNote: string | null
  /** `system` when the condition cleared by itself, else the account that resolved it. */
  resolvedBy: string | null
  resolvedTs: number | null
  resolveNote: string | null
}

/**
 * `no_position`: a bus runs the trip but its last fix is older than the ETA grace — no live
 * ETA; riders see the timetable (`scheduledTs`) and how old the last position is (`lastFixTs`).
 */
export type DepartureStatus =
  'scheduled' | 'on_the_way' | 'at_stop' | 'departed' | 'late' | 'cancelled' | 'completed' | 'no_position'

/** One upcoming departure at a stop: GET /api/stops/:code/arrivals, pushed to `stop:{code}`. */
export interface StopArrival {
  tripInstanceId: string
  routeId: string
  routeName: string
  routeNameEn: string
  kind: 'market' | 'student' | 'medical' | 'regular'
  headsign: string
  /** Scheduled arrival at this stop, epoch ms. */
  scheduledTs: number
  /** Live predicted arrival, epoch ms; null before the bus is tracked, and when its last fix is older than the ETA grace. */
  etaTs: number | null
  status: DepartureStatus
  delayS: number | null
  /** The delay judged by the county's lateness policy; null before the bus is tracked. */
  punctuality: Punctuality | null
  vehicleId: string | null
  /** Stops between the bus and this stop (0 = this stop is next); null before it is tracked. */
  stopsAway: number | null
  /** The driver on board the tracked bus, else the rostered one. */
  driverCode: string | null
  /** Newest fix of the bus running the trip, epoch ms; null before a bus is tracked on it. */
  lastFixTs: number | null
  /** That bus's link; null before a bus is tracked on it. */
  online: boolean | null
  /** How fresh that bus's position is (`live`: the ETA stands); null before a bus is tracked on it. */
  freshness: Freshness | null
}

export interface StopArrivalsUpdate {
  stopCode: string
  /** Server time of the answer, epoch ms. */
  ts: number
  arrivals: StopArrival[]
}

/**
 * A trip instance's state on the board: `scheduled` (nobody planned on it yet) → `assigned` (a vehicle
 * is planned) → `in_progress` (a bus runs it; see delay/punctuality) → `completed`; or `missed` (no bus
 * on it by departure + the county's grace), `partial` (the bus stopped serving it mid-way), `cancelled`.
 * `lost`: in progress, but its bus has been silent for the engine's `lostAfterS` — back to
 * `in_progress` with the next fix, `partial` if it never comes back. Past trips end in `completed`,
 * `missed`, `partial` or `cancelled`, never "late".
 */
export type TripRunStatus =
  'scheduled' | 'assigned' | 'in_progress' | 'lost' | 'completed' | 'missed' | 'partial' | 'cancelled'

/** One trip instance of the service day on the trip board: GET /api/trips/today. */
export interface TripBoardRow {
  instanceId: string
  tripId: string
  routeId: string
  kind: 'market' | 'student' | 'medical' | 'regular'
  headsign: string
  /** Scheduled departure from the first stop, epoch ms. */
  departureTs: number
  /** Scheduled arrival at the last stop, epoch ms. */
  endTs: number
  status: TripRunStatus
  /** Newest schedule deviation while running, or at the last stop once completed; whole seconds. */
  delayS: number | null
  punctuality: Punctuality | null
  vehicleId: string | null
  driverCode: string | null
  match: TripMatchKind | null
  /** Departure from the first stop as observed, epoch ms. */
  departedTs: number | null
  completedTs: number | null
  /** The next stop while running. */
  nextStopCode: string | null
  /** Newest fix of the bus while it runs the trip, epoch ms (how long a `lost` trip has been silent). */
  lastFixTs: number | null
  cancelReason: string | null
}

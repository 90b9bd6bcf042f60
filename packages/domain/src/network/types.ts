/**
 * The network model: numbered stop signs, routes, timetables, vehicles and drivers.
 * Plain, JSON-serialisable data; coordinates are WGS-84 `[lng, lat]`.
 */
import type { CalendarJson, ServiceDate } from '../calendar/index.js'

/** 赶场车 market | 学生车 student | 就医出行车 medical | 民心专线 regular */
export type ServiceKind = 'market' | 'student' | 'medical' | 'regular'
export const SERVICE_KINDS: readonly ServiceKind[] = ['market', 'student', 'medical', 'regular']

export type StopStatus = 'ok' | 'reported' | 'in_repair' | 'removed'
export const STOP_STATUSES: readonly StopStatus[] = ['ok', 'reported', 'in_repair', 'removed']

export type LngLat = [lng: number, lat: number]

export interface Operator {
  id: string
  name: string
  phone: string | null
}

export interface Township {
  id: string
  name: string
  /** Pinyin / English name for the English view. */
  nameEn: string
  center: LngLat
}

/** A stop sign (招呼站牌) with the unified code printed on it. */
export interface Stop {
  /** `XY-0421`: county prefix + zero-padded number; unique, never reused. */
  code: string
  name: string
  nameEn: string
  townshipId: string
  point: LngLat
  status: StopStatus
  installedOn: ServiceDate | null
}

export interface RouteStop {
  seq: number
  stopCode: string
  /** Distance along the route geometry, metres (computed when the route is saved). */
  distM: number
}

export interface Route {
  id: string
  name: string
  nameEn: string
  kind: ServiceKind
  operatorId: string
  /** LineString coordinates, in the direction of travel of direction-0 trips. */
  geometry: LngLat[]
  lengthM: number
  stops: RouteStop[]
  /** Display colour, `#rrggbb`. */
  color: string
  /** Speed limit for overspeed alerts, km/h. */
  speedLimitKmh: number
  active: boolean
}

export interface Calendar {
  id: string
  name: string
  rules: CalendarJson
}

export type BookingPolicy = 'none' | 'optional' | 'required'

export interface Trip {
  id: string
  routeId: string
  calendarId: string
  /** 0 runs the route's stops in order, 1 in reverse. */
  direction: 0 | 1
  headsign: string
  /** Departure from the first stop, seconds after the service day's local midnight (Asia/Shanghai). */
  departureS: number
  /** Arrival at each stop of the pattern, seconds after departure; the first is 0. */
  stopOffsetsS: number[]
  seats: number
  bookingPolicy: BookingPolicy
  /** `required` trips run only with at least this many booked riders at the cutoff. */
  minRiders: number
  /** Bookings close this many minutes before departure. */
  bookingCutoffMin: number
  active: boolean
}

export type VehicleStatus = 'active' | 'retired'

export interface Vehicle {
  /** Unified vehicle number, e.g. `XY-V012`; also the vehicle id in MQTT topics. */
  id: string
  plate: string
  seats: number
  operatorId: string
  model: string
  /** MQTT client id / username of the on-board device. */
  deviceId: string | null
  /** JT/T 808 terminal phone (BCD digits, as the terminal reports it). */
  jt808Phone: string | null
  status: VehicleStatus
}

export interface Driver {
  /** Unified driver number, e.g. `XY-D031`. */
  id: string
  name: string
  phone: string
  licenceClass: string
  /** Road passenger transport qualification certificate number. */
  qualificationCert: string
  photoUrl: string | null
  /** 先锋司机 badge shown to villagers. */
  pioneer: boolean
  /** First day of service, for years of service. */
  serviceSince: ServiceDate
  status: VehicleStatus
}

/**
 * A timed trip that was expanded from a headway (GTFS frequencies.txt): the trip it was made from
 * and the window it belongs to, so the export can say it as a headway again.
 */
export interface TripFrequency {
  /** The expanded trip, a normal timed trip (e.g. `T1-0630`). */
  tripId: string
  /** The frequency-based trip it came from (the feed's trip_id). */
  templateId: string
  /** The window's start and end, seconds after the service day's midnight (end exclusive). */
  startS: number
  endS: number
  headwayS: number
  /** GTFS exact_times: true when the departures are a timetable, false when only the headway is promised. */
  exactTimes: boolean
}

/** Everything that describes the network (GTFS import/export and the demo county use it). */
export interface NetworkSnapshot {
  operators: Operator[]
  townships: Township[]
  stops: Stop[]
  routes: Route[]
  calendars: Calendar[]
  trips: Trip[]
  vehicles: Vehicle[]
  drivers: Driver[]
  /** Trips expanded from headways (absent or empty when none are). */
  frequencies?: TripFrequency[]
}

/**
 * The duty roster (排班): for each service day, duties — a driver and a vehicle and the trip
 * instances they run, in departure order. Plain data; instants are epoch ms.
 */
import type { ServiceDate, Weekday } from '../calendar/index.js'
import type { ServiceKind, VehicleStatus } from '../network/types.js'

/** A bus needs this long after a trip's scheduled end before it leaves on the next one. */
export const TURNAROUND_MIN = 10
/** The county's daily driving limit until one is set: scheduled trip time per driver and day. */
export const DEFAULT_DAILY_DRIVING_MIN = 480

export type RosterTripStatus = 'scheduled' | 'cancelled'

/** A trip instance as the roster shows it. */
export interface RosterTrip {
  instanceId: string
  tripId: string
  routeId: string
  routeName: string
  kind: ServiceKind
  headsign: string
  departureTs: number
  /** Scheduled arrival at the last stop. */
  endTs: number
  /** Most seats held at once on one segment (confirmed and boarded bookings). */
  bookedSeats: number
  status: RosterTripStatus
}

/** A duty as the roster API answers it (`GET /api/roster`, docs/roster.md). */
export interface DutyView {
  id: string
  date: string
  vehicleId: string
  driverId: string
  note: string | null
  /** In departure order. */
  trips: RosterTrip[]
  /** Scheduled trip time, minutes (cancelled trips not counted). */
  drivingMin: number
  /** First departure and last scheduled arrival; null while the duty has no trips. */
  startTs: number | null
  endTs: number | null
  /** What the rules find wrong with it now; empty when it can run. */
  problems: string[]
}

/** A service day's roster as the API answers it. */
export interface RosterView {
  date: string
  /** Drivers see the duties of published days. */
  published: boolean
  publishedAt: number | null
  limits: RosterLimits
  duties: DutyView[]
  /** The day's trip instances in no duty and with no vehicle. */
  unassigned: RosterTrip[]
}

/** What the planner needs to know of a trip besides what the roster shows. */
export interface DayTrip extends RosterTrip {
  /** The operator of the trip's route. */
  operatorId: string
  /** First and last stop codes, in the order of travel. */
  fromStop: string
  toStop: string
  /** Seats the timetable plans for (the bus the route is meant to run with). */
  seats: number
}

export type RosterVehicle = { id: string; seats: number; operatorId: string; status: VehicleStatus }
export type RosterDriver = { id: string; status: VehicleStatus }

export interface RosterLimits {
  /** Most scheduled trip time one driver may have in a day, minutes. */
  dailyDrivingMin: number
  /** Between a trip's scheduled end and the next departure of its bus or driver, minutes. */
  turnaroundMin: number
}

/** Who runs a trip instance of the day: a duty's crew, or a vehicle and driver set by hand. */
export interface TripAssignment {
  instanceId: string
  vehicleId: string | null
  driverId: string | null
  dutyId: string | null
}

/** A duty being made, changed or checked: its trips in any order. */
export interface DutyDraft {
  vehicleId: string
  driverId: string
  instanceIds: readonly string[]
}

/** One service day as the rules see it. */
export interface RosterDay {
  date: ServiceDate
  /** Every trip instance running that day, by instance id. */
  trips: ReadonlyMap<string, DayTrip>
  /** The instances someone runs (a vehicle, a driver or a duty). */
  assignments: readonly TripAssignment[]
  vehicles: ReadonlyMap<string, RosterVehicle>
  drivers: ReadonlyMap<string, RosterDriver>
  limits: RosterLimits
}

/** A weekly duty: the same crew runs the same trips on these weekdays. */
export interface DutyTemplate {
  id: string
  name: string
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: Weekday[]
  vehicleId: string
  driverId: string
  /** Trip ids (not instances), in departure order. */
  tripIds: string[]
  active: boolean
}

/** A duty a generator proposes, with where it came from. */
export interface ProposedDuty extends DutyDraft {
  note: string | null
  templateId: string | null
}

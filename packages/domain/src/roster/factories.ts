/** Test factories (docs/design.md §5): valid roster objects with overridable fields. */
import { serviceDate, serviceDayStartMs, type ServiceDate } from '../calendar/index.js'
import { tripInstanceId } from '../network/timetable.js'
import {
  DEFAULT_DAILY_DRIVING_MIN,
  TURNAROUND_MIN,
  type DayTrip,
  type DutyTemplate,
  type RosterDay,
  type RosterDriver,
  type RosterVehicle,
  type TripAssignment,
} from './types.js'

/** A Monday. */
export const DAY: ServiceDate = serviceDate('2026-11-30')
const MIN_MS = 60_000

/** Epoch ms of `HH:MM` on DAY (Asia/Shanghai). */
export const at = (hhmm: string, date: ServiceDate = DAY): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return serviceDayStartMs(date) + (h * 60 + m) * MIN_MS
}

export interface TripSpec extends Partial<DayTrip> {
  /** `HH:MM` of departure. */
  from?: string
  /** Scheduled minutes from departure to the last stop. */
  durationMin?: number
}

/** A trip of route R1 (operator OP1) from stop A to stop B, 07:00 for 50 minutes, 30 seats, nothing booked. */
export function makeTrip(spec: TripSpec = {}): DayTrip {
  const { from, durationMin, ...over } = spec
  const departureTs = over.departureTs ?? at(from ?? '07:00')
  const tripId = over.tripId ?? `R1-${(from ?? '07:00').replace(':', '')}`
  return {
    instanceId: tripInstanceId(tripId, DAY),
    tripId,
    routeId: 'R1',
    routeName: '场镇—卫生院',
    kind: 'regular',
    headsign: '卫生院',
    departureTs,
    endTs: departureTs + (durationMin ?? 50) * MIN_MS,
    bookedSeats: 0,
    status: 'scheduled',
    operatorId: 'OP1',
    fromStop: 'A',
    toStop: 'B',
    seats: 30,
    ...over,
  }
}

export function makeVehicle(over: Partial<RosterVehicle> = {}): RosterVehicle {
  return { id: 'V1', seats: 30, operatorId: 'OP1', status: 'active', ...over }
}

export function makeDriver(over: Partial<RosterDriver> = {}): RosterDriver {
  return { id: 'D1', status: 'active', ...over }
}

export interface DaySpec {
  trips?: DayTrip[]
  vehicles?: RosterVehicle[]
  drivers?: RosterDriver[]
  assignments?: TripAssignment[]
  dailyDrivingMin?: number
}

/** A day with these trips, one vehicle V1 and one driver D1 unless given, nothing assigned. */
export function makeDay(spec: DaySpec = {}): RosterDay {
  const trips = spec.trips ?? [makeTrip()]
  return {
    date: DAY,
    trips: new Map(trips.map((t) => [t.instanceId, t])),
    assignments: spec.assignments ?? [],
    vehicles: new Map((spec.vehicles ?? [makeVehicle()]).map((v) => [v.id, v])),
    drivers: new Map((spec.drivers ?? [makeDriver()]).map((d) => [d.id, d])),
    limits: { dailyDrivingMin: spec.dailyDrivingMin ?? DEFAULT_DAILY_DRIVING_MIN, turnaroundMin: TURNAROUND_MIN },
  }
}

/** Hand assignments of these trips to a crew. */
export const assigned = (
  trips: readonly DayTrip[],
  vehicleId: string | null,
  driverId: string | null,
  dutyId: string | null = null,
): TripAssignment[] => trips.map((t) => ({ instanceId: t.instanceId, vehicleId, driverId, dutyId }))

export function makeTemplate(over: Partial<DutyTemplate> = {}): DutyTemplate {
  return {
    id: 'T1',
    name: '早班',
    weekdays: [1, 2, 3, 4, 5],
    vehicleId: 'V1',
    driverId: 'D1',
    tripIds: ['R1-0700'],
    active: true,
    ...over,
  }
}

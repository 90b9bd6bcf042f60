/**
 * Timetables: the stop pattern of a trip, its instances on a service day, and their times.
 * Pure; the service day is a date in Asia/Shanghai.
 */
import { AppError } from '../errors.js'
import {
  parseCalendar,
  runsOn,
  serviceDate,
  serviceDayStartMs,
  type ServiceCalendar,
  type ServiceDate,
} from '../calendar/index.js'
import type { BookingPolicy, Calendar, Route, RouteStop, ServiceKind, Trip } from './types.js'

export interface InstanceStop {
  seq: number
  stopCode: string
  /** Along this trip's direction of travel, metres. */
  distM: number
  /** Scheduled arrival, epoch ms. */
  arrivalTs: number
}

/** A trip on one service day. */
export interface TripInstance {
  /** `<tripId>_<YYYYMMDD>` */
  id: string
  tripId: string
  routeId: string
  kind: ServiceKind
  serviceDate: ServiceDate
  direction: 0 | 1
  headsign: string
  departureTs: number
  stops: InstanceStop[]
  seats: number
  bookingPolicy: BookingPolicy
  minRiders: number
  bookingCutoffMin: number
}

export function tripInstanceId(tripId: string, date: ServiceDate): string {
  return `${tripId}_${date.replaceAll('-', '')}`
}

export function parseTripInstanceId(id: string): { tripId: string; date: ServiceDate } | null {
  const m = /^(.+)_(\d{4})(\d{2})(\d{2})$/.exec(id)
  if (!m) return null
  try {
    return { tripId: m[1] as string, date: serviceDate(`${m[2]}-${m[3]}-${m[4]}`) }
  } catch {
    return null
  }
}

/** The route's stops in the trip's direction of travel, distances measured that way. */
export function tripPattern(route: Pick<Route, 'stops' | 'lengthM'>, direction: 0 | 1): RouteStop[] {
  if (direction === 0) return route.stops
  return [...route.stops]
    .reverse()
    .map((s, i) => ({ seq: i + 1, stopCode: s.stopCode, distM: Math.round((route.lengthM - s.distM) * 10) / 10 }))
}

/** Checks a trip against its route; returns problems a person can act on (empty when valid). */
export function tripProblems(trip: Trip, route: Pick<Route, 'stops'>): string[] {
  const problems: string[] = []
  if (trip.stopOffsetsS.length !== route.stops.length) {
    problems.push(`stopOffsetsS has ${trip.stopOffsetsS.length} entries but the route has ${route.stops.length} stops`)
  }
  if (trip.stopOffsetsS[0] !== 0) problems.push('stopOffsetsS must start with 0 (departure from the first stop)')
  for (let i = 1; i < trip.stopOffsetsS.length; i++) {
    if ((trip.stopOffsetsS[i] as number) < (trip.stopOffsetsS[i - 1] as number))
      problems.push(`stopOffsetsS must not decrease (stop ${i + 1})`)
  }
  if (trip.departureS < 0 || trip.departureS >= 86_400)
    problems.push('departureS must be within the service day (0–86399)')
  if (trip.bookingPolicy === 'required' && trip.minRiders < 1)
    problems.push('a required-booking trip needs minRiders of at least 1')
  return problems
}

export function instanceOf(trip: Trip, route: Route, date: ServiceDate): TripInstance {
  const departureTs = serviceDayStartMs(date) + trip.departureS * 1000
  const pattern = tripPattern(route, trip.direction)
  return {
    id: tripInstanceId(trip.id, date),
    tripId: trip.id,
    routeId: route.id,
    kind: route.kind,
    serviceDate: date,
    direction: trip.direction,
    headsign: trip.headsign,
    departureTs,
    stops: pattern.map((s, i) => ({ ...s, arrivalTs: departureTs + (trip.stopOffsetsS[i] ?? 0) * 1000 })),
    seats: trip.seats,
    bookingPolicy: trip.bookingPolicy,
    minRiders: trip.minRiders,
    bookingCutoffMin: trip.bookingCutoffMin,
  }
}

/** Every active trip that runs on `date`, as instances in departure order. */
export function instancesOn(
  date: ServiceDate,
  trips: readonly Trip[],
  routes: readonly Route[],
  calendars: readonly Calendar[],
): TripInstance[] {
  const routeById = new Map(routes.map((r) => [r.id, r]))
  const calendarById = new Map<string, ServiceCalendar>()
  for (const c of calendars) calendarById.set(c.id, parsedCalendar(c))
  const out: TripInstance[] = []
  for (const trip of trips) {
    const inst = instanceIf(trip, routeById.get(trip.routeId), calendarById.get(trip.calendarId), date)
    if (inst) out.push(inst)
  }
  return out.sort((a, b) => a.departureTs - b.departureTs || a.id.localeCompare(b.id))
}

/** One trip instance by its id, or null when that trip does not run that day (one calendar read, not all). */
export function instanceById(
  id: string,
  trips: readonly Trip[],
  routes: readonly Route[],
  calendars: readonly Calendar[],
): TripInstance | null {
  const parsed = parseTripInstanceId(id)
  const trip = parsed ? trips.find((t) => t.id === parsed.tripId) : undefined
  if (!parsed || !trip) return null
  const calendar = calendars.find((c) => c.id === trip.calendarId)
  return instanceIf(
    trip,
    routes.find((r) => r.id === trip.routeId),
    calendar && parsedCalendar(calendar),
    parsed.date,
  )
}

function parsedCalendar(c: Calendar): ServiceCalendar {
  try {
    return parseCalendar(c.rules)
  } catch (err) {
    throw new AppError('VALIDATION_FAILED', `calendar ${c.id} is invalid: ${(err as Error).message}`)
  }
}

function instanceIf(
  trip: Trip,
  route: Route | undefined,
  calendar: ServiceCalendar | undefined,
  date: ServiceDate,
): TripInstance | null {
  if (!trip.active || !route || !route.active || !calendar) return null
  return runsOn(calendar, date) ? instanceOf(trip, route, date) : null
}

/** Whole years of service on `date` (a driver card shows it). */
export function yearsOfService(since: ServiceDate, date: ServiceDate): number {
  const [y1, m1, d1] = since.split('-').map(Number) as [number, number, number]
  const [y2, m2, d2] = date.split('-').map(Number) as [number, number, number]
  const years = y2 - y1 - (m2 < m1 || (m2 === m1 && d2 < d1) ? 1 : 0)
  return Math.max(0, years)
}

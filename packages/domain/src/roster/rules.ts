/**
 * What makes a duty runnable: one bus and one driver can be on one trip at a time (with the
 * turnaround after each), a driver stays within the daily driving limit, the bus has the seats
 * already booked, nobody retired, nothing cancelled. Problems are sentences a dispatcher can act on.
 */
import type { TripInstance } from '../network/timetable.js'
import type { Route } from '../network/types.js'
import type { DayTrip, DutyDraft, RosterDay, RosterTrip, RosterTripStatus, TripAssignment } from './types.js'

const MIN_MS = 60_000

/** `HH:MM` in Asia/Shanghai (UTC+8 all year). */
export function clockTime(ts: number): string {
  const d = new Date(ts + 8 * 3_600_000)
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
}

/** `07:00–07:50` */
export const tripSpan = (t: Pick<RosterTrip, 'departureTs' | 'endTs'>): string =>
  `${clockTime(t.departureTs)}–${clockTime(t.endTs)}`

/** A trip instance of the day as the roster sees it. */
export function dayTrip(
  instance: TripInstance,
  route: Pick<Route, 'name' | 'operatorId'>,
  status: RosterTripStatus,
  bookedSeats: number,
): DayTrip {
  return {
    instanceId: instance.id,
    tripId: instance.tripId,
    routeId: instance.routeId,
    routeName: route.name,
    kind: instance.kind,
    headsign: instance.headsign,
    departureTs: instance.departureTs,
    endTs: instance.stops.at(-1)?.arrivalTs ?? instance.departureTs,
    bookedSeats,
    status,
    operatorId: route.operatorId,
    fromStop: instance.stops[0]?.stopCode ?? '',
    toStop: instance.stops.at(-1)?.stopCode ?? '',
    seats: instance.seats,
  }
}

/**
 * Whether one bus or driver cannot run both: their [departure, scheduled end + turnaround]
 * intervals intersect. The next trip may leave exactly `turnaroundMin` after the end.
 */
export function tripsClash(
  a: Pick<RosterTrip, 'departureTs' | 'endTs'>,
  b: Pick<RosterTrip, 'departureTs' | 'endTs'>,
  turnaroundMin: number,
): boolean {
  const gap = turnaroundMin * MIN_MS
  return a.departureTs < b.endTs + gap && b.departureTs < a.endTs + gap
}

/** Scheduled trip time, whole minutes; cancelled trips do not count. */
export function drivingMin(trips: readonly Pick<RosterTrip, 'departureTs' | 'endTs' | 'status'>[]): number {
  return Math.round(drivingMs(trips) / MIN_MS)
}

function drivingMs(trips: readonly Pick<RosterTrip, 'departureTs' | 'endTs' | 'status'>[]): number {
  return trips.reduce((sum, t) => sum + (t.status === 'scheduled' ? t.endTs - t.departureTs : 0), 0)
}

const byDeparture = (a: RosterTrip, b: RosterTrip): number =>
  a.departureTs - b.departureTs || a.instanceId.localeCompare(b.instanceId)

/** The trips of these instance ids that run that day, once each, in departure order. */
export function tripsOf(day: Pick<RosterDay, 'trips'>, instanceIds: readonly string[]): DayTrip[] {
  const out = new Map<string, DayTrip>()
  for (const id of instanceIds) {
    const t = day.trips.get(id)
    if (t) out.set(id, t)
  }
  return [...out.values()].sort(byDeparture)
}

/** Where another trip's crew comes from, for a message. */
const whose = (a: TripAssignment): string => (a.dutyId ? `duty ${a.dutyId}` : 'assigned by hand')

interface Other {
  trip: DayTrip
  assignment: TripAssignment
}

/** The day's assignments other than these instances and this duty's, that run (not cancelled). */
function othersOf(day: RosterDay, mine: ReadonlySet<string>, dutyId: string | null): Other[] {
  const out: Other[] = []
  for (const a of day.assignments) {
    if (mine.has(a.instanceId) || (dutyId !== null && a.dutyId === dutyId)) continue
    const trip = day.trips.get(a.instanceId)
    if (trip && trip.status === 'scheduled') out.push({ trip, assignment: a })
  }
  return out
}

/** One thing wrong with a duty. `key` names it across edits; `amount` says how bad, where that can grow. */
export interface DutyIssue {
  key: string
  message: string
  amount?: number
}

function clashIssues(
  who: string,
  trips: readonly DayTrip[],
  others: readonly Other[],
  turnaroundMin: number,
): DutyIssue[] {
  const issues: DutyIssue[] = []
  for (const t of trips) {
    if (t.status !== 'scheduled') continue
    for (const o of others) {
      if (tripsClash(t, o.trip, turnaroundMin)) {
        issues.push({
          key: `clash:${who}:${t.instanceId}:${o.trip.instanceId}`,
          message: `${who} is already on trip ${o.trip.instanceId} (${tripSpan(o.trip)}, ${whose(o.assignment)}) when trip ${t.instanceId} (${tripSpan(t)}) runs`,
        })
      }
    }
  }
  return issues
}

export interface DutyCheckOptions {
  /** The duty being changed: its own trips are not "other" trips. */
  dutyId?: string | null
}

/** Everything that stops this crew from running these trips on the day; empty when it can. */
export function dutyIssues(draft: DutyDraft, day: RosterDay, opts: DutyCheckOptions = {}): DutyIssue[] {
  const issues: DutyIssue[] = []
  const add = (key: string, message: string, amount?: number): void => {
    issues.push(amount === undefined ? { key, message } : { key, message, amount })
  }
  const { turnaroundMin, dailyDrivingMin } = day.limits
  const vehicle = day.vehicles.get(draft.vehicleId)
  const driver = day.drivers.get(draft.driverId)
  if (!vehicle) add(`vehicle:${draft.vehicleId}`, `vehicle ${draft.vehicleId} does not exist`)
  else if (vehicle.status !== 'active')
    add(`vehicle:${vehicle.id}`, `vehicle ${vehicle.id} is retired; choose another vehicle`)
  if (!driver) add(`driver:${draft.driverId}`, `driver ${draft.driverId} does not exist`)
  else if (driver.status !== 'active')
    add(`driver:${driver.id}`, `driver ${driver.id} is retired; choose another driver`)
  for (const id of new Set(draft.instanceIds)) {
    if (!day.trips.has(id)) add(`unknown:${id}`, `trip ${id} does not run on ${day.date}`)
  }

  const trips = tripsOf(day, draft.instanceIds)
  for (const t of trips) {
    if (t.status === 'cancelled')
      add(`cancelled:${t.instanceId}`, `trip ${t.instanceId} (${tripSpan(t)}) is cancelled; take it out of the duty`)
  }
  const running = trips.filter((t) => t.status === 'scheduled')
  for (let i = 0; i < running.length; i++) {
    for (let j = i + 1; j < running.length; j++) {
      const a = running[i] as DayTrip
      const b = running[j] as DayTrip
      if (tripsClash(a, b, turnaroundMin)) {
        add(
          `overlap:${a.instanceId}:${b.instanceId}`,
          `trips ${a.instanceId} (${tripSpan(a)}) and ${b.instanceId} (${tripSpan(b)}) overlap: the bus and driver need ${turnaroundMin} min after a trip's scheduled end`,
        )
      }
    }
  }
  if (vehicle) {
    for (const t of running) {
      if (t.bookedSeats > vehicle.seats)
        add(
          `seats:${t.instanceId}`,
          `vehicle ${vehicle.id} has ${vehicle.seats} seats but trip ${t.instanceId} (${tripSpan(t)}) has ${t.bookedSeats} seats booked`,
          t.bookedSeats - vehicle.seats,
        )
    }
  }

  const others = othersOf(day, new Set(draft.instanceIds), opts.dutyId ?? null)
  issues.push(
    ...clashIssues(
      `vehicle ${draft.vehicleId}`,
      running,
      others.filter((o) => o.assignment.vehicleId === draft.vehicleId),
      turnaroundMin,
    ),
  )
  const driverOthers = others.filter((o) => o.assignment.driverId === draft.driverId)
  issues.push(...clashIssues(`driver ${draft.driverId}`, running, driverOthers, turnaroundMin))

  const ownMs = drivingMs(running)
  const otherMs = drivingMs(driverOthers.map((o) => o.trip))
  if (ownMs + otherMs > dailyDrivingMin * MIN_MS) {
    const total = Math.round((ownMs + otherMs) / MIN_MS)
    const split =
      otherMs > 0
        ? ` (this duty ${Math.round(ownMs / MIN_MS)} min, other trips ${Math.round(otherMs / MIN_MS)} min)`
        : ''
    add(
      `limit:${draft.driverId}`,
      `driver ${draft.driverId} would drive ${total} min on ${day.date}${split}; the daily limit is ${dailyDrivingMin} min`,
      total,
    )
  }
  return issues
}

/** The messages of `dutyIssues`. */
export const dutyProblems = (draft: DutyDraft, day: RosterDay, opts: DutyCheckOptions = {}): string[] =>
  dutyIssues(draft, day, opts).map((i) => i.message)

/**
 * What a change makes worse: issues it brings that were not there, or that grew (more minutes
 * over the limit, more seats short). A change that leaves an old problem as it was, or shrinks
 * it, is not refused for it: taking a cancelled trip out of a duty must be possible.
 */
export function worsened(before: readonly DutyIssue[], after: readonly DutyIssue[]): DutyIssue[] {
  const was = new Map(before.map((i) => [i.key, i]))
  return after.filter((i) => {
    const old = was.get(i.key)
    return !old || (i.amount ?? 0) > (old.amount ?? 0)
  })
}

/**
 * Setting a trip's vehicle and driver by hand: refused when either is already on an overlapping
 * trip that day. (The duty rules are the roster's; a hand assignment only must not double-book.)
 */
export function assignmentProblems(
  instanceId: string,
  vehicleId: string | null,
  driverId: string | null,
  day: RosterDay,
): string[] {
  const trip = day.trips.get(instanceId)
  if (!trip || trip.status !== 'scheduled') return []
  const others = othersOf(day, new Set([instanceId]), null)
  return [
    ...(vehicleId
      ? clashIssues(
          `vehicle ${vehicleId}`,
          [trip],
          others.filter((o) => o.assignment.vehicleId === vehicleId),
          day.limits.turnaroundMin,
        )
      : []),
    ...(driverId
      ? clashIssues(
          `driver ${driverId}`,
          [trip],
          others.filter((o) => o.assignment.driverId === driverId),
          day.limits.turnaroundMin,
        )
      : []),
  ].map((i) => i.message)
}

/** The instances of the day nobody runs: in no duty, with no vehicle and no driver. */
export function uncoveredTrips(day: Pick<RosterDay, 'trips' | 'assignments'>): DayTrip[] {
  const taken = new Set(
    day.assignments
      .filter((a) => a.dutyId !== null || a.vehicleId !== null || a.driverId !== null)
      .map((a) => a.instanceId),
  )
  return [...day.trips.values()].filter((t) => !taken.has(t.instanceId)).sort(byDeparture)
}

/** The day with these duties' trips assigned to their crews (as if written). */
export function withDuties(day: RosterDay, duties: readonly (DutyDraft & { dutyId?: string | null })[]): RosterDay {
  const moved = new Map<string, TripAssignment>()
  duties.forEach((d, i) => {
    for (const id of d.instanceIds)
      moved.set(id, {
        instanceId: id,
        vehicleId: d.vehicleId,
        driverId: d.driverId,
        dutyId: d.dutyId ?? `new-${i + 1}`,
      })
  })
  return { ...day, assignments: [...day.assignments.filter((a) => !moved.has(a.instanceId)), ...moved.values()] }
}

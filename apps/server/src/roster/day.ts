/**
 * A service day as the roster rules see it, read in whatever transaction the caller holds: the
 * day's trip instances (from the cached network) with their status, seats booked and crew (from
 * the database), and the vehicles and drivers. Also how a duty and a trip read on the wire.
 */
import {
  dayTrip,
  drivingMin,
  dutyProblems,
  instancesOn,
  segmentLoads,
  tripsOf,
  type DayTrip,
  type DutyView,
  type NetworkSnapshot,
  type RosterDay,
  type RosterLimits,
  type RosterTrip,
  type ServiceDate,
  type TripAssignment,
} from '@rb/domain'
import { networkRepo, rosterRepo, type Queryable, type StoredDuty } from '@rb/db'

export async function loadRosterDay(
  q: Queryable,
  net: NetworkSnapshot,
  date: ServiceDate,
  limits: RosterLimits,
): Promise<RosterDay> {
  const instances = instancesOn(date, net.trips, net.routes, net.calendars)
  const states = await networkRepo.instanceStatesOn(q, date)
  const dutyOf = await rosterRepo.dutyOfInstances(q, date)
  const held = await rosterRepo.heldSeats(
    q,
    instances.map((i) => i.id),
  )
  const heldBy = new Map<string, typeof held>()
  for (const h of held) heldBy.set(h.tripInstanceId, [...(heldBy.get(h.tripInstanceId) ?? []), h])
  const stateOf = new Map(states.map((s) => [s.id, s]))
  const routes = new Map(net.routes.map((r) => [r.id, r]))
  const trips = new Map<string, DayTrip>()
  for (const i of instances) {
    const route = routes.get(i.routeId)
    if (!route) continue
    const loads = segmentLoads(
      i.stops.length,
      (heldBy.get(i.id) ?? []).map((h) => ({ ...h, status: 'confirmed' as const })),
    )
    trips.set(i.id, dayTrip(i, route, stateOf.get(i.id)?.status ?? 'scheduled', Math.max(0, ...loads)))
  }
  const assignments: TripAssignment[] = states
    .filter((s) => s.vehicleId !== null || s.driverId !== null || dutyOf.has(s.id))
    .map((s) => ({ instanceId: s.id, vehicleId: s.vehicleId, driverId: s.driverId, dutyId: dutyOf.get(s.id) ?? null }))
  return {
    date,
    trips,
    assignments,
    vehicles: new Map(net.vehicles.map((v) => [v.id, v])),
    drivers: new Map(net.drivers.map((d) => [d.id, d])),
    limits,
  }
}

export const rosterTripView = (t: RosterTrip): RosterTrip => ({
  instanceId: t.instanceId,
  tripId: t.tripId,
  routeId: t.routeId,
  routeName: t.routeName,
  kind: t.kind,
  headsign: t.headsign,
  departureTs: t.departureTs,
  endTs: t.endTs,
  bookedSeats: t.bookedSeats,
  status: t.status,
})

export function dutyView(duty: StoredDuty, day: RosterDay): DutyView {
  const trips = tripsOf(day, duty.instanceIds)
  return {
    id: duty.id,
    date: duty.date,
    vehicleId: duty.vehicleId,
    driverId: duty.driverId,
    note: duty.note,
    trips: trips.map(rosterTripView),
    drivingMin: drivingMin(trips),
    startTs: trips[0]?.departureTs ?? null,
    endTs: trips.length > 0 ? Math.max(...trips.map((t) => t.endTs)) : null,
    problems: dutyProblems({ vehicleId: duty.vehicleId, driverId: duty.driverId, instanceIds: duty.instanceIds }, day, {
      dutyId: duty.id,
    }),
  }
}

/** Duties by first departure (empty ones last), then id. */
export const byStart = (a: DutyView, b: DutyView): number =>
  (a.startTs ?? Infinity) - (b.startTs ?? Infinity) || a.id.localeCompare(b.id)

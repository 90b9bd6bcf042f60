/**
 * The trips parcels may ride, as the routing rules see them: trip instances of today and the next
 * two days with their status, their bus's parcel room (its own figures, else the default) and what
 * rides on them already. Read outside any transaction; a change re-checks the room under lock.
 */
import {
  addDays,
  DEFAULT_PARCEL_CAPACITY,
  serviceDayOf,
  type RidingLeg,
  type RoutingTrip,
  type Tariff,
} from '@rb/domain'
import { parcelsRepo, type Queryable, type RidingRow } from '@rb/db'
import type { NetworkService, TripInstanceView } from '../network/service.js'

/** Days looked ahead for a trip (today and the next two). */
export const HORIZON_DAYS = 3

export interface TripTable {
  trips: RoutingTrip[]
  byId: Map<string, TripInstanceView>
}

export const ridingLegs = (rows: readonly RidingRow[], tariff: Tariff): Map<string, RidingLeg[]> => {
  const out = new Map<string, RidingLeg[]>()
  for (const r of rows)
    out.set(r.tripInstanceId, [
      ...(out.get(r.tripInstanceId) ?? []),
      { fromSeq: r.fromSeq, toSeq: r.toSeq, slots: tariff.sizes[r.sizeClass].slots, kg: r.weightKg },
    ])
  return out
}

export async function tripTable(
  q: Queryable,
  network: NetworkService,
  tariff: Tariff,
  now: number,
  exceptParcelId: number | null = null,
): Promise<TripTable> {
  const today = serviceDayOf(now)
  const instances: TripInstanceView[] = []
  for (let d = 0; d < HORIZON_DAYS; d++) instances.push(...(await network.instancesOn(addDays(today, d))))
  const live = instances.filter((i) => (i.stops.at(-1)?.arrivalTs ?? i.departureTs) >= now)
  const caps = await parcelsRepo.capacities(q, [
    ...new Set(live.map((i) => i.vehicleId).filter((v): v is string => v !== null)),
  ])
  const riding = ridingLegs(
    await parcelsRepo.ridingOn(
      q,
      live.map((i) => i.id),
      exceptParcelId,
    ),
    tariff,
  )
  return {
    byId: new Map(live.map((i) => [i.id, i])),
    trips: live.map((i) => ({
      id: i.id,
      routeId: i.routeId,
      status: i.status,
      stops: i.stops,
      capacity: (i.vehicleId ? caps.get(i.vehicleId) : undefined) ?? DEFAULT_PARCEL_CAPACITY,
      riding: riding.get(i.id) ?? [],
    })),
  }
}

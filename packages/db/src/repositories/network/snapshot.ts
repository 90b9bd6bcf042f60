/** The whole network at once: read for timetable computations, written by seeding and GTFS import. */
import type { NetworkSnapshot } from '@rb/domain'
import type { Queryable } from '../../port.js'
import { listOperators, listTownships, listStops, upsertOperator, upsertStop, upsertTownship } from './places.js'
import { allRoutes, saveRoute } from './routes.js'
import { listCalendars, listTrips, saveCalendar, saveTrip } from './timetable.js'
import { listDrivers, listVehicles, saveDriver, saveVehicle } from './fleet.js'
import { listFrequencies, saveFrequency } from './gtfs-import.js'

const ALL = { limit: 1_000_000, offset: 0 }

export async function loadNetwork(q: Queryable): Promise<NetworkSnapshot> {
  return {
    operators: await listOperators(q),
    townships: await listTownships(q),
    stops: (await listStops(q, ALL)).items,
    routes: await allRoutes(q),
    calendars: await listCalendars(q),
    trips: await listTrips(q, { includeRetired: true }),
    vehicles: (await listVehicles(q, ALL)).items,
    drivers: (await listDrivers(q, ALL)).items,
    frequencies: await listFrequencies(q),
  }
}

/** Upserts everything in dependency order (run it inside a transaction). */
export async function saveNetwork(q: Queryable, net: NetworkSnapshot): Promise<void> {
  for (const o of net.operators) await upsertOperator(q, o)
  for (const t of net.townships) await upsertTownship(q, t)
  for (const s of net.stops) await upsertStop(q, s)
  for (const r of net.routes) await saveRoute(q, r)
  for (const c of net.calendars) await saveCalendar(q, c)
  for (const t of net.trips) await saveTrip(q, t)
  for (const v of net.vehicles) await saveVehicle(q, v)
  for (const d of net.drivers) await saveDriver(q, d)
  for (const f of net.frequencies ?? []) await saveFrequency(q, f)
}

export async function networkIsEmpty(q: Queryable): Promise<boolean> {
  const r = await q.query<{ n: number }>('SELECT (SELECT count(*) FROM stop) + (SELECT count(*) FROM route) AS n')
  return Number(r.rows[0]?.n ?? 0) === 0
}

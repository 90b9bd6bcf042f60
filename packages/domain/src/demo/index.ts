/**
 * The demo county: a plausible network for 叙永县 (Xuyong) that a newcomer sees after the first
 * start — townships, numbered stop signs on winding mountain roads, market-day, student, medical
 * and people's-line routes with timetables, buses and drivers. Pure and deterministic: the same
 * seed gives the same county; nothing reads the clock.
 */
import type { NetworkSnapshot } from '../network/types.js'
import { calendars } from './calendars.js'
import { drivers, vehicles } from './fleet.js'
import { buildRoads } from './network.js'
import { mulberry32 } from './rng.js'
import { ROUTE_SPECS, buildRoutes } from './routes.js'
import { placeStops } from './stops.js'
import { buildTrips } from './timetables.js'
import { operators, townships } from './townships.js'

export const DEFAULT_DEMO_SEED = 20_260_901

export interface DemoCountyOptions {
  /** Any integer; the same seed always gives the same county. */
  seed?: number
}

export function demoCounty(opts: DemoCountyOptions = {}): NetworkSnapshot {
  const rng = mulberry32(opts.seed ?? DEFAULT_DEMO_SEED)
  const net = buildRoads(rng.fork('roads'))
  const layout = placeStops(rng.fork('stops'), net)
  const routes = buildRoutes(rng.fork('routes'), net, layout)
  return {
    operators: operators(),
    townships: townships(),
    stops: layout.stops,
    routes,
    calendars: calendars(),
    trips: buildTrips(rng.fork('trips'), routes, ROUTE_SPECS, layout.stops),
    vehicles: vehicles(rng.fork('vehicles')),
    drivers: drivers(rng.fork('drivers')),
  }
}

export { COUNTY_PREFIX, DEMO_REFERENCE_DATE, SEAT } from './townships.js'
export {
  CAL_DAILY,
  CAL_MEDICAL,
  CAL_SCHOOL,
  CAL_SCHOOL_FRIDAY,
  CAL_SCHOOL_MONDAY,
  SCHOOL_TERMS,
  marketCalendarId,
} from './calendars.js'
export { STOP_TOLERANCE_M } from './routes.js'
export { demoDutyTemplates } from './duties.js'
export { demoGeofences } from './geofences.js'
export { mulberry32, type Rng } from './rng.js'
export { demoPostPoints, DEMO_STATION_NAME, DEMO_STATION_STOP } from './post-points.js'
export { demoStudents, type DemoSchool } from './students.js'
export { demoBasemap, holdsDemoCounty, villageOf, type BasemapLayers, type BasemapLayerName } from './basemap/index.js'

import { demoCounty, demoDutyTemplates, demoGeofences } from '@rb/domain'
import { geofencesRepo, networkRepo, rosterRepo, type Db } from '@rb/db'
import type { NetworkService } from './service.js'

/**
 * Loads the demo county into an empty embedded database, so a newcomer's first start shows a
 * whole network — its weekly duty templates, from which each day's roster is made, and a few
 * geofences (depot, hospital, school, market town, a winding road, a student corridor). Never
 * touches a database that has any stop or route, nor a real PostgreSQL.
 */
export async function seedDemoCounty(
  db: Db,
  network: NetworkService,
  log: { info(obj: object, msg: string): void },
): Promise<boolean> {
  if (db.kind !== 'embedded' || !(await networkRepo.networkIsEmpty(db))) return false
  const net = demoCounty()
  await network.importNetwork(net)
  const templates = demoDutyTemplates(net)
  const fences = demoGeofences(net)
  await db.transaction(async (tx) => {
    for (const t of templates) await rosterRepo.saveTemplate(tx, t)
    for (const g of fences) await geofencesRepo.saveGeofence(tx, g)
  })
  log.info(
    {
      stops: net.stops.length,
      routes: net.routes.length,
      trips: net.trips.length,
      vehicles: net.vehicles.length,
      drivers: net.drivers.length,
      dutyTemplates: templates.length,
      geofences: fences.length,
    },
    'demo county loaded into the empty embedded database',
  )
  return true
}

import { demoCounty } from '@rb/domain'
import { networkRepo, type Db } from '@rb/db'
import type { NetworkService } from './service.js'

/**
 * Loads the demo county into an empty embedded database, so a newcomer's first start shows a
 * whole network. Never touches a database that has any stop or route, nor a real PostgreSQL.
 */
export async function seedDemoCounty(db: Db, network: NetworkService, log: { info(obj: object, msg: string): void }): Promise<boolean> {
  if (db.kind !== 'embedded' || !(await networkRepo.networkIsEmpty(db))) return false
  const net = demoCounty()
  await network.importNetwork(net)
  log.info({ stops: net.stops.length, routes: net.routes.length, trips: net.trips.length, vehicles: net.vehicles.length, drivers: net.drivers.length }, 'demo county loaded into the empty embedded database')
  return true
}

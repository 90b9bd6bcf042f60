/** Geofences: the live stage, its start (fences and route kinds read, kept fresh), the HTTP routes. */
import type { LiveAlert, ServiceKind } from '@rb/domain'
import type { Db } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import { GeofenceStage } from './stage.js'

export { GeofenceStage, type GeofenceStageDeps } from './stage.js'
export { geofenceRoutes } from './routes.js'

export async function startGeofences(o: {
  db: Db
  network: NetworkService
  /** The route a vehicle runs now, from the tracking engine. */
  routeOf(vehicleId: string): string | null
  publishAlerts(alerts: LiveAlert[]): void
  log: { warn(obj: object, msg: string): void }
}): Promise<GeofenceStage> {
  const kinds = new Map<string, ServiceKind>()
  const readKinds = async (): Promise<void> => {
    const net = await o.network.snapshot()
    kinds.clear()
    for (const r of net.routes) kinds.set(r.id, r.kind)
  }
  const stage = new GeofenceStage({
    db: o.db,
    kindOf: (id) => kinds.get(o.routeOf(id) ?? '') ?? null,
    publishAlerts: o.publishAlerts,
    log: o.log,
  })
  await Promise.all([readKinds(), stage.reload()])
  o.network.onChange(
    () =>
      void readKinds().catch((err: Error) => o.log.warn({ err: err.message }, 'geofences: could not read the routes')),
  )
  return stage
}

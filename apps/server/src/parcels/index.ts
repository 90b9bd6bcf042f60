/**
 * The parcel module as the composition root builds it: the service, its views, what a cancelled
 * trip does to the parcels waiting for it (at once, and a sweep for what a stopped server left).
 */
import { randomInt } from 'node:crypto'
import { addDays, DEMO_STATION_STOP, serviceDayOf } from '@rb/domain'
import { parcelsRepo, type Db } from '@rb/db'
import type { NetworkService, InstanceCancelled } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'
import { Ticker } from '../booking/ticker.js'
import { ParcelService, SYSTEM } from './service.js'
import { ParcelViews } from './views.js'
import { DEMO_STATION_NAME, DemoClerk } from './demo.js'

export { parcelRoutes } from './routes.js'
export { trackPageRoutes } from './track-page.js'
export { ParcelService } from './service.js'
export { seedDemoParcels } from './demo.js'

const SWEEP_MS = 60_000

export interface ParcelLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface ParcelModule {
  service: ParcelService
  views: ParcelViews
  /** Give to NetworkService.onCancel: the parcels waiting for a cancelled trip move to the next one. */
  onCancelled(e: InstanceCancelled): Promise<void>
  /** Cancelled trips of yesterday to tomorrow with parcels still waiting for them: moved now. */
  sweep(): Promise<void>
  close(): Promise<void>
}

export interface ParcelModuleDeps {
  db: Db
  network: NetworkService
  tracking: TrackingHost
  prefix: string
  publicUrl: string
  /** Called after a change wrote texts (kicks the notification outbox). */
  onMessages: () => void
  log: ParcelLog
  /** Minutes a keeper needs between two buses at a township station (default 15). */
  minTransferMin?: number
  /** A bus's newest position held in memory by the live branch. */
  livePosition?: (vehicleId: string) => { lng: number; lat: number; ts: number } | null
  /** Run the demo clerk (the demo county with its simulated fleet); it acts only on the demo's own parcels. */
  demoClerk?: boolean
}

export function startParcels(d: ParcelModuleDeps): ParcelModule {
  const service = new ParcelService({
    db: d.db,
    network: d.network,
    tracking: d.tracking,
    prefix: d.prefix,
    publicUrl: d.publicUrl,
    randomInt,
    onMessages: d.onMessages,
    minTransferMs: (d.minTransferMin ?? 15) * 60_000,
    ...(d.livePosition ? { livePosition: d.livePosition } : {}),
  })
  const views = new ParcelViews(service, d.network)
  const move = async (tripInstanceId: string, by: string | null): Promise<void> => {
    const r = await service.moveOff(tripInstanceId, SYSTEM)
    if (r.moved.length + r.stranded.length > 0)
      d.log.info(
        { tripInstanceId, moved: r.moved, stranded: r.stranded, by },
        'trip cancelled: its parcels ride other trips; keepers told',
      )
  }
  const sweep = async (): Promise<void> => {
    const today = serviceDayOf(service.now())
    const cancelled: string[] = []
    for (const day of [addDays(today, -1), today, addDays(today, 1)])
      cancelled.push(...(await d.network.instancesOn(day)).filter((i) => i.status === 'cancelled').map((i) => i.id))
    for (const id of await parcelsRepo.tripsWithWaitingLegs(d.db, cancelled)) await move(id, null)
  }
  const ticker = new Ticker(sweep, (err) =>
    d.log.error({ err: err.message }, 'parcel sweep of cancelled trips failed; will retry'),
  )
  ticker.start(SWEEP_MS)
  const clerk = d.demoClerk ? new DemoClerk(service, d.db, d.log) : undefined
  // Only on the demo county's own post office (its county station is the marker).
  if (clerk)
    void parcelsRepo.getPostPoint(d.db, DEMO_STATION_STOP).then(
      (p) => p?.name === DEMO_STATION_NAME && clerk.start(),
      () => undefined,
    )
  return {
    service,
    views,
    async onCancelled(e) {
      // Never throws: the trip is cancelled already; what fails here is left to the sweep.
      try {
        await move(e.trip.id, e.by)
      } catch (err) {
        d.log.error(
          { tripInstanceId: e.trip.id, err: (err as Error).message },
          'parcels of a cancelled trip not moved yet; the sweep will retry',
        )
      }
    },
    sweep,
    async close() {
      await clerk?.stop()
      await ticker.stop()
    },
  }
}

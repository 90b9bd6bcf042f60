/**
 * The repair report module as the composition root builds it: the photo store, the service, and
 * the live pushes of its changes (alerts to dispatchers, stop status to dispatchers and the stop's page).
 */
import { randomInt } from 'node:crypto'
import type { Db } from '@rb/db'
import type { Config } from '../config.js'
import type { LiveHub } from '../live/hub.js'
import type { NetworkService } from '../network/service.js'
import { createPhotoStore } from './photo-store.js'
import { ReportService, type StepHook } from './service.js'

export { reportRoutes, type ReportRoutesOptions } from './routes.js'
export type { ReportService, StepHook } from './service.js'

export interface ReportModuleDeps {
  config: Pick<
    Config,
    'reportPhotoStore' | 'uploadsDir' | 'dataDir' | 'redisUrl' | 'reportPhotoMaxMegapixels' | 'reportPhotoMaxSidePx'
  >
  db: Db
  hub: LiveHub
  network: NetworkService
  log: { info(obj: object, msg: string): void }
  /** Grid reporters' points, written in each staff step's transaction. */
  stepHook?: StepHook
}

export function startReports(deps: ReportModuleDeps): ReportService {
  const photos = createPhotoStore(deps.config, deps.db)
  const service = new ReportService({
    db: deps.db,
    photos,
    randomInt,
    stepHook: deps.stepHook,
    photoLimits: {
      maxSidePx: deps.config.reportPhotoMaxSidePx,
      maxPixels: deps.config.reportPhotoMaxMegapixels * 1_000_000,
    },
    events: {
      alerts: (alerts) => deps.hub.publishAlerts(alerts),
      // Rare (a sign changes status a few times a day): sent at once, not staged for the tick.
      stopStatus: (change) => void deps.hub.io.to(['all', `stop:${change.stopCode}`]).emit('stopStatus', [change]),
    },
    // The network's cached snapshot holds stop statuses (GTFS export, sign sheets).
    onStopChanged: () => deps.network.changed(),
  })
  deps.log.info(
    { photos: photos.kind === 'file' ? `files in ${photos.dir}` : 'in the database' },
    'repair reports: ready',
  )
  return service
}

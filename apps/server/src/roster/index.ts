/**
 * The roster module as the composition root builds it: the service, and the background job that
 * gives today and tomorrow a roster when they have none (ROSTER_AUTO).
 */
import type { Db } from '@rb/db'
import type { Config } from '../config.js'
import type { NetworkService } from '../network/service.js'
import { RosterAutoJob, type RosterAutoLog } from './auto.js'
import { RosterService } from './service.js'

export { rosterRoutes } from './routes.js'
export type { RosterService } from './service.js'

export interface RosterModule {
  service: RosterService
  /** The automatic roster, unless ROSTER_AUTO=off. */
  auto: RosterAutoJob | undefined
  close(): Promise<void>
}

/** Builds the module; with ROSTER_AUTO on, today's and tomorrow's rosters exist when it resolves (or the failure is logged). */
export async function startRoster(deps: {
  config: Pick<Config, 'rosterAuto' | 'rosterDrivingLimitMin'>
  db: Db
  network: NetworkService
  log: RosterAutoLog
  /** The daily driving limit now (the county's settings, changed without a restart); default ROSTER_DRIVING_LIMIT_MIN. */
  drivingLimitMin?: () => number
}): Promise<RosterModule> {
  const { config } = deps
  const service = new RosterService({
    db: deps.db,
    network: deps.network,
    drivingLimitMin: deps.drivingLimitMin ?? (() => config.rosterDrivingLimitMin),
  })
  const auto = config.rosterAuto ? new RosterAutoJob(service, deps.log) : undefined
  await auto?.start()
  return {
    service,
    auto,
    async close() {
      await auto?.stop()
    },
  }
}

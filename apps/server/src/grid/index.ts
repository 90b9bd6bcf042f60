/** Grid reporters as the composition root builds them (docs/engagement.md#grid-reporters). */
import { randomInt } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Db } from '@rb/db'
import type { GridPointsSettings } from '@rb/domain'
import { GridService } from './service.js'
import { gridRoutes } from './routes.js'

export { seedDemoGrid } from './demo.js'
export type { GridService } from './service.js'

export interface GridModule {
  service: GridService
  register(app: FastifyInstance, publicRatePerMin: number): Promise<void>
}

export function startGrid(d: { db: Db; rule: () => GridPointsSettings; kickOutbox: () => void }): GridModule {
  const service = new GridService({ db: d.db, rule: d.rule, randomInt, kickOutbox: d.kickOutbox })
  return {
    service,
    register: async (app, publicRatePerMin) => {
      await app.register(gridRoutes, { grid: service, publicRatePerMin })
    },
  }
}

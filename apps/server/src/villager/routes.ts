/**
 * The stop page's days ahead, public: GET /api/stops/:code/ahead (what the page lists after its
 * live departures, with booking states, market days and the hotline) and
 * GET /api/stops/:code/timetable (7 days of the stop by route).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, STOP_CODE_PATTERN } from '@rb/domain'
import type { AheadData, StopTimetable } from '@rb/villager/ssr'
import { ErrorResponse } from '../http/schemas.js'
import type { NetworkService } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'
import type { StopSchedule } from './schedule.js'

export interface ScheduleRoutesOptions {
  network: NetworkService
  tracking: TrackingHost
  schedule: StopSchedule
  now?: () => number
}

const StopParam = Type.Object({ code: Type.String({ pattern: STOP_CODE_PATTERN, examples: ['XY-0421'] }) })
const Open = Type.Object({}, { additionalProperties: true })

export const scheduleRoutes: FastifyPluginAsyncTypebox<ScheduleRoutesOptions> = async (
  app,
  { network, tracking, schedule, now = Date.now },
) => {
  const common = { tags: ['villager'] }
  const PUBLIC = { access: 'public' as const }

  async function requireStop(code: string): Promise<void> {
    if (!(await network.snapshot()).stops.some((s) => s.code === code))
      throw new AppError('STOP_NOT_FOUND', `no stop sign ${code}`)
  }

  app.get(
    '/api/stops/:code/ahead',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary:
          "A stop's departures after the live ones (rest of today, tomorrow, bookable trips further ahead), their booking states, market days and the hotline",
        params: StopParam,
        response: { 200: Open, 404: ErrorResponse },
      },
    },
    async (req): Promise<AheadData> => {
      await requireStop(req.params.code)
      const t = now()
      return schedule.ahead(req.params.code, tracking.arrivals(req.params.code, undefined, t), t)
    },
  )

  app.get(
    '/api/stops/:code/timetable',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary:
          "A stop's timetable for the next 7 days by route, with lunar dates, next market days, and which departures can be booked now",
        params: StopParam,
        response: { 200: Open, 404: ErrorResponse },
      },
    },
    async (req): Promise<StopTimetable> => {
      await requireStop(req.params.code)
      return schedule.timetable(req.params.code, now())
    },
  )
}

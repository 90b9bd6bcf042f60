import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { downsampleTrack } from '@rb/geo'
import { telemetryRepo, type Db } from '@rb/db'
import type { LatestState } from '../live/latest-state.js'
import { ErrorResponse, IsoTime, VehicleIdParam } from '../http/schemas.js'

export interface TelemetryRoutesOptions {
  db: Db
  latest: LatestState
  now?: () => number
}

const LatestPosition = Type.Object({
  vehicleId: Type.String(),
  ts: IsoTime,
  lng: Type.Number(),
  lat: Type.Number(),
  speedKmh: Type.Number(),
  headingDeg: Type.Number(),
  accM: Type.Union([Type.Null(), Type.Number()]),
  odoM: Type.Union([Type.Null(), Type.Number()]),
  source: Type.String(),
  online: Type.Union([Type.Null(), Type.Boolean()]),
})

const MAX_RANGE_MS = 31 * 86_400_000
/** Rows read for one track before it is downsampled: a day at 1 Hz is 86,400. */
const MAX_TRACK_ROWS = 200_000

export const telemetryRoutes: FastifyPluginAsyncTypebox<TelemetryRoutesOptions> = async (app, opts) => {
  const now = opts.now ?? Date.now

  app.get(
    '/api/vehicles/positions',
    {
      schema: {
        summary: 'Latest position of every vehicle (from memory)',
        tags: ['telemetry'],
        response: { 200: Type.Object({ items: Type.Array(LatestPosition) }) },
      },
    },
    async () => ({
      items: opts.latest.positions().map(({ vehicleId, position, online }) => {
        const p = position as NonNullable<typeof position>
        return {
          vehicleId,
          ts: new Date(p.ts).toISOString(),
          lng: p.lng,
          lat: p.lat,
          speedKmh: p.speedKmh,
          headingDeg: p.headingDeg,
          accM: p.accM,
          odoM: p.odoM,
          source: p.source,
          online,
        }
      }),
    }),
  )

  app.get(
    '/api/vehicles/:id/track',
    {
      schema: {
        summary: "A vehicle's stored positions in a time range, oldest first",
        description:
          'Points are [epoch ms, lng, lat, speed km/h, heading deg]. Defaults to the last 24 h; at most 31 days. ' +
          'With maxPoints the track is downsampled (largest-triangle-three-buckets) to at most that many points.',
        tags: ['telemetry'],
        params: VehicleIdParam,
        querystring: Type.Object({
          from: Type.Optional(IsoTime),
          to: Type.Optional(IsoTime),
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: MAX_TRACK_ROWS })),
        }),
        response: {
          200: Type.Object({
            vehicleId: Type.String(),
            from: IsoTime,
            to: IsoTime,
            count: Type.Integer(),
            downsampled: Type.Boolean(),
            points: Type.Array(Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number(), Type.Number()])),
          }),
          400: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      const toMs = request.query.to ? Date.parse(request.query.to) : now()
      const fromMs = request.query.from ? Date.parse(request.query.from) : toMs - 86_400_000
      if (!(fromMs < toMs)) throw new AppError('BAD_TIME_RANGE', '`from` must be before `to`')
      if (toMs - fromMs > MAX_RANGE_MS) throw new AppError('BAD_TIME_RANGE', 'a track covers at most 31 days; ask for a shorter range')
      const rows = await telemetryRepo.queryTrack(opts.db, id, fromMs, toMs, MAX_TRACK_ROWS + 1)
      const limit = Math.min(request.query.maxPoints ?? MAX_TRACK_ROWS, MAX_TRACK_ROWS)
      const points = rows.length > limit ? downsampleTrack(rows, limit) : rows
      return {
        vehicleId: id,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        count: points.length,
        downsampled: points.length < rows.length,
        points,
      }
    },
  )
}

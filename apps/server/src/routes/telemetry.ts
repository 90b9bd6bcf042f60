import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { downsampleTrack } from '@rb/geo'
import { telemetryRepo, type Db } from '@rb/db'
import { encodeTrack, TRACK_ENCODING } from '@rb/protocol'
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
/** Most points of one track answer (a day at 1 Hz is 86,400); more are downsampled to it. */
const MAX_TRACK_ROWS = 200_000
/** Points per wanted point that the database thins a long track to before LTTB picks. */
const SAMPLE_FACTOR = 4

/** Sends JSON text made elsewhere (the database) as it is: a string bypasses the response serializer. */
function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json)
}

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

  const TrackMeta = {
    vehicleId: Type.String(),
    from: IsoTime,
    to: IsoTime,
    count: Type.Integer(),
    downsampled: Type.Boolean(),
  }
  const Column = Type.Array(Type.Integer())
  app.get(
    '/api/vehicles/:id/track',
    {
      schema: {
        summary: "A vehicle's stored positions in a time range, oldest first",
        description:
          'Defaults to the last 24 h; at most 31 days. `format=points` (default): `points` are [epoch ms, lng, lat, speed km/h, heading deg]. ' +
          '`format=compact`: one integer array per field (`encoding: delta-int-v1`): `t` epoch ms and `lng`/`lat` micro-degrees as differences from the point before ' +
          '(the first absolute), `speed` in 0.1 km/h, `heading` in degrees — about a fifth of the size, and what the console reads. ' +
          `With maxPoints the track is downsampled to at most that many points: the database keeps about ${SAMPLE_FACTOR}×maxPoints of them evenly by count ` +
          '(first and last included), then largest-triangle-three-buckets picks the points that keep the shape.',
        tags: ['telemetry'],
        params: VehicleIdParam,
        querystring: Type.Object({
          from: Type.Optional(IsoTime),
          to: Type.Optional(IsoTime),
          maxPoints: Type.Optional(Type.Integer({ minimum: 2, maximum: MAX_TRACK_ROWS })),
          format: Type.Optional(Type.Union([Type.Literal('points'), Type.Literal('compact')], { default: 'points' })),
        }),
        response: {
          200: Type.Union([
            Type.Object({
              ...TrackMeta,
              points: Type.Array(
                Type.Tuple([Type.Number(), Type.Number(), Type.Number(), Type.Number(), Type.Number()]),
              ),
            }),
            Type.Object({
              ...TrackMeta,
              encoding: Type.Literal(TRACK_ENCODING),
              t: Column,
              lng: Column,
              lat: Column,
              speed: Column,
              heading: Column,
            }),
          ]),
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const toMs = request.query.to ? Date.parse(request.query.to) : now()
      const fromMs = request.query.from ? Date.parse(request.query.from) : toMs - 86_400_000
      if (!(fromMs < toMs)) throw new AppError('BAD_TIME_RANGE', '`from` must be before `to`')
      if (toMs - fromMs > MAX_RANGE_MS)
        throw new AppError('BAD_TIME_RANGE', 'a track covers at most 31 days; ask for a shorter range')
      const limit = Math.min(request.query.maxPoints ?? MAX_TRACK_ROWS, MAX_TRACK_ROWS)
      const compact = request.query.format === 'compact'
      const stored = await telemetryRepo.countTrack(opts.db, id, fromMs, toMs)
      const meta = (count: number) => ({
        vehicleId: id,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        count,
        downsampled: count < stored,
      })
      if (stored > limit) {
        const sampled = await telemetryRepo.sampledTrack(
          opts.db,
          id,
          fromMs,
          toMs,
          stored / (SAMPLE_FACTOR * limit),
          stored,
        )
        const points = downsampleTrack(sampled, limit)
        return compact
          ? { ...meta(points.length), encoding: TRACK_ENCODING, ...encodeTrack(points) }
          : { ...meta(points.length), points }
      }
      if (!compact) return { ...meta(stored), points: await telemetryRepo.queryTrack(opts.db, id, fromMs, toMs, limit) }
      // The database wrote the columns as text: sent as they are, never parsed into numbers here.
      const c = await telemetryRepo.compactTrack(opts.db, id, fromMs, toMs, limit)
      const head = JSON.stringify({ ...meta(c.count), encoding: TRACK_ENCODING }).slice(0, -1)
      const body = `${head},"t":[${c.t}],"lng":[${c.lng}],"lat":[${c.lat}],"speed":[${c.speed}],"heading":[${c.heading}]}`
      return sendJsonText(reply, body)
    },
  )
}

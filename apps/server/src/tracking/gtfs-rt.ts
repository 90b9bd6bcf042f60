/**
 * GTFS-Realtime over HTTP (docs/gtfs-realtime.md): vehicle positions, trip updates and service
 * alerts from the tracking engine, as protobuf (`application/x-protobuf`, what journey planners
 * poll) or, with `?format=json`, the same feed as JSON for people. Public, like the static feed.
 * The mapping is pure (`gtfsRt` in @rb/gtfs); this file gathers its inputs.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { addDays, serviceDayOf, type EngineInstance, type NetworkSnapshot } from '@rb/domain'
import { gtfsRt } from '@rb/gtfs'
import { trackingRepo, type Db } from '@rb/db'
import type { FastifyReply } from 'fastify'
import type { NetworkService } from '../network/service.js'
import type { LatestState } from '../live/latest-state.js'
import type { TrackingHost } from './host.js'

export interface GtfsRtRoutesOptions {
  host: TrackingHost
  network: NetworkService
  db: Db
  /** Newest position per vehicle: the heading of the fix the engine last used. */
  latest: LatestState
  now?: () => number
}

/** Alert types a rider feed may carry (the mapping decides which of them still hold). */
const RIDER_ALERT_TYPES = ['late_start', 'off_route'] as const
/** Stored alerts looked at: raised within the service days the engine serves. */
const ALERT_LOOKBACK_MS = 2 * 86_400_000

const Query = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('protobuf'), Type.Literal('json')], {
      description: 'protobuf (default) or json: the same feed for people',
    }),
  ),
})

export const gtfsRtRoutes: FastifyPluginAsyncTypebox<GtfsRtRoutesOptions> = async (app, o) => {
  const clock = o.now ?? Date.now
  const engine = o.host.engine
  const networks = new WeakMap<NetworkSnapshot, gtfsRt.RealtimeNetwork>()

  /** Everything a feed reads besides the engine. */
  const context = async (): Promise<gtfsRt.FeedContext> => {
    const now = clock()
    const snapshot = await o.network.snapshot()
    let network = networks.get(snapshot)
    if (!network) networks.set(snapshot, (network = gtfsRt.realtimeNetwork(snapshot)))
    return { now, network, instances: await instances(now), headingDeg: (id, ts) => headingOf(o.latest, id, ts) }
  }

  /** Yesterday's and today's instances as the dispatcher left them (a cancellation counts at once). */
  const instances = async (now: number): Promise<EngineInstance[]> => {
    const today = serviceDayOf(now)
    try {
      return [...(await o.network.instancesOn(addDays(today, -1))), ...(await o.network.instancesOn(today))]
    } catch (err) {
      app.log.warn(
        { err: (err as Error).message },
        "gtfs-rt: could not read trip instances; using the tracking engine's copy",
      )
      return engine.instances()
    }
  }

  const send = (
    reply: FastifyReply,
    feed: gtfsRt.FeedMessage,
    format: 'protobuf' | 'json' | undefined,
  ): FastifyReply => {
    if (format === 'json') return reply.type('application/json; charset=utf-8').send(gtfsRt.feedToJson(feed))
    const bytes = gtfsRt.encodeFeed(feed)
    return reply.type('application/x-protobuf').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  }

  const schema = (summary: string) => ({
    tags: ['gtfs-realtime'],
    summary,
    querystring: Query,
    response: { 200: Type.Any({ description: 'a GTFS-Realtime 2.0 FeedMessage (FULL_DATASET)' }) },
  })

  app.get(
    '/gtfs-rt/vehicle-positions',
    {
      config: { access: 'public' },
      schema: schema('GTFS-Realtime VehiclePositions: every bus in service with its trip, position and next stop'),
    },
    async (req, reply) => send(reply, gtfsRt.vehiclePositionsFeed(engine, await context()), req.query.format),
  )

  app.get(
    '/gtfs-rt/trip-updates',
    {
      config: { access: 'public' },
      schema: schema(
        'GTFS-Realtime TripUpdates: predicted arrivals at the stops ahead of every running trip; cancelled trips',
      ),
    },
    async (req, reply) => send(reply, gtfsRt.tripUpdatesFeed(engine, await context()), req.query.format),
  )

  app.get(
    '/gtfs-rt/alerts',
    {
      config: { access: 'public' },
      schema: schema('GTFS-Realtime Alerts for riders (zh, en): cancelled trips, late starts, detours'),
    },
    async (req, reply) => {
      const ctx = await context()
      // Riders hear of conditions still on, whether or not a dispatcher has dealt with them.
      const stored = await trackingRepo.listAlerts(o.db, {
        sinceMs: ctx.now - ALERT_LOOKBACK_MS,
        untilMs: ctx.now + 60_000,
        active: true,
        types: RIDER_ALERT_TYPES,
        limit: 1000,
      })
      return send(reply, gtfsRt.alertsFeed(engine, stored, ctx), req.query.format)
    },
  )
}

/** The heading of the vehicle's newest position, when that is the fix the engine last used. */
function headingOf(latest: LatestState, vehicleId: string, ts: number): number | undefined {
  const p = latest.get(vehicleId)?.position
  return p && p.ts === ts ? p.headingDeg : undefined
}

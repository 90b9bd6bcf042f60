/** HTTP face of the tracking engine: vehicle state, next departures at a stop, the trip board, events (alerts: ../alerts/routes.ts). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  daysBetween,
  serviceDate,
  serviceDayOf,
  tripBoard,
  type ServiceDate,
  type TripBoardRow,
} from '@rb/domain'
import { trackingRepo, type Db } from '@rb/db'
import type { NetworkService } from '../network/service.js'
import { ErrorResponse, VehicleIdParam } from '../http/schemas.js'
import type { TrackingHost } from './host.js'
import { BoardRow, EventView, StopArrivalsView, StopEtaView, TRIP_RUN_STATUSES, VehicleStateSchema } from './schemas.js'

export interface TrackingRoutesOptions {
  host: TrackingHost
  network: NetworkService
  db: Db
  now?: () => number
}

const DAY_MS = 86_400_000
const ms = (iso: string | undefined, fallback: number): number => {
  if (iso === undefined) return fallback
  const t = Date.parse(iso)
  if (Number.isNaN(t))
    throw new AppError('BAD_TIME_RANGE', `not a time: '${iso}' (ISO 8601, e.g. 2026-03-02T08:00:00+08:00)`)
  return t
}

export const trackingRoutes: FastifyPluginAsyncTypebox<TrackingRoutesOptions> = async (
  app,
  { host, network, db, now: clock },
) => {
  const now = clock ?? Date.now
  const engine = host.engine

  app.get(
    '/api/vehicles/states',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Tracking state of every vehicle seen',
        response: { 200: Type.Object({ items: Type.Array(VehicleStateSchema) }) },
      },
    },
    async () => ({
      items: engine
        .vehicleIds()
        .map((id) => engine.state(id))
        .filter((s) => s !== null),
    }),
  )

  app.get(
    '/api/vehicles/:id/state',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Tracking state of one vehicle: trip, delay, next stop, ETA to every stop ahead',
        params: VehicleIdParam,
        response: {
          200: Type.Object({
            state: VehicleStateSchema,
            etas: Type.Array(StopEtaView),
            counters: Type.Object({ stale: Type.Integer(), jumps: Type.Integer(), offRouteFixes: Type.Integer() }),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (req) => {
      const t0 = now()
      const state = engine.state(req.params.id, t0)
      if (!state) {
        const known = (await network.snapshot()).vehicles.some((v) => v.id === req.params.id)
        if (!known) throw new AppError('VEHICLE_NOT_FOUND', `no vehicle ${req.params.id}`)
        return {
          state: {
            vehicleId: req.params.id,
            status: 'off_duty' as const,
            online: false,
            lastTs: null,
            freshness: 'lost' as const,
            tripInstanceId: null,
            routeId: null,
            match: null,
            driverCode: null,
            driverSource: null,
            rosteredDriverCode: null,
            delayS: null,
            punctuality: null,
            progressM: null,
            offsetM: null,
            offRoute: false,
            nextStop: null,
          },
          etas: [],
          counters: { stale: 0, jumps: 0, offRouteFixes: 0 },
        }
      }
      const t = engine.trackerState(req.params.id)
      return {
        state,
        etas: engine.etas(req.params.id, t0),
        counters: {
          stale: t?.counters.stale ?? 0,
          jumps: t?.counters.jumps ?? 0,
          offRouteFixes: t?.counters.offRoute ?? 0,
        },
      }
    },
  )

  app.get(
    '/api/stops/:code/arrivals',
    {
      config: { access: 'public' },
      schema: {
        tags: ['tracking'],
        summary: 'Next departures at a stop sign: scheduled time, live ETA, vehicle, stops away, driver number',
        params: Type.Object({ code: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 30, default: 8 }) }),
        response: { 200: StopArrivalsView, 404: ErrorResponse },
      },
    },
    async (req) => {
      const code = req.params.code.toUpperCase()
      const stop = (await network.snapshot()).stops.find((s) => s.code === code)
      if (!stop)
        throw new AppError('STOP_NOT_FOUND', `no stop sign ${code}; the code is printed on the sign (e.g. XY-0421)`)
      const t = now()
      return { stopCode: code, ts: t, arrivals: host.arrivals(code, req.query.limit, t) }
    },
  )

  app.get(
    '/api/trips/today',
    {
      config: { access: 'public' },
      schema: {
        tags: ['tracking'],
        summary: 'Trip board of a service day (default today): every trip instance with status, vehicle, driver, delay',
        querystring: Type.Object({
          date: Type.Optional(Type.String({ description: 'YYYY-MM-DD service day: yesterday, today or later' })),
          status: Type.Optional(
            Type.String({ description: `comma-separated states to keep: ${TRIP_RUN_STATUSES.join(', ')}` }),
          ),
        }),
        response: { 200: Type.Object({ date: Type.String(), items: Type.Array(BoardRow) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const t = now()
      const today = serviceDayOf(t)
      let date: ServiceDate
      try {
        date = req.query.date ? serviceDate(req.query.date) : today
      } catch (err) {
        throw new AppError('VALIDATION_FAILED', (err as Error).message)
      }
      const offset = daysBetween(today, date)
      if (offset < -1)
        throw new AppError(
          'VALIDATION_FAILED',
          'the board covers yesterday, today and later days; past days are in GET /api/events',
        )
      const wanted = req.query.status ? new Set(req.query.status.split(',').map((s) => s.trim())) : null
      const unknown = wanted ? [...wanted].filter((s) => !(TRIP_RUN_STATUSES as readonly string[]).includes(s)) : []
      if (unknown.length > 0)
        throw new AppError(
          'VALIDATION_FAILED',
          `unknown trip state ${unknown.join(', ')}; states are ${TRIP_RUN_STATUSES.join(', ')}`,
          { field: 'status' },
        )
      const keep = (rows: TripBoardRow[]): TripBoardRow[] => (wanted ? rows.filter((r) => wanted.has(r.status)) : rows)
      if (offset <= 0)
        return { date, items: keep(tripBoard(engine).filter((r) => r.instanceId.endsWith(date.replaceAll('-', '')))) }
      // A later day: the timetable with the roster's and the dispatcher's assignments and cancellations.
      const items: TripBoardRow[] = (await network.instancesOn(date)).map((i) => ({
        instanceId: i.id,
        tripId: i.tripId,
        routeId: i.routeId,
        kind: i.kind,
        headsign: i.headsign,
        departureTs: i.departureTs,
        endTs: i.stops.at(-1)?.arrivalTs ?? i.departureTs,
        status: i.status === 'cancelled' ? 'cancelled' : i.vehicleId ? 'assigned' : 'scheduled',
        delayS: null,
        punctuality: null,
        vehicleId: i.vehicleId,
        driverCode: i.driverId,
        match: i.vehicleId ? 'assigned' : null,
        departedTs: null,
        completedTs: null,
        nextStopCode: null,
        cancelReason: i.cancelReason,
        lastFixTs: null,
      }))
      return { date, items: keep(items) }
    },
  )

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['tracking'],
        summary: 'Stored vehicle events (arrivals, departures, alerts, link changes) in a time range',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ description: 'ISO 8601; default 24 h before `to`' })),
          to: Type.Optional(Type.String({ description: 'ISO 8601; default now' })),
          type: Type.Optional(Type.String({ description: 'comma-separated event types' })),
          vehicleId: Type.Optional(Type.String({ maxLength: 64 })),
          tripInstanceId: Type.Optional(Type.String({ maxLength: 80 })),
          limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(EventView) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const toMs = ms(req.query.to, now())
      const fromMs = ms(req.query.from, toMs - DAY_MS)
      if (fromMs >= toMs) throw new AppError('BAD_TIME_RANGE', '`from` must be before `to`')
      if (toMs - fromMs > 31 * DAY_MS) throw new AppError('BAD_TIME_RANGE', 'ask for 31 days at most')
      const types = req.query.type
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const items = await trackingRepo.listEvents(db, {
        fromMs,
        toMs,
        ...(types ? { types } : {}),
        ...(req.query.vehicleId ? { vehicleId: req.query.vehicleId } : {}),
        ...(req.query.tripInstanceId ? { tripInstanceId: req.query.tripInstanceId } : {}),
        limit: req.query.limit,
      })
      return { items }
    },
  )
}

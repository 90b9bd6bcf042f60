/**
 * What the villager page asks about one departure, public and without personal data beyond the
 * masked phone: who drives it and in which bus (一键可知) — the driver on board the running bus,
 * else the rostered one — and its stops in order with names and times (the route strip, where to
 * get off when booking).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { cutoffTs, maskPhone, serviceDayOf, yearsOfService, type DriverRatingSummary } from '@rb/domain'
import type { CrewView, TripStopsView } from '@rb/villager/ssr'
import type { NetworkService } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'
import { ErrorResponse } from '../http/schemas.js'

export interface VillagerRoutesOptions {
  network: NetworkService
  tracking: TrackingHost
  /** The driver's ratings in the badge rule's window and the 先锋司机 badge (docs/engagement.md). */
  driverRating(driverId: string): Promise<DriverRatingSummary>
  now?: () => number
}

const InstanceParam = Type.Object({
  id: Type.String({ minLength: 10, maxLength: 90, description: 'trip instance id: <tripId>_<YYYYMMDD>' }),
})

const CrewSchema = Type.Object({
  tripInstanceId: Type.String(),
  vehicle: Type.Union([
    Type.Null(),
    Type.Object({
      id: Type.String({ description: 'unified vehicle number' }),
      plate: Type.String(),
      model: Type.String(),
    }),
  ]),
  driver: Type.Union([
    Type.Null(),
    Type.Object({
      code: Type.String({ description: 'unified driver number' }),
      name: Type.String(),
      photoUrl: Type.Union([Type.Null(), Type.String()]),
      pioneer: Type.Boolean({ description: "先锋司机 badge, by the county's rule over the driver's ratings" }),
      rating: Type.Object({
        average: Type.Union([Type.Null(), Type.Number({ description: 'stars, two decimals' })]),
        count: Type.Integer({ description: "ratings in the badge rule's window" }),
      }),
      yearsOfService: Type.Integer(),
      phoneMasked: Type.String({ examples: ['138****5678'] }),
    }),
  ]),
})

const TripStopsSchema = Type.Object({
  tripInstanceId: Type.String(),
  routeId: Type.String(),
  routeName: Type.String(),
  routeNameEn: Type.String(),
  headsign: Type.String(),
  status: Type.Union([Type.Literal('scheduled'), Type.Literal('cancelled')]),
  bookingPolicy: Type.Union([Type.Literal('none'), Type.Literal('optional'), Type.Literal('required')]),
  bookingCutoffTs: Type.Union([
    Type.Null(),
    Type.Number({ description: 'villagers book until this instant, epoch ms' }),
  ]),
  stops: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      nameEn: Type.String(),
      scheduledTs: Type.Number({ description: 'scheduled arrival, epoch ms' }),
    }),
  ),
})

export const villagerRoutes: FastifyPluginAsyncTypebox<VillagerRoutesOptions> = async (
  app,
  { network, tracking, driverRating, now = Date.now },
) => {
  const common = { tags: ['villager'] }
  const PUBLIC = { access: 'public' as const }

  app.get(
    '/api/trips/:id/crew',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary:
          "Who drives a departure and in which bus: the driver's card (number, name, photo, average stars and count, pioneer badge, years of service, masked phone), the vehicle's number and plate",
        params: InstanceParam,
        response: { 200: CrewSchema, 404: ErrorResponse },
      },
    },
    async (req): Promise<CrewView> => {
      const inst = await network.instance(req.params.id)
      const net = await network.snapshot()
      // The bus actually running the trip (the engine may have matched one nobody assigned), else the assigned one.
      const p = tracking.engine.progressOf(inst.id)
      const vehicleId = p && !p.endedTs ? p.vehicleId : inst.vehicleId
      const v = vehicleId ? net.vehicles.find((x) => x.id === vehicleId) : undefined
      // Who is at its wheel (IC card, driver page, device), else the rostered driver; nobody for a card not on file.
      const running = p && !p.endedTs && !p.completedTs
      const driverCode = running ? tracking.engine.driverOf(p.vehicleId) : inst.driverId
      const d = driverCode ? net.drivers.find((x) => x.id === driverCode) : undefined
      const rated = d ? await driverRating(d.id) : null
      return {
        tripInstanceId: inst.id,
        vehicle: v ? { id: v.id, plate: v.plate, model: v.model } : null,
        driver: d
          ? {
              code: d.id,
              name: d.name,
              photoUrl: d.photoUrl,
              pioneer: rated?.pioneer ?? false,
              rating: { average: rated?.average ?? null, count: rated?.count ?? 0 },
              yearsOfService: yearsOfService(d.serviceSince, serviceDayOf(now())),
              phoneMasked: maskPhone(d.phone),
            }
          : null,
      }
    },
  )

  app.get(
    '/api/trips/:id/stops',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary:
          'The stops of a departure in the order of travel, with names and scheduled times, and until when villagers may book it',
        params: InstanceParam,
        response: { 200: TripStopsSchema, 404: ErrorResponse },
      },
    },
    async (req): Promise<TripStopsView> => {
      const inst = await network.instance(req.params.id)
      const net = await network.snapshot()
      const stops = new Map(net.stops.map((s) => [s.code, s]))
      const route = net.routes.find((r) => r.id === inst.routeId)
      return {
        tripInstanceId: inst.id,
        routeId: inst.routeId,
        routeName: route?.name ?? inst.routeId,
        routeNameEn: route?.nameEn ?? '',
        headsign: inst.headsign,
        status: inst.status,
        bookingPolicy: inst.bookingPolicy,
        bookingCutoffTs: inst.bookingPolicy === 'none' ? null : cutoffTs(inst),
        stops: inst.stops.map((s) => ({
          seq: s.seq,
          code: s.stopCode,
          name: stops.get(s.stopCode)?.name ?? s.stopCode,
          nameEn: stops.get(s.stopCode)?.nameEn ?? '',
          scheduledTs: s.arrivalTs,
        })),
      }
    },
  )
}

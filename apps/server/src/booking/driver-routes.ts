/**
 * What the driver's phone page asks besides the manifest: the trip instances assigned to the
 * signed-in driver on a service day, with their seat counts. A dispatcher may ask for any driver
 * (`driverId`) to see what that driver sees. Reading and marking a manifest are the booking routes'.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError, serviceDayOf } from '@rb/domain'
import { ErrorResponse } from '../http/schemas.js'
import { dateParam } from '../network/service.js'
import { actorOf, CREW } from './actor.js'
import type { Actor, BookingService } from './service.js'
import { DriverTrips, DriverTripsQuery } from './schemas.js'
import { tripSummary } from './views.js'

const iso = (ts: number): string => new Date(ts).toISOString()

/** Whose trips: a driver's own (asking for another's is refused), or the one a dispatcher names. */
function driverIdFor(actor: Actor, asked: string | undefined): string {
  if (actor.kind === 'driver') {
    if (!actor.driverCode)
      throw new AppError('FORBIDDEN', 'this driver account is not linked to a driver number; ask an admin to link it')
    if (asked !== undefined && asked !== actor.driverCode)
      throw new AppError('FORBIDDEN', 'a driver sees only their own trips')
    return actor.driverCode
  }
  if (actor.kind === 'dispatcher' && asked) return asked
  throw new AppError('VALIDATION_FAILED', 'say whose trips: driverId', { field: 'driverId' })
}

export const driverRoutes: FastifyPluginAsyncTypebox<{ booking: BookingService }> = async (app, { booking }) => {
  app.get(
    '/api/driver/trips',
    {
      config: { access: CREW },
      schema: {
        tags: ['booking'],
        summary:
          "A driver's trip instances on a day (default today) with seat counts: the signed-in driver's own, or `driverId` for a dispatcher",
        querystring: DriverTripsQuery,
        response: { 200: DriverTrips, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const driverId = driverIdFor(actorOf(req), req.query.driverId)
      const date = req.query.date ? dateParam(req.query.date) : serviceDayOf(booking.now())
      const net = await booking.network.snapshot()
      const driver = net.drivers.find((d) => d.id === driverId)
      if (!driver) throw new AppError('NOT_FOUND', `driver ${driverId} does not exist`)
      const stopName = new Map(net.stops.map((s) => [s.code, s.name]))
      const stopRef = (code: string | undefined) => ({ code: code ?? '', name: stopName.get(code ?? '') ?? code ?? '' })
      const items = (await booking.tripsOfDriver(driverId, date)).map(({ trip, counts, onDemand }) => ({
        ...tripSummary(trip, onDemand),
        routeId: trip.routeId,
        routeName: net.routes.find((r) => r.id === trip.routeId)?.name ?? trip.routeId,
        from: stopRef(trip.stops[0]?.stopCode),
        to: stopRef(trip.stops.at(-1)?.stopCode),
        arrival: iso(trip.stops.at(-1)?.arrivalTs ?? trip.departureTs),
        seats: trip.seats,
        vehiclePlate: net.vehicles.find((v) => v.id === trip.vehicleId)?.plate ?? null,
        counts,
      }))
      return { date, driver: { id: driver.id, name: driver.name }, items }
    },
  )
}

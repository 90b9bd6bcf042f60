import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  expandDates,
  serviceDayOf,
  validateCalendar,
  type CalendarJson,
  type Trip as TripModel,
} from '@rb/domain'
import { networkRepo } from '@rb/db'
import { dateParam, type NetworkService, type TripInstanceView } from '../../network/service.js'
import { ErrorResponse } from '../../http/schemas.js'
import { Calendar, CalendarBody, DateString, Id, ServiceKind, Trip, TripBody, TripInstance } from './schemas.js'

const view = (i: TripInstanceView) => ({
  id: i.id,
  tripId: i.tripId,
  routeId: i.routeId,
  kind: i.kind,
  serviceDate: i.serviceDate,
  direction: i.direction,
  headsign: i.headsign,
  departure: new Date(i.departureTs).toISOString(),
  stops: i.stops.map((s) => s.stopCode),
  stopTimes: i.stops.map((s) => ({
    stopCode: s.stopCode,
    distM: s.distM,
    arrival: new Date(s.arrivalTs).toISOString(),
  })),
  seats: i.seats,
  bookingPolicy: i.bookingPolicy,
  minRiders: i.minRiders,
  bookingCutoffMin: i.bookingCutoffMin,
  status: i.status,
  cancelReason: i.cancelReason,
  vehicleId: i.vehicleId,
  driverId: i.driverId,
})

export const timetableRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService; now?: () => number }> = async (
  app,
  { network, now = Date.now },
) => {
  const db = network.db

  app.get(
    '/api/calendars',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Service calendars',
        response: { 200: Type.Object({ items: Type.Array(Calendar) }) },
      },
    },
    async () => ({
      items: await networkRepo.listCalendars(db),
    }),
  )

  app.get(
    '/api/calendars/:id',
    {
      schema: { tags: ['timetable'], params: Type.Object({ id: Id }), response: { 200: Calendar, 404: ErrorResponse } },
    },
    async (req) => {
      const c = await networkRepo.getCalendar(db, req.params.id)
      if (!c) throw new AppError('NOT_FOUND', `calendar ${req.params.id} does not exist`)
      return c
    },
  )

  app.get(
    '/api/calendars/:id/dates',
    {
      schema: {
        tags: ['timetable'],
        summary: 'The dates a calendar runs in a range (at most ~10 years)',
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ from: DateString, to: DateString }),
        response: { 200: Type.Object({ dates: Type.Array(Type.String()) }), 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const c = await networkRepo.getCalendar(db, req.params.id)
      if (!c) throw new AppError('NOT_FOUND', `calendar ${req.params.id} does not exist`)
      const parsed = validateCalendar(c.rules)
      if (!parsed.ok)
        throw new AppError('VALIDATION_FAILED', 'the stored calendar is invalid', { issues: parsed.issues })
      try {
        return { dates: expandDates(parsed.calendar, dateParam(req.query.from), dateParam(req.query.to)) }
      } catch (err) {
        if (err instanceof AppError) throw err
        throw new AppError('VALIDATION_FAILED', (err as Error).message)
      }
    },
  )

  app.put(
    '/api/calendars/:id',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Create or replace a calendar (weekdays, date ranges, market days, school terms, added/removed dates)',
        params: Type.Object({ id: Id }),
        body: CalendarBody,
        response: { 200: Calendar, 400: ErrorResponse },
      },
    },
    async (req) => {
      const parsed = validateCalendar(req.body.rules)
      if (!parsed.ok)
        throw new AppError(
          'VALIDATION_FAILED',
          `the calendar rules are invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          { issues: parsed.issues },
        )
      const calendar = { id: req.params.id, name: req.body.name, rules: req.body.rules as unknown as CalendarJson }
      await networkRepo.saveCalendar(db, calendar)
      network.changed()
      return calendar
    },
  )

  app.delete(
    '/api/calendars/:id',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Delete a calendar no trip uses',
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const r = await networkRepo.deleteCalendar(db, req.params.id)
      if (r === 'missing') throw new AppError('NOT_FOUND', `calendar ${req.params.id} does not exist`)
      if (r === 'in_use')
        throw new AppError(
          'CONFLICT',
          `calendar ${req.params.id} is used by trips; move them to another calendar first`,
        )
      network.changed()
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/schedule/trips',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Trip definitions (the timetable)',
        querystring: Type.Object({
          route: Type.Optional(Type.String()),
          includeRetired: Type.Boolean({ default: false }),
        }),
        response: { 200: Type.Object({ items: Type.Array(Trip) }) },
      },
    },
    async (req) => ({
      items: await networkRepo.listTrips(db, { routeId: req.query.route, includeRetired: req.query.includeRetired }),
    }),
  )

  app.get(
    '/api/schedule/trips/:id',
    { schema: { tags: ['timetable'], params: Type.Object({ id: Id }), response: { 200: Trip, 404: ErrorResponse } } },
    async (req) => {
      const t = await networkRepo.getTrip(db, req.params.id)
      if (!t) throw new AppError('TRIP_NOT_FOUND', `trip ${req.params.id} does not exist`)
      return t
    },
  )

  app.put(
    '/api/schedule/trips/:id',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Create or replace a trip definition',
        params: Type.Object({ id: Id }),
        body: TripBody,
        response: { 200: Trip, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => network.saveTrip({ ...req.body, id: req.params.id } as TripModel),
  )

  app.delete(
    '/api/schedule/trips/:id',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Retire a trip',
        params: Type.Object({ id: Id }),
        response: { 200: Trip, 404: ErrorResponse },
      },
    },
    async (req) => {
      if (!(await networkRepo.setTripActive(db, req.params.id, false)))
        throw new AppError('TRIP_NOT_FOUND', `trip ${req.params.id} does not exist`)
      network.changed()
      return (await networkRepo.getTrip(db, req.params.id)) as TripModel
    },
  )

  app.get(
    '/api/trips',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Trip instances running on a service day (Asia/Shanghai), in departure order',
        querystring: Type.Object({
          date: Type.Optional(DateString),
          route: Type.Optional(Type.String()),
          kind: Type.Optional(ServiceKind),
        }),
        response: { 200: Type.Object({ date: Type.String(), items: Type.Array(TripInstance) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const date = req.query.date ? dateParam(req.query.date) : serviceDayOf(now())
      const all = await network.instancesOn(date)
      const items = all.filter(
        (i) => (!req.query.route || i.routeId === req.query.route) && (!req.query.kind || i.kind === req.query.kind),
      )
      return { date, items: items.map(view) }
    },
  )

  app.get(
    '/api/trip-instances/:id',
    {
      schema: {
        tags: ['timetable'],
        params: Type.Object({ id: Type.String({ maxLength: 90 }) }),
        response: { 200: TripInstance, 404: ErrorResponse },
      },
    },
    async (req) => view(await network.instance(req.params.id)),
  )

  app.put(
    '/api/trip-instances/:id/assignment',
    {
      schema: {
        tags: ['timetable'],
        summary: 'Assign (or clear) the vehicle and driver of a trip instance',
        params: Type.Object({ id: Type.String({ maxLength: 90 }) }),
        body: Type.Object({
          vehicleId: Type.Union([Type.Null(), Type.String()]),
          driverId: Type.Union([Type.Null(), Type.String()]),
        }),
        response: { 200: TripInstance, 404: ErrorResponse },
      },
    },
    async (req) => view(await network.assign(req.params.id, req.body.vehicleId, req.body.driverId)),
  )

  app.post(
    '/api/trip-instances/:id/cancel',
    {
      schema: {
        tags: ['timetable'],
        summary:
          'Cancel a trip instance with a reason; its bookings are cancelled and the passengers and the driver told',
        params: Type.Object({ id: Type.String({ maxLength: 90 }) }),
        body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 200 }) }),
        response: { 200: TripInstance, 404: ErrorResponse },
      },
    },
    async (req) => view(await network.cancel(req.params.id, req.body.reason, req.user?.username ?? null)),
  )
}

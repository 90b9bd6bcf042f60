/**
 * Roster HTTP API (docs/roster.md): the day's duties and the trips nobody runs, duty changes
 * checked by the rules, generation from templates or another day, publication, weekly templates,
 * and a driver's published duties. Thin: the service decides. Who may call what is in
 * auth/policy.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, serviceDayOf, type SessionUser, type Weekday } from '@rb/domain'
import { ErrorResponse } from '../http/schemas.js'
import { userOf } from '../auth/guard.js'
import type { RosterService } from './service.js'
import {
  AddTripBody,
  CreateDutyBody,
  DateQuery,
  DriverDuties,
  DriverDutiesQuery,
  Duty,
  DutyParams,
  FromDayBody,
  GenerateBody,
  GeneratedRoster,
  PublishBody,
  Roster,
  Template,
  TemplateBody,
  TemplateParams,
  Templates,
  UpdateDutyBody,
} from './schemas.js'

const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }

/** Whose duties: a driver's own (asking for another's is refused), or the one staff name. */
function driverIdFor(user: SessionUser, asked: string | undefined): string {
  if (user.role === 'driver') {
    if (!user.driverCode)
      throw new AppError('FORBIDDEN', 'this driver account is not linked to a driver number; ask an admin to link it')
    if (asked !== undefined && asked !== user.driverCode)
      throw new AppError('FORBIDDEN', 'a driver sees only their own duties')
    return user.driverCode
  }
  if (asked) return asked
  throw new AppError('VALIDATION_FAILED', 'say whose duties: driverId', { field: 'driverId' })
}

export const rosterRoutes: FastifyPluginAsyncTypebox<{ roster: RosterService }> = async (app, { roster }) => {
  const tags = ['roster']

  app.get(
    '/api/roster',
    {
      schema: {
        tags,
        summary: "A service day's duties, with what the rules find wrong with each, and the trips nobody runs",
        querystring: DateQuery,
        response: { 200: Roster, 400: ErrorResponse },
      },
    },
    async (req) => roster.day(req.query.date),
  )

  app.post(
    '/api/roster/duties',
    {
      schema: {
        tags,
        summary:
          'Make a duty: a vehicle, a driver and trip instances of the day (taken out of any other duty); 409 ROSTER_CONFLICT lists the problems',
        body: CreateDutyBody,
        response: { 201: Duty, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await roster.createDuty(req.body)),
  )

  app.get(
    '/api/roster/duties/:id',
    { schema: { tags, summary: 'One duty', params: DutyParams, response: { 200: Duty, 404: ErrorResponse } } },
    async (req) => roster.duty(req.params.id),
  )

  app.put(
    '/api/roster/duties/:id',
    {
      schema: {
        tags,
        summary:
          "Change a duty's vehicle, driver, trips (the whole list) or note; refused (409 ROSTER_CONFLICT) when it adds a problem or makes one worse",
        params: DutyParams,
        body: UpdateDutyBody,
        response: { 200: Duty, ...errors },
      },
    },
    async (req) => roster.updateDuty(req.params.id, req.body),
  )

  app.delete(
    '/api/roster/duties/:id',
    {
      schema: {
        tags,
        summary: 'Delete a duty; its trips are left with no vehicle and no driver',
        params: DutyParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await roster.deleteDuty(req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/roster/duties/:id/trips',
    {
      schema: {
        tags,
        summary: 'Move one trip instance into this duty, out of any other; checked like any change',
        params: DutyParams,
        body: AddTripBody,
        response: { 200: Duty, ...errors },
      },
    },
    async (req) => roster.addTrip(req.params.id, req.body.tripInstanceId),
  )

  app.post(
    '/api/roster/generate',
    {
      schema: {
        tags,
        summary:
          "Make a day's duties from the weekly templates or another day's (copy), then with fill the planner's for what is left; 409 when the day has duties, unless replace",
        body: GenerateBody,
        response: { 200: GeneratedRoster, ...errors },
      },
    },
    async (req) => roster.generate(req.body),
  )

  app.post(
    '/api/roster/publish',
    {
      schema: {
        tags,
        summary: "Publish a day's roster: drivers see their duties of published days",
        body: PublishBody,
        response: { 200: Roster, 400: ErrorResponse },
      },
    },
    async (req) => roster.publish(req.body.date, userOf(req).username),
  )

  app.get(
    '/api/roster/templates',
    { schema: { tags, summary: 'Weekly duty templates', response: { 200: Templates } } },
    async () => ({ items: await roster.templates() }),
  )

  app.put(
    '/api/roster/templates/:id',
    {
      schema: {
        tags,
        summary: 'Create or replace a weekly duty template',
        params: TemplateParams,
        body: TemplateBody,
        response: { 200: Template, 400: ErrorResponse },
      },
    },
    async (req) => roster.saveTemplate(req.params.id, { ...req.body, weekdays: req.body.weekdays as Weekday[] }),
  )

  app.delete(
    '/api/roster/templates/:id',
    {
      schema: {
        tags,
        summary: 'Delete a weekly duty template (duties made from it stay)',
        params: TemplateParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await roster.deleteTemplate(req.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/roster/templates/from-day',
    {
      schema: {
        tags,
        summary:
          "Save a day's duties as weekly templates for these weekdays (templates that ran on them give those weekdays up)",
        body: FromDayBody,
        response: { 200: Templates, 400: ErrorResponse },
      },
    },
    async (req) => ({ items: await roster.templatesFromDay(req.body.date, req.body.weekdays) }),
  )

  app.get(
    '/api/driver/duties',
    {
      schema: {
        tags,
        summary:
          "A driver's duties of today and the following days, as published: the signed-in driver's own, or driverId for staff",
        querystring: DriverDutiesQuery,
        response: { 200: DriverDuties, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const driverId = driverIdFor(userOf(req), req.query.driverId)
      return { days: await roster.driverDuties(driverId, serviceDayOf(roster.now()), req.query.days) }
    },
  )
}

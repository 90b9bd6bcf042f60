/**
 * "车快到了提醒我" over HTTP, public: POST /api/reminders sets one (limits per phone and per
 * address), GET /api/reminders/:token reads it, POST /api/reminders/:token/cancel cancels it
 * (the page's cancel link; replying "取消提醒" by SMS does it too).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { MAX_REMINDER_MINUTES, MAX_REMINDER_STOPS, STOP_CODE_PATTERN } from '@rb/domain'
import { ErrorResponse } from '../http/schemas.js'
import { refuseIfLimited } from '../http/rate-limit.js'
import type { ReminderService } from './service.js'

const ReminderView = Type.Object({
  token: Type.String({ description: 'keep it: it reads and cancels the reminder' }),
  tripInstanceId: Type.String(),
  stopCode: Type.String(),
  scheduledTs: Type.Number({ description: 'scheduled arrival at the stop, epoch ms' }),
  stopsBefore: Type.Integer(),
  minutesBefore: Type.Union([Type.Null(), Type.Integer()]),
  state: Type.Union(['active', 'sent', 'cancelled', 'expired'].map((s) => Type.Literal(s))),
  phoneMasked: Type.String(),
  headsign: Type.String(),
  routeName: Type.String(),
})

const NewReminder = Type.Object({
  tripInstanceId: Type.String({ minLength: 10, maxLength: 90 }),
  stopCode: Type.String({ pattern: STOP_CODE_PATTERN }),
  phone: Type.String({ minLength: 5, maxLength: 24 }),
  stopsBefore: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_REMINDER_STOPS,
      description: 'text when the bus is this many stops away (default 2)',
    }),
  ),
  minutesBefore: Type.Optional(
    Type.Union([
      Type.Null(),
      Type.Integer({
        minimum: 1,
        maximum: MAX_REMINDER_MINUTES,
        description: 'or this many minutes away, whichever comes first',
      }),
    ]),
  ),
})

const TokenParam = Type.Object({ token: Type.String({ minLength: 8, maxLength: 64 }) })

export const reminderRoutes: FastifyPluginAsyncTypebox<{
  reminders: ReminderService
  perAddressPerHour: number
}> = async (app, { reminders, perAddressPerHour }) => {
  const common = { tags: ['villager'] }
  const PUBLIC = { access: 'public' as const }
  const limiter = app.rateLimiter('reminders', { max: perAddressPerHour, windowMs: 3_600_000 })

  app.post(
    '/api/reminders',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary:
          '车快到了提醒我: one SMS when the bus of this departure is N stops (default 2) or M minutes from the stop',
        body: NewReminder,
        response: { 201: ReminderView, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (!req.user) refuseIfLimited(reply, await limiter.hit(req.ip, Date.now()), 'reminders from this address')
      const r = await reminders.create(req.body, 'web')
      return reply.status(201).send(await reminders.view(r))
    },
  )

  app.get(
    '/api/reminders/:token',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary: 'A reminder by its token',
        params: TokenParam,
        response: { 200: ReminderView, 404: ErrorResponse },
      },
    },
    async (req) => reminders.view(await reminders.byToken(req.params.token)),
  )

  app.post(
    '/api/reminders/:token/cancel',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary: 'Cancels a reminder (again: answered unchanged)',
        params: TokenParam,
        response: { 200: ReminderView, 404: ErrorResponse },
      },
    },
    async (req) => reminders.view(await reminders.cancel(req.params.token)),
  )
}

/**
 * Ride ratings over HTTP (docs/engagement.md): the rider rates a ridden booking once (code and
 * phone, or the SMS link's token); staff read the drivers' averages and decide complaints
 * (audited in the decision's transaction).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { RATING_TAGS, type Role } from '@rb/domain'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import { limitHook } from '../http/rate-limit.js'
import type { RatingService } from './ratings.js'

export interface RatingRoutesOptions {
  ratings: RatingService
  /** Rating requests per client address per minute from the villager page; 0 = unlimited. */
  publicRatePerMin: number
}

const READERS: readonly Role[] = ['dispatcher', 'operator']
const WRITERS: readonly Role[] = ['dispatcher']
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }
const Who = {
  code: Type.Optional(Type.String({ maxLength: 20, description: 'the booking code (with phone)' })),
  phone: Type.Optional(Type.String({ maxLength: 24 })),
  invite: Type.Optional(
    Type.String({ maxLength: 40, description: "the SMS link's token (instead of code and phone)" }),
  ),
}

export const ratingRoutes: FastifyPluginAsyncTypebox<RatingRoutesOptions> = async (
  app,
  { ratings, publicRatePerMin },
) => {
  const tags = ['engagement']
  const publicLimit = limitHook(
    app.rateLimiter('ratings', { max: publicRatePerMin, windowMs: 60_000 }),
    (req) => req.ip,
    'ratings',
  )

  app.get(
    '/api/ratings/ride',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary:
          'A ride as the rating form shows it (booking code and phone, or the SMS link): stops, driver, whether it may be rated and its rating',
        querystring: Type.Object(Who),
        response: { 200: Type.Unknown(), ...errors, 429: ErrorResponse },
      },
    },
    async (req) => ratings.ride(req.query),
  )

  app.post(
    '/api/ratings',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary:
          'Rate a ride once: 1–5 stars, tags, an optional complaint; only a booking marked boarded (not a no-show), only once',
        body: Type.Object({
          ...Who,
          stars: Type.Number({ description: '1–5, whole' }),
          tags: Type.Optional(
            Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10, description: RATING_TAGS.join(', ') }),
          ),
          complaint: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
        }),
        response: { 201: Type.Unknown(), ...errors, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { stars, tags: given, complaint, ...who } = req.body
      return reply.code(201).send(await ratings.rate(who, { stars, tags: given, complaint }))
    },
  )

  app.get(
    '/api/ratings/drivers',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary:
          "Every driver's average stars and count in the badge rule's window, all ratings, complaints open and upheld, the 先锋司机 badge; and the rule",
      },
    },
    async () => ({ rule: ratings.rule, items: await ratings.drivers() }),
  )

  app.get(
    '/api/ratings/complaints',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: "Riders' complaints, newest first: open (the dispatcher's tickets), upheld or dismissed",
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('upheld'), Type.Literal('dismissed')])),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
      },
    },
    async (req) => ({ items: await ratings.complaints(req.query.status ?? null, req.query.limit) }),
  )

  app.post(
    '/api/ratings/complaints/:id/decision',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary:
          'Uphold or dismiss an open complaint (once; an upheld one counts against the 先锋司机 badge), with a note',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
        body: Type.Object({
          decision: Type.Union([Type.Literal('upheld'), Type.Literal('dismissed')]),
          note: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
        }),
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (req) => {
      const { id } = req.params
      const action = req.body.decision === 'upheld' ? 'complaint.uphold' : 'complaint.dismiss'
      return ratings.decide(id, req.body.decision, req.body.note, userOf(req).username, (tx, before, after) =>
        audit(req, action, `complaint:${id}`, before, after, tx),
      )
    },
  )
}

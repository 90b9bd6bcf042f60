/**
 * Notices and surveys over HTTP (docs/engagement.md): staff write notices and surveys, follow
 * their receipts and results; the driver page lists its notices, opens them and answers drivers'
 * surveys; the villager page answers villagers' surveys. Every staff change writes its audit row
 * in the change's transaction.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { AppError, NOTICE_REMIND_MAX_H, QUESTION_KINDS, type Role } from '@rb/domain'
import type { Queryable } from '@rb/db'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import { limitHook } from '../http/rate-limit.js'
import type { AuditFn, NoticeService } from './notices.js'
import type { SurveyService } from './surveys.js'

export interface EngagementRoutesOptions {
  notices: NoticeService
  surveys: SurveyService
  /** Survey answers per client address per minute from the villager page; 0 = unlimited. */
  publicRatePerMin: number
}

const WRITERS: readonly Role[] = ['dispatcher']
const READERS: readonly Role[] = ['dispatcher', 'operator']
const DRIVER: readonly Role[] = ['driver']
const Id = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) })
const DriverCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
const Answers = Type.Record(Type.String({ maxLength: 20 }), Type.Unknown(), {
  description: 'question id → option index (single), option indexes (multiple), 1–5 (rating), text',
})
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }
/** Answers are documented by their types in the services; errors by the shared schema. */
const ok = { 200: Type.Unknown(), 201: Type.Unknown(), ...errors }

const NoticeBody = Type.Object({
  title: Type.String({ maxLength: 200 }),
  body: Type.String({ maxLength: 8000 }),
  link: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1000 })])),
  audience: Type.Union([Type.Literal('all'), Type.Literal('operator'), Type.Literal('drivers')], {
    description: "all drivers, one operator's drivers (operatorId), or chosen drivers (driverIds)",
  }),
  operatorId: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 64 })])),
  driverIds: Type.Optional(Type.Array(DriverCode, { maxItems: 1000 })),
  remindAfterH: Type.Optional(
    Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: NOTICE_REMIND_MAX_H })], {
      description: 'unread after this many hours: one reminder; null: none; absent: NOTICE_REMIND_AFTER_H',
    }),
  ),
})

const SurveyBody = Type.Object({
  title: Type.String({ maxLength: 300 }),
  intro: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 2000 })])),
  audience: Type.Union([Type.Literal('drivers'), Type.Literal('villagers')]),
  opensAt: Type.String({ maxLength: 40, description: 'ISO 8601' }),
  closesAt: Type.String({ maxLength: 40, description: 'ISO 8601' }),
  questions: Type.Array(
    Type.Object({
      kind: Type.Union(QUESTION_KINDS.map((k) => Type.Literal(k))),
      text: Type.String({ maxLength: 1000 }),
      options: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 20 })),
      required: Type.Optional(Type.Boolean()),
    }),
    { maxItems: 50 },
  ),
})

const time = (iso: string, field: string): number => {
  const t = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : Number.NaN
  if (Number.isNaN(t))
    throw new AppError(
      'VALIDATION_FAILED',
      `${field} is not a time: '${iso.slice(0, 40)}' (ISO 8601, e.g. 2026-12-07T08:00:00+08:00)`,
      { field },
    )
  return t
}

/** The audit row of a staff change, in its transaction. */
const audited =
  (req: FastifyRequest, action: string, target: string): AuditFn =>
  (tx: Queryable, before, after) =>
    audit(req, action, target, before, after, tx)

const driverOf = (req: FastifyRequest): string => {
  const code = userOf(req).driverCode
  if (!code) throw new AppError('FORBIDDEN', 'this account is not linked to a driver number; ask an admin to link it')
  return code
}

export const engagementRoutes: FastifyPluginAsyncTypebox<EngagementRoutesOptions> = async (
  app,
  { notices, surveys, publicRatePerMin },
) => {
  const tags = ['engagement']

  // ── Notices ──

  app.post(
    '/api/notices',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary:
          "Write a notice to all drivers, one operator's drivers or chosen drivers; it reaches their page live and, shortened, the bus each is on",
        body: NoticeBody,
        response: ok,
      },
    },
    async (req, reply) => {
      const user = userOf(req)
      const n = await notices.send(
        req.body,
        { username: user.username, displayName: user.displayName },
        audited(req, 'notice.send', 'notice:new'),
      )
      return reply.code(201).send(n)
    },
  )

  app.get(
    '/api/notices',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Notices, newest first, with how many drivers got and read each',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
      },
    },
    async (req) => ({ items: await notices.list(req.query.limit) }),
  )

  app.get(
    '/api/notices/:id',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: "A notice with each driver's receipt: delivered, read (when), what reached the bus, reminders",
        params: Id,
        response: { 200: Type.Unknown(), 404: ErrorResponse },
      },
    },
    async (req) => notices.detail(req.params.id),
  )

  app.post(
    '/api/notices/:id/remind',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary: 'Remind now every driver who has not read it (page, bus terminal, SMS)',
        params: Id,
        response: ok,
      },
    },
    async (req) => notices.remind(req.params.id, audited(req, 'notice.remind', `notice:${req.params.id}`)),
  )

  app.get(
    '/api/driver/notices',
    {
      config: { access: DRIVER },
      schema: {
        tags,
        summary: "The signed-in driver's notices, unread first (listing them records their delivery)",
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
      },
    },
    async (req) => notices.forDriver(driverOf(req), req.query.limit),
  )

  app.post(
    '/api/driver/notices/:id/read',
    {
      config: { access: DRIVER },
      schema: {
        tags,
        summary: "The signed-in driver opened the notice: its read receipt (the first opening's time stands)",
        params: Id,
        response: ok,
      },
    },
    async (req) => notices.read(req.params.id, driverOf(req)),
  )

  // ── Surveys: staff ──

  app.post(
    '/api/surveys',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary: 'Write a survey for drivers or villagers, open from opensAt until closesAt',
        body: SurveyBody,
        response: ok,
      },
    },
    async (req, reply) => {
      const b = req.body
      const s = await surveys.create(
        { ...b, opensTs: time(b.opensAt, 'opensAt'), closesTs: time(b.closesAt, 'closesAt') },
        userOf(req).username,
        audited(req, 'survey.create', 'survey:new'),
      )
      return reply.code(201).send(s)
    },
  )

  app.get(
    '/api/surveys',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary: 'Surveys, newest first, with their phase and number of answers',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
      },
    },
    async (req) => ({ items: await surveys.list(req.query.limit) }),
  )

  app.get(
    '/api/surveys/:id/results',
    {
      config: { access: READERS },
      schema: {
        tags,
        summary:
          "A survey's results: counts per option and rating, averages, free texts; `format=csv` one line per answer",
        params: Id,
        querystring: Type.Object({
          format: Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' }),
        }),
        response: { 200: Type.Unknown(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (req.query.format === 'csv') {
        const { csv } = await surveys.csv(req.params.id)
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="survey_${req.params.id}.csv"`)
          .send(csv)
      }
      return surveys.results(req.params.id)
    },
  )

  app.post(
    '/api/surveys/:id/close',
    {
      config: { access: WRITERS },
      schema: { tags, summary: 'Close the survey now (no answer is taken after)', params: Id, response: ok },
    },
    async (req) => surveys.close(req.params.id, audited(req, 'survey.close', `survey:${req.params.id}`)),
  )

  app.post(
    '/api/surveys/:id/invite',
    {
      config: { access: WRITERS },
      schema: {
        tags,
        summary:
          'Invite villagers by SMS: each phone that booked a ride in 90 days, not yet invited, gets its own link',
        params: Id,
        response: ok,
      },
    },
    async (req) => surveys.inviteVillagers(req.params.id, audited(req, 'survey.invite', `survey:${req.params.id}`)),
  )

  // ── Surveys: drivers ──

  app.get(
    '/api/driver/surveys',
    {
      config: { access: DRIVER },
      schema: { tags, summary: "Drivers' surveys open now, with whether the signed-in driver answered" },
    },
    async (req) => ({ items: await surveys.openForDriver(driverOf(req)) }),
  )

  app.post(
    '/api/driver/surveys/:id/answers',
    {
      config: { access: DRIVER },
      schema: {
        tags,
        summary: "The signed-in driver's answer (one per driver; refused once the survey closed)",
        params: Id,
        body: Type.Object({ answers: Answers }),
        response: ok,
      },
    },
    async (req, reply) => {
      const a = await surveys.answerAsDriver(req.params.id, driverOf(req), req.body.answers)
      return reply.code(201).send({ id: a.id, surveyId: a.surveyId, createdTs: a.createdTs })
    },
  )

  // ── Surveys: villagers (public) ──

  const publicLimit = limitHook(
    app.rateLimiter('survey-answers', { max: publicRatePerMin, windowMs: 60_000 }),
    (req) => req.ip,
    'survey answers',
  )

  app.get(
    '/api/villager/surveys',
    {
      config: { access: 'public' },
      schema: { tags, summary: "Villagers' surveys open now (the stop page links to them)" },
    },
    async () => ({
      items: (await surveys.open('villagers')).map((s) => ({ id: s.id, title: s.title, closesTs: s.closesTs })),
    }),
  )

  app.get(
    '/api/villager/surveys/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "A villagers' survey and its questions; with `invite` (the SMS link's token) the phone it was sent to, masked, and whether it answered",
        params: Id,
        querystring: Type.Object({ invite: Type.Optional(Type.String({ maxLength: 40 })) }),
        response: { 200: Type.Unknown(), 404: ErrorResponse },
      },
    },
    async (req) => {
      const s = await surveys.get(req.params.id, 'villagers')
      const invite = req.query.invite ? await surveys.inviteView(s.id, req.query.invite) : null
      return {
        id: s.id,
        title: s.title,
        intro: s.intro,
        questions: s.questions,
        opensTs: s.opensTs,
        closesTs: s.closesTs,
        phase: s.phase,
        invite,
      }
    },
  )

  app.post(
    '/api/villager/surveys/:id/answers',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary:
          "A villager's answer: one per phone (the phone typed, or the SMS link's); refused before it opens and after it closes",
        params: Id,
        body: Type.Object({
          answers: Answers,
          phone: Type.Optional(Type.String({ maxLength: 40 })),
          invite: Type.Optional(Type.String({ maxLength: 40 })),
          stopCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' })),
        }),
        response: { ...ok, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { answers, ...who } = req.body
      const a = await surveys.answerAsVillager(req.params.id, who, answers)
      return reply
        .code(201)
        .send({ id: a.id, surveyId: a.surveyId, createdTs: a.createdTs, phoneMasked: a.phoneMasked })
    },
  )
}

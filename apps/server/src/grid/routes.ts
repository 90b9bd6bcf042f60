/**
 * Grid reporters over HTTP (docs/engagement.md#grid-reporters): a villager registers a phone with
 * an SMS code and keeps a token; the token shows the reporter's own reports and points; staff
 * confirm a report (points, audited), read the monthly leaderboard by township, and export it for
 * the county's reward scheme (CSV, audited). Thin: the service decides.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  maskPhone,
  monthOf,
  MONTH_PATTERN,
  REPORT_CATEGORIES,
  REPORT_ID_PATTERN,
  STOP_CODE_PATTERN,
  TICKET_STATUSES,
  toCsv,
  type Role,
} from '@rb/domain'
import type { StoredReporter } from '@rb/db'
import { audit, userOf } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import { limitHook } from '../http/rate-limit.js'
import type { GridService } from './service.js'

export interface GridRoutesOptions {
  grid: GridService
  /** Registrations and code checks per minute per client address (BOOKING_RATE_LIMIT). */
  publicRatePerMin: number
}

/** Who confirms reports and reads the leaderboard (admin passes every check). */
const STAFF: readonly Role[] = ['dispatcher', 'operator']
/** Who exports it with the reporters' full phone numbers (the reward scheme pays by phone). */
const EXPORTERS: readonly Role[] = ['dispatcher']

const tags = ['grid reporters']
const Time = Type.String({ format: 'date-time' })
const Phone = Type.String({ minLength: 5, maxLength: 24 })
const TokenHeader = Type.Object({
  'x-reporter-token': Type.String({ minLength: 1, maxLength: 200, description: 'the token the phone was given' }),
})
const Reporter = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Type.String({ description: 'masked' }),
  townshipId: Type.String(),
  townshipName: Type.String(),
  verifiedAt: Type.Union([Type.Null(), Time]),
})
const CodeSent = Type.Object({
  sent: Type.Literal(true),
  phone: Type.String({ description: 'masked' }),
  expiresAt: Time,
  resendAt: Type.Union([Type.Null(), Time], {
    description: 'the soonest a new code may be asked for; null: no more today',
  }),
})
const Category = Type.Union(REPORT_CATEGORIES.map((c) => Type.Literal(c)))
const Status = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)))
const Mine = Type.Object({
  reporter: Reporter,
  month: Type.String(),
  points: Type.Object({ month: Type.Integer(), total: Type.Integer() }),
  reports: Type.Array(
    Type.Object({
      id: Type.String(),
      stopCode: Type.String(),
      stopName: Type.String(),
      kind: Type.Union([Type.Literal('sign'), Type.Literal('road')]),
      category: Category,
      status: Status,
      reportedAt: Time,
      points: Type.Integer({
        description: 'standing points (0 while not confirmed, for a rejected or duplicate report, or taken back)',
      }),
      awardedAt: Type.Union([Type.Null(), Time]),
      revokedAt: Type.Union([Type.Null(), Time], {
        description: 'the points were taken back (the ticket was reopened or rejected)',
      }),
    }),
  ),
})
const LeaderboardQuery = Type.Object({
  month: Type.Optional(
    Type.String({ pattern: MONTH_PATTERN, description: 'YYYY-MM (Asia/Shanghai); this month if left out' }),
  ),
  township: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
})
const Leaderboard = Type.Object({
  month: Type.String(),
  townshipId: Type.Union([Type.Null(), Type.String()]),
  items: Type.Array(
    Type.Object({
      rank: Type.Integer(),
      reporterId: Type.String(),
      name: Type.String(),
      phone: Type.String({ description: 'masked' }),
      townshipId: Type.String(),
      townshipName: Type.String(),
      points: Type.Integer(),
      confirmed: Type.Integer({ description: 'reports confirmed in the month' }),
    }),
  ),
  totals: Type.Object({ reporters: Type.Integer(), points: Type.Integer(), confirmed: Type.Integer() }),
})

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

const reporterView = (r: StoredReporter) => ({
  id: r.id,
  name: r.name,
  phone: maskPhone(r.phone),
  townshipId: r.townshipId,
  townshipName: r.townshipName,
  verifiedAt: iso(r.verifiedTs),
})

/** A 429 carries its wait as Retry-After. */
async function withRetryAfter<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    const wait = err instanceof AppError ? err.details?.['retryAfterS'] : undefined
    if (typeof wait === 'number') void reply.header('retry-after', String(wait))
    throw err
  }
}

export const gridRoutes: FastifyPluginAsyncTypebox<GridRoutesOptions> = async (app, { grid, publicRatePerMin }) => {
  const publicLimit = limitHook(
    app.rateLimiter('grid-register', { max: publicRatePerMin, windowMs: 60_000 }),
    (req: FastifyRequest) => req.ip,
    'grid reporter registrations from this address',
  )

  // ── Villagers ──

  app.post(
    '/api/grid/register',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary:
          'Register a phone as a grid reporter (网格员): a 6-digit code goes out by SMS (again: a minute after the last at the soonest, three a day)',
        body: Type.Object({
          phone: Phone,
          name: Type.String({ minLength: 1, maxLength: 80 }),
          townshipId: Type.Optional(
            Type.String({ minLength: 1, maxLength: 64, description: 'the township the reporter covers' }),
          ),
          stopCode: Type.Optional(
            Type.String({ pattern: STOP_CODE_PATTERN, description: 'or: the stop sign registered at (its township)' }),
          ),
        }),
        response: { 200: CodeSent, 400: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      const sent = await withRetryAfter(reply, () => grid.register(req.body))
      return { sent: true as const, ...sent, phone: maskPhone(sent.phone) }
    },
  )

  app.post(
    '/api/grid/verify',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary:
          "Confirm a registration's SMS code: the reporter and a token for the phone to keep (send it as X-Reporter-Token with reports)",
        body: Type.Object({
          phone: Phone,
          smsCode: Type.String({ pattern: '^\\s*\\d{6}\\s*$', description: 'the 6 digits of the SMS' }),
        }),
        response: {
          200: Type.Object({ reporter: Reporter, token: Type.String() }),
          400: ErrorResponse,
          409: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (req) => {
      const { reporter, token } = await grid.verify(req.body.phone, req.body.smsCode)
      return { reporter: reporterView(reporter), token }
    },
  )

  app.get(
    '/api/grid/me',
    {
      config: { access: 'public' },
      onRequest: publicLimit,
      schema: {
        tags,
        summary: "The reporter's own reports with their status and points, and the points this month and in all",
        headers: TokenHeader,
        response: { 200: Mine, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req) => {
      const m = await grid.mine(req.headers['x-reporter-token'])
      return {
        reporter: reporterView(m.reporter),
        month: m.month,
        points: m.points,
        reports: m.reports.map((r) => ({
          id: r.id,
          stopCode: r.stopCode,
          stopName: r.stopName,
          kind: r.kind,
          category: r.category,
          status: r.status,
          reportedAt: new Date(r.reportedTs).toISOString(),
          points: r.points,
          awardedAt: iso(r.awardedTs),
          revokedAt: iso(r.revokedTs),
        })),
      }
    },
  )

  // ── Staff ──

  app.post(
    '/api/grid/reports/:id/confirm',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary:
          "Confirm a grid reporter's report before its ticket is fixed (the hazard is real): its points, once; refused for a rejected, duplicate or anonymous report",
        params: Type.Object({ id: Type.String({ pattern: REPORT_ID_PATTERN }) }),
        response: {
          200: Type.Object({
            reportId: Type.String(),
            reporterId: Type.String(),
            ticketId: Type.Integer(),
            points: Type.Integer(),
          }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (req) =>
      grid.confirm(req.params.id, userOf(req).username, (tx, before, after) =>
        audit(req, 'grid.confirm', `report:${req.params.id}`, before, after, tx),
      ),
  )

  app.get(
    '/api/grid/tickets/:id',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary: "Each report of a ticket with its grid reporter and points (the console's ticket view)",
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: {
          200: Type.Object({
            ticketId: Type.Integer(),
            status: Status,
            reports: Type.Array(
              Type.Object({
                reportId: Type.String(),
                reporter: Type.Union([
                  Type.Null(),
                  Type.Object({ id: Type.String(), name: Type.String(), townshipName: Type.String() }),
                ]),
                points: Type.Integer({ description: 'standing points' }),
                awarded: Type.Boolean(),
                worth: Type.Integer({ description: 'what the rule gives it when confirmed (0: nothing)' }),
                none: Type.Union([Type.Null(), Type.String()], {
                  description: 'why it earns nothing: no_reporter, rejected, duplicate',
                }),
              }),
            ),
          }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req) => grid.ticketPoints(req.params.id),
  )

  app.get(
    '/api/grid/leaderboard',
    {
      config: { access: STAFF },
      schema: {
        tags,
        summary:
          "A month's leaderboard of grid reporters (points confirmed in the month), ranked, optionally one township",
        querystring: LeaderboardQuery,
        response: { 200: Leaderboard, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => {
      const board = await grid.leaderboard(req.query.month ?? monthOf(grid.now()), req.query.township)
      return { ...board, items: board.items.map((r) => ({ ...r, phone: maskPhone(r.phone) })) }
    },
  )

  app.get(
    '/api/grid/leaderboard.csv',
    {
      config: { access: EXPORTERS },
      schema: {
        tags,
        summary:
          "The month's leaderboard for the county's reward scheme as CSV, with full phone numbers (dispatcher; audited)",
        querystring: LeaderboardQuery,
        response: { 200: Type.String(), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req, reply) => {
      const month = req.query.month ?? monthOf(grid.now())
      const board = await grid.leaderboard(month, req.query.township)
      const csv = toCsv(
        [
          { header: '月份 month', value: () => month },
          { header: '乡镇 township', value: (r) => r.townshipName },
          { header: '排名 rank', value: (r) => r.rank },
          { header: '网格员编号 reporter id', value: (r) => r.reporterId },
          { header: '姓名 name', value: (r) => r.name },
          { header: '手机 phone', value: (r) => r.phone },
          { header: '确认上报 confirmed reports', value: (r) => r.confirmed },
          { header: '积分 points', value: (r) => r.points },
        ],
        board.items,
      )
      await audit(req, 'grid.export', `leaderboard:${month}`, null, {
        month,
        township: req.query.township ?? null,
        reporters: board.totals.reporters,
        points: board.totals.points,
      })
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="grid-points_${month}${req.query.township ? `_${req.query.township}` : ''}.csv"`,
        )
        .send(csv)
    },
  )
}

/**
 * The booking limits on the HTTP side. Registered before the booking routes, it adds to them as
 * they are registered a per-account limit on the public booking routes for signed-in accounts
 * (those without a session have the per-address one). The per-phone, per-address and per-account
 * booking caps are judged with the booking itself (`limits-gate.ts`). Its own routes: the booker
 * confirms the SMS code or asks for it again; dispatchers read the suspicious phones, addresses and accounts.
 */
import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { RouteOptions } from 'fastify'
import { Type } from '@sinclair/typebox'
import { AppError, type SuspectView } from '@rb/domain'
import { bookingLimitsRepo } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'
import { limitHook } from '../http/rate-limit.js'
import { DISPATCHERS } from './actor.js'
import type { BookingAbuse } from './abuse.js'
import { BookingView, CodeParam, Verification } from './schemas.js'

export interface BookingLimitRoutesOptions {
  abuse: BookingAbuse
  /** Public booking requests per minute per signed-in account; 0 = unlimited. */
  accountRatePerMin: number
  /** Code confirmations per minute per client address without a session (BOOKING_RATE_LIMIT). */
  publicRatePerMin: number
}

/** Public routes where a signed-in account is limited per account. */
const PUBLIC_BOOKING_ROUTES = new Set([
  'POST /api/bookings',
  'GET /api/bookings/lookup',
  'GET /api/bookings/:code',
  'POST /api/bookings/:code/cancel',
  'POST /api/bookings/:code/verify',
  'POST /api/bookings/:code/verify/resend',
])
const toArray = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x])

const plugin: FastifyPluginAsyncTypebox<BookingLimitRoutesOptions> = async (
  app,
  { abuse, accountRatePerMin, publicRatePerMin },
) => {
  const addressLimit = limitHook(
    app.rateLimiter('booking-verify', { max: publicRatePerMin, windowMs: 60_000 }),
    (req) => (req.user ? null : req.ip),
    'code confirmations from this address',
  )
  const accountLimit = limitHook(
    app.rateLimiter('booking-account', { max: accountRatePerMin, windowMs: 60_000 }),
    (req) => (req.user ? `u:${req.user.id}` : null),
    (req) => `booking requests from account ${req.user?.username ?? ''}`,
  )

  // Added to the routes as they are registered (this plugin shares its parent's hooks).
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = toArray(route.method)
    for (const method of methods) {
      const id = `${method} ${route.url}`
      if (PUBLIC_BOOKING_ROUTES.has(id)) route.onRequest = [...toArray(route.onRequest), accountLimit]
    }
  })

  app.post(
    '/api/bookings/:code/verify',
    {
      config: { access: 'public' },
      onRequest: addressLimit,
      schema: {
        tags: ['booking'],
        summary:
          'Confirm the SMS code sent to the phone of a booking whose seats are held (BOOKING_VERIFY); its "booked" text then goes out',
        params: Type.Object({ code: CodeParam }),
        body: Type.Object({
          phone: Type.String({ minLength: 5, maxLength: 24 }),
          smsCode: Type.String({ pattern: '^\\s*\\d{6}\\s*$', description: 'the 6 digits of the SMS' }),
        }),
        response: { 200: BookingView, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req) => {
      const { booking } = await abuse.verify(req.params.code, req.body.phone, req.body.smsCode)
      const found = await app.rb.booking.service.findForPassenger(booking.code, req.body.phone)
      return app.rb.booking.service.view(found.booking, found.trip)
    },
  )

  app.post(
    '/api/bookings/:code/verify/resend',
    {
      config: { access: 'public' },
      onRequest: addressLimit,
      schema: {
        tags: ['booking'],
        summary:
          'Send the SMS code of a held booking again (a new code; the old one stops working): a minute after the last at the soonest, three codes in all',
        params: Type.Object({ code: CodeParam }),
        body: Type.Object({ phone: Type.String({ minLength: 5, maxLength: 24 }) }),
        response: { 200: Resent, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (req, reply) => {
      try {
        const v = await abuse.resend(req.params.code, req.body.phone)
        return v ? { sent: true, verification: v } : { sent: false, verification: null }
      } catch (err) {
        const wait = err instanceof AppError ? err.details?.['retryAfterS'] : undefined
        if (typeof wait === 'number') void reply.header('retry-after', String(wait))
        throw err
      }
    },
  )

  app.get(
    '/api/bookings/suspicious',
    {
      config: { access: DISPATCHERS },
      schema: {
        tags: ['booking'],
        summary:
          'Phones, client addresses and accounts that hit a booking limit, made many booking requests, or let held seats lapse, with their active bookings (dispatcher)',
        querystring: Type.Object({ hours: Type.Integer({ minimum: 1, maximum: 24 * 14, default: 24 }) }),
        response: { 200: Suspicious, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => {
      const since = Date.now() - req.query.hours * 3_600_000
      const l = abuse.limits
      const half = (n: number): number => (n > 0 ? Math.max(2, Math.ceil(n / 2)) : 1_000_000)
      const rows = await bookingLimitsRepo.suspects(app.rb.db, since, {
        phone: half(l.phoneDailyMax),
        address: half(l.addressDailyMax),
        account: half(l.accountDailyMax),
      })
      const items: SuspectView[] = []
      for (const r of rows) {
        const bookings = await bookingLimitsRepo.bookingsOfSuspect(app.rb.db, r.kind, r.key, since)
        items.push({
          kind: r.kind,
          key: r.key,
          requests: r.requests,
          refused: r.refused,
          limits: r.limits,
          trips: r.trips,
          expiredHolds: r.expiredHolds,
          lastAt: new Date(r.lastTs).toISOString(),
          bookings: bookings.map((b) => ({
            code: b.code,
            tripInstanceId: b.tripInstanceId,
            name: b.name,
            phone: b.phone,
            seats: b.seats,
            status: b.status,
            held: b.held,
            address: b.clientAddr,
            account: b.account,
            createdAt: new Date(b.createdTs).toISOString(),
          })),
        })
      }
      return { since: new Date(since).toISOString(), items }
    },
  )
}

const Resent = Type.Object({
  sent: Type.Boolean({ description: 'false: the phone had nothing left to confirm' }),
  verification: Type.Union([Type.Null(), Verification]),
})

const Suspicious = Type.Object({
  since: Type.String({ format: 'date-time' }),
  items: Type.Array(
    Type.Object({
      kind: Type.Union([Type.Literal('phone'), Type.Literal('address'), Type.Literal('account')]),
      key: Type.String(),
      requests: Type.Integer({ description: 'booking requests taken in the window' }),
      refused: Type.Integer({ description: 'requests refused by a limit' }),
      limits: Type.Array(Type.String(), { description: 'the limits that refused them' }),
      trips: Type.Integer(),
      expiredHolds: Type.Integer({ description: 'held seats released because the SMS code never came back' }),
      lastAt: Type.String({ format: 'date-time' }),
      bookings: Type.Array(
        Type.Object({
          code: Type.String(),
          tripInstanceId: Type.String(),
          name: Type.String(),
          phone: Type.String(),
          seats: Type.Integer(),
          status: Type.String(),
          held: Type.Boolean({ description: 'seats held, waiting for the SMS code' }),
          address: Type.Union([Type.Null(), Type.String()]),
          account: Type.Union([Type.Null(), Type.String()]),
          createdAt: Type.String({ format: 'date-time' }),
        }),
      ),
    }),
  ),
})

export const bookingLimitRoutes = fp(plugin, { name: 'booking-limits', fastify: '5.x' })

/**
 * Booking HTTP API: villagers book, look up and cancel with code + phone; dispatchers book by
 * phone, list and cancel; drivers read and mark their trip's manifest. Thin: the service decides.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { AppError, normalizePhone, type Manifest } from '@rb/domain'
import { bookingRepo } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'
import type { TripInstanceView } from '../network/service.js'
import { audit } from '../auth/audit.js'
import { checkAccess } from '../auth/guard.js'
import { limitHook } from '../http/rate-limit.js'
import { actorOf, CREW, DISPATCHERS } from './actor.js'
import type { BookingService } from './service.js'
import { tripSummary as tripSummaryView } from './views.js'
import {
  BookBody,
  BookedView,
  BookingView,
  CancelBody,
  CodeParam,
  DispatcherBookingView,
  IdempotencyHeaders,
  InstanceId,
  ManifestView,
  MarkBody,
  NoShows,
  PhoneBookBody,
  TripBookings,
} from './schemas.js'

const iso = (ts: number): string => new Date(ts).toISOString()

/** The client address, taken before validation (the headers schema drops X-Forwarded-For). */
const addresses = new WeakMap<FastifyRequest, string>()
const rememberAddress = async (req: FastifyRequest): Promise<void> => {
  addresses.set(req, req.ip)
}

function idempotencyKey(header: string | undefined, body: string | undefined): string {
  if (header && body && header !== body)
    throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key header and the idempotencyKey field differ')
  const key = header ?? body
  if (!key)
    throw new AppError(
      'VALIDATION_FAILED',
      'send an Idempotency-Key header (or an idempotencyKey field): one per booking, the same when retrying',
      { field: 'idempotencyKey' },
    )
  return key
}

async function tripSummary(booking: BookingService, trip: TripInstanceView) {
  const states = await bookingRepo.onDemandStates(booking.db, [trip.id])
  return tripSummaryView(trip, booking.bookable(trip, states.get(trip.id) ?? null).onDemand)
}

export const bookingRoutes: FastifyPluginAsyncTypebox<{ booking: BookingService; publicRatePerMin: number }> = async (
  app,
  { booking, publicRatePerMin },
) => {
  const common = { tags: ['booking'] }
  const PUBLIC = { access: 'public' as const }
  // Without a session, bookings, look-ups and cancellations share a per-address limit: it blunts
  // filling a trip with made-up bookings and guessing codes. Dispatchers are not limited.
  const limited = limitHook(
    app.rateLimiter('bookings', { max: publicRatePerMin, windowMs: 60_000 }),
    (req) => (req.user ? null : req.ip),
    'booking requests from this address',
  )
  const tooMany = { 429: ErrorResponse }
  const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }

  app.post(
    '/api/bookings',
    {
      config: PUBLIC,
      onRequest: [limited, rememberAddress],
      schema: {
        ...common,
        summary:
          'Book seats on a trip instance (villager page); answers 201 with the booking code, or 409 SEAT_UNAVAILABLE / BOOKING_CLOSED / TRIP_CANCELLED, 429 BOOKING_LIMIT',
        description:
          'A resent request with the same Idempotency-Key answers the same booking (header `Idempotent-Replayed: true`).',
        headers: IdempotencyHeaders,
        body: BookBody,
        response: { 201: BookedView, ...errors, ...tooMany },
      },
    },
    async (req, reply) => {
      const key = idempotencyKey(req.headers['idempotency-key'], req.body.idempotencyKey)
      const requester = {
        kind: 'public' as const,
        address: addresses.get(req) ?? req.ip,
        account: req.user?.username ?? null,
      }
      const r = await booking.book({ ...req.body, idempotencyKey: key, requester }, { kind: 'passenger' })
      if (r.replayed) void reply.header('idempotent-replayed', 'true')
      const view = await booking.view(r.booking, r.trip, r.queue)
      return reply.status(201).send(r.verification ? { ...view, verification: r.verification } : view)
    },
  )

  const lookup = async (code: string, phone: string) => {
    const found = await booking.findForPassenger(code, phone)
    const view = await booking.view(found.booking, found.trip)
    // A booking still held for its SMS code says so (a page reopened goes back to the code).
    const verification = await app.rb.booking.abuse.pending(found.booking)
    return verification ? { ...view, verification } : view
  }
  const lookupSchema = { 200: BookedView, 400: ErrorResponse, 404: ErrorResponse, ...tooMany }
  app.get(
    '/api/bookings/lookup',
    {
      config: PUBLIC,
      onRequest: limited,
      schema: {
        ...common,
        summary: 'A passenger looks up their booking by code and phone',
        querystring: Type.Object({ code: CodeParam, phone: Type.String({ maxLength: 24 }) }),
        response: lookupSchema,
      },
    },
    async (req) => lookup(req.query.code, req.query.phone),
  )
  app.get(
    '/api/bookings/:code',
    {
      config: PUBLIC,
      onRequest: limited,
      schema: {
        ...common,
        summary: 'A passenger looks up their booking (the phone it was made with is required)',
        params: Type.Object({ code: CodeParam }),
        querystring: Type.Object({ phone: Type.String({ maxLength: 24 }) }),
        response: lookupSchema,
      },
    },
    async (req) => lookup(req.params.code, req.query.phone),
  )

  app.post(
    '/api/bookings/:code/cancel',
    {
      // Public: a passenger cancels with the phone; without one the caller must be a dispatcher.
      config: PUBLIC,
      onRequest: limited,
      schema: {
        ...common,
        summary:
          'Cancel a booking: the passenger with `phone` (until the cutoff), or a signed-in dispatcher with a `reason` (any time)',
        params: Type.Object({ code: CodeParam }),
        body: CancelBody,
        response: { 200: BookingView, 401: ErrorResponse, 403: ErrorResponse, ...errors, ...tooMany },
      },
    },
    async (req) => {
      if (req.body.phone !== undefined) {
        const found = await booking.findForPassenger(req.params.code, req.body.phone)
        const b = await booking.cancel(found, { kind: 'passenger' }, req.body.reason ?? null)
        return booking.view(b, found.trip)
      }
      checkAccess(req.user, DISPATCHERS)
      if (!req.body.reason)
        throw new AppError('VALIDATION_FAILED', 'a dispatcher cancels with a reason (the passenger is told it)', {
          field: 'reason',
        })
      const found = await booking.findByCode(req.params.code)
      const b = await booking.cancel(found, actorOf(req), req.body.reason)
      await audit(
        req,
        'booking.cancel',
        `booking:${b.code}`,
        { status: found.booking.status },
        { status: b.status, reason: req.body.reason, tripInstanceId: b.tripInstanceId },
      )
      return booking.view(b, found.trip)
    },
  )

  // ── Dispatchers ──

  app.get(
    '/api/bookings/no-shows',
    {
      config: { access: DISPATCHERS },
      schema: {
        ...common,
        summary: 'How often a phone number was marked no-show (dispatcher)',
        querystring: Type.Object({ phone: Type.String({ maxLength: 24 }) }),
        response: { 200: NoShows, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => {
      const phone = normalizePhone(req.query.phone)
      const n = (await booking.noShows([phone])).get(phone)
      return { phone, noShows: n?.count ?? 0, lastNoShowAt: n?.lastTs == null ? null : iso(n.lastTs) }
    },
  )

  app.post(
    '/api/trip-instances/:id/bookings',
    {
      config: { access: DISPATCHERS },
      schema: {
        ...common,
        summary:
          'Phone booking: a dispatcher books for a villager who called (channel phone); open until the bus is due at the boarding stop',
        params: Type.Object({ id: InstanceId }),
        headers: IdempotencyHeaders,
        body: PhoneBookBody,
        response: { 201: DispatcherBookingView, 401: ErrorResponse, 403: ErrorResponse, ...errors, ...tooMany },
      },
    },
    async (req, reply) => {
      const key = idempotencyKey(req.headers['idempotency-key'], req.body.idempotencyKey)
      const username = req.user?.username ?? 'unknown'
      const r = await booking.book(
        {
          ...req.body,
          tripInstanceId: req.params.id,
          idempotencyKey: key,
          requester: { kind: 'staff', account: username },
        },
        actorOf(req),
      )
      if (r.replayed) void reply.header('idempotent-replayed', 'true')
      else
        await audit(req, 'booking.phone', `booking:${r.booking.code}`, null, {
          tripInstanceId: r.trip.id,
          seats: r.booking.seats,
          status: r.booking.status,
        })
      const views = await booking.dispatcherViews([r.booking], r.trip)
      return reply.status(201).send(views[0] as (typeof views)[number])
    },
  )

  const listBookings = async (id: string) => {
    const { trip, bookings, counts } = await booking.bookingsOf(id)
    return { trip: await tripSummary(booking, trip), counts, items: await booking.dispatcherViews(bookings, trip) }
  }
  const listSchema = (summary: string) => ({
    config: { access: DISPATCHERS },
    schema: {
      ...common,
      summary,
      params: Type.Object({ id: InstanceId }),
      response: { 200: TripBookings, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  })
  app.get(
    '/api/trip-instances/:id/bookings',
    listSchema('Every booking of a trip instance with full phones and no-show counts (dispatcher)'),
    async (req) => listBookings(req.params.id),
  )
  app.get('/api/trips/:id/bookings', listSchema('Same as /api/trip-instances/{id}/bookings'), async (req) =>
    listBookings(req.params.id),
  )

  // ── Drivers (their own trips) and dispatchers ──

  const manifestView = async (trip: TripInstanceView, m: Manifest) => {
    const label = await booking.label(trip)
    return {
      trip: await tripSummary(booking, trip),
      counts: m.counts,
      stops: m.stops.map((s) => ({
        seq: s.seq,
        stopCode: s.stopCode,
        stopName: label.stopName(s.stopCode),
        arrival: iso(s.arrivalTs),
        boarding: s.boarding,
        alighting: s.alighting,
        loadAfter: s.loadAfter,
      })),
      waitlist: m.waitlist,
    }
  }
  const getManifest = async (req: FastifyRequest, id: string) => {
    const { trip, manifest } = await booking.manifest(id, actorOf(req))
    return manifestView(trip, manifest)
  }
  const manifestSchema = (summary: string) => ({
    config: { access: CREW },
    schema: {
      ...common,
      summary,
      params: Type.Object({ id: InstanceId }),
      response: { 200: ManifestView, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
    },
  })
  app.get(
    '/api/trip-instances/:id/manifest',
    manifestSchema(
      'Driver manifest: who boards and alights where, seats and codes (the assigned driver or a dispatcher; phones masked)',
    ),
    async (req) => getManifest(req, req.params.id),
  )
  app.get('/api/trips/:id/manifest', manifestSchema('Same as /api/trip-instances/{id}/manifest'), async (req) =>
    getManifest(req, req.params.id),
  )

  app.post(
    '/api/trip-instances/:id/manifest',
    {
      config: { access: CREW },
      schema: {
        ...common,
        summary:
          'Mark a booking boarded or no-show (or back to confirmed) on the manifest; the manifest goes to the vehicle and the console live',
        params: Type.Object({ id: InstanceId }),
        body: MarkBody,
        response: { 200: ManifestView, 401: ErrorResponse, 403: ErrorResponse, ...errors },
      },
    },
    async (req) => {
      const actor = actorOf(req)
      const b = await booking.mark(req.params.id, req.body.code, req.body.status, actor)
      if (actor.kind === 'dispatcher')
        await audit(req, 'booking.mark', `booking:${b.code}`, null, {
          tripInstanceId: b.tripInstanceId,
          status: b.status,
        })
      const { trip, manifest } = await booking.manifest(req.params.id, actor)
      return manifestView(trip, manifest)
    },
  )
}

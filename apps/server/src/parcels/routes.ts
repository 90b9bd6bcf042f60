/**
 * Parcel HTTP API: post points, the tariff and each bus's parcel room; consignment, proposals and
 * assignment; custody scans; what keepers, drivers and dispatchers see; the monthly report. Thin:
 * the service decides. The public tracking view is `GET /api/parcels/:number/track` (and `/p/:number`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import {
  AppError,
  feeFor,
  isOverdue,
  monthRange,
  readParcelNumber,
  reportCsv,
  roleAllows,
  yuan,
  PARCEL_STATUSES,
  type ParcelStatus,
  type ReportLine,
} from '@rb/domain'
import { parcelsRepo } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'
import { markAudited } from '../auth/audit.js'
import { userOf } from '../auth/guard.js'
import type { ParcelService, Caller } from './service.js'
import type { ParcelViews } from './views.js'
import { renderLabels } from './label.js'
import {
  CapacityBody,
  ConsignBody,
  DISPATCH,
  KEEPERS,
  ListQuery,
  OPERATOR,
  OptionsQuery,
  ParcelNumber,
  PostPointBody,
  SCANNERS,
  ScanBody,
  StopCode,
  TariffBody,
} from './schemas.js'

const callerOf = (req: FastifyRequest): Caller => ({ user: req.user, ip: req.ip })
const common = { tags: ['parcels'] }
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }
/** Views are described by their TypeScript types (views.ts); the answer is sent as it is. */
const answers = { 200: Type.Unknown(), ...errors }

/** Whose post point: a keeper's own (asking for another is refused), or the one staff name (or none). */
async function pointFor(
  req: FastifyRequest,
  asked: string | undefined,
  service: ParcelService,
): Promise<string | undefined> {
  const user = userOf(req)
  if (user.role !== 'station') return asked
  const c = await service.custodian(user)
  if (c.kind !== 'keeper' || (asked && asked !== c.postPoint))
    throw new AppError('FORBIDDEN', 'a keeper sees the parcels of their own post point')
  return c.postPoint
}

export const parcelRoutes: FastifyPluginAsyncTypebox<{ service: ParcelService; views: ParcelViews }> = async (
  app,
  { service, views },
) => {
  const PUBLIC = { access: 'public' as const }
  const db = service.db

  // ── Post points, tariff, parcel room ──

  app.get(
    '/api/post-points',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary: 'Post points (村邮站, 综合运输服务站) with their opening hours and phones; keepers for staff',
      },
    },
    async (req) => {
      const points = await parcelsRepo.listPostPoints(db)
      const staff = req.user && roleAllows(req.user.role, DISPATCH)
      const keepers = staff
        ? await parcelsRepo.keepersOf(
            db,
            points.map((p) => p.stopCode),
          )
        : null
      return { items: points.map((p) => ({ ...p, ...(keepers ? { keepers: keepers.get(p.stopCode) ?? [] } : {}) })) }
    },
  )

  app.put(
    '/api/post-points/:code',
    {
      config: { access: OPERATOR },
      schema: {
        ...common,
        summary: 'Make a stop sign or station a post point, or change it (and who keeps it)',
        params: Type.Object({ code: StopCode }),
        body: PostPointBody,
        response: answers,
      },
    },
    async (req) => {
      markAudited(req)
      const { keepers, ...rest } = req.body
      return service.savePostPoint({ ...rest, stopCode: req.params.code }, keepers, callerOf(req))
    },
  )

  app.get(
    '/api/parcels/tariff',
    {
      config: PUBLIC,
      schema: { ...common, summary: 'The county parcel tariff: fee (fen) per size class and distance band' },
    },
    async () => service.tariff(),
  )

  app.put(
    '/api/parcels/tariff',
    {
      config: { access: OPERATOR },
      schema: { ...common, summary: 'Change the county parcel tariff', body: TariffBody, response: answers },
    },
    async (req) => {
      markAudited(req)
      return service.setTariff(req.body, callerOf(req))
    },
  )

  app.get(
    '/api/parcel-capacity',
    {
      config: { access: DISPATCH },
      schema: { ...common, summary: "Each bus's parcel room (slots and kg; buses without figures carry the default)" },
    },
    async () => {
      const vehicles = (await service.network.snapshot()).vehicles
      const caps = await parcelsRepo.capacities(
        db,
        vehicles.map((v) => v.id),
      )
      return {
        items: vehicles.map((v) => ({
          vehicleId: v.id,
          ...(caps.get(v.id) ?? { slots: null, kg: null }),
          own: caps.has(v.id),
        })),
      }
    },
  )

  app.put(
    '/api/parcel-capacity/:vehicleId',
    {
      config: { access: OPERATOR },
      schema: {
        ...common,
        summary: "Set a bus's parcel room; passengers never compete with it",
        params: Type.Object({ vehicleId: Type.String({ maxLength: 40 }) }),
        body: CapacityBody,
        response: answers,
      },
    },
    async (req) => {
      markAudited(req)
      return service.setCapacity(req.params.vehicleId, req.body, callerOf(req))
    },
  )

  // ── Consignment and routing ──

  app.get(
    '/api/parcels/options',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary:
          'The next trips that take a parcel from one post point to another, in the order proposed, with the fee',
        querystring: OptionsQuery,
        response: answers,
      },
    },
    async (req) => {
      const { from, to, sizeClass, weightKg } = req.query
      await service.point(from, 'from')
      await service.point(to, 'to')
      const tariff = await service.tariff()
      const options = await service.options(
        from,
        to,
        { slots: tariff.sizes[sizeClass].slots, kg: weightKg },
        { limit: 8 },
      )
      return {
        items: options.map((o) => ({
          ...o,
          feeFen: feeFor(tariff, sizeClass, o.distanceM),
          fee: yuan(feeFor(tariff, sizeClass, o.distanceM)),
        })),
      }
    },
  )

  app.post(
    '/api/parcels',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary:
          'Consign a parcel: it gets its number, fee, pickup code and the first trip with room (or the one named)',
        body: ConsignBody,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 80 })) }),
        response: { 201: Type.Unknown(), ...errors },
      },
    },
    async (req, reply) => {
      markAudited(req)
      const parcel = await service.consign(req.body, callerOf(req), req.headers['idempotency-key'] ?? null)
      return reply
        .status(201)
        .send({ ...(await views.staff(parcel, service.now())), labelUrl: `/api/parcels/${parcel.number}/label` })
    },
  )

  app.get(
    '/api/parcels',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary: "Parcels by post point, trip and status, newest first; a keeper sees their own post point's",
        querystring: ListQuery,
        response: answers,
      },
    },
    async (req) => {
      const point = await pointFor(req, req.query.point, service)
      const status = req.query.status
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
      const bad = status?.find((s) => !(PARCEL_STATUSES as readonly string[]).includes(s))
      if (bad)
        throw new AppError('VALIDATION_FAILED', `unknown status ${bad} (one of ${PARCEL_STATUSES.join(', ')})`, {
          field: 'status',
        })
      const now = service.now()
      let parcels = await parcelsRepo.listParcels(db, {
        point,
        status: status as ParcelStatus[] | undefined,
        tripInstanceId: req.query.trip,
        limit: req.query.limit,
      })
      if (req.query.overdue !== undefined) parcels = parcels.filter((p) => isOverdue(p, now) === req.query.overdue)
      return { items: await views.list(parcels, now) }
    },
  )

  // ── The monthly report (before /:number) ──

  app.get(
    '/api/parcels/report',
    {
      config: { access: DISPATCH },
      schema: {
        ...common,
        summary:
          'Monthly report by route and post point: parcels, weight, revenue, average door-to-door time; CSV with format=csv',
        querystring: Type.Object({
          month: Type.String({ maxLength: 7 }),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
        }),
        response: answers,
      },
    },
    async (req, reply) => {
      const { fromTs, toTs } = monthRange(req.query.month)
      const r = await parcelsRepo.report(db, fromTs, toTs)
      const net = await service.network.snapshot()
      const routeName = new Map(net.routes.map((x) => [x.id, x.name]))
      const pointName = new Map((await parcelsRepo.listPostPoints(db)).map((p) => [p.stopCode, p.name]))
      const lines: ReportLine[] = [
        ...r.byRoute.map((x) => ({
          by: 'route' as const,
          key: x.key,
          name: routeName.get(x.key) ?? x.key,
          parcels: x.parcels,
          received: null,
          weightKg: x.weightKg,
          revenueFen: x.revenueFen,
          collected: x.collected,
          avgDoorToDoorS: x.avgDoorToDoorS,
        })),
        ...[...new Set([...r.byPoint.map((x) => x.key), ...r.received.keys()])].sort().map((key) => {
          const x = r.byPoint.find((y) => y.key === key)
          return {
            by: 'post_point' as const,
            key,
            name: pointName.get(key) ?? key,
            parcels: x?.parcels ?? 0,
            received: r.received.get(key) ?? 0,
            weightKg: x?.weightKg ?? 0,
            revenueFen: x?.revenueFen ?? 0,
            collected: x?.collected ?? 0,
            avgDoorToDoorS: x?.avgDoorToDoorS ?? null,
          }
        }),
      ]
      if (req.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="parcels-${req.query.month}.csv"`)
          .send(reportCsv(req.query.month, lines))
      }
      const routes = lines.filter((l) => l.by === 'route')
      const total = {
        parcels: routes.reduce((n, l) => n + l.parcels, 0),
        weightKg: Math.round(routes.reduce((n, l) => n + l.weightKg, 0) * 100) / 100,
        revenueFen: routes.reduce((n, l) => n + l.revenueFen, 0),
      }
      return { month: req.query.month, total, byRoute: routes, byPostPoint: lines.filter((l) => l.by === 'post_point') }
    },
  )

  // ── One parcel ──

  app.get(
    '/api/parcels/:number/track',
    {
      config: PUBLIC,
      schema: {
        ...common,
        summary: 'Where is my parcel: status, steps, and while it rides its bus and the ETA (no names or phones)',
        params: Type.Object({ number: ParcelNumber }),
        response: { 200: Type.Unknown(), 404: ErrorResponse },
      },
    },
    async (req) => views.track(req.params.number),
  )

  app.get(
    '/api/parcels/:number',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary: 'A parcel with its custody steps (who, where, when); texts sent about it for staff',
        params: Type.Object({ number: ParcelNumber }),
        response: answers,
      },
    },
    async (req) => {
      const p = await service.visible(req.params.number, callerOf(req))
      const view = await views.staff(p, service.now())
      const events = await parcelsRepo.eventsOf(db, p.id)
      const staff = roleAllows(userOf(req).role, DISPATCH)
      const messages = staff
        ? (await parcelsRepo.messagesOf(db, p.id)).map((m) => ({
            ...m,
            createdTs: new Date(m.createdTs).toISOString(),
            sentTs: m.sentTs === null ? null : new Date(m.sentTs).toISOString(),
          }))
        : undefined
      return {
        ...view,
        custody: events.map((e) => ({ ...e, ts: new Date(e.ts).toISOString() })),
        ...(messages ? { messages } : {}),
      }
    },
  )

  app.get(
    '/api/parcels/:number/label',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary: 'Printable label (HTML, 100 × 150 mm) with the number, both post points and the QR code',
        params: Type.Object({ number: ParcelNumber }),
        response: { ...errors, 200: Type.String() },
      },
    },
    async (req, reply) => {
      const p = await service.visible(req.params.number, callerOf(req))
      const points = new Map((await parcelsRepo.listPostPoints(db)).map((x) => [x.stopCode, x]))
      const routeName = new Map((await service.network.snapshot()).routes.map((r) => [r.id, r.name]))
      return reply.type('text/html; charset=utf-8').send(
        await renderLabels([
          {
            parcel: p,
            from: points.get(p.fromPoint),
            to: points.get(p.toPoint),
            url: service.trackingUrl(p.number),
            routeName: (id) => routeName.get(id) ?? id,
          },
        ]),
      )
    },
  )

  app.post(
    '/api/parcels/:number/assign',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary:
          'Put a waiting parcel on the trip chosen by hand (a change at a township station is added when it needs one)',
        params: Type.Object({ number: ParcelNumber }),
        body: Type.Object({ tripInstanceId: Type.String({ minLength: 3, maxLength: 90 }) }),
        response: answers,
      },
    },
    async (req) => {
      markAudited(req)
      const p = await service.assign(req.params.number, req.body.tripInstanceId, callerOf(req))
      return views.staff(p, service.now())
    },
  )

  app.post(
    '/api/parcels/scan',
    {
      config: { access: SCANNERS },
      schema: {
        ...common,
        summary:
          'A custody scan (load, unload, collect, return) of the label QR or the typed number; out of order, twice, at the wrong place or with a wrong pickup code is refused with the reason',
        body: ScanBody,
        response: answers,
      },
    },
    async (req) => {
      markAudited(req)
      const number = readParcelNumber(req.body.code)
      if (!number)
        throw new AppError('VALIDATION_FAILED', 'that is not a parcel number or label (XY-P-20261207-0042)', {
          field: 'code',
        })
      const { parcel, event } = await service.scan(
        number,
        {
          action: req.body.action,
          pickupCode: req.body.pickupCode,
          phoneLast4: req.body.phoneLast4,
          vehicleId: req.body.vehicleId,
        },
        { ...callerOf(req), user: userOf(req) },
      )
      return { number, status: parcel.status, event: { ...event, ts: new Date(event.ts).toISOString() } }
    },
  )

  // ── Driver and keeper pages ──

  app.get(
    '/api/trip-instances/:id/parcels',
    {
      config: { access: ['driver', 'dispatcher', 'operator'] },
      schema: {
        ...common,
        summary: "A trip's parcels per stop (load here, unload there): its driver's and dispatchers'",
        params: Type.Object({ id: Type.String({ minLength: 10, maxLength: 90 }) }),
        response: answers,
      },
    },
    async (req) => {
      const user = userOf(req)
      if (user.role === 'driver') {
        const inst = await service.network.instance(req.params.id)
        const atWheel = inst.vehicleId ? service.tracking.engine.driverOf(inst.vehicleId) : null
        if (!user.driverCode || (inst.driverId !== user.driverCode && atWheel !== user.driverCode))
          throw new AppError('FORBIDDEN', 'a driver sees the parcels of the trips they drive')
      }
      return views.tripSheet(req.params.id, service.now())
    },
  )

  app.get(
    '/api/keeper/parcels',
    {
      config: { access: KEEPERS },
      schema: {
        ...common,
        summary:
          "A post point's parcels: due in, waiting for pickup, overdue, to send (a keeper's own; `point` for staff)",
        querystring: Type.Object({ point: Type.Optional(StopCode) }),
        response: answers,
      },
    },
    async (req) => {
      const point = await pointFor(req, req.query.point, service)
      if (!point) throw new AppError('VALIDATION_FAILED', 'say which post point: point', { field: 'point' })
      return views.keeper(point, service.now())
    },
  )
}

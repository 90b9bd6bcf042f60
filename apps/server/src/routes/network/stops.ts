import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, type Stop as StopModel } from '@rb/domain'
import { networkRepo } from '@rb/db'
import { dateParam, type NetworkService } from '../../network/service.js'
import { ErrorResponse } from '../../http/schemas.js'
import { Id, LngLat, Operator, Page, Paging, Stop, StopBody, StopCode, StopStatus, Township } from './schemas.js'
import { renderSignSheets, stopQrSvg, villagerUrl } from '../../network/sign-sheet.js'

const MAX_SHEETS = 500

export const stopRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService; publicUrl: string }> = async (
  app,
  { network, publicUrl },
) => {
  const db = network.db
  const withLinks = (s: StopModel, routes?: string[]) => ({
    ...s,
    ...(routes ? { routes } : {}),
    qrUrl: `/api/stops/${s.code}/qr.svg`,
    villagerUrl: villagerUrl(publicUrl, s.code),
  })

  app.get(
    '/api/townships',
    {
      schema: {
        tags: ['network'],
        summary: 'Townships',
        response: { 200: Type.Object({ items: Type.Array(Township) }) },
      },
    },
    async () => ({
      items: await networkRepo.listTownships(db),
    }),
  )

  app.put(
    '/api/townships/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Create or replace a township',
        params: Type.Object({ id: Id }),
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 40 }),
          nameEn: Type.String({ maxLength: 60, default: '' }),
          center: LngLat,
        }),
        response: { 200: Township },
      },
    },
    async (req) => {
      const t = { id: req.params.id, ...req.body }
      await networkRepo.upsertTownship(db, t)
      network.changed()
      return t
    },
  )

  app.get(
    '/api/operators',
    {
      schema: {
        tags: ['network'],
        summary: 'Bus operators',
        response: { 200: Type.Object({ items: Type.Array(Operator) }) },
      },
    },
    async () => ({
      items: await networkRepo.listOperators(db),
    }),
  )

  app.put(
    '/api/operators/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Create or replace an operator',
        params: Type.Object({ id: Id }),
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 80 }),
          phone: Type.Union([Type.Null(), Type.String({ maxLength: 20 })], { default: null }),
        }),
        response: { 200: Operator },
      },
    },
    async (req) => {
      const o = { id: req.params.id, ...req.body }
      await networkRepo.upsertOperator(db, o)
      network.changed()
      return o
    },
  )

  app.get(
    '/api/stops',
    {
      schema: {
        tags: ['network'],
        summary: 'Numbered stop signs, with filters and paging',
        querystring: Type.Object({
          township: Type.Optional(Type.String()),
          status: Type.Optional(StopStatus),
          route: Type.Optional(Type.String()),
          q: Type.Optional(Type.String({ maxLength: 40 })),
          ...Paging,
        }),
        response: { 200: Page(Stop) },
      },
    },
    async (req) => {
      const { limit, offset } = req.query
      const page = await networkRepo.listStops(db, {
        townshipId: req.query.township,
        status: req.query.status,
        routeId: req.query.route,
        q: req.query.q,
        limit,
        offset,
      })
      const serving = await networkRepo.routesServing(
        db,
        page.items.map((s) => s.code),
      )
      return { ...page, items: page.items.map((s) => withLinks(s, serving.get(s.code) ?? [])), limit, offset }
    },
  )

  app.get(
    '/api/stops/:code',
    {
      schema: {
        tags: ['network'],
        summary: 'One stop sign',
        params: Type.Object({ code: StopCode }),
        response: { 200: Stop, 404: ErrorResponse },
      },
    },
    async (req) => {
      const stop = await networkRepo.getStop(db, req.params.code)
      if (!stop) throw new AppError('STOP_NOT_FOUND', `stop ${req.params.code} does not exist`)
      const serving = await networkRepo.routesServing(db, [stop.code])
      return withLinks(stop, serving.get(stop.code) ?? [])
    },
  )

  app.post(
    '/api/stops',
    {
      schema: {
        tags: ['network'],
        summary: 'Add a stop sign; its code is assigned (never reused)',
        body: StopBody,
        response: { 201: Stop, 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const stop = await network.createStop({
        ...req.body,
        installedOn: req.body.installedOn === null ? null : dateParam(req.body.installedOn),
      })
      return reply.status(201).send(withLinks(stop, []))
    },
  )

  app.patch(
    '/api/stops/:code',
    {
      schema: {
        tags: ['network'],
        summary: 'Change a stop sign (name, place, status, …)',
        params: Type.Object({ code: StopCode }),
        body: Type.Partial(Type.Composite([StopBody, Type.Object({ status: StopStatus })])),
        response: { 200: Stop, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => {
      const { installedOn, ...rest } = req.body
      const patch: Partial<StopModel> = {
        ...rest,
        ...(installedOn !== undefined ? { installedOn: installedOn === null ? null : dateParam(installedOn) } : {}),
      }
      return withLinks(await network.updateStop(req.params.code, patch))
    },
  )

  app.delete(
    '/api/stops/:code',
    {
      schema: {
        tags: ['network'],
        summary: 'Retire a stop sign (status removed; the code is never reused)',
        params: Type.Object({ code: StopCode }),
        response: { 200: Stop, 404: ErrorResponse },
      },
    },
    async (req) => withLinks(await network.updateStop(req.params.code, { status: 'removed' })),
  )

  app.get(
    '/api/stops/:code/qr.svg',
    {
      schema: {
        tags: ['network'],
        summary: "QR code (SVG) of the stop's villager page URL",
        params: Type.Object({ code: StopCode }),
        response: { 200: Type.String(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (!(await networkRepo.getStop(db, req.params.code)))
        throw new AppError('STOP_NOT_FOUND', `stop ${req.params.code} does not exist`)
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400')
      return stopQrSvg(villagerUrl(publicUrl, req.params.code))
    },
  )

  app.get(
    '/api/stops/sheets',
    {
      schema: {
        tags: ['network'],
        summary: 'Printable A4 sign sheets (HTML, one page per sign) for a list of codes or a township',
        querystring: Type.Object({
          codes: Type.Optional(Type.String({ description: 'comma-separated stop codes' })),
          township: Type.Optional(Type.String()),
        }),
        response: { 200: Type.String(), 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const codes = req.query.codes
        ?.split(',')
        .map((c) => c.trim())
        .filter(Boolean)
      if (!codes && !req.query.township) throw new AppError('VALIDATION_FAILED', 'give `codes` or `township`')
      const stops = codes
        ? (await Promise.all(codes.slice(0, MAX_SHEETS).map((c) => networkRepo.getStop(db, c)))).filter(
            (s): s is StopModel => s !== null,
          )
        : (await networkRepo.listStops(db, { townshipId: req.query.township, limit: MAX_SHEETS, offset: 0 })).items
      const printable = stops.filter((s) => s.status !== 'removed')
      if (printable.length === 0) throw new AppError('STOP_NOT_FOUND', 'none of those stops exist')
      return reply.type('text/html; charset=utf-8').send(await renderSheetsFor(printable))
    },
  )

  app.get(
    '/api/stops/:code/sheet',
    {
      schema: {
        tags: ['network'],
        summary: 'Printable A4 sign sheet (HTML) of one stop',
        params: Type.Object({ code: StopCode }),
        response: { 200: Type.String(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const stop = await networkRepo.getStop(db, req.params.code)
      if (!stop) throw new AppError('STOP_NOT_FOUND', `stop ${req.params.code} does not exist`)
      return reply.type('text/html; charset=utf-8').send(await renderSheetsFor([stop]))
    },
  )

  async function renderSheetsFor(stops: StopModel[]): Promise<string> {
    const net = await network.snapshot()
    const routeName = new Map(net.routes.map((r) => [r.id, r.name]))
    const serving = await networkRepo.routesServing(
      db,
      stops.map((s) => s.code),
    )
    const township = new Map(net.townships.map((t) => [t.id, t.name]))
    return renderSignSheets(
      stops.map((s) => ({
        stop: s,
        townshipName: township.get(s.townshipId) ?? '',
        routes: (serving.get(s.code) ?? []).map((id) => ({ id, name: routeName.get(id) ?? id })),
        url: villagerUrl(publicUrl, s.code),
      })),
    )
  }
}

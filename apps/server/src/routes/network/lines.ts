import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError } from '@rb/domain'
import { networkRepo } from '@rb/db'
import type { NetworkService } from '../../network/service.js'
import { ErrorResponse } from '../../http/schemas.js'
import { Id, Page, Paging, Route, RouteBody, ServiceKind } from './schemas.js'

export const lineRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService }> = async (app, { network }) => {
  const db = network.db

  app.get(
    '/api/routes',
    {
      schema: {
        tags: ['network'],
        summary: 'Routes with geometry and ordered stops',
        querystring: Type.Object({
          kind: Type.Optional(ServiceKind),
          township: Type.Optional(Type.String()),
          stop: Type.Optional(Type.String()),
          includeRetired: Type.Boolean({ default: false }),
          ...Paging,
        }),
        response: { 200: Page(Route) },
      },
    },
    async (req) => {
      const { limit, offset } = req.query
      const page = await networkRepo.listRoutes(db, {
        kind: req.query.kind,
        townshipId: req.query.township,
        stopCode: req.query.stop,
        includeRetired: req.query.includeRetired,
        limit,
        offset,
      })
      return { ...page, limit, offset }
    },
  )

  app.get(
    '/api/routes/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'One route',
        params: Type.Object({ id: Id }),
        response: { 200: Route, 404: ErrorResponse },
      },
    },
    async (req) => {
      const route = await networkRepo.getRoute(db, req.params.id)
      if (!route) throw new AppError('ROUTE_NOT_FOUND', `route ${req.params.id} does not exist`)
      return route
    },
  )

  app.put(
    '/api/routes/:id',
    {
      schema: {
        tags: ['network'],
        summary:
          'Create or replace a route; stop distances along it are computed, a stop too far from the line is a 400 naming it',
        params: Type.Object({ id: Id }),
        body: RouteBody,
        response: { 200: Route, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => network.saveRoute({ ...req.body, id: req.params.id }),
  )

  app.delete(
    '/api/routes/:id',
    {
      schema: {
        tags: ['network'],
        summary: 'Retire a route (its trips stop running)',
        params: Type.Object({ id: Id }),
        response: { 200: Route, 404: ErrorResponse },
      },
    },
    async (req) => {
      if (!(await networkRepo.setRouteActive(db, req.params.id, false)))
        throw new AppError('ROUTE_NOT_FOUND', `route ${req.params.id} does not exist`)
      network.changed()
      return (await networkRepo.getRoute(db, req.params.id)) as NonNullable<
        Awaited<ReturnType<typeof networkRepo.getRoute>>
      >
    },
  )
}

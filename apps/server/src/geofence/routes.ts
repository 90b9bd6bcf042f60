/**
 * Geofences over HTTP: list, create or replace (a polygon or circle, or GeoJSON to import), delete,
 * and the enter / exit / dwell events of a fence or a vehicle. Operators change them; dispatchers
 * read. A change is applied to the live branch at once.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, FENCE_CATEGORIES, fenceProblem, fencesFromGeoJson, type Geofence } from '@rb/domain'
import { geofencesRepo, type Db } from '@rb/db'
import { audit } from '../auth/index.js'
import { ErrorResponse } from '../http/schemas.js'
import type { GeofenceStage } from './stage.js'

const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })
const LngLat = Type.Tuple([Type.Number(), Type.Number()])
const Shape = Type.Union([
  Type.Object({ kind: Type.Literal('circle'), center: LngLat, radiusM: Type.Number() }),
  Type.Object({ kind: Type.Literal('polygon'), rings: Type.Array(Type.Array(LngLat), { minItems: 1, maxItems: 20 }) }),
])
const Kind = Type.Union([
  Type.Literal('market'),
  Type.Literal('student'),
  Type.Literal('medical'),
  Type.Literal('regular'),
])
const Fence = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 80 }),
  category: Type.Union(FENCE_CATEGORIES.map((c) => Type.Literal(c))),
  shape: Shape,
  speedLimitKmh: Type.Union([Type.Null(), Type.Number()]),
  alertOnExit: Type.Boolean(),
  routeKinds: Type.Array(Kind, { uniqueItems: true }),
  dwellS: Type.Union([Type.Null(), Type.Integer()]),
  active: Type.Boolean(),
})
const FenceBody = Type.Omit(Fence, ['id'])
const Event = Type.Object({ vehicleId: Type.String(), ts: Type.Number(), type: Type.String(), fenceId: Type.String() })

const READ = { access: ['dispatcher', 'operator'] as const }
const WRITE = { access: ['operator'] as const }
const plain = (g: Geofence) => ({ ...g, routeKinds: [...g.routeKinds] })

export const geofenceRoutes: FastifyPluginAsyncTypebox<{ db: Db; stage: GeofenceStage }> = async (
  app,
  { db, stage },
) => {
  app.get(
    '/api/geofences',
    {
      config: READ,
      schema: {
        tags: ['geofences'],
        summary: 'Geofences with their rules',
        response: { 200: Type.Object({ items: Type.Array(Fence) }) },
      },
    },
    async () => ({ items: (await geofencesRepo.listGeofences(db)).map(plain) }),
  )

  app.put(
    '/api/geofences/:id',
    {
      config: WRITE,
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['geofences'],
        summary: 'Create or replace a geofence (a polygon or a circle, WGS-84)',
        params: Type.Object({ id: Id }),
        body: FenceBody,
        response: { 200: Fence, 400: ErrorResponse },
      },
    },
    async (req) => {
      const g: Geofence = { id: req.params.id, ...req.body }
      const problem = fenceProblem(g)
      if (problem) throw new AppError('VALIDATION_FAILED', problem.message, { field: problem.field })
      await geofencesRepo.saveGeofence(db, g)
      await audit(req, 'geofence.save', g.id, null, g)
      await stage.reload()
      return plain(g)
    },
  )

  app.post(
    '/api/geofences/import',
    {
      config: WRITE,
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['geofences'],
        summary:
          'Import fences from GeoJSON (Polygon, MultiPolygon, Point with a radius property; Feature or FeatureCollection, name from properties.name)',
        body: Type.Object({
          geojson: Type.Unknown(),
          idPrefix: Id,
          category: Type.Union(FENCE_CATEGORIES.map((c) => Type.Literal(c))),
        }),
        response: { 200: Type.Object({ items: Type.Array(Fence) }), 400: ErrorResponse },
      },
    },
    async (req) => {
      const found = fencesFromGeoJson(req.body.geojson)
      if (found.length === 0)
        throw new AppError('VALIDATION_FAILED', 'no Polygon, MultiPolygon or Point with a radius in this GeoJSON', {
          field: 'geojson',
        })
      const fences: Geofence[] = found.map((f, i) => ({
        id: `${req.body.idPrefix}-${i + 1}`,
        name: f.name || `${req.body.idPrefix} ${i + 1}`,
        category: req.body.category,
        shape: f.shape,
        speedLimitKmh: null,
        alertOnExit: false,
        routeKinds: [],
        dwellS: null,
        active: true,
      }))
      for (const [i, g] of fences.entries()) {
        const problem = fenceProblem(g)
        if (problem)
          throw new AppError('VALIDATION_FAILED', `fence ${i + 1}: ${problem.message}`, {
            field: `geojson.${i}.${problem.field}`,
          })
      }
      // Nothing is written until every fence is good.
      await db.transaction(async (tx) => {
        for (const g of fences) await geofencesRepo.saveGeofence(tx, g)
      })
      await audit(req, 'geofence.import', req.body.idPrefix, null, { count: fences.length })
      await stage.reload()
      return { items: fences.map(plain) }
    },
  )

  app.delete(
    '/api/geofences/:id',
    {
      config: WRITE,
      schema: {
        tags: ['geofences'],
        summary: 'Delete a geofence',
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (!(await geofencesRepo.deleteGeofence(db, req.params.id)))
        throw new AppError('NOT_FOUND', `no geofence ${req.params.id}`)
      await audit(req, 'geofence.delete', req.params.id, null, null)
      await stage.reload()
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/geofences/events',
    {
      config: READ,
      schema: {
        tags: ['geofences'],
        summary: 'Enter, exit and dwell events, newest first (of a fence, a vehicle, or all)',
        querystring: Type.Object({
          fence: Type.Optional(Id),
          vehicle: Type.Optional(Type.String({ maxLength: 64 })),
          hours: Type.Integer({ minimum: 1, maximum: 24 * 31, default: 24 }),
          limit: Type.Integer({ minimum: 1, maximum: 2000, default: 200 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(Event) }) },
      },
    },
    async (req) => ({
      items: await geofencesRepo.fenceEvents(db, {
        fenceId: req.query.fence,
        vehicleId: req.query.vehicle,
        fromMs: Date.now() - req.query.hours * 3_600_000,
        limit: req.query.limit,
      }),
    }),
  )
}

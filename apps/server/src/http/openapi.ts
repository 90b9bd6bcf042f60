import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

/** OpenAPI document from the route schemas, browsable at /docs (JSON at /docs/json). */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Rural bus dispatch API',
        version: '0.1.0',
        description:
          'Numbered stop signs, routes, timetables, vehicles and drivers; live telemetry; operations. Errors are `{ "error": { "code", "message", "details" } }`.',
      },
      tags: [
        { name: 'network', description: 'stop signs, townships, routes' },
        { name: 'timetable', description: 'calendars, trips, trip instances' },
        { name: 'fleet', description: 'vehicles and drivers' },
        { name: 'telemetry', description: 'positions and tracks' },
        { name: 'operations', description: 'health and metrics' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}

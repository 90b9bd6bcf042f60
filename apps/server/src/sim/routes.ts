import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { ErrorResponse } from '../http/schemas.js'
import type { SimControl, SimRun } from './control.js'

const Run = Type.Union([
  Type.Null(),
  Type.Object({
    name: Type.String(),
    startedAt: Type.String({ format: 'date-time' }),
    state: Type.String(),
    error: Type.Union([Type.Null(), Type.String()]),
    stats: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  }),
])

const view = (r: SimRun | null) =>
  r
    ? {
        name: r.name,
        startedAt: new Date(r.startedAt).toISOString(),
        state: r.state,
        error: r.error,
        stats: r.stats as Record<string, unknown> | null,
      }
    : null

export const simRoutes: FastifyPluginAsyncTypebox<{ sim: SimControl }> = async (app, { sim }) => {
  app.get(
    '/api/sim',
    {
      schema: {
        tags: ['operations'],
        summary: 'The simulated fleet the server runs, and the scenarios it can run',
        response: { 200: Type.Object({ run: Run, scenarios: Type.Array(Type.String()) }) },
      },
    },
    async () => ({ run: view(sim.status()), scenarios: sim.scenarios() }),
  )

  app.post(
    '/api/sim/start',
    {
      schema: {
        tags: ['operations'],
        summary: "Start a named scenario, or today's timetable with some vehicles (in a worker thread)",
        body: Type.Object({
          scenario: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,40}$' })),
          vehicles: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          speed: Type.Optional(Type.Number({ minimum: 1, maximum: 60 })),
        }),
        response: { 202: Run, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (req, reply) => reply.status(202).send(view(sim.start(req.body))),
  )

  app.post(
    '/api/sim/stop',
    { schema: { tags: ['operations'], summary: 'Stop the simulated fleet', response: { 200: Run } } },
    async () => view(await sim.stop()),
  )
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Metrics } from '../metrics.js'

export interface HealthProbe {
  db(): Promise<{ ok: boolean; kind: string; mode: string; detail?: string }>
  broker(): { ok: boolean; kind: 'embedded' | 'external'; detail?: string }
  ingest(): { pendingPoints: number; writeFailing: boolean }
  /** True once shutdown began: the instance must get no new traffic. */
  closing(): boolean
}

export const healthRoutes: FastifyPluginAsyncTypebox<{
  probe: HealthProbe
  metrics: Metrics
  startedAt: number
}> = async (app, opts) => {
  app.get(
    '/api/health',
    {
      schema: {
        summary: 'Database and broker status, storage mode; 503 when either is down',
        tags: ['operations'],
        response: {
          '2xx': Type.Object({
            status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
            uptimeS: Type.Integer(),
            db: Type.Object({
              ok: Type.Boolean(),
              kind: Type.String(),
              mode: Type.String(),
              detail: Type.Optional(Type.String()),
            }),
            broker: Type.Object({ ok: Type.Boolean(), kind: Type.String(), detail: Type.Optional(Type.String()) }),
            ingest: Type.Object({ pendingPoints: Type.Integer(), writeFailing: Type.Boolean() }),
          }),
          503: Type.Any(),
        },
      },
    },
    async (_request, reply) => {
      const [db, broker, ingest] = [await opts.probe.db(), opts.probe.broker(), opts.probe.ingest()]
      const ok = db.ok && broker.ok
      const body = {
        status: ok ? ('ok' as const) : ('degraded' as const),
        uptimeS: Math.round((Date.now() - opts.startedAt) / 1000),
        db,
        broker,
        ingest,
      }
      return reply.status(ok ? 200 : 503).send(body)
    },
  )

  // For orchestrators: alive = the process answers; ready = it can do its work (database and
  // broker reachable) and is not shutting down, so a load balancer may send it traffic.
  app.get(
    '/api/health/live',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['operations'],
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/api/health/ready',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Readiness: database and broker reachable and not shutting down (503 otherwise)',
        tags: ['operations'],
        response: {
          200: Type.Object({ ready: Type.Boolean(), reasons: Type.Array(Type.String()) }),
          503: Type.Object({ ready: Type.Boolean(), reasons: Type.Array(Type.String()) }),
        },
      },
    },
    async (_request, reply) => {
      const reasons: string[] = []
      if (opts.probe.closing()) reasons.push('shutting down')
      const db = await opts.probe.db()
      if (!db.ok) reasons.push(`database: ${db.detail ?? 'not reachable'}`)
      const broker = opts.probe.broker()
      if (!broker.ok) reasons.push(`broker: ${broker.detail ?? 'not connected'}`)
      return reply.status(reasons.length === 0 ? 200 : 503).send({ ready: reasons.length === 0, reasons })
    },
  )

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics', tags: ['operations'], response: { 200: Type.String() } } },
    async (_request, reply) => {
      reply.type(opts.metrics.registry.contentType)
      return opts.metrics.registry.metrics()
    },
  )
}

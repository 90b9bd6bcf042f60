import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

/** A plain start page: where to look on a running server (the API, its docs, live state). */
export const homeRoutes: FastifyPluginAsyncTypebox<{ mqttUrl: string | undefined; mqttPort: number | undefined; jt808Port: number | undefined }> = async (app, opts) => {
  app.get('/', { schema: { hide: true, response: { 200: Type.String() } } }, async (req, reply) => {
    const mqtt = opts.mqttUrl ?? `mqtt://${req.hostname.split(':')[0] ?? 'localhost'}:${opts.mqttPort}`
    const links: [string, string][] = [
      ['/docs', 'API reference (OpenAPI)'],
      ['/api/health', 'health: database, broker, ingest'],
      ['/api/vehicles/positions', 'latest position of every vehicle'],
      ['/api/stops?limit=20', 'numbered stop signs'],
      ['/api/routes?limit=20', 'routes'],
      ['/api/trips', "today's trips"],
      ['/api/stops/sheets?codes=XY-0001,XY-0002', 'printable stop-sign sheets'],
      ['/api/gtfs/export', 'GTFS feed of the network'],
      ['/metrics', 'Prometheus metrics'],
    ]
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>农村客运调度 · Rural bus dispatch</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .3em}li{margin:.3rem 0}</style></head>
<body><h1>农村客运调度 · Rural bus dispatch</h1>
<p>The server is running. Devices publish to <code>${mqtt}</code> (topic <code>rb/v1/veh/&lt;vehicleId&gt;/pos</code>)${opts.jt808Port ? ` and JT/T 808 terminals connect to TCP port <code>${opts.jt808Port}</code>` : ''}.</p>
<ul>${links.map(([href, text]) => `<li><a href="${href}">${href}</a> — ${text}</li>`).join('')}</ul>
</body></html>`)
  })
}

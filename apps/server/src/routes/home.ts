import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'

export interface ServerAddresses {
  mqttUrl: string | undefined
  mqttPort: number | undefined
  jt808Port: number | undefined
}

/** Where devices connect, as a person reading the page would type it. */
export const mqttAddress = (opts: ServerAddresses, hostname: string): string =>
  opts.mqttUrl ?? `mqtt://${hostname.split(':')[0] ?? 'localhost'}:${opts.mqttPort}`

const LINKS: [string, string][] = [
  ['/', 'dispatcher console'],
  ['/docs', 'API reference (OpenAPI)'],
  ['/api/health', 'health: database, broker, ingest'],
  ['/api/stops?limit=20', 'numbered stop signs'],
  ['/api/routes?limit=20', 'routes'],
  ['/api/trips/today', "today's trip board"],
  ['/api/gtfs/export', 'GTFS feed of the network'],
  ['/gtfs-rt/vehicle-positions?format=json', 'GTFS-Realtime vehicle positions'],
  ['/metrics', 'Prometheus metrics'],
]

/** The server's plain page: where devices connect and where to look; `note` says why it is shown. */
export function homePage(opts: ServerAddresses, hostname: string, note = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>农村客运调度 · Rural bus dispatch</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .3em}li{margin:.3rem 0}.note{background:#fff8c5;padding:.5rem 1rem;border-radius:6px}</style></head>
<body><h1>农村客运调度 · Rural bus dispatch</h1>${note ? `<p class="note">${note}</p>` : ''}
<p>The server is running. Devices publish to <code>${mqttAddress(opts, hostname)}</code> (topic <code>rb/v1/veh/&lt;vehicleId&gt;/pos</code>)${opts.jt808Port ? ` and JT/T 808 terminals connect to TCP port <code>${opts.jt808Port}</code>` : ''}.</p>
<ul>${LINKS.map(([href, text]) => `<li><a href="${href}">${href}</a> — ${text}</li>`).join('')}</ul>
</body></html>`
}

/** `/about`: the plain page (the console links to it). */
export const homeRoutes: FastifyPluginAsyncTypebox<ServerAddresses> = async (app, opts) => {
  app.get(
    '/about',
    { config: { access: 'public' }, schema: { hide: true, response: { 200: Type.String() } } },
    async (req, reply) => reply.type('text/html; charset=utf-8').send(homePage(opts, req.hostname)),
  )
}

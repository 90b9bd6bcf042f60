/**
 * Serves the built dispatcher console (apps/console/dist) at `/`: the page, its hashed assets, and
 * the console's configuration (basemap, device addresses). Without a build, `/` is the plain
 * server page saying how to build it (`npm start` builds it first). The console itself is public
 * static code; everything it shows comes from the API under the signed-in session.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { BasemapSpec } from '../basemap/index.js'
import { homePage, mqttAddress, type ServerAddresses } from './home.js'

/** Where `npm run build` puts the console. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url))

export interface ConsoleRoutesOptions extends ServerAddresses {
  /** Built console directory; default apps/console/dist. */
  distDir?: string
  basemap: BasemapSpec
}

const PUBLIC = { access: 'public' as const }

const ConsoleConfig = Type.Object({
  basemap: Type.Object({
    preset: Type.String({ description: 'The BASEMAP preset in use (auto resolved)' }),
    raster: Type.Array(
      Type.Object({ tiles: Type.Optional(Type.Array(Type.String())), url: Type.Optional(Type.String()) }),
      { description: 'Raster layers, bottom first: tile URL templates or a TileJSON URL' },
    ),
    pmtiles: Type.Union([Type.Null(), Type.String()], {
      description: 'A vector PMTiles archive (OpenMapTiles schema): a path on this server or a URL',
    }),
    attribution: Type.String(),
    gcj02: Type.Boolean(),
    maxZoom: Type.Integer(),
  }),
  server: Type.Object({ mqtt: Type.String(), jt808Port: Type.Union([Type.Null(), Type.Integer()]) }),
})

export const consoleRoutes: FastifyPluginAsyncTypebox<ConsoleRoutesOptions> = async (app, opts) => {
  const dist = opts.distDir ?? CONSOLE_DIST
  // Only reply.sendFile: routes are ours, so each declares its access.
  await app.register(fastifyStatic, { root: dist, serve: false })
  const built = (): boolean => existsSync(`${dist}/index.html`)

  app.get('/', { config: PUBLIC, schema: { hide: true } }, async (req, reply) => {
    if (!built()) {
      return reply
        .type('text/html; charset=utf-8')
        .send(
          homePage(
            opts,
            req.hostname,
            'The dispatcher console is not built yet: run <code>npm run build</code> (or <code>npm start</code>, which builds it when needed) and reload.',
          ),
        )
    }
    // The page names the hashed assets of the current build: never cached.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dist)
  })

  app.get('/assets/*', { config: PUBLIC, schema: { hide: true } }, async (req, reply) => {
    const file = (req.params as { '*': string })['*']
    // Asset names carry a content hash: a year of caching is safe.
    return reply.header('cache-control', 'public, max-age=31536000, immutable').sendFile(`assets/${file}`, dist)
  })

  app.get(
    '/api/console/config',
    {
      config: PUBLIC,
      schema: {
        tags: ['console'],
        summary: 'What the console needs before sign-in: the basemap and where devices connect',
        response: { 200: ConsoleConfig },
      },
    },
    async (req) => ({
      basemap: opts.basemap,
      server: { mqtt: mqttAddress(opts, req.hostname), jt808Port: opts.jt808Port ?? null },
    }),
  )
}

/**
 * Serves the built driver page (apps/driver/dist) at `/driver`: the page and its hashed assets,
 * sent pre-compressed to phones that accept it. The page is public static code; what it shows
 * comes from the API under the driver's session (GET /api/driver/trips, the manifest routes).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'

/** Where `npm run build` (and `npm start`, when stale) puts the page. */
export const DRIVER_DIST = fileURLToPath(new URL('../../../driver/dist/', import.meta.url))

const ASSET_NAME = /^[\w-]+\.(js|css)$/
// Scripts and styles from this server only; the socket to this server.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export const driverPage: FastifyPluginAsync<{ distDir?: string }> = async (app, opts) => {
  const dist = opts.distDir ?? DRIVER_DIST
  // Only reply.sendFile: routes are ours, so each declares its access.
  await app.register(fastifyStatic, { root: dist, serve: false, preCompressed: true })
  const route = { config: { access: 'public' as const }, schema: { hide: true } }

  const page = async (_req: unknown, reply: FastifyReply): Promise<FastifyReply> => {
    if (!existsSync(`${dist}/index.html`)) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><title>503</title><p>驾驶员页面还没有构建 · The driver page is not built: run <code>npm run build</code> (npm start does it).</p>',
        )
    }
    // The page names the hashed assets of the current build: never kept.
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .sendFile('index.html', dist, { cacheControl: false })
  }
  app.get('/driver', route, page)
  app.get('/driver/', route, page)

  app.get('/driver/assets/:file', route, async (req, reply) => {
    const { file } = req.params as { file: string }
    if (!ASSET_NAME.test(file))
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such file', details: null } })
    // Names carry a content hash: a year of caching is safe.
    return reply
      .header('x-content-type-options', 'nosniff')
      .sendFile(`assets/${file}`, dist, { maxAge: '365d', immutable: true })
  })
}

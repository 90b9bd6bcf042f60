/**
 * The villager page at /s/<stopCode> (the QR on every stop sign links here). The built app
 * (apps/villager/dist) is a template: the server fills it with the stop page rendered from the
 * app's own views and the data as JSON, so a phone on weak 3G paints the next buses from the
 * first response; the script (hashed, cached a year, sent pre-compressed) then keeps it live.
 */
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { STOP_CODE_PATTERN } from '@rb/domain'
import { isLang, renderDocument, type BootData, type Lang } from '@rb/villager/ssr'
import type { NetworkService } from '../network/service.js'
import type { TrackingHost } from '../tracking/host.js'
import { readCookie } from '../auth/cookie.js'
import type { StopSchedule } from '../villager/schedule.js'

export interface VillagerPageOptions {
  network: NetworkService
  tracking: TrackingHost
  /** Days ahead, booking states, market days and the hotline painted with the page. */
  schedule?: StopSchedule
  /** The built app; default apps/villager/dist. */
  distDir?: string
  now?: () => number
}

export const VILLAGER_DIST = fileURLToPath(new URL('../../../villager/dist/', import.meta.url))

const STOP_CODE = new RegExp(STOP_CODE_PATTERN)
const DEPARTURES = 8
// Scripts from this server only; the boot data is JSON (not run); driver photos may live elsewhere.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const accepts = (req: FastifyRequest, encoding: string): boolean =>
  new RegExp(`\\b${encoding}\\b`).test(String(req.headers['accept-encoding'] ?? ''))

export const villagerPage: FastifyPluginAsync<VillagerPageOptions> = async (app, opts) => {
  const dist = opts.distDir ?? VILLAGER_DIST
  const now = opts.now ?? Date.now
  const { network, tracking, schedule } = opts
  let template: { mtimeMs: number; text: string } | null = null

  /** index.html of the build, re-read when it was rebuilt; null when the app is not built. */
  async function loadTemplate(): Promise<string | null> {
    const file = join(dist, 'index.html')
    try {
      const s = await stat(file)
      if (template?.mtimeMs !== s.mtimeMs) template = { mtimeMs: s.mtimeMs, text: await readFile(file, 'utf8') }
      return template.text
    } catch {
      return null
    }
  }

  function language(req: FastifyRequest): Lang {
    const asked = (req.query as { lang?: unknown }).lang
    if (isLang(asked)) return asked
    const kept = readCookie(req.headers.cookie, 'rb_lang')
    return isLang(kept) ? kept : 'zh'
  }

  async function bootData(code: string): Promise<BootData> {
    const t = now()
    const net = await network.snapshot()
    const stop = STOP_CODE.test(code) ? net.stops.find((s) => s.code === code) : undefined
    if (!stop) return { code, stop: null, routes: [], arrivals: [], ts: t }
    const routes = net.routes
      .filter((r) => r.active && r.stops.some((s) => s.stopCode === code))
      .map((r) => ({ id: r.id, name: r.name, nameEn: r.nameEn, kind: r.kind }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh'))
    const arrivals = tracking.arrivals(code, DEPARTURES, t)
    const ahead = schedule ? await schedule.ahead(code, arrivals, t) : undefined
    return {
      code,
      stop: { code: stop.code, name: stop.name, nameEn: stop.nameEn, status: stop.status },
      routes,
      arrivals,
      ts: t,
      ...(ahead ? { ahead } : {}),
    }
  }

  async function sendPage(req: FastifyRequest, reply: FastifyReply, code: string): Promise<FastifyReply> {
    const tpl = await loadTemplate()
    if (tpl === null) {
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><meta charset="utf-8"><title>503</title><p>站牌页面还没有构建 · The villager page is not built: run <code>npm run build -w @rb/villager</code> (npm start does it).</p>',
        )
    }
    const boot = await bootData(code)
    // Large type chosen on this phone (the page keeps it in the rb_large cookie too): painted large at once.
    const html = renderDocument(tpl, boot, language(req), boot.ts, {
      large: readCookie(req.headers.cookie, 'rb_large') === '1',
    })
    void reply
      .status(boot.stop ? 200 : 404)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('vary', 'accept-encoding, cookie')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
    if (accepts(req, 'gzip')) return reply.header('content-encoding', 'gzip').send(gzipSync(html))
    return reply.send(html)
  }

  const hide = { schema: { hide: true }, config: { access: 'public' as const } }

  // As the console serves its assets (routes/console.ts): only reply.sendFile, from routes that declare their access.
  // Hashed names, so the phone keeps them a year; the build's .br/.gz siblings go when the browser takes them.
  // (sendFile writes cache-control itself, from these options.)
  await app.register(fastifyStatic, {
    root: join(dist, 'assets'),
    serve: false,
    preCompressed: true,
    maxAge: 365 * 86_400_000,
    immutable: true,
  })
  app.get('/s/assets/*', hide, async (req, reply) =>
    reply.header('vary', 'accept-encoding').sendFile((req.params as { '*': string })['*']),
  )

  // /s/?code=xy-0421 — the "type the code" form works without the script too.
  const typed = async (req: FastifyRequest, reply: FastifyReply) => {
    const q = (req.query as { code?: unknown }).code
    const code = typeof q === 'string' ? q.trim().toUpperCase() : ''
    if (code && /^[A-Z0-9-]{1,20}$/.test(code)) return reply.redirect(`/s/${code}`, 302)
    return sendPage(req, reply, '')
  }
  app.get('/s', hide, typed)
  app.get('/s/', hide, typed)

  app.get('/s/:code', hide, async (req, reply) => {
    const raw = (req.params as { code: string }).code
    const code = raw.trim().toUpperCase()
    // One address per sign: /s/xy-0421 → /s/XY-0421.
    if (code !== raw && STOP_CODE.test(code))
      return reply.redirect(`/s/${code}${req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : ''}`, 301)
    return sendPage(req, reply, code.slice(0, 20))
  })
}

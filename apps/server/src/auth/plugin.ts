/**
 * Authentication as a fastify plugin: resolves `request.user` from the `rb_session` cookie or a
 * bearer token, guards every route by the access table (auth/policy.ts) or its own
 * `config.access`, and rate-limits anonymous clients. Register it before any route.
 */
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import { AppError, type SessionUser } from '@rb/domain'
import { isCrossSite, tokenSource } from './cookie.js'
import { checkAccess, type Access } from './guard.js'
import { accessFor, DEFAULT_ACCESS, describeAccess } from './policy.js'
import type { AuthService, Session } from './service.js'
import type { AuditLog } from './audit.js'
import { installAutoAudit } from './auto-audit.js'
import { limitHook, RateLimiter, type Limit, type RateStore } from '../http/rate-limit.js'

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService
    auditLog: AuditLog
    /** A named limit counted in the server's one rate store (shared by the instances in cluster mode). */
    rateLimiter(name: string, limit: Limit): RateLimiter
    /** Every route with the access it was given, in registration order. */
    routeAccess: { method: string; url: string; access: Access }[]
  }
  interface FastifyRequest {
    /** The signed-in account, or null. */
    user: SessionUser | null
    authSession: Session | null
  }
  interface FastifyContextConfig {
    /** Who may reach this route; overrides the access table. */
    access?: Access
  }
}

export interface AuthPluginOptions {
  auth: AuthService
  auditLog: AuditLog
  /** Requests per minute per client without a session; 0 = unlimited. */
  publicRatePerMin: number
  /** Where every rate limit is counted (http/rate-limit.ts). */
  rateStore: RateStore
  /** PUBLIC_URL: a cookie-carrying write from another origin is refused. */
  publicUrl: string
  log: { warn(obj: object, msg: string): void }
}

/** Probes and metrics are scraped often and carry no personal data: never rate-limited. */
const UNLIMITED = new Set(['/api/health', '/metrics'])

const sessionUnavailable = Symbol('sessionUnavailable')
type MaybeUnavailable = FastifyRequest & { [sessionUnavailable]?: true }

function accessOf(route: RouteOptions): Access {
  const declared = route.config?.access
  if (declared) return declared
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const found = methods.map((m) => accessFor(m, route.url))
  return found.find((a) => a !== undefined && a !== 'public') ?? found.find((a) => a !== undefined) ?? DEFAULT_ACCESS
}

async function authPlugin(app: FastifyInstance, opts: AuthPluginOptions): Promise<void> {
  const { auth } = opts
  app.decorate('auth', auth)
  app.decorate('auditLog', opts.auditLog)
  app.decorate('routeAccess', [])
  app.decorate('rateLimiter', (name: string, limit: Limit) => new RateLimiter(opts.rateStore, name, limit))
  app.decorateRequest('user', null)
  app.decorateRequest('authSession', null)

  app.addHook('onRoute', (route) => {
    const access = accessOf(route)
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) app.routeAccess.push({ method, url: route.url, access })
    const classified = route.config?.access !== undefined || methods.some((m) => accessFor(m, route.url) !== undefined)
    if (!classified && methods.some((m) => m !== 'HEAD')) {
      opts.log.warn(
        { route: `${methods.join(',')} ${route.url}`, access: describeAccess(access) },
        'route has no access rule (auth/policy.ts or config.access); staff only',
      )
    }
    if (access === 'public') return
    const guard = async (request: FastifyRequest): Promise<void> => {
      if (!request.user && (request as MaybeUnavailable)[sessionUnavailable]) {
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'sessions cannot be checked right now (the database does not answer); try again shortly',
        )
      }
      checkAccess(request.user, access)
    }
    // First, so nothing else runs (or reads a body) for a request that will be refused.
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : []
    route.onRequest = [guard, ...existing]
  })

  const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
  app.addHook('onRequest', async (request) => {
    const source = tokenSource(request.headers)
    if (!source || source.token.length > 200) return
    const token = source.token
    // SameSite=Lax already keeps the cookie off other sites' writes; this also covers old browsers.
    if (
      source.via === 'cookie' &&
      !SAFE.has(request.method) &&
      isCrossSite(request.headers.origin, request.headers.host, opts.publicUrl)
    ) {
      throw new AppError('FORBIDDEN', 'a signed-in write from another site is refused (cross-site request)')
    }
    try {
      const session = await auth.session(token, Date.now())
      request.authSession = session
      request.user = session?.user ?? null
    } catch (err) {
      ;(request as MaybeUnavailable)[sessionUnavailable] = true
      request.log.warn({ err: (err as Error).message }, 'session lookup failed')
    }
  })

  // Expired sessions are deleted hourly (they are refused anyway).
  const prune = setInterval(() => {
    auth
      .pruneSessions(Date.now())
      .catch((err: Error) => opts.log.warn({ err: err.message }, 'could not delete expired sessions'))
  }, 3_600_000)
  prune.unref()
  app.addHook('onClose', async () => clearInterval(prune))

  installAutoAudit(app)

  const publicLimiter = app.rateLimiter('public', { max: opts.publicRatePerMin, windowMs: 60_000 })
  app.addHook(
    'onRequest',
    limitHook(
      publicLimiter,
      (request) => (request.user || UNLIMITED.has(request.url.split('?')[0] ?? '') ? null : request.ip),
      'requests from this address',
    ),
  )
}

export const authenticate = fp(authPlugin, { name: 'rb-auth', fastify: '5.x' })

/**
 * Every successful write by a signed-in account is audited, also by routes that do not call
 * `audit()` themselves: action `http.<METHOD> <route>`, target from the route parameters, and the
 * request body as `after` (secrets removed, large bodies summarised). Routes that know better —
 * a before/after snapshot — call `audit()` and this row is skipped.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { wasAudited } from './audit.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
const SECRET = /password|secret|token/i
const MAX_JSON = 8 * 1024

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1))
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET.test(k) ? '[redacted]' : redact(v, depth + 1)]),
  )
}

/** The request body as it may be stored. */
export function auditBody(body: unknown): unknown {
  if (body === undefined || body === null) return null
  if (Buffer.isBuffer(body)) return { bytes: body.length }
  if (typeof body === 'string') return { bytes: Buffer.byteLength(body) }
  const json = JSON.stringify(redact(body))
  return json.length <= MAX_JSON ? JSON.parse(json) : { bytes: json.length, truncated: true }
}

function targetOf(request: FastifyRequest): string {
  const params = (request.params ?? {}) as Record<string, unknown>
  const values = Object.values(params).filter((v) => typeof v === 'string' || typeof v === 'number')
  return values.length > 0 ? values.join('/') : (request.routeOptions.url ?? request.url.split('?')[0] ?? '')
}

export function installAutoAudit(app: FastifyInstance): void {
  // onSend, not onResponse: the row is written before the answer leaves, so whoever reads the
  // log after an answer finds the action in it.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.user || SAFE.has(request.method) || reply.statusCode >= 400 || wasAudited(request)) return payload
    const user = request.user
    try {
      await app.auditLog.write(
        {
          userId: user.id > 0 ? user.id : null,
          username: user.username,
          action: `http.${request.method} ${request.routeOptions.url ?? '?'}`,
          target: targetOf(request),
          before: null,
          after: auditBody(request.body),
          ip: request.ip,
        },
        Date.now(),
      )
    } catch (err) {
      request.log.error(
        { err: (err as Error).message, route: request.routeOptions.url },
        'could not write the audit row',
      )
    }
    return payload
  })
}

import type { FastifyError, FastifyInstance } from 'fastify'
import { AppError, ERRORS } from '@rb/domain'

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

/**
 * The one error handler: 4xx answers carry a stable code and a message a person can act on;
 * a 5xx is logged with its request and answered without internals.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof AppError) {
      return reply
        .status(err.status)
        .send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } })
    }
    const fe = err as FastifyError
    if (fe.validation) {
      return reply.status(400).send({
        error: {
          code: 'VALIDATION_FAILED',
          message: fe.message,
          details: {
            issues: fe.validation.map((v) => ({
              path: v.instancePath || `/${String(v.params?.missingProperty ?? '')}`,
              message: v.message,
            })),
          },
        },
      })
    }
    const status = fe.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 404
            ? 'NOT_FOUND'
            : status === 429
              ? 'RATE_LIMITED'
              : 'VALIDATION_FAILED'
      return reply.status(status).send({ error: { code, message: fe.message } })
    }
    request.log.error({ err, request: { method: request.method, url: request.url } }, 'request failed')
    return reply
      .status(status >= 500 ? status : 500)
      .send({ error: { code: 'INTERNAL', message: 'internal error; it has been logged' } })
  })
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(ERRORS.NOT_FOUND)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  )
}

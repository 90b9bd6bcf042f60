/**
 * Text as it comes in, checked in one place for every route: a NUL character or a lone UTF-16
 * surrogate anywhere in a body, query or path parameter is refused with 400 naming the field
 * (the database cannot store either, and no person types them); other control characters
 * (U+0001–U+001F except tab and line breaks, DEL, U+0080–U+009F) are removed. It runs as the
 * last pre-validation step of every route, after a multipart body has been gathered, so JSON
 * and form fields alike pass through it before schemas and handlers see them.
 */
import type { FastifyRequest, RouteOptions } from 'fastify'
import { AppError } from '@rb/domain'

// eslint-disable-next-line no-control-regex
const STRIPPED = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why a string cannot be taken, or null. */
export function textProblem(s: string): string | null {
  if (NUL.test(s)) return 'contains a NUL character (U+0000)'
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode text)'
  return null
}

/** The string without the control characters nobody means to send (tab and line breaks stay). */
export function stripControls(s: string): string {
  return s.replace(STRIPPED, '')
}

/**
 * Cleans a parsed value in place (objects and arrays are walked; buffers, numbers and the like
 * are left alone) and answers it; throws VALIDATION_FAILED naming the first bad field.
 */
export function cleanTextInput(value: unknown, path = ''): unknown {
  if (typeof value === 'string') {
    const problem = textProblem(value)
    if (problem) throw new AppError('VALIDATION_FAILED', `${path || 'the value'} ${problem}`, { field: path })
    return stripControls(value)
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = cleanTextInput(value[i], `${path}[${i}]`)
    return value
  }
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !ArrayBuffer.isView(value)) {
    const obj = value as Record<string, unknown>
    for (const key of Object.keys(obj)) {
      const keyProblem = textProblem(key)
      if (keyProblem) throw new AppError('VALIDATION_FAILED', `a field name ${keyProblem}`, { field: path || '(body)' })
      obj[key] = cleanTextInput(obj[key], path ? `${path}.${key}` : key)
    }
  }
  return value
}

async function cleanRequestText(request: FastifyRequest): Promise<void> {
  if (request.body !== undefined) request.body = cleanTextInput(request.body)
  cleanTextInput(request.query)
  cleanTextInput(request.params)
}

/**
 * `app.addHook('onRoute', textInputOnRoute)`: every route registered afterwards cleans its
 * text last before validation (after the hooks of its plugin, e.g. the multipart parser).
 */
export function textInputOnRoute(route: RouteOptions): void {
  const existing = route.preValidation
    ? Array.isArray(route.preValidation)
      ? route.preValidation
      : [route.preValidation]
    : []
  route.preValidation = [...existing, cleanRequestText]
}

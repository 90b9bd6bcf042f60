/**
 * Repair report HTTP API: villagers report a sign or a road hazard at a stop (JSON with a base64
 * photo, or multipart with a file) and look the report up by its id; dispatchers and operators
 * list tickets, move them along, and download photos. Thin: the service decides.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyError, FastifyRequest } from 'fastify'
import multipart, { type MultipartFile } from '@fastify/multipart'
import { Type } from '@sinclair/typebox'
import { AppError, nextActions, type Role, type TicketCommand, type TicketStatus } from '@rb/domain'
import type { PhotoMeta, StoredReport, TicketListItem } from '@rb/db'
import { ErrorResponse } from '../http/schemas.js'
import { limitHook } from '../http/rate-limit.js'
import { audit } from '../auth/audit.js'
import { userOf } from '../auth/guard.js'
import type { ReportService } from './service.js'
import {
  AssignBody,
  FixBody,
  IdempotencyHeaders,
  NoteBody,
  PhotoIdParam,
  PublicReportView,
  ReportBody,
  ReportIdParam,
  StopCodeParam,
  TicketDetail,
  TicketIdParam,
  TicketList,
  TicketQuery,
} from './schemas.js'

export interface ReportRoutesOptions {
  service: ReportService
  /** Largest photo taken, bytes (after base64 decoding). */
  photoMaxBytes: number
  /** Reports per minute per client address without a session; 0 = unlimited. */
  ratePerMin: number
  /** The grid reporter whose phone keeps a token (401 REPORTER_TOKEN_INVALID when none does). */
  reporterOf?: (token: string) => Promise<{ id: string }>
}

/** Who handles repair tickets (admin passes every check). */
export const TICKET_STAFF: readonly Role[] = ['dispatcher', 'operator']

const EXT: Record<PhotoMeta['mime'], string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }
const iso = (ts: number): string => new Date(ts).toISOString()
const mb = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`

function idempotencyKey(header: string | undefined, body: string | undefined): string {
  if (header && body && header !== body)
    throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key header and the idempotencyKey field differ')
  const key = header ?? body
  if (!key)
    throw new AppError(
      'VALIDATION_FAILED',
      'send an Idempotency-Key header (or an idempotencyKey field): one per report, the same when resending',
      { field: 'idempotencyKey' },
    )
  return key
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** A base64 photo (optionally a data: URL) → bytes; the size is checked before decoding. */
export function decodeBase64Photo(text: string, maxBytes: number): Buffer {
  const raw = text.replace(/^data:[\w/+.-]*;base64,/, '').replace(/\s+/g, '')
  if (!BASE64.test(raw) || raw.length % 4 === 1)
    throw new AppError('VALIDATION_FAILED', 'the photo is not valid base64', { field: 'photo' })
  const bytes = Math.floor((raw.length * 3) / 4) - (raw.endsWith('==') ? 2 : raw.endsWith('=') ? 1 : 0)
  if (bytes > maxBytes) throw photoTooLarge(maxBytes, bytes)
  return Buffer.from(raw, 'base64')
}

function photoTooLarge(maxBytes: number, bytes?: number): AppError {
  return new AppError(
    'PHOTO_TOO_LARGE',
    `the photo may be at most ${mb(maxBytes)}${bytes ? `, this one is ${mb(bytes)}` : ''}; take it again at a lower resolution`,
    { maxBytes, field: 'photo' },
  )
}

export const reportRoutes: FastifyPluginAsyncTypebox<ReportRoutesOptions> = async (app, opts) => {
  const { service, photoMaxBytes } = opts
  const common = { tags: ['reports'] }
  const STAFF = { access: TICKET_STAFF }

  // Multipart is parsed in this plugin's routes only (fastify encapsulation): everywhere else the API takes JSON alone.
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: photoMaxBytes, files: 1, fields: 9, parts: 11, fieldSize: 16 * 1024 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      if (part.fieldname !== 'photo') {
        part.file.resume()
        throw new AppError(
          'VALIDATION_FAILED',
          `unexpected file part "${part.fieldname.slice(0, 40)}": send the photo as the part named photo`,
          { field: part.fieldname.slice(0, 40) },
        )
      }
      try {
        await part.toBuffer()
      } catch (err) {
        if ((err as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE') throw photoTooLarge(photoMaxBytes)
        throw err
      }
    },
  })

  const views = {
    public(x: Awaited<ReturnType<ReportService['report']>>) {
      const { report: r, ticket: t } = x
      return {
        id: r.id,
        stopCode: r.stopCode,
        stopName: x.stopName,
        kind: r.kind,
        category: r.category,
        status: t.status,
        reportedAt: iso(r.reportedTs),
        receivedAt: iso(r.receivedTs),
        updatedAt: iso(t.updatedTs),
        hasPhoto: r.hasPhoto,
        reportCount: t.reportCount,
        history: x.steps.map((s) => ({ status: s.to, at: iso(s.ts) })),
      }
    },
    ticket(t: TicketListItem) {
      return {
        id: t.id,
        kind: t.kind,
        category: t.category,
        stopCode: t.stopCode,
        stopName: t.stopName,
        townshipId: t.townshipId,
        point: t.point,
        status: t.status,
        assignee: t.assignee,
        previousTicketId: t.previousTicketId,
        reportCount: t.reportCount,
        photoCount: t.photoCount,
        openedAt: iso(t.openedTs),
        updatedAt: iso(t.updatedTs),
        closedAt: t.closedTs === null ? null : iso(t.closedTs),
        lastReportAt: iso(t.lastReportTs),
        nextActions: nextActions(t.status),
      }
    },
    photo(p: PhotoMeta) {
      return {
        id: p.id,
        url: `/api/report-photos/${p.id}`,
        mime: p.mime,
        bytes: p.bytes,
        width: p.width,
        height: p.height,
      }
    },
  }

  const detail = async (id: number) => {
    const { ticket, steps, reports, photos, stop } = await service.ticket(id)
    const byReport = new Map(photos.map((p) => [p.reportId, p]))
    const lastReportTs = Math.max(ticket.openedTs, ...reports.map((r) => r.receivedTs))
    return {
      ...views.ticket({
        ...ticket,
        stopName: stop?.name ?? ticket.stopCode,
        townshipId: stop?.townshipId ?? '',
        photoCount: photos.length,
        lastReportTs,
      }),
      categories: [...new Set(reports.map((r) => r.category))],
      steps: steps.map((s) => ({
        action: s.action,
        from: s.from,
        to: s.to,
        by: s.by,
        at: iso(s.ts),
        note: s.note,
        assignee: s.assignee,
      })),
      reports: reports.map((r: StoredReport) => {
        const p = byReport.get(r.id)
        return {
          id: r.id,
          category: r.category,
          note: r.note,
          reportedAt: iso(r.reportedTs),
          receivedAt: iso(r.receivedTs),
          reporterId: r.reporterId,
          photo: p ? views.photo(p) : null,
        }
      }),
    }
  }

  // ── Villagers ──

  app.post(
    '/api/stops/:code/reports',
    {
      config: { access: 'public' },
      onRequest: limitHook(
        app.rateLimiter('reports', { max: opts.ratePerMin, windowMs: 60_000 }),
        (req) => req.ip,
        'reports from this address',
      ),
      // Room for a base64 photo of the largest size taken; past it, the same clear 413 as a photo too large.
      bodyLimit: Math.ceil(photoMaxBytes / 3) * 4 + 64 * 1024,
      errorHandler(err: FastifyError) {
        if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') throw photoTooLarge(photoMaxBytes)
        // The multipart parser's own errors (a body cut off mid-part, no boundary) are the sender's.
        if (!(err instanceof AppError) && err.statusCode === undefined && /multipart/i.test(err.message)) {
          throw new AppError(
            'VALIDATION_FAILED',
            `the multipart body is cut off or malformed (${err.message}); send the whole form again`,
            { field: 'body' },
          )
        }
        throw err
      },
      schema: {
        ...common,
        summary:
          'Report a stop sign (damaged, missing, faded, blocked, other) or a road hazard at its place, with an optional note and photo',
        description:
          'JSON (`photo` as base64 or a data: URL) or multipart/form-data (`photo` as a file part). A resent request with the same Idempotency-Key answers the same report (header `Idempotent-Replayed: true`) and stores nothing new. 201 with the report id to look it up later.',
        params: StopCodeParam,
        headers: IdempotencyHeaders,
        body: ReportBody,
        response: {
          201: PublicReportView,
          400: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          413: ErrorResponse,
          415: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const key = idempotencyKey(req.headers['idempotency-key'], req.body.idempotencyKey)
      const sent: unknown = req.body.photo
      let photo: Buffer | null = null
      if (Buffer.isBuffer(sent)) photo = sent.length > 0 ? sent : null
      else if (typeof sent === 'string') photo = sent === '' ? null : decodeBase64Photo(sent, photoMaxBytes)
      else if (sent !== undefined && sent !== null)
        throw new AppError('VALIDATION_FAILED', 'photo must be base64 text in JSON, or a file part in multipart', {
          field: 'photo',
        })
      const reportedTs = req.body.reportedAt ? Date.parse(req.body.reportedAt) : null
      // A grid reporter's phone sends its token: the report carries the reporter's id (a token not on file stores nothing).
      const token = req.headers['x-reporter-token'] ?? req.body.reporterToken
      const reporterId = token && opts.reporterOf ? (await opts.reporterOf(token)).id : null
      const r = await service.submit({
        reporterId,
        stopCode: req.params.code,
        category: req.body.category,
        note: req.body.note,
        reportedTs,
        idempotencyKey: key,
        photo,
      })
      if (r.replayed) void reply.header('idempotent-replayed', 'true')
      return reply.status(201).send(views.public(await service.report(r.report.id)))
    },
  )

  app.get(
    '/api/reports/:id',
    {
      config: { access: 'public' },
      schema: {
        ...common,
        summary: "A report's status for the villager who sent it (by the id they were given; no personal data)",
        params: ReportIdParam,
        response: { 200: PublicReportView, 404: ErrorResponse },
      },
    },
    async (req) => views.public(await service.report(req.params.id)),
  )

  // ── Dispatchers and operators ──

  app.get(
    '/api/tickets',
    {
      config: STAFF,
      schema: {
        ...common,
        summary: 'Repair tickets, most recently changed first, with filters',
        querystring: TicketQuery,
        response: { 200: TicketList, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (req) => {
      const q = req.query
      const since = q.since ? Date.parse(q.since) : undefined
      const page = await service.list({
        status: q.status ? (q.status.split(',') as TicketStatus[]) : undefined,
        kind: q.kind,
        category: q.category,
        stopCode: q.stop,
        townshipId: q.township,
        sinceMs: since,
        limit: q.limit,
        offset: q.offset,
      })
      return { items: page.items.map((t) => views.ticket(t)), total: page.total, limit: q.limit, offset: q.offset }
    },
  )

  app.get(
    '/api/tickets/:id',
    {
      config: STAFF,
      schema: {
        ...common,
        summary: 'One ticket with its history (who, when, note), its reports and their photos',
        params: TicketIdParam,
        response: { 200: TicketDetail, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => detail(req.params.id),
  )

  const step = (
    action: TicketCommand['action'],
    summary: string,
    body: typeof AssignBody | typeof FixBody | typeof NoteBody,
  ) => {
    app.post(
      `/api/tickets/:id/${action}`,
      {
        config: STAFF,
        schema: {
          ...common,
          summary,
          params: TicketIdParam,
          body,
          response: {
            200: TicketDetail,
            400: ErrorResponse,
            401: ErrorResponse,
            403: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
          },
        },
      },
      async (req) => {
        const b = req.body as { assignee?: string; note?: string | null }
        const cmd = { action, assignee: b.assignee ?? '', note: b.note ?? null } as TicketCommand
        const id = (req.params as { id: number }).id
        await service.act(id, cmd, userOf(req).username, (tx, before, after) =>
          audit(req, `ticket.${action}`, `ticket:${id}`, before, after, tx),
        )
        return detail(id)
      },
    )
  }
  step('assign', 'Assign a ticket to whoever does the work (or reassign it); the sign shows in repair', AssignBody)
  step(
    'fix',
    'Mark an assigned ticket fixed; its alerts clear and the sign is ok again when no other ticket is open',
    FixBody,
  )
  step('reject', 'Reject a ticket with a note (not our sign, a duplicate, nothing wrong)', NoteBody)
  step('reopen', 'Reopen a fixed or rejected ticket with a note (the repair did not hold)', NoteBody)

  app.get(
    '/api/report-photos/:id',
    {
      config: STAFF,
      schema: {
        ...common,
        summary: "A report's photo (cleaned of metadata when it was received)",
        params: PhotoIdParam,
        response: {
          200: Type.Any({ description: 'image/jpeg, image/png or image/webp' }),
          401: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      const { meta, bytes } = await service.photo(req.params.id)
      return reply
        .type(meta.mime)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('content-disposition', `inline; filename="report-${meta.reportId}.${EXT[meta.mime]}"`)
        .header('cache-control', 'private, max-age=86400, immutable')
        .send(bytes)
    },
  )
}

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, addDays, serviceDayOf } from '@rb/domain'
import { gtfs } from '@rb/gtfs'
import { dateParam, type NetworkService } from '../../network/service.js'
import { GtfsImports, parseChoices, type ImportRequest } from '../../network/gtfs-import.js'
import { audit } from '../../auth/audit.js'
import { userOf } from '../../auth/guard.js'
import { ErrorResponse } from '../../http/schemas.js'
import { DateString } from './schemas.js'
import { HomeView, ImportList, ImportPreview, ImportQuery, ImportResult, UndoResult } from './gtfs-schemas.js'

const MAX_FEED_BYTES = 50 * 1024 * 1024
const MAX_HORIZON_DAYS = 400

export const gtfsRoutes: FastifyPluginAsyncTypebox<{
  network: NetworkService
  publicUrl: string
  now?: () => number
}> = async (app, { network, publicUrl, now = Date.now }) => {
  const imports = new GtfsImports(network, now)
  app.addContentTypeParser(
    ['application/zip', 'application/octet-stream', 'application/x-zip-compressed'],
    { parseAs: 'buffer', bodyLimit: MAX_FEED_BYTES },
    (_req, body, done) => done(null, body),
  )

  const importRequest = (
    body: unknown,
    query: { onConflict?: string | undefined; resolve?: string | string[] | undefined; source?: string | undefined },
  ): ImportRequest => {
    if (!Buffer.isBuffer(body))
      throw new AppError('VALIDATION_FAILED', 'send the GTFS zip as the body with Content-Type: application/zip', {
        field: 'body',
      })
    return { zip: new Uint8Array(body), choices: parseChoices(query.onConflict, query.resolve), source: query.source }
  }

  app.post(
    '/api/gtfs/import/dry-run',
    {
      bodyLimit: MAX_FEED_BYTES,
      schema: {
        tags: ['network'],
        summary:
          'What importing this GTFS zip would add, change and retire, and where its ids collide with ours; writes nothing',
        querystring: ImportQuery,
        response: { 200: ImportPreview, 400: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (req) => imports.dryRun(importRequest(req.body, req.query)),
  )

  app.post(
    '/api/gtfs/import',
    {
      bodyLimit: MAX_FEED_BYTES,
      schema: {
        tags: ['network'],
        summary:
          'Import a GTFS static feed (zip body) as one change that can be undone; refused (409 GTFS_CONFLICTS) while an id collision has no choice',
        querystring: ImportQuery,
        response: { 200: ImportResult, 400: ErrorResponse, 409: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (req) => {
      const by = userOf(req).username
      const result = await imports.apply(importRequest(req.body, req.query), by, (q, id, preview) =>
        audit(
          req,
          'gtfs.import',
          `gtfs_import:${id}`,
          null,
          {
            source: preview.source,
            added: preview.added,
            changed: preview.changed,
            removed: preview.removed,
            conflicts: preview.conflicts.map((c) => `${c.key}=${c.choice}`),
          },
          q,
        ),
      )
      return {
        ...result,
        renumberedStops: Object.fromEntries(
          result.renamed.filter((r) => r.kind === 'stop').map((r) => [r.externalId, r.localId]),
        ),
      }
    },
  )

  app.get(
    '/api/gtfs/imports',
    {
      schema: {
        tags: ['network'],
        summary: 'GTFS imports, newest first: who, when, what they did, whether undone',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })) }),
        response: { 200: ImportList },
      },
    },
    async (req) => ({ items: await imports.list(req.query.limit ?? 50) }),
  )

  app.post(
    '/api/gtfs/imports/:id/undo',
    {
      schema: {
        tags: ['network'],
        summary:
          'Undo a GTFS import: the rows it added deleted, those it changed or retired as they were; refused (409 IMPORT_UNDO_BLOCKED) when later changes depend on them',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 200: UndoResult, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) =>
      imports.undo(req.params.id, userOf(req).username, (q, result) =>
        audit(req, 'gtfs.undo', `gtfs_import:${result.id}`, null, result, q),
      ),
  )

  app.get(
    '/api/network/home-view',
    {
      schema: {
        tags: ['network'],
        summary:
          "Where the live map opens: the bounds [west, south, east, north] of the county's own stops (all stops when every one was imported)",
        response: { 200: HomeView },
      },
    },
    async () => imports.homeView(),
  )

  app.get(
    '/api/gtfs/export',
    {
      schema: {
        tags: ['network'],
        summary:
          'The network as a GTFS static zip; calendars (market days, school terms) are expanded into calendar_dates over [from, to]',
        querystring: Type.Object({ from: Type.Optional(DateString), to: Type.Optional(DateString) }),
        response: { 200: Type.Any(), 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const from = req.query.from ? dateParam(req.query.from) : serviceDayOf(now())
      const to = req.query.to ? dateParam(req.query.to) : addDays(from, 90)
      if (to < from || to > addDays(from, MAX_HORIZON_DAYS))
        throw new AppError(
          'BAD_TIME_RANGE',
          `the export horizon must run forwards and cover at most ${MAX_HORIZON_DAYS} days`,
        )
      const publisherName = await imports.publisherName()
      const zip = gtfs.exportGtfs(await network.snapshot(), {
        from,
        to,
        agencyUrl: publicUrl,
        ...(publisherName ? { publisherName } : {}),
      })
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="gtfs-${from}-${to}.zip"`)
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength))
    },
  )
}

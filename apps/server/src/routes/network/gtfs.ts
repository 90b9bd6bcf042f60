import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AppError, addDays, formatStopCode, parseStopCode, serviceDayOf, type NetworkSnapshot, type Stop } from '@rb/domain'
import { gtfs } from '@rb/protocol'
import { networkRepo } from '@rb/db'
import { dateParam, type NetworkService } from '../../network/service.js'
import { ErrorResponse } from '../../http/schemas.js'
import { DateString } from './schemas.js'

const MAX_FEED_BYTES = 50 * 1024 * 1024
const MAX_HORIZON_DAYS = 400

/**
 * Stop ids that are not sign codes (`FUR_CREEK_RES`) get sign codes: the code of a stop already in
 * the network with the same name and point (so importing a feed again updates, not duplicates),
 * else the next free code of this county. The feed's own sign codes are kept.
 */
async function renumberStops(net: NetworkSnapshot, existing: readonly Stop[], next: () => Promise<string>): Promise<Map<string, string>> {
  const key = (s: Stop): string => `${s.name}|${s.point[0]}|${s.point[1]}`
  const known = new Map(existing.map((s) => [key(s), s.code]))
  const renamed = new Map<string, string>()
  for (const s of net.stops) if (!parseStopCode(s.code)) renamed.set(s.code, known.get(key(s)) ?? (await next()))
  if (renamed.size === 0) return renamed
  for (const s of net.stops) s.code = renamed.get(s.code) ?? s.code
  for (const r of net.routes) for (const rs of r.stops) rs.stopCode = renamed.get(rs.stopCode) ?? rs.stopCode
  return renamed
}

export const gtfsRoutes: FastifyPluginAsyncTypebox<{ network: NetworkService; publicUrl: string; now?: () => number }> = async (app, { network, publicUrl, now = Date.now }) => {
  app.addContentTypeParser(['application/zip', 'application/octet-stream', 'application/x-zip-compressed'], { parseAs: 'buffer', bodyLimit: MAX_FEED_BYTES }, (_req, body, done) => done(null, body))

  app.post(
    '/api/gtfs/import',
    {
      bodyLimit: MAX_FEED_BYTES,
      schema: {
        tags: ['network'],
        summary: 'Import a GTFS static feed (zip body, Content-Type application/zip) into the network; existing ids are updated',
        response: {
          200: Type.Object({
            stops: Type.Integer(),
            routes: Type.Integer(),
            trips: Type.Integer(),
            calendars: Type.Integer(),
            renumberedStops: Type.Record(Type.String(), Type.String(), { description: 'GTFS stop_id → assigned stop code' }),
            warnings: Type.Array(Type.String()),
          }),
          400: ErrorResponse,
          413: ErrorResponse,
        },
      },
    },
    async (req) => {
      if (!Buffer.isBuffer(req.body)) throw new AppError('VALIDATION_FAILED', 'send the GTFS zip as the body with Content-Type: application/zip')
      let imported: ReturnType<typeof gtfs.importGtfs>
      try {
        imported = gtfs.importGtfs(new Uint8Array(req.body))
      } catch (err) {
        if (err instanceof gtfs.GtfsError) throw new AppError('VALIDATION_FAILED', err.message, { gtfsCode: err.code })
        throw err
      }
      const net = imported.network
      const renamed = await renumberStops(net, (await network.snapshot()).stops, async () => formatStopCode(network.settings.countyPrefix, await networkRepo.nextStopNumber(network.db, network.settings.countyPrefix)))
      await network.importNetwork(net)
      return {
        stops: net.stops.length,
        routes: net.routes.length,
        trips: net.trips.length,
        calendars: net.calendars.length,
        renumberedStops: Object.fromEntries(renamed),
        warnings: imported.warnings,
      }
    },
  )

  app.get(
    '/api/gtfs/export',
    {
      schema: {
        tags: ['network'],
        summary: 'The network as a GTFS static zip; calendars (market days, school terms) are expanded into calendar_dates over [from, to]',
        querystring: Type.Object({ from: Type.Optional(DateString), to: Type.Optional(DateString) }),
        response: { 200: Type.Any(), 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const from = req.query.from ? dateParam(req.query.from) : serviceDayOf(now())
      const to = req.query.to ? dateParam(req.query.to) : addDays(from, 90)
      if (to < from || to > addDays(from, MAX_HORIZON_DAYS)) throw new AppError('BAD_TIME_RANGE', `the export horizon must run forwards and cover at most ${MAX_HORIZON_DAYS} days`)
      const zip = gtfs.exportGtfs(await network.snapshot(), { from, to, agencyUrl: publicUrl })
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="gtfs-${from}-${to}.zip"`)
        .send(Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength))
    },
  )
}

/**
 * Serves the basemap archives this server holds, with HTTP range requests (a PMTiles reader asks
 * for the header, then a directory, then each tile as a byte range): the demo county's generated
 * archive from memory, a county's own file (BASEMAP_FILE) from disk. Public, like the console's
 * own files: map tiles carry no one's data.
 */
import { createHash } from 'node:crypto'
import { basename, dirname, resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { AppError } from '@rb/domain'
import { COUNTY_ARCHIVE_PATH, DEMO_ARCHIVE_PATH } from './presets.js'

export interface BasemapRoutesOptions {
  /** The generated archive of the demo county, when the demo preset is in use. */
  demoArchive: Buffer | null
  /** A PMTiles file on disk (BASEMAP_FILE). */
  countyFile: string | null
}

const PUBLIC = { access: 'public' as const }

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range of a body of `size` bytes; null for the whole body. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  const unsatisfiable = (): never => {
    throw new AppError('RANGE_NOT_SATISFIABLE', `range ${header} is not within the ${size} bytes`, { size })
  }
  if (!m || (m[1] === '' && m[2] === '')) return unsatisfiable()
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return unsatisfiable()
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2]))
  if (start >= size || end < start) return unsatisfiable()
  return { start, end }
}

function sendBuffer(reply: FastifyReply, body: Buffer, range: string | undefined, etag: string): FastifyReply {
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('cache-control', 'no-cache')
    .type('application/vnd.pmtiles')
  let part: { start: number; end: number } | null
  try {
    part = parseRange(range, body.length)
  } catch (err) {
    reply.header('content-range', `bytes */${body.length}`)
    throw err
  }
  if (!part) return reply.send(body)
  return reply
    .code(206)
    .header('content-range', `bytes ${part.start}-${part.end}/${body.length}`)
    .send(body.subarray(part.start, part.end + 1))
}

export const basemapRoutes: FastifyPluginAsync<BasemapRoutesOptions> = async (app, opts) => {
  const hide = { hide: true }
  if (opts.demoArchive) {
    const archive = opts.demoArchive
    const etag = `"${createHash('sha1').update(archive).digest('base64url')}"`
    app.get(DEMO_ARCHIVE_PATH, { config: PUBLIC, schema: hide }, async (req, reply) =>
      sendBuffer(reply, archive, req.headers.range, etag),
    )
  }
  if (opts.countyFile) {
    const file = resolve(opts.countyFile)
    // @fastify/static answers ranges, ETag and Last-Modified.
    await app.register(fastifyStatic, { root: dirname(file), serve: false })
    app.get(COUNTY_ARCHIVE_PATH, { config: PUBLIC, schema: hide }, async (_req, reply) =>
      reply
        .header('cache-control', 'no-cache')
        .type('application/vnd.pmtiles')
        .sendFile(basename(file), dirname(file), { acceptRanges: true }),
    )
  }
}

/**
 * Reads of live state in a cluster. With one partition (the default), one instance — the leader —
 * owns every vehicle's live state; the others store and fan out but hold no tracking state, so a
 * read of live state arriving at them is passed to the leader and its answer returned as is
 * (with the caller's cookie or token: the leader checks access itself). With more partitions
 * each instance answers for the vehicles it owns (docs/scaling.md).
 */
import type { FastifyInstance } from 'fastify'
import type { PartitionLeases } from './leases.js'

/** Routes whose answer is live state held by the owner (GET only). */
export const LIVE_READ_ROUTES: readonly string[] = [
  '/api/vehicles/positions',
  '/api/vehicles/states',
  '/api/vehicles/:id/state',
  '/api/stops/:code/arrivals',
  '/api/trips/today',
  '/api/trips/:id/crew',
  '/api/driver/vehicle',
  '/api/parcels/:number/track',
  '/p/:number',
  '/gtfs-rt/vehicle-positions',
  '/gtfs-rt/trip-updates',
  '/gtfs-rt/alerts',
]

const FORWARDED = 'x-rb-forwarded-by'
const PASS_REQUEST = ['cookie', 'authorization', 'accept', 'accept-language', 'user-agent'] as const
const PASS_RESPONSE = ['content-type', 'cache-control', 'etag'] as const

export function installReadProxy(
  app: FastifyInstance,
  o: { leases: PartitionLeases; instanceId: string; partitions: number },
): void {
  if (o.partitions !== 1) return
  const routes = new Set(LIVE_READ_ROUTES)
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' || !routes.has(req.routeOptions.url ?? '') || req.headers[FORWARDED]) return
    const leader = o.leases.ownerOf(0)
    if (!leader || leader === o.instanceId) return
    const base = o.leases.urlOf(leader)
    if (!base) return
    const headers: Record<string, string> = { [FORWARDED]: o.instanceId }
    for (const h of PASS_REQUEST) {
      const v = req.headers[h]
      if (typeof v === 'string') headers[h] = v
    }
    try {
      const res = await fetch(`${base.replace(/\/$/, '')}${req.url}`, { headers, signal: AbortSignal.timeout(5000) })
      for (const h of PASS_RESPONSE) {
        const v = res.headers.get(h)
        if (v) void reply.header(h, v)
      }
      return reply.status(res.status).send(Buffer.from(await res.arrayBuffer()))
    } catch (err) {
      // The leader does not answer (a handover in progress): answer from here, partial but alive.
      req.log.warn({ err: (err as Error).message, leader }, 'cluster: live read not forwarded to the leader')
      return undefined
    }
  })
}

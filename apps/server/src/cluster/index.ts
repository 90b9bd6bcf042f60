/**
 * Cluster mode (REDIS_URL set; docs/scaling.md): socket.io rooms span instances through the Redis
 * adapter, and each vehicle's live state is owned by the one instance holding its partition's
 * lease; the others forward its messages there. Storage needs nothing of this: every instance
 * writes what it receives, and the (vehicle, ts) key makes a second write a no-op.
 */
import { createAdapter } from '@socket.io/redis-adapter'
import { createClient, type RedisClientType } from 'redis'
import type { LiveStage } from '../ingest/pipeline.js'
import type { LiveHub } from '../live/hub.js'
import { PartitionLeases, type LeaseLog } from './leases.js'
import { LiveRouter, type RouterLog } from './router.js'
import { syncChanges, type SyncedCache } from './invalidation.js'

export interface ClusterOptions {
  redisUrl: string
  /** Prefix of every Redis key and channel: instances with the same name form one cluster. */
  name: string
  instanceId: string
  partitions: number
  hub: LiveHub
  /** The live stages a vehicle's owner runs (latest state, tracking, live hub). */
  local: readonly LiveStage[]
  log: LeaseLog & RouterLog
  leaseMs?: number
  /** Caches held per instance, by name (`network`, `settings`): a change on any instance drops every instance's copy at once. */
  caches?: Readonly<Record<string, SyncedCache>>
}

export interface Cluster {
  router: LiveRouter
  leases: PartitionLeases
  /** A Redis client for commands (shared counters such as the rate limits). */
  redis: RedisClientType
  close(): Promise<void>
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const clients: RedisClientType[] = []
  const client = async (): Promise<RedisClientType> => {
    const c: RedisClientType = createClient({
      url: o.redisUrl,
      socket: { reconnectStrategy: (retries) => Math.min(5000, 100 * 2 ** Math.min(retries, 6)) },
    })
    c.on('error', (err: Error) => o.log.warn({ err: err.message }, 'cluster: Redis connection problem; reconnecting'))
    clients.push(c)
    await c.connect()
    return c
  }
  const [adapterPub, adapterSub, pub, sub, cmd] = [
    await client(),
    await client(),
    await client(),
    await client(),
    await client(),
  ]
  o.hub.io.adapter(createAdapter(adapterPub, adapterSub, { key: `${o.name}-io` }))
  o.hub.followClusterRooms(1000)

  // The router is made after the leases it reads; lease changes reach it through this slot.
  const slot: { router?: LiveRouter } = {}
  const leases = new PartitionLeases({
    redis: cmd,
    name: o.name,
    instanceId: o.instanceId,
    partitions: o.partitions,
    leaseMs: o.leaseMs ?? 6000,
    log: o.log,
    onChange: (_owned, gained, lost) => {
      slot.router
        ?.follow(gained, lost)
        .catch((err: Error) => o.log.warn({ err: err.message }, 'cluster: could not follow partition channels'))
      // Tell the others at once, so they forward to us without waiting for their next round.
      pub.publish(announce, JSON.stringify({ id: o.instanceId, gained, lost })).catch(() => undefined)
    },
  })
  const announce = `${o.name}:leases`
  await sub.subscribe(announce, (message) => {
    try {
      const m = JSON.parse(message) as { id: string; gained: number[]; lost: number[] }
      if (m.id !== o.instanceId) leases.note(m.id, m.gained, m.lost)
    } catch {
      // not ours
    }
  })
  for (const [what, cache] of Object.entries(o.caches ?? {}))
    await syncChanges({ pub, sub, name: o.name, what, instanceId: o.instanceId, cache, log: o.log })
  const router = new LiveRouter({
    name: o.name,
    local: o.local,
    leases,
    pub,
    sub,
    instanceId: o.instanceId,
    partitions: o.partitions,
    log: o.log,
  })
  slot.router = router
  await leases.start()
  await router.follow([...leases.owned], [])

  return {
    router,
    leases,
    redis: cmd,
    async close() {
      await leases.close()
      for (const c of clients) await c.quit().catch(() => undefined)
    },
  }
}

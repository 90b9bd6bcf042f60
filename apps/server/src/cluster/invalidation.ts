/**
 * Cluster mode: what an instance caches from the database (the network: stops, routes,
 * timetables, trips, vehicles, assignments; the county settings) is dropped on every instance at
 * once when one instance changes it. A change is announced on `<CLUSTER_NAME>:<what>` and every
 * other instance drops its cached copy (reloading it, and telling its own listeners). A
 * subscription that was down may have missed announcements: after every reconnect the cached
 * copies are dropped too.
 */
import type { RedisClientType } from 'redis'

/** A cache held per instance (NetworkService and SettingsService have this). */
export interface SyncedCache {
  /** How a change made here reaches the other instances. */
  broadcastChangesWith(send: () => void): void
  /** Another instance changed it (or announcements may have been missed): drop and reload. */
  changedElsewhere(): void
}

export interface InvalidationLog {
  warn(obj: object, msg: string): void
}

export async function syncChanges(o: {
  pub: RedisClientType
  sub: RedisClientType
  name: string
  what: string
  instanceId: string
  cache: SyncedCache
  log: InvalidationLog
}): Promise<void> {
  const channel = `${o.name}:${o.what}`
  await o.sub.subscribe(channel, (message) => {
    let from: unknown
    try {
      from = (JSON.parse(message) as { id?: unknown }).id
    } catch {
      return // not ours
    }
    if (from !== o.instanceId) o.cache.changedElsewhere()
  })
  const failed = (err: Error): void =>
    o.log.warn(
      { err: err.message, what: o.what },
      'cluster: could not announce a change; the others reload after their reconnect',
    )
  o.cache.broadcastChangesWith(() => {
    // A closed client throws at once rather than rejecting (a change during shutdown).
    try {
      o.pub.publish(channel, JSON.stringify({ id: o.instanceId })).catch(failed)
    } catch (err) {
      failed(err as Error)
    }
  })
  o.sub.on('ready', () => o.cache.changedElsewhere())
}

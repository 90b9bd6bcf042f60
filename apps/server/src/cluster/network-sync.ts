/**
 * Cluster mode: the network (stops, routes, timetables, trips, vehicles, assignments) is cached
 * per instance, so a change made on one instance is announced on `<CLUSTER_NAME>:network` and
 * every other instance drops its cached copy at once and tells its listeners (the tracking
 * engine reloads). A subscription that was down may have missed announcements: after every
 * reconnect the cached copy is dropped too.
 */
import type { RedisClientType } from 'redis'

/** What of the network service this needs (NetworkService has it). */
export interface SyncedNetwork {
  broadcastChangesWith(send: () => void): void
  changedElsewhere(): void
}

export interface NetworkSyncLog {
  warn(obj: object, msg: string): void
}

export async function syncNetworkChanges(o: { pub: RedisClientType; sub: RedisClientType; name: string; instanceId: string; network: SyncedNetwork; log: NetworkSyncLog }): Promise<void> {
  const channel = `${o.name}:network`
  await o.sub.subscribe(channel, (message) => {
    let from: unknown
    try {
      from = (JSON.parse(message) as { id?: unknown }).id
    } catch {
      return // not ours
    }
    if (from !== o.instanceId) o.network.changedElsewhere()
  })
  const failed = (err: Error): void => o.log.warn({ err: err.message }, 'cluster: could not announce a network change; the others reload after their reconnect')
  o.network.broadcastChangesWith(() => {
    // A closed client throws at once rather than rejecting (a change during shutdown).
    try {
      o.pub.publish(channel, JSON.stringify({ id: o.instanceId })).catch(failed)
    } catch (err) {
      failed(err as Error)
    }
  })
  o.sub.on('ready', () => o.network.changedElsewhere())
}

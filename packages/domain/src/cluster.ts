/**
 * Scale-out rules (DESIGN §7): one vehicle's live state is owned by exactly one server instance.
 * Vehicles hash into a fixed number of partitions; instances hold leases on partitions, each
 * aiming at a fair share. Pure: the lease store and the clock are the caller's.
 */

/** The partition of a vehicle: FNV-1a of its id, modulo the partition count. */
export function partitionOf(vehicleId: string, partitions: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < vehicleId.length; i++) {
    h ^= vehicleId.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h % partitions
}

export interface LeasePlan {
  /** Partitions to try to take (free, or held by an instance that is gone). */
  acquire: number[]
  /** Partitions to give back (more than the fair share). */
  release: number[]
}

/**
 * What an instance should do with its leases: with `owners[p]` the holder of partition p (null:
 * free) and `live` the instances alive now, hold ⌈partitions / instances⌉ at most, give back the
 * rest, and take free ones — starting at an offset of its own so instances do not all race for
 * the same partitions.
 */
export function planLeases(owners: readonly (string | null)[], me: string, live: readonly string[]): LeasePlan {
  const n = owners.length
  const alive = new Set([...live, me])
  const share = Math.ceil(n / alive.size)
  const mine = owners.flatMap((o, p) => (o === me ? [p] : []))
  if (mine.length > share) return { acquire: [], release: mine.slice(share) }
  const sorted = [...alive].sort()
  const start = Math.floor((sorted.indexOf(me) * n) / sorted.length)
  const acquire: number[] = []
  for (let k = 0; k < n && mine.length + acquire.length < share; k++) {
    const p = (start + k) % n
    const o = owners[p]
    if (o === null || o === undefined || !alive.has(o)) acquire.push(p)
  }
  return { acquire, release: [] }
}

/**
 * Partition leases in Redis: every instance heartbeats `<name>:inst:<id>`, reads who holds each
 * `<name>:part:<p>`, and follows `planLeases` — renewing what it holds, giving back its excess,
 * taking free or orphaned partitions. A lease expires when its holder stops renewing (crash,
 * network split), so another instance takes over within `leaseMs`.
 */
import { planLeases } from '@rb/domain'
import type { RedisClientType } from 'redis'

export interface LeaseLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface LeaseOptions {
  redis: RedisClientType
  /** Prefix of the keys (the cluster's name). */
  name: string
  instanceId: string
  partitions: number
  /** How long a lease or heartbeat lives without renewal, ms. */
  leaseMs: number
  log: LeaseLog
  /** Called when this instance starts / stops owning partitions. */
  onChange(owned: ReadonlySet<number>, gained: number[], lost: number[]): void
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`

export class PartitionLeases {
  readonly #o: LeaseOptions
  #owned = new Set<number>()
  /** Holder of each partition as last read (null: free). */
  #owners: (string | null)[]
  #timer: NodeJS.Timeout | undefined
  /** Where each live instance answers HTTP (from the heartbeats). */
  #urls = new Map<string, string>()
  /** This instance's own HTTP address, published with its heartbeat once it listens. */
  #url = ''
  #running: Promise<void> | undefined
  readonly #partKey: (p: number) => string
  readonly #instKey: (id: string) => string

  constructor(o: LeaseOptions) {
    this.#o = o
    this.#partKey = (p) => `${o.name}:part:${p}`
    this.#instKey = (id) => `${o.name}:inst:${id}`
    this.#owners = new Array<string | null>(o.partitions).fill(null)
  }

  get owned(): ReadonlySet<number> {
    return this.#owned
  }

  /** The holder of a partition as last seen, or null. */
  ownerOf(p: number): string | null {
    return this.#owners[p] ?? null
  }

  setUrl(url: string): void {
    this.#url = url
    // Published at once, not at the next round: the others pass live reads here from now on.
    void this.round()
  }

  /** The HTTP address of a live instance, as its heartbeat says. */
  urlOf(instanceId: string): string | undefined {
    return this.#urls.get(instanceId)
  }

  /** Another instance announced it gained / lost partitions: believe it until the next round. */
  note(instanceId: string, gained: readonly number[], lost: readonly number[]): void {
    for (const p of gained) if (p >= 0 && p < this.#owners.length) this.#owners[p] = instanceId
    for (const p of lost) if (this.#owners[p] === instanceId) this.#owners[p] = null
  }

  async start(): Promise<void> {
    await this.round()
    this.#timer = setInterval(() => void this.round(), Math.max(200, Math.floor(this.#o.leaseMs / 3)))
    this.#timer.unref()
  }

  /** One pass: heartbeat, read holders, renew / release / acquire. Never throws (Redis may be away). */
  round(): Promise<void> {
    this.#running ??= this.#round()
      .catch((err: Error) => {
        this.#o.log.warn({ err: err.message }, 'cluster: lease round failed; partitions held expire unless renewed')
        // Without Redis we cannot prove ownership: stop owning before the leases lapse for others.
        this.#set(new Set())
      })
      .finally(() => {
        this.#running = undefined
      })
    return this.#running
  }

  async #round(): Promise<void> {
    const { redis, instanceId: me, partitions, leaseMs } = this.#o
    await redis.set(this.#instKey(me), this.#url, { PX: leaseMs })
    const live: string[] = []
    const instPrefix = this.#instKey('')
    for await (const keys of redis.scanIterator({ MATCH: `${instPrefix}*`, COUNT: 100 })) {
      for (const k of Array.isArray(keys) ? keys : [keys]) live.push(String(k).slice(instPrefix.length))
    }
    const urls = live.length > 0 ? await redis.mGet(live.map((id) => this.#instKey(id))) : []
    this.#urls = new Map(live.flatMap((id, i) => (urls[i] ? [[id, String(urls[i])] as [string, string]] : [])))
    const holders = await redis.mGet(Array.from({ length: partitions }, (_, p) => this.#partKey(p)))
    this.#owners = holders.map((h) => (h === null ? null : String(h)))
    const next = new Set<number>()
    for (let p = 0; p < partitions; p++) {
      if (this.#owners[p] !== me) continue
      if (Number(await redis.eval(RENEW, { keys: [this.#partKey(p)], arguments: [me, String(leaseMs)] })) === 1)
        next.add(p)
    }
    const plan = planLeases(
      this.#owners.map((o, p) => (o === me && !next.has(p) ? null : o)),
      me,
      live,
    )
    for (const p of plan.release) {
      await redis.eval(RELEASE, { keys: [this.#partKey(p)], arguments: [me] })
      next.delete(p)
      this.#owners[p] = null
    }
    for (const p of plan.acquire) {
      if ((await redis.set(this.#partKey(p), me, { NX: true, PX: leaseMs })) === 'OK') {
        next.add(p)
        this.#owners[p] = me
      }
    }
    this.#set(next)
  }

  #set(next: Set<number>): void {
    const gained = [...next].filter((p) => !this.#owned.has(p))
    const lost = [...this.#owned].filter((p) => !next.has(p))
    this.#owned = next
    if (gained.length > 0 || lost.length > 0) {
      this.#o.log.info({ owned: next.size, gained: gained.length, lost: lost.length }, 'cluster: partitions changed')
      this.#o.onChange(next, gained, lost)
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
    const { redis, instanceId: me } = this.#o
    try {
      for (const p of this.#owned) await redis.eval(RELEASE, { keys: [this.#partKey(p)], arguments: [me] })
      await redis.del(this.#instKey(me))
    } catch {
      // Redis away: the leases expire on their own.
    }
    this.#set(new Set())
  }
}

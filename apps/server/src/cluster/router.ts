/**
 * The live branch across instances: every instance stores what its shared MQTT subscription
 * hands it, but a vehicle's live state (latest position, tracking, live push) runs only on the
 * instance owning the vehicle's partition. Messages for a partition held elsewhere go to the
 * owner over Redis pub/sub (`<name>:live:<p>`); the owner subscribes to the channels of its
 * partitions. With no known owner (a handover in progress) the receiver runs them itself: the
 * engine ignores a point older than its state, so a double delivery cannot move anything back.
 */
import { partitionOf } from '@rb/domain'
import type { DeviceEvent, Position, VehicleStatus } from '@rb/protocol'
import type { RedisClientType } from 'redis'
import type { LiveStage } from '../ingest/pipeline.js'
import type { PartitionLeases } from './leases.js'

type Forwarded =
  | { k: 'pos'; positions: Position[] }
  | { k: 'status'; vehicleId: string; status: VehicleStatus; ts: number }
  | { k: 'event'; event: DeviceEvent }

export interface RouterLog {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export class LiveRouter implements LiveStage {
  readonly name = 'cluster-router'
  readonly #local: readonly LiveStage[]
  readonly #leases: PartitionLeases
  readonly #pub: RedisClientType
  readonly #sub: RedisClientType
  readonly #instanceId: string
  readonly #partitions: number
  readonly #log: RouterLog
  readonly #channel: (p: number) => string
  forwarded = 0
  received = 0

  constructor(o: {
    name: string
    local: readonly LiveStage[]
    leases: PartitionLeases
    pub: RedisClientType
    sub: RedisClientType
    instanceId: string
    partitions: number
    log: RouterLog
  }) {
    this.#channel = (p) => `${o.name}:live:${p}`
    this.#local = o.local
    this.#leases = o.leases
    this.#pub = o.pub
    this.#sub = o.sub
    this.#instanceId = o.instanceId
    this.#partitions = o.partitions
    this.#log = o.log
  }

  /** Follows lease changes: listen on the channels of the partitions this instance owns. */
  async follow(gained: readonly number[], lost: readonly number[]): Promise<void> {
    if (gained.length > 0) await this.#sub.subscribe(gained.map(this.#channel), (message) => this.#deliver(message))
    if (lost.length > 0) await this.#sub.unsubscribe(lost.map(this.#channel))
  }

  onPositions(positions: readonly Position[]): void {
    const byPartition = new Map<number, Position[]>()
    for (const p of positions) {
      const part = partitionOf(p.vehicleId, this.#partitions)
      let list = byPartition.get(part)
      if (!list) byPartition.set(part, (list = []))
      list.push(p)
    }
    for (const [part, list] of byPartition) {
      if (this.#isLocal(part)) this.#run((s) => s.onPositions?.(list))
      else this.#forward(part, { k: 'pos', positions: list })
    }
  }

  onStatus(vehicleId: string, status: VehicleStatus, ts: number): void {
    const part = partitionOf(vehicleId, this.#partitions)
    if (this.#isLocal(part)) this.#run((s) => s.onStatus?.(vehicleId, status, ts))
    else this.#forward(part, { k: 'status', vehicleId, status, ts })
  }

  onDeviceEvent(event: DeviceEvent): void {
    const part = partitionOf(event.vehicleId, this.#partitions)
    if (this.#isLocal(part)) this.#run((s) => s.onDeviceEvent?.(event))
    else this.#forward(part, { k: 'event', event })
  }

  #isLocal(part: number): boolean {
    const owner = this.#leases.ownerOf(part)
    return owner === null || owner === this.#instanceId || this.#leases.owned.has(part)
  }

  #forward(part: number, msg: Forwarded): void {
    this.forwarded++
    this.#pub.publish(this.#channel(part), JSON.stringify(msg)).catch((err: Error) => {
      // Redis away: run it here rather than lose the live update (storage is not affected).
      this.#log.warn({ err: err.message }, 'cluster: could not forward to the owning instance; handled here')
      this.#apply(msg)
    })
  }

  #deliver(message: string): void {
    this.received++
    try {
      this.#apply(JSON.parse(message) as Forwarded)
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'cluster: bad forwarded message')
    }
  }

  #apply(msg: Forwarded): void {
    switch (msg.k) {
      case 'pos':
        return this.#run((s) => s.onPositions?.(msg.positions))
      case 'status':
        return this.#run((s) => s.onStatus?.(msg.vehicleId, msg.status, msg.ts))
      case 'event':
        return this.#run((s) => s.onDeviceEvent?.(msg.event))
    }
  }

  #run(fn: (s: LiveStage) => void): void {
    for (const s of this.#local) {
      try {
        fn(s)
      } catch (err) {
        this.#log.error({ err: (err as Error).message, stage: s.name }, 'live stage failed; continuing')
      }
    }
  }
}

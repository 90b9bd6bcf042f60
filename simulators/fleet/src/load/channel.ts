/**
 * Load-mode connections. A channel is one connection carrying one or more vehicles' fixes, each
 * fix acknowledged on its own:
 *  - MQTT: one client per channel, vehicles shared round robin (a gateway, or a bench packing
 *    5,000 vehicles into 200 connections); clean session, QoS 1, positions only (no status, no
 *    will: a connection is not a vehicle).
 *  - JT/T 808: a terminal is its TCP connection, so one vehicle per channel, over the simulator's
 *    own terminal (register, auth, heartbeats, 0x0200 answered by 0x8001).
 */
import mqtt, { type MqttClient } from 'mqtt'
import { topics } from '@rb/protocol'
import type { Fix, SimVehicle } from '../model/types.js'
import { jt808Transport } from '../transport/jt808.js'
import { payloadOf } from '../transport/mqtt.js'
import { withLimit, type VehicleLink } from '../transport/types.js'

export interface LoadChannel {
  /** Indices (into the run's vehicle list) of the vehicles this connection carries. */
  readonly vehicles: readonly number[]
  /** Fixes handed over and not acknowledged yet. */
  inflight(): number
  /** Sends one fix of vehicle `v`; `done` runs once, on its acknowledgement (true) or refusal. */
  send(v: number, fix: Fix, done: (ok: boolean) => void): void
  close(): Promise<void>
}

export interface ChannelCounters {
  /** Connections up now. */
  connected: number
  /** Connections lost (after being up). */
  disconnects: number
  /** Connections re-established after a loss. */
  reconnects: number
  errors: number
  lastError: string | null
}

export interface Channels {
  /** The channels that connected. */
  channels: LoadChannel[]
  /** Channels asked for; `channels.length` fewer when some could not connect. */
  asked: number
  /** Why the first failed channel failed (null when none did). */
  firstFailure: string | null
  counters(): ChannelCounters
}

const newCounters = (): ChannelCounters => ({ connected: 0, disconnects: 0, reconnects: 0, errors: 0, lastError: null })

/** Vehicle `i` rides connection `i mod connections`: consecutive vehicles use different connections. */
export function spread(vehicles: number, connections: number): number[][] {
  const out: number[][] = Array.from({ length: Math.max(1, Math.min(connections, vehicles)) }, () => [])
  for (let v = 0; v < vehicles; v++) out[v % out.length]?.push(v)
  return out
}

async function openAll<T>(
  items: readonly T[],
  concurrency: number,
  open: (item: T) => Promise<LoadChannel>,
): Promise<{ channels: LoadChannel[]; firstFailure: string | null }> {
  const opened: (LoadChannel | null)[] = items.map(() => null)
  const settled = await withLimit(
    items.map((item, i) => ({ item, i })),
    concurrency,
    async ({ item, i }) => {
      opened[i] = await open(item)
    },
  )
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  return {
    channels: opened.filter((c): c is LoadChannel => c !== null),
    firstFailure: failed ? String((failed.reason as Error).message ?? failed.reason) : null,
  }
}

export interface MqttChannelOptions {
  url: string
  username?: string
  password?: string
  /** Channel `c` connects as `${clientIdPrefix}${c}`. */
  clientIdPrefix: string
  vehicleIds: readonly string[]
  connections: number
  /** Publish on `${topicPrefix}/<id>/pos` instead of the platform's `rb/v1/veh/<id>/pos`. */
  topicPrefix?: string
  connectConcurrency: number
}

export async function mqttChannels(o: MqttChannelOptions): Promise<Channels> {
  const c = newCounters()
  const topicOf = o.vehicleIds.map((id) =>
    o.topicPrefix === undefined ? topics.position(id) : `${o.topicPrefix}/${id}/pos`,
  )
  const groups = spread(o.vehicleIds.length, o.connections)
  const { channels, firstFailure } = await openAll(
    groups.map((vehicles, index) => ({ vehicles, index })),
    o.connectConcurrency,
    async ({ vehicles, index }) => {
      const client = await mqtt.connectAsync(
        o.url,
        {
          clientId: `${o.clientIdPrefix}${index}`,
          clean: true,
          protocolVersion: 4,
          keepalive: 60,
          reconnectPeriod: 1000,
          connectTimeout: 30_000,
          username: o.username,
          password: o.password,
        },
        false,
      )
      return new MqttChannel(client, vehicles, topicOf, c)
    },
  )
  return { channels, asked: groups.length, firstFailure, counters: () => ({ ...c }) }
}

class MqttChannel implements LoadChannel {
  readonly vehicles: readonly number[]
  readonly #client: MqttClient
  readonly #topicOf: readonly string[]
  #inflight = 0

  constructor(client: MqttClient, vehicles: readonly number[], topicOf: readonly string[], c: ChannelCounters) {
    this.#client = client
    this.vehicles = vehicles
    this.#topicOf = topicOf
    c.connected++
    let up = true
    client.on('connect', () => {
      if (up) return
      up = true
      c.connected++
      c.reconnects++
    })
    client.on('close', () => {
      if (!up) return
      up = false
      c.connected--
      c.disconnects++
    })
    client.on('error', (err) => {
      c.errors++
      c.lastError = err.message
    })
  }

  inflight(): number {
    return this.#inflight
  }

  send(v: number, fix: Fix, done: (ok: boolean) => void): void {
    this.#inflight++
    // Unacknowledged QoS 1 messages stay in the client's store and go again after a reconnect.
    this.#client.publish(this.#topicOf[v] as string, payloadOf(fix), { qos: 1 }, (err) => {
      this.#inflight--
      done(!err)
    })
  }

  async close(): Promise<void> {
    // A graceful end waits for every acknowledgement; after a drain that gave up, do not wait.
    await this.#client.endAsync(this.#inflight > 0 || !this.#client.connected)
  }
}

export interface Jt808ChannelOptions {
  host: string
  port: number
  vehicles: readonly SimVehicle[]
  connectConcurrency: number
}

export async function jt808Channels(o: Jt808ChannelOptions): Promise<Channels> {
  const transport = jt808Transport({ host: o.host, port: o.port })
  const { channels, firstFailure } = await openAll(
    o.vehicles.map((vehicle, v) => ({ vehicle, v })),
    o.connectConcurrency,
    async ({ vehicle, v }) => {
      const link = transport.link(vehicle)
      try {
        await link.open()
      } catch (err) {
        await link.close().catch(() => {})
        throw err
      }
      return new Jt808Channel(link, v)
    },
  )
  return {
    channels,
    asked: o.vehicles.length,
    firstFailure,
    counters: () => {
      const t = transport.counters()
      // A terminal that loses its connection reconnects on its own: losses show as reconnects.
      return {
        connected: t.connected,
        disconnects: t.reconnects,
        reconnects: t.reconnects,
        errors: t.errors,
        lastError: t.lastError,
      }
    },
  }
}

class Jt808Channel implements LoadChannel {
  readonly vehicles: readonly number[]
  readonly #link: VehicleLink
  #inflight = 0

  constructor(link: VehicleLink, v: number) {
    this.#link = link
    this.vehicles = [v]
  }

  inflight(): number {
    return this.#inflight
  }

  send(_v: number, fix: Fix, done: (ok: boolean) => void): void {
    this.#inflight++
    this.#link.send(fix, false, (ok) => {
      this.#inflight--
      done(ok)
    })
  }

  close(): Promise<void> {
    return this.#link.close()
  }
}

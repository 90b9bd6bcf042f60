/**
 * MQTT devices (docs/telemetry.md): one connection per vehicle with a stable client id, a
 * persistent session, QoS 1, `offline` as the retained last will and `online` after connecting.
 * Reconnecting reuses the client and its outgoing store, so unacknowledged points are resent.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { encodePositionPayload, topics } from '@rb/protocol'
import type { DeviceEventPayload } from '@rb/protocol'
import type { Fix, SimDriver, SimVehicle } from '../model/types.js'
import { newCounters, type Transport, type TransportCounters, type VehicleLink } from './types.js'

export interface MqttTransportOptions {
  url: string
  /**
   * Client id: the vehicle id and this suffix (brokers that sign devices in bind the id to the
   * vehicle: the vehicle id, or it and a suffix starting with a separator). Default `.sim`.
   */
  clientIdSuffix?: string
  /** `{vehicle}` stands for each vehicle's id (brokers that sign devices in per vehicle). */
  username?: string
  password?: string
  /** Vehicle id → device secret: a vehicle listed here signs in as itself with its secret. */
  secrets?: Record<string, string> | undefined
  /** Points per `pos/batch` message (docs/telemetry.md: at most 1,000, well within the 256 KB packet limit). */
  maxBatchPoints?: number
  /** Wait before reconnecting after an unplanned loss, ms. */
  reconnectMs?: number
}

/** A fix as the `pos` payload of docs/telemetry.md. */
export const payloadOf = (f: Fix): string =>
  JSON.stringify(
    encodePositionPayload({
      ts: f.ts,
      lat: f.lat,
      lng: f.lng,
      speedKmh: f.speedKmh,
      headingDeg: f.headingDeg,
      accM: f.accM,
      odoM: f.odoM,
    }),
  )

/** The user name and password one vehicle signs in with. */
export function credentials(
  opts: Pick<MqttTransportOptions, 'username' | 'password' | 'secrets'>,
  vehicleId: string,
): { username?: string; password?: string } {
  const secret = opts.secrets?.[vehicleId]
  if (secret !== undefined) return { username: vehicleId, password: secret }
  return {
    ...(opts.username !== undefined ? { username: opts.username.replaceAll('{vehicle}', vehicleId) } : {}),
    ...(opts.password !== undefined ? { password: opts.password } : {}),
  }
}

export function mqttTransport(options: MqttTransportOptions): Transport {
  const counters = newCounters()
  return {
    name: 'mqtt',
    link: (vehicle) => new MqttLink(vehicle, options, counters),
    counters: () => ({ ...counters }),
  }
}

class MqttLink implements VehicleLink {
  readonly vehicleId: string
  readonly #opts: MqttTransportOptions
  readonly #c: TransportCounters
  #client: MqttClient | null = null
  /** Planned outage (dead zone, reboot): do not reconnect until `linkUp`. */
  #down = false
  #closing = false
  #online = false
  #everConnected = false
  #retry: NodeJS.Timeout | null = null
  #pending = 0
  /** Messages produced while the link is down, sent after `online` on reconnect. */
  readonly #held: [topic: string, payload: string, onAck: ((ok: boolean) => void) | undefined][] = []
  #idle: (() => void)[] = []

  constructor(vehicle: SimVehicle, opts: MqttTransportOptions, counters: TransportCounters) {
    this.vehicleId = vehicle.id
    this.#opts = opts
    this.#c = counters
  }

  open(): Promise<void> {
    const statusTopic = topics.status(this.vehicleId)
    const client = mqtt.connect(this.#opts.url, {
      clientId: `${this.vehicleId}${this.#opts.clientIdSuffix ?? '.sim'}`,
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      // Reconnects are ours: a dead zone must keep the link down until the bus drives out of it.
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      ...credentials(this.#opts, this.vehicleId),
      will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: true },
    })
    this.#client = client
    client.on('connect', () => {
      if (this.#down || this.#closing) {
        client.stream.destroy()
        return
      }
      if (this.#everConnected) this.#c.reconnects++
      this.#everConnected = true
      this.#setOnline(true)
      // Announce first, then what waited for the link (a dead zone's batch).
      this.#publish(statusTopic, 'online', true)
      for (const [topic, payload, onAck] of this.#held.splice(0)) this.#publish(topic, payload, false, onAck)
    })
    client.on('close', () => {
      this.#setOnline(false)
      if (!this.#down && !this.#closing) this.#scheduleReconnect()
    })
    client.on('error', (err) => {
      this.#c.errors++
      this.#c.lastError = `${this.vehicleId}: ${err.message}`
    })
    return new Promise((resolve, reject) => {
      const onConnect = (): void => {
        client.off('error', onError)
        resolve()
      }
      const onError = (err: Error): void => {
        client.off('connect', onConnect)
        reject(err)
      }
      client.once('connect', onConnect)
      client.once('error', onError)
    })
  }

  send(fix: Fix, duplicate: boolean, onAck?: (ok: boolean) => void): void {
    const topic = topics.position(this.vehicleId)
    const payload = payloadOf(fix)
    this.#publish(topic, payload, false, onAck)
    if (duplicate) this.#publish(topic, payload, false)
  }

  sendBatch(fixes: readonly Fix[]): void {
    const size = this.#opts.maxBatchPoints ?? 1000
    for (let i = 0; i < fixes.length; i += size) {
      this.#publish(
        topics.positionBatch(this.vehicleId),
        `[${fixes
          .slice(i, i + size)
          .map(payloadOf)
          .join(',')}]`,
        false,
      )
    }
  }

  /** The `driver` event of docs/telemetry.md: the unified driver number, and the certificate when there is one. */
  announceDriver(driver: SimDriver, ts: number): void {
    const event: DeviceEventPayload = {
      ts: new Date(ts).toISOString(),
      type: 'driver',
      action: 'on',
      driverId: driver.id,
      ...(driver.cert ? { cert: driver.cert } : {}),
    }
    this.#publish(topics.event(this.vehicleId), JSON.stringify(event), false)
  }

  linkDown(): void {
    this.#down = true
    this.#clearRetry()
    // Destroying the socket (no DISCONNECT packet) is what a lost signal looks like: the broker publishes the will.
    if (this.#client?.connected) this.#client.stream.destroy()
  }

  linkUp(): void {
    this.#down = false
    this.#reconnect()
  }

  backlog(): number {
    return this.#pending + this.#held.length
  }

  drain(timeoutMs: number): Promise<boolean> {
    if (this.#pending === 0 && this.#held.length === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.#idle.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#clearRetry()
    if (!client) return
    if (this.#down) {
      this.#down = false
      this.#reconnect()
    }
    if (client.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000)
        client.publish(topics.status(this.vehicleId), 'offline', { qos: 1, retain: true }, () => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    this.#closing = true
    await client.endAsync(!client.connected)
    this.#setOnline(false)
  }

  #publish(topic: string, payload: string, retain: boolean, onAck?: (ok: boolean) => void): void {
    const client = this.#client
    if (!client) throw new Error(`vehicle ${this.vehicleId} is not open`)
    if (!client.connected && !retain) {
      this.#held.push([topic, payload, onAck])
      return
    }
    if (retain) this.#c.control++
    else this.#c.messages++
    this.#pending++
    // Published while offline, a QoS 1 message waits in the client's store and goes out on reconnect.
    client.publish(topic, payload, { qos: 1, retain }, (err) => {
      this.#pending--
      if (err) {
        this.#c.errors++
        this.#c.lastError = `${this.vehicleId}: ${err.message}`
      } else if (!retain) {
        this.#c.acked++
      }
      onAck?.(!err)
      if (this.#pending === 0 && this.#held.length === 0) for (const f of this.#idle.splice(0)) f()
    })
  }

  #reconnect(): void {
    const client = this.#client
    if (!client || client.connected || this.#closing) return
    this.#clearRetry()
    client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore })
  }

  #scheduleReconnect(): void {
    if (this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = null
      this.#reconnect()
    }, this.#opts.reconnectMs ?? 1000)
  }

  #clearRetry(): void {
    if (this.#retry) clearTimeout(this.#retry)
    this.#retry = null
  }

  #setOnline(online: boolean): void {
    if (online === this.#online) return
    this.#online = online
    this.#c.connected += online ? 1 : -1
  }
}

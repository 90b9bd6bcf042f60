/**
 * Embedded MQTT broker (aedes) for the zero-setup default. Uplink telemetry is taken straight
 * from the broker's authorizePublish hook and the device's PUBACK waits until the point is
 * committed: the broker lives in this process, so a crash would otherwise lose what it had
 * acknowledged but not yet handed over.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import { parseUplinkTopic, topics, type RefusedCommand } from '@rb/protocol'
import type { DeviceAuth } from './device-auth.js'
import { PacketGuard, type Refusal } from './packet-guard.js'

/** Everything a client may send before its CONNACK (a CONNECT is a few hundred bytes). */
const BEFORE_SIGN_IN_BYTES = 64 * 1024

export interface EmbeddedBrokerOptions {
  port: number
  host: string
  /** Takes one uplink message; resolves when the device may be acknowledged. */
  onUplink: (topic: string, payload: Buffer) => Promise<void>
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  /** DEVICE_AUTH on: devices sign in per vehicle and publish and subscribe only their own topics. */
  deviceAuth?: DeviceAuth | undefined
  /** Largest packet a signed-in device may send, bytes (MQTT_MAX_PACKET_KB). */
  maxPacketBytes: number
  /** A connection without CONNECT this long is closed, ms. */
  connectTimeoutMs: number
  maxConnections: number
  /** A connection closed for what it sent; `connections` follows the open ones. */
  onRefused?(refusal: Refusal): void
  onConnections?(open: number): void
}

/** The parts of aedes' client the guard reaches: its packet parser and whether CONNACK went out. */
interface AedesClientInternals {
  connackSent: boolean
  _parser: { parse(buf: Buffer): number }
}

export class PortInUseError extends Error {
  constructor(port: number, variable: string) {
    super(`port ${port} is already in use; set ${variable} to a free port (or 0 for any free port)`)
    this.name = 'PortInUseError'
  }
}

export interface EmbeddedBroker {
  aedes: Aedes
  /** The port actually listened on (differs from the option when it was 0). */
  port: number
  /** Stops accepting connections and closes the clients. */
  close(): Promise<void>
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const auth = opts.deviceAuth
  const aedes = await Aedes.createBroker({
    connectTimeout: opts.connectTimeoutMs,
    ...(auth ? { authenticate: auth.authenticate, authorizeSubscribe: auth.authorizeSubscribe } : {}),
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      if (auth && !auth.mayPublish(client, packet)) {
        opts.log.warn(
          { clientId: client?.id, topic: packet.topic.slice(0, 120) },
          "mqtt publish refused: not this device's topic",
        )
        return callback(new Error('not authorized'))
      }
      if (!client || !parseUplinkTopic(packet.topic)) return callback(null)
      opts.onUplink(packet.topic, packet.payload as Buffer).then(
        () => callback(null),
        (err: Error) => callback(err),
      )
    },
  })
  aedes.on('clientError', (client, err) =>
    opts.log.warn({ clientId: client.id, err: err.message }, 'mqtt client error'),
  )
  const server: NetServer = createServer((socket) =>
    guard(socket, aedes.handle(socket) as unknown as Client & AedesClientInternals),
  )
  server.maxConnections = opts.maxConnections
  let open = 0
  server.on('connection', (socket) => {
    opts.onConnections?.(++open)
    socket.once('close', () => opts.onConnections?.(--open))
  })

  /**
   * Every byte passes the packet guard before aedes' parser sees it, so a connection never makes
   * the server hold more than one packet of the limit: a larger one closes it at its header.
   */
  function guard(socket: Socket, client: Client & AedesClientInternals): void {
    const limits = new PacketGuard({
      maxPacket: opts.maxPacketBytes,
      beforeSignIn: Math.min(BEFORE_SIGN_IN_BYTES, opts.maxPacketBytes),
    })
    const parser = client._parser
    const parse = parser.parse.bind(parser)
    parser.parse = (buf: Buffer): number => {
      const refusal = limits.push(buf, client.connackSent)
      if (refusal === null) return parse(buf)
      refuse(socket, client, refusal)
      return 0
    }
  }

  function refuse(socket: Socket, client: Client & AedesClientInternals, r: Refusal): void {
    opts.onRefused?.(r)
    opts.log.warn(
      {
        clientId: client.id?.slice(0, 64),
        peer: socket.remoteAddress,
        reason: r.reason,
        packetType: r.packetType,
        bytes: r.declared,
        limit: r.limit,
        topic: r.topic?.slice(0, 120),
      },
      'mqtt connection closed: packet over the limit, nothing acknowledged',
    )
    tellDevice(client, r)
    socket.destroy()
  }

  /**
   * MQTT 3.1.1 has no reason codes: the device learns why from a `refused` command on its own
   * command topic, which its persistent session keeps until it is back.
   */
  function tellDevice(client: Client & AedesClientInternals, r: Refusal): void {
    const parsed = r.topic === undefined ? null : parseUplinkTopic(r.topic)
    if (!parsed || !client.connackSent) return
    if (auth && auth.vehicleOf(client) !== parsed.vehicleId) return
    const notice: RefusedCommand = {
      type: 'refused',
      ts: Date.now(),
      topic: r.topic as string,
      reason: 'packet_too_large',
      bytes: r.declared,
      maxBytes: r.limit,
    }
    aedes.publish(
      {
        cmd: 'publish',
        topic: topics.command(parsed.vehicleId),
        payload: Buffer.from(JSON.stringify(notice)),
        qos: 1,
        retain: false,
        dup: false,
      },
      () => {},
    )
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port, 'MQTT_PORT') : err),
    )
    server.listen(opts.port, opts.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : opts.port
  opts.log.info({ port }, 'embedded MQTT broker listening')
  return {
    aedes,
    port,
    async close() {
      // Clients first: the listener's close would otherwise wait for every device to hang up.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await closed
    },
  }
}

/** The embedded broker's limits from the configuration, counted in the metrics. */
export function embeddedLimits(
  config: { mqttMaxPacketKb: number; mqttConnectTimeoutS: number; mqttMaxConnections: number },
  metrics: { mqttRefused: { inc(labels: { reason: string }): void }; mqttConnections: { set(n: number): void } },
): Pick<
  EmbeddedBrokerOptions,
  'maxPacketBytes' | 'connectTimeoutMs' | 'maxConnections' | 'onRefused' | 'onConnections'
> {
  return {
    maxPacketBytes: config.mqttMaxPacketKb * 1024,
    connectTimeoutMs: config.mqttConnectTimeoutS * 1000,
    maxConnections: config.mqttMaxConnections,
    onRefused: (r) => metrics.mqttRefused.inc({ reason: r.reason }),
    onConnections: (n) => metrics.mqttConnections.set(n),
  }
}

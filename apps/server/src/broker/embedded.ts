/**
 * Embedded MQTT broker (aedes) for the zero-setup default. Uplink telemetry is taken straight
 * from the broker's authorizePublish hook and the device's PUBACK waits until the point is
 * committed: the broker lives in this process, so a crash would otherwise lose what it had
 * acknowledged but not yet handed over.
 */
import { createServer, type Server as NetServer } from 'node:net'
import { Aedes, type Client, type PublishPacket } from 'aedes'
import { parseUplinkTopic } from '@rb/protocol'
import type { DeviceAuth } from './device-auth.js'

export interface EmbeddedBrokerOptions {
  port: number
  host: string
  /** Takes one uplink message; resolves when the device may be acknowledged. */
  onUplink: (topic: string, payload: Buffer) => Promise<void>
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
  /** DEVICE_AUTH on: devices sign in per vehicle and publish and subscribe only their own topics. */
  deviceAuth?: DeviceAuth | undefined
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
    ...(auth ? { authenticate: auth.authenticate, authorizeSubscribe: auth.authorizeSubscribe } : {}),
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      if (auth && !auth.mayPublish(client, packet)) {
        opts.log.warn({ clientId: client?.id, topic: packet.topic.slice(0, 120) }, 'mqtt publish refused: not this device\'s topic')
        return callback(new Error('not authorized'))
      }
      if (!client || !parseUplinkTopic(packet.topic)) return callback(null)
      opts.onUplink(packet.topic, packet.payload as Buffer).then(
        () => callback(null),
        (err: Error) => callback(err),
      )
    },
  })
  aedes.on('clientError', (client, err) => opts.log.warn({ clientId: client.id, err: err.message }, 'mqtt client error'))
  const server: NetServer = createServer(aedes.handle)
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port, 'MQTT_PORT') : err))
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

/**
 * Ingest from an external MQTT broker (Mosquitto, EMQX): a persistent-session subscription at
 * QoS 1 whose PUBACKs are sent only after the message is committed (or dropped as invalid).
 * If the server dies first, the broker still holds the message and redelivers it on reconnect.
 *
 * mqtt.js sends the PUBACK as soon as `handleMessage` calls back and processes nothing else until
 * it does, so waiting there would serialise ingest to one message per database commit. Instead
 * `handleMessage` is only used for flow control (it waits while the write buffer is full) and the
 * PUBACK packet itself is held back until the message's commit, in arrival order.
 */
import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt'
import { UPLINK_SUBSCRIPTIONS } from '@rb/protocol'

export interface MqttSourceOptions {
  url: string
  clientId: string
  sessionExpiryS: number
  protocolVersion: 4 | 5
  /** Subscribe as `$share/<group>/…` so several instances split the messages (cluster mode). */
  sharedGroup?: string | undefined
  /** Takes one uplink message; resolves when it may be acknowledged. */
  onUplink: (topic: string, payload: Buffer) => Promise<void>
  /** Resolves when the write buffer has room (flow control). */
  waitForRoom: () => Promise<void>
  /**
   * A reconnect found no session on the broker (CONNACK sessionPresent = false): what it had queued
   * for the ingest while the link was down is lost. (The first connect of a run cannot tell a new
   * session from a lost one.)
   */
  onSessionLost?: (info: { broker: string; clientId: string; downSinceTs: number | null }) => void
  log: {
    info(obj: object, msg: string): void
    warn(obj: object, msg: string): void
    error(obj: object, msg: string): void
  }
}

export interface MqttSource {
  client: MqttClient
  readonly connected: boolean
  /** Acknowledgements waiting for their commit. */
  readonly pendingAcks: number
  /** Waits for pending acknowledgements to be sent, then disconnects cleanly. */
  close(): Promise<void>
}

type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void

/** A broker URL fit for logs and alerts: host and port, never the credentials. */
export function brokerName(url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return 'the MQTT broker'
  }
}

export function startMqttSource(opts: MqttSourceOptions): MqttSource {
  const broker = brokerName(opts.url)
  const clientOptions: IClientOptions = {
    clientId: opts.clientId,
    clean: false,
    protocolVersion: opts.protocolVersion,
    // Many unacknowledged messages in flight: acks wait for batch commits (~tens of ms). With
    // 3.1.1 the broker's own limit applies (Mosquitto: max_inflight_messages, default 20).
    ...(opts.protocolVersion === 5
      ? { properties: { sessionExpiryInterval: opts.sessionExpiryS, receiveMaximum: 65_535 } }
      : {}),
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    keepalive: 30,
  }
  const client = mqtt.connect(opts.url, clientOptions)
  // Bumped on every (re)connect: a message id from an older connection must not be acked on a new one.
  let generation = 0
  const commits = new Map<number, Promise<void>>()
  let ackChain: Promise<void> = Promise.resolve()
  let pendingAcks = 0

  client.on('message', (topic, payload, packet) => {
    const committed = opts.onUplink(topic, payload)
    if (packet.qos > 0 && packet.messageId !== undefined) commits.set(packet.messageId, committed)
  })

  let closing = false
  client.handleMessage = (_packet, done) => {
    // While closing, never call back: mqtt.js then takes no further message from the socket.
    if (!closing)
      opts.waitForRoom().then(
        () => done(),
        () => done(),
      )
  }

  const raw = client as unknown as { _sendPacket: SendPacket }
  const send = raw._sendPacket.bind(client)
  raw._sendPacket = (packet, cb, ...rest) => {
    if (packet.cmd !== 'puback' || packet.messageId === undefined) return send(packet, cb, ...rest)
    const committed = commits.get(packet.messageId) ?? Promise.resolve()
    commits.delete(packet.messageId)
    const gen = generation
    pendingAcks++
    // Let mqtt.js go on with the next packet now; the ack follows the commit, in order.
    cb?.()
    ackChain = ackChain
      .then(() =>
        committed.then(
          () => true,
          () => false,
        ),
      )
      .then((ok) => {
        pendingAcks--
        // Not committed (shutting down): no ack, the broker redelivers it to the next run.
        if (ok && gen === generation && client.connected) send(packet)
      })
  }

  let downSince: number | null = null
  client.on('connect', (connack) => {
    const reconnect = generation > 0
    generation++
    commits.clear()
    if (reconnect && !connack.sessionPresent) {
      opts.log.error(
        { url: broker, clientId: opts.clientId, downSinceTs: downSince },
        'MQTT broker lost the ingest session on reconnect (sessionPresent=false): messages it had queued for the server are lost',
      )
      opts.onSessionLost?.({ broker, clientId: opts.clientId, downSinceTs: downSince })
    } else {
      opts.log.info({ url: broker, sessionPresent: connack.sessionPresent }, 'connected to MQTT broker')
    }
    downSince = null
    const filters = opts.sharedGroup
      ? UPLINK_SUBSCRIPTIONS.map((t) => `$share/${opts.sharedGroup}/${t}`)
      : [...UPLINK_SUBSCRIPTIONS]
    client.subscribe(filters, { qos: 1 }, (err) => {
      if (err) opts.log.error({ err: err.message }, 'MQTT subscribe failed')
    })
  })
  client.on('reconnect', () => opts.log.info({ url: broker }, 'reconnecting to MQTT broker'))
  client.on('close', () => (downSince ??= Date.now()))
  client.on('offline', () => opts.log.warn({ url: broker }, 'MQTT broker unreachable'))
  client.on('error', (err) => opts.log.warn({ err: err.message }, 'MQTT client error'))

  return {
    client,
    get connected() {
      return client.connected
    },
    get pendingAcks() {
      return pendingAcks
    },
    async close() {
      closing = true
      await ackChain
      await client.endAsync()
    },
  }
}

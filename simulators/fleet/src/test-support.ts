/**
 * Test helpers: a real MQTT broker (aedes) with a recording subscriber, and a minimal JT/T 808
 * platform built on the project's codec (register → 0x8100, auth, 0x8001 for everything).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import { jt808 } from '@rb/protocol'

export interface Recorded {
  topic: string
  payload: string
  retain: boolean
}

export interface TestBroker {
  url: string
  messages: Recorded[]
  /** Client ids that connected, in order (the recorder's own left out). */
  clientIds: string[]
  /** From now on, PUBACKs wait until `releaseAcks` (the broker authorizes no publish before). */
  holdAcks(): void
  /** Lets every held publish through and stops holding. */
  releaseAcks(): void
  close(): Promise<void>
}

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)))

/** A broker recording what reaches `filter` (default the platform's vehicle topics). */
export async function startBroker(filter = 'rb/v1/veh/#'): Promise<TestBroker> {
  const broker = await Aedes.createBroker()
  let held: (() => void)[] | null = null
  broker.authorizePublish = (_client, _packet, callback) => {
    if (held) held.push(() => callback(null))
    else callback(null)
  }
  const clientIds: string[] = []
  broker.on('client', (client) => {
    if (client.id !== 'test-recorder') clientIds.push(client.id)
  })
  const server = createServer(broker.handle)
  const port = await listen(server)
  const url = `mqtt://127.0.0.1:${port}`
  const messages: Recorded[] = []
  const sub = await mqtt.connectAsync(url, { clientId: 'test-recorder', clean: true })
  await sub.subscribeAsync(filter, { qos: 1 })
  sub.on('message', (topic, payload, packet) =>
    messages.push({ topic, payload: payload.toString(), retain: packet.retain }),
  )
  return {
    url,
    messages,
    clientIds,
    holdAcks() {
      held ??= []
    },
    releaseAcks() {
      const waiting = held ?? []
      held = null
      for (const release of waiting) release()
    },
    async close() {
      await sub.endAsync()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await closed
    },
  }
}

export interface FakePlatform {
  host: string
  port: number
  /** Every message the terminals sent, decoded, with the connection number. */
  received: { conn: number; msg: jt808.Jt808Message }[]
  close(): Promise<void>
}

/** Just enough of a JT/T 808 platform to talk to a terminal. Auth code per phone: `AC<phone>`. */
export async function startFakePlatform(): Promise<FakePlatform> {
  const received: FakePlatform['received'] = []
  const sockets = new Set<Socket>()
  let conns = 0
  const server = createServer((socket) => {
    const conn = ++conns
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    const splitter = new jt808.FrameSplitter()
    let serial = 0
    const send = (to: jt808.Jt808Header, body: jt808.Jt808BodyInput): void => {
      socket.write(jt808.encodeMessage(jt808.replyHeader(to, serial++ & 0xffff), body))
    }
    socket.on('data', (chunk: Buffer) => {
      for (const frame of splitter.push(chunk).frames) {
        const msg = jt808.decodeMessage(frame)
        received.push({ conn, msg })
        const h = msg.header
        const code = `AC${jt808.canonicalPhone(h.phone)}`
        if (msg.body.kind === 'register')
          send(h, { kind: 'registerReply', ackSerial: h.serial, result: jt808.REGISTER_RESULT.success, authCode: code })
        else {
          const ok = msg.body.kind !== 'auth' || msg.body.authCode === code
          send(h, { kind: 'platformGeneralReply', ackSerial: h.serial, ackMsgId: h.msgId, result: ok ? 0 : 1 })
        }
      }
    })
    socket.on('error', () => {})
  })
  const port = await listen(server)
  return {
    host: '127.0.0.1',
    port,
    received,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A wall clock `offsetMs` away from the real one (runs at real speed). */
export const shiftedClock = (toMs: number): (() => number) => {
  const offset = toMs - Date.now()
  return () => Date.now() + offset
}

/** Polls until `cond` holds (no timing is asserted: a slow machine only waits longer). */
export async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

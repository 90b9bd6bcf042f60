/**
 * Publisher process: simulated vehicles on many MQTT connections, QoS 1.
 *  - `rate`: open loop, each vehicle at `hz`, phases spread evenly; every point's `ts` is its
 *    send time (ms, strictly increasing per vehicle so the writer's dedupe never hits).
 *  - `max`: closed loop, each connection keeps `window` unacknowledged messages in flight; with
 *    `credit`, also never more than the parent's latest `credit` in total (the parent grants
 *    credit from the server's stored counter: an external broker acknowledges on receipt, so its
 *    PUBACKs alone would let the publisher outrun the server).
 * Forked by load.ts; see the message types below.
 */
import mqtt, { type MqttClient } from 'mqtt'
import { encodePositionPayload, topics } from '@rb/protocol'
import { onParentMessage, reply } from './proc.js'
import { Sample, cpuMs, type Summary } from './stats.js'

export type TopicKind = { kind: 'rb' } | { kind: 'raw'; prefix: string }

export type PublisherIn =
  | { type: 'connect'; url: string; ids: string[]; connections: number; topic: TopicKind; clientIdPrefix: string; protocolVersion: 4 | 5 }
  | { type: 'rate'; hz: number; seconds: number; startAt: number }
  | { type: 'max'; seconds: number; window: number; startAt: number; credit: number | null }
  | { type: 'credit'; upTo: number }
  | { type: 'bye' }

export interface PublishResult {
  /** Messages the schedule asked for (rate mode), or sent (max mode). */
  expected: number
  sent: number
  acked: number
  errors: number
  /** Epoch ms of the first and last publish and the last PUBACK. */
  firstSendAt: number
  lastSendAt: number
  lastAckAt: number
  /** How late the last message left compared to its schedule, ms (rate mode). */
  lagAtEndMs: number
  maxLagMs: number
  /** Publish → PUBACK, ms. */
  ack: Summary
  disconnects: number
  cpuMs: number
}

export type PublisherOut = { type: 'connected'; ms: number } | { type: 'done'; result: PublishResult }

interface Conn {
  client: MqttClient
  vehicles: number[]
  next: number
  inflight: number
}

let ids: string[] = []
let topicsById: string[] = []
let conns: Conn[] = []
let connOf: Int32Array = new Int32Array(0)
let lastTs: Float64Array = new Float64Array(0)
let disconnects = 0

function payloadFor(v: number, ts: number, seq: number): string {
  const lat = 27.6 + (v % 100) * 0.01 + (seq % 600) * 1e-5
  const lng = 105.2 + Math.floor(v / 100) * 0.01 + (seq % 600) * 1e-5
  return JSON.stringify(encodePositionPayload({ ts, lat, lng, speedKmh: 20 + (seq % 40), headingDeg: (v * 37 + seq * 7) % 360 }))
}

async function connect(msg: Extract<PublisherIn, { type: 'connect' }>): Promise<void> {
  const started = Date.now()
  ids = msg.ids
  const topic = msg.topic
  topicsById = ids.map((id) => (topic.kind === 'rb' ? topics.position(id) : `${topic.prefix}/${id}/pos`))
  lastTs = new Float64Array(ids.length)
  connOf = new Int32Array(ids.length)
  const n = Math.max(1, Math.min(msg.connections, ids.length))
  conns = await Promise.all(
    Array.from({ length: n }, async (_, c) => {
      const client = await mqtt.connectAsync(msg.url, {
        clientId: `${msg.clientIdPrefix}-${c}`,
        clean: true,
        protocolVersion: msg.protocolVersion,
        reconnectPeriod: 1000,
        connectTimeout: 30_000,
        keepalive: 60,
      })
      client.on('offline', () => disconnects++)
      client.on('error', () => {})
      return { client, vehicles: [], next: 0, inflight: 0 } as Conn
    }),
  )
  ids.forEach((_, v) => {
    const c = v % n
    connOf[v] = c
    conns[c]?.vehicles.push(v)
  })
  reply<PublisherOut>({ type: 'connected', ms: Date.now() - started })
}

interface Run {
  sent: number
  acked: number
  errors: number
  firstSendAt: number
  lastSendAt: number
  lastAckAt: number
  ack: Sample
}

function newRun(): Run {
  return { sent: 0, acked: 0, errors: 0, firstSendAt: 0, lastSendAt: 0, lastAckAt: 0, ack: new Sample() }
}

/** Publishes one point of vehicle `v`; `onAck` runs on its PUBACK (or error). */
function publishOne(run: Run, v: number, onAck?: () => void): void {
  const now = Date.now()
  const ts = Math.max(now, (lastTs[v] ?? 0) + 1)
  lastTs[v] = ts
  const conn = conns[connOf[v] ?? 0] as Conn
  if (run.sent === 0) run.firstSendAt = now
  run.lastSendAt = now
  run.sent++
  conn.inflight++
  conn.client.publish(topicsById[v] as string, payloadFor(v, ts, run.sent), { qos: 1 }, (err) => {
    conn.inflight--
    const t = Date.now()
    if (err) run.errors++
    else {
      run.acked++
      run.ack.add(t - ts)
    }
    run.lastAckAt = t
    onAck?.()
  })
}

const sleepUntil = (epochMs: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())))

async function waitForAcks(run: Run, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (run.acked + run.errors < run.sent && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
}

function finish(run: Run, expected: number, cpu0: number, lagAtEndMs: number, maxLagMs: number): void {
  reply<PublisherOut>({
    type: 'done',
    result: {
      expected,
      sent: run.sent,
      acked: run.acked,
      errors: run.errors,
      firstSendAt: run.firstSendAt,
      lastSendAt: run.lastSendAt,
      lastAckAt: run.lastAckAt,
      lagAtEndMs,
      maxLagMs,
      ack: run.ack.summary(),
      disconnects,
      cpuMs: cpuMs() - cpu0,
    },
  })
}

async function runRate(msg: Extract<PublisherIn, { type: 'rate' }>): Promise<void> {
  const run = newRun()
  const perSecond = ids.length * msg.hz
  const total = Math.round(perSecond * msg.seconds)
  await sleepUntil(msg.startAt)
  const cpu0 = cpuMs()
  const t0 = performance.now()
  let maxLag = 0
  let lag = 0
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now()
      const due = Math.min(total, Math.floor(((now - t0) * perSecond) / 1000) + 1)
      while (run.sent < due) {
        lag = performance.now() - (t0 + (run.sent * 1000) / perSecond)
        if (lag > maxLag) maxLag = lag
        publishOne(run, run.sent % ids.length)
      }
      if (run.sent < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  await waitForAcks(run, 180_000)
  finish(run, total, cpu0, lag, maxLag)
}

/** Messages this process may have sent in total (credited max mode). */
let credit = Infinity
let credited = false
let onCredit: () => void = () => {}

async function runMax(msg: Extract<PublisherIn, { type: 'max' }>): Promise<void> {
  const run = newRun()
  credited = msg.credit !== null
  credit = msg.credit ?? Infinity
  await sleepUntil(msg.startAt)
  const cpu0 = cpuMs()
  const stopAt = Date.now() + msg.seconds * 1000
  let stopped = false
  const pump = (conn: Conn): void => {
    while (!stopped && conn.inflight < msg.window && run.sent < credit && conn.vehicles.length > 0) {
      if (Date.now() >= stopAt) {
        stopped = true
        return
      }
      const v = conn.vehicles[conn.next++ % conn.vehicles.length] as number
      publishOne(run, v, () => pump(conn))
    }
  }
  onCredit = () => {
    for (const c of conns) pump(c)
  }
  onCredit()
  await sleepUntil(stopAt)
  stopped = true
  onCredit = () => {}
  credited = false
  credit = Infinity
  await waitForAcks(run, 180_000)
  finish(run, run.sent, cpu0, 0, 0)
}

// Credit arrives while a run is in progress: handled at once, outside the ordered handler chain.
process.on('message', (msg: PublisherIn) => {
  if (msg.type !== 'credit' || !credited) return
  credit = Math.max(credit, msg.upTo)
  onCredit()
})

onParentMessage<PublisherIn>(async (msg) => {
  switch (msg.type) {
    case 'connect':
      return connect(msg)
    case 'rate':
      return runRate(msg)
    case 'max':
      return runMax(msg)
    case 'credit':
      return
    case 'bye':
      await Promise.all(conns.map((c) => c.client.endAsync(true).catch(() => {})))
      process.exit(0)
  }
})

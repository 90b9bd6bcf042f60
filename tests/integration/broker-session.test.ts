/**
 * The external broker loses the ingest's session (a restart without persistence): on the reconnect
 * its CONNACK says sessionPresent = false, and whatever it had queued for the server is gone. That
 * is an error in the log, a metric and a critical alert for the dispatchers — not an info line.
 * The broker here is a real one (aedes) the test can restart with or without its sessions.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Aedes } from 'aedes'
import type { LiveAlert } from '@rb/domain'
import { freePort } from '../support/child.js'
import {
  captureLog,
  metric,
  startServer,
  targets,
  waitFor,
  type CapturedLog,
  type TestServer,
} from '../support/server.js'

/** An MQTT broker on a fixed port: its sessions live in `aedes`, which `restart` keeps or replaces. */
class TestBroker {
  aedes!: Aedes
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()

  constructor(readonly port: number) {}

  async start(keepSessions: boolean): Promise<void> {
    if (!keepSessions || !this.aedes) this.aedes = await Aedes.createBroker()
    const aedes = this.aedes
    const server = createServer((socket) => {
      this.#sockets.add(socket)
      socket.once('close', () => this.#sockets.delete(socket))
      aedes.handle(socket)
    })
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()),
    )
    this.#server = server
  }

  /** Drops every connection and stops listening; with `forgetSessions` the broker's state goes too. */
  async stop(forgetSessions: boolean): Promise<void> {
    const server = this.#server
    for (const s of this.#sockets) s.destroy()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
    if (forgetSessions) await new Promise<void>((resolve) => this.aedes.close(() => resolve()))
  }
}

describe.each(targets())('a lost broker session on $name', (target) => {
  let server: TestServer
  let broker: TestBroker
  let log: CapturedLog

  const lostLines = () => log.lines.filter((l) => l.level === 'error' && l.msg.includes('lost the ingest session'))
  const sessionAlerts = async (): Promise<LiveAlert[]> =>
    (await server.apiJson<{ items: LiveAlert[] }>('GET', '/api/alerts?status=open')).body.items.filter(
      (a) => a.type === 'broker_session_lost',
    )
  /** CONNACKs the ingest has had (with its session or without). */
  const connacks = () =>
    log.lines.filter((l) => l.msg === 'connected to MQTT broker' || l.msg.includes('lost the ingest session')).length
  /** Restarts the broker (`keepSessions` or not) and waits for the ingest's next CONNACK. */
  const restartBroker = async (keepSessions: boolean): Promise<void> => {
    const before = connacks()
    await broker.stop(!keepSessions)
    await broker.start(keepSessions)
    await waitFor(() => connacks() > before, 60_000, 50)
  }

  beforeAll(async () => {
    broker = new TestBroker(await freePort())
    await broker.start(false)
    log = captureLog()
    // The database of the target; the broker is always the test's own (aedes speaks MQTT 3.1.1).
    const { MQTT_URL: _mqtt, ...db } = target.env
    server = await startServer(
      {
        ...db,
        MQTT_URL: `mqtt://127.0.0.1:${broker.port}`,
        MQTT_PROTOCOL_VERSION: '4',
        MQTT_CLIENT_ID: 'rb-session-test',
      },
      { logger: log.logger },
    )
    await waitFor(
      async () => (await server.apiJson<{ broker: { ok: boolean } }>('GET', '/api/health')).body.broker.ok,
      60_000,
    )
  })
  afterAll(async () => {
    await server?.close()
    await broker?.stop(true)
  })

  it('a reconnect that finds the session is quiet', async () => {
    await restartBroker(true)
    expect(lostLines()).toEqual([])
    expect(await metric(server.baseUrl, 'rb_mqtt_sessions_lost_total')).toBe(0)
    expect(await sessionAlerts()).toEqual([])
  })

  it('a reconnect that finds no session is an error, a metric and a critical alert', async () => {
    await restartBroker(false)
    expect(lostLines()).toHaveLength(1)
    expect(lostLines()[0]?.obj).toMatchObject({ url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'rb-session-test' })
    expect(await metric(server.baseUrl, 'rb_mqtt_sessions_lost_total')).toBe(1)
    const alerts = await waitFor(async () => {
      const a = await sessionAlerts()
      return a.length === 1 ? a : undefined
    })
    expect(alerts[0]).toMatchObject({
      severity: 'critical',
      status: 'open',
      data: { broker: `mqtt://127.0.0.1:${broker.port}`, clientId: 'rb-session-test' },
    })
    expect(alerts[0]?.message).toMatch(/lost the server's session rb-session-test/)
  })
})

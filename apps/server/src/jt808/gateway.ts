/**
 * JT/T 808 gateway: a TCP server for the terminals already fitted in buses. Each connection
 * registers and authenticates, is then bound to its vehicle, and feeds the same ingest pipeline as
 * MQTT. Downlinks (text to the driver's screen) go to the vehicle's current connection.
 */
import { createServer, type Server, type Socket } from 'node:net'
import type { Queryable } from '@rb/db'
import type { Metrics } from '../metrics.js'
import { PortInUseError } from '../broker/embedded.js'
import { AlarmTracker } from './alarms.js'
import { Jt808Connection } from './connection.js'
import { createTerminalRegistry, type TerminalRegistry } from './registry.js'
import { createSubpackageStore, DEFAULT_SUBPACKAGE_LIMITS, type SubpackageStore } from './subpackages.js'
import type { DownlinkResult, GatewayLog, Jt808Session, SessionHooks, TelemetrySink } from './session.js'

export type { DownlinkResult } from './session.js'

export interface GatewayOptions {
  /** 0 = any free port. */
  port: number
  host: string
  idleTimeoutMs: number
  /** Longest wait for a terminal's reply to a downlink. */
  replyTimeoutMs: number
  maxConnections: number
  /** On close, longest wait for acknowledgements of points already taken in. Default 2 s. */
  closeGraceMs?: number
  /** Packets of an unfinished sub-packaged message are kept this long (JT808_SUBPACKAGE_TTL_S), ms. */
  subpackageTtlMs?: number
}

/** How often packets of sub-packaged messages past their time are deleted. */
const EXPIRE_EVERY_MS = 10 * 60_000

export interface GatewayDeps {
  /** Where terminals and vehicles are looked up (or a ready registry, in tests). */
  db?: Queryable
  registry?: TerminalRegistry
  /** Where packets of sub-packaged messages wait (default: the database). */
  subpackages?: SubpackageStore
  sink: TelemetrySink
  /** Resolves when the ingest has room for more points. */
  waitForRoom(): Promise<void>
  metrics: Metrics
  log: GatewayLog
  now?: () => number
}

/** The vehicle has no authenticated JT/T 808 connection. */
export class VehicleNotConnectedError extends Error {
  readonly code = 'VEHICLE_OFFLINE'
  constructor(readonly vehicleId: string) {
    super(`vehicle ${vehicleId} has no JT/T 808 terminal connected`)
    this.name = 'VehicleNotConnectedError'
  }
}

export class Jt808Gateway {
  readonly #server: Server
  readonly #opts: GatewayOptions
  readonly #deps: GatewayDeps
  readonly #connections = new Set<Jt808Connection>()
  /** Vehicle id → its current authenticated session. */
  readonly #bound = new Map<string, Jt808Session>()
  readonly #alarms = new Map<string, AlarmTracker>()
  readonly #hooks: SessionHooks
  #port = 0
  #closing: Promise<void> | undefined
  readonly #expiry: NodeJS.Timeout

  private constructor(opts: GatewayOptions, deps: GatewayDeps) {
    this.#opts = opts
    this.#deps = deps
    const registry = deps.registry ?? (deps.db ? createTerminalRegistry(deps.db) : undefined)
    if (!registry) throw new Error('Jt808Gateway needs a db or a registry')
    const subpackages =
      deps.subpackages ??
      (deps.db
        ? createSubpackageStore(
            deps.db,
            { ...DEFAULT_SUBPACKAGE_LIMITS, ttlMs: opts.subpackageTtlMs ?? DEFAULT_SUBPACKAGE_LIMITS.ttlMs },
            deps.now,
          )
        : undefined)
    if (!subpackages) throw new Error('Jt808Gateway needs a db or a sub-package store')
    this.#expiry = setInterval(() => {
      subpackages.expire().then(
        (n) => {
          if (n > 0) {
            deps.metrics.jt808Subpackages.inc({ outcome: 'expired' }, n)
            deps.log.warn({ messages: n }, 'jt808 sub-packaged messages expired unfinished')
          }
        },
        (err: Error) => deps.log.warn({ err: err.message }, 'jt808 could not expire sub-packaged messages'),
      )
    }, EXPIRE_EVERY_MS)
    this.#expiry.unref()
    this.#hooks = {
      registry,
      subpackages,
      sink: deps.sink,
      metrics: deps.metrics,
      log: deps.log,
      now: deps.now ?? Date.now,
      replyTimeoutMs: opts.replyTimeoutMs,
      alarmsOf: (vehicleId) => {
        let t = this.#alarms.get(vehicleId)
        if (!t) this.#alarms.set(vehicleId, (t = new AlarmTracker()))
        return t
      },
      bind: (session) => this.#bind(session),
      release: (session) => {
        const id = session.vehicleId
        if (id === null || this.#bound.get(id) !== session) return false
        this.#bound.delete(id)
        return true
      },
    }
    this.#server = createServer((socket) => this.#accept(socket))
    this.#server.maxConnections = opts.maxConnections
  }

  /** Listens; a taken port is a `PortInUseError` naming JT808_PORT. */
  static async start(opts: GatewayOptions, deps: GatewayDeps): Promise<Jt808Gateway> {
    const gw = new Jt808Gateway(opts, deps)
    await new Promise<void>((resolve, reject) => {
      gw.#server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new PortInUseError(opts.port, 'JT808_PORT') : err),
      )
      gw.#server.listen(opts.port, opts.host, () => resolve())
    })
    gw.#server.on('error', (err) => deps.log.error({ err }, 'jt808 gateway listener error'))
    const address = gw.#server.address()
    gw.#port = typeof address === 'object' && address ? address.port : opts.port
    deps.log.info({ port: gw.#port }, 'JT/T 808 gateway listening')
    return gw
  }

  /** The port actually listened on. */
  get port(): number {
    return this.#port
  }

  /** Vehicles with an authenticated connection now. */
  connectedVehicles(): string[] {
    return [...this.#bound.keys()]
  }

  isConnected(vehicleId: string): boolean {
    return this.#bound.has(vehicleId)
  }

  /**
   * Sends a text message (0x8300, GBK) to the vehicle's terminal; resolves with its general reply,
   * or `{ replied: false }` after JT808_REPLY_TIMEOUT_S. Rejects with `VehicleNotConnectedError`
   * when the vehicle is not connected, `Jt808Error` (BAD_FIELD) when the text cannot be sent.
   */
  async sendText(vehicleId: string, text: string, flags?: number): Promise<DownlinkResult> {
    const session = this.#bound.get(vehicleId)
    if (!session || this.#closing) throw new VehicleNotConnectedError(vehicleId)
    return session.sendText(text, flags)
  }

  /**
   * Stops listening and reading, lets acknowledgements of points already taken in go out (up to
   * closeGraceMs), then hangs up. Call after the ingest stopped taking points in.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    clearInterval(this.#expiry)
    const listenerClosed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    const connections = [...this.#connections]
    for (const c of connections) c.stopReading()
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.#opts.closeGraceMs ?? 2000).unref())
    await Promise.race([Promise.allSettled(connections.map((c) => c.idle())), grace])
    for (const c of this.#connections) c.hangUp()
    await listenerClosed
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy()
      return
    }
    const conn = new Jt808Connection(socket, this.#hooks, {
      idleTimeoutMs: this.#opts.idleTimeoutMs,
      waitForRoom: () => this.#deps.waitForRoom(),
      onClose: (c) => {
        this.#connections.delete(c)
        this.#deps.metrics.jt808Connections.dec()
      },
    })
    this.#connections.add(conn)
    this.#deps.metrics.jt808Connections.inc()
  }

  #bind(session: Jt808Session): void {
    const id = session.vehicleId
    if (id === null) return
    const old = this.#bound.get(id)
    this.#bound.set(id, session)
    if (old && old !== session) {
      // A terminal that reconnects before its old connection timed out: the new one wins.
      this.#deps.log.info(
        { vehicleId: id, old: old.peer, new: session.peer },
        'jt808 vehicle reconnected; closing its older connection',
      )
      for (const c of this.#connections) if (c.session === old) c.hangUp()
    }
  }
}

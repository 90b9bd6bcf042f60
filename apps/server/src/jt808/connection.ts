/**
 * One TCP connection from a terminal: bytes → frames (FrameSplitter) → checked frames → the
 * session, strictly one after another so auth is done before the location behind it is looked at.
 * Malformed frames are counted and dropped; the connection goes on.
 */
import type { Socket } from 'node:net'
import { jt808 } from '@rb/protocol'
import { Jt808Session, type SessionHooks } from './session.js'

/** Frames waiting for the session before reading from the socket pauses (and resumes below LOW). */
const HIGH_WATER_FRAMES = 64
const LOW_WATER_FRAMES = 16

export interface ConnectionOptions {
  /** No bytes for this long → closed. Also the time a connection has to authenticate. */
  idleTimeoutMs: number
  /** Resolves when the ingest has room (it is full while the database is down). */
  waitForRoom(): Promise<void>
  onClose(conn: Jt808Connection): void
}

export class Jt808Connection {
  readonly session: Jt808Session
  readonly #socket: Socket
  readonly #hooks: SessionHooks
  readonly #opts: ConnectionOptions
  readonly #splitter = new jt808.FrameSplitter()
  #chain: Promise<void> = Promise.resolve()
  #queued = 0
  #paused = false
  /** The gateway is closing: nothing more is read. */
  #stopped = false
  readonly #authDeadline: NodeJS.Timeout

  constructor(socket: Socket, hooks: SessionHooks, opts: ConnectionOptions) {
    this.#socket = socket
    this.#hooks = hooks
    this.#opts = opts
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
    this.session = new Jt808Session(hooks, { write: (bytes) => this.#write(bytes), hangUp: () => this.hangUp() }, peer)
    socket.setNoDelay(true)
    socket.setKeepAlive(true, 60_000)
    socket.setTimeout(opts.idleTimeoutMs, () => {
      hooks.log.info(
        { peer, vehicleId: this.session.vehicleId, idleS: opts.idleTimeoutMs / 1000 },
        'jt808 connection idle; closing',
      )
      socket.destroy()
    })
    this.#authDeadline = setTimeout(() => {
      if (this.session.authenticated) return
      hooks.log.info({ peer }, 'jt808 connection did not authenticate in time; closing')
      socket.destroy()
    }, opts.idleTimeoutMs)
    this.#authDeadline.unref()
    socket.on('data', (chunk: Buffer) => this.#onData(chunk))
    socket.on('error', (err) => hooks.log.debug({ peer, err: err.message }, 'jt808 socket error'))
    socket.once('close', () => {
      clearTimeout(this.#authDeadline)
      this.session.closed()
      opts.onClose(this)
    })
  }

  /** Stops reading (gateway shutdown); frames already read are still handled. */
  stopReading(): void {
    this.#stopped = true
    this.#socket.pause()
  }

  /** Resolves when every frame read so far is handled and its acknowledgement is out (or given up). */
  async idle(): Promise<void> {
    let chain: Promise<void>
    do {
      chain = this.#chain
      await chain
    } while (chain !== this.#chain)
    await this.session.settled()
  }

  /** Closes after pending writes; forcibly a second later if the terminal does not let go. */
  hangUp(): void {
    this.#socket.destroySoon()
    setTimeout(() => this.#socket.destroy(), 1000).unref()
  }

  #write(bytes: Uint8Array): void {
    if (!this.#socket.destroyed && this.#socket.writable) this.#socket.write(bytes)
  }

  #onData(chunk: Buffer): void {
    if (this.#stopped) return
    const { frames, discards } = this.#splitter.push(chunk)
    for (const d of discards) {
      this.#hooks.metrics.jt808Malformed.inc({ reason: d.reason.toUpperCase() })
      this.#hooks.log.debug({ peer: this.session.peer, reason: d.reason, bytes: d.byteCount }, 'jt808 bytes discarded')
    }
    for (const frame of frames) this.#enqueue(frame)
  }

  #enqueue(frame: Uint8Array): void {
    this.#queued++
    if (this.#queued >= HIGH_WATER_FRAMES && !this.#paused) {
      this.#paused = true
      this.#socket.pause()
    }
    this.#chain = this.#chain.then(() => this.#process(frame))
  }

  async #process(frame: Uint8Array): Promise<void> {
    try {
      await this.#opts.waitForRoom()
      const decoded = jt808.tryDecodeFrame(frame)
      if (!decoded.ok) {
        this.#hooks.metrics.jt808Malformed.inc({ reason: decoded.error.code })
        this.#hooks.log.debug(
          { peer: this.session.peer, code: decoded.error.code, err: decoded.error.message },
          'jt808 frame dropped',
        )
        return
      }
      await this.session.handleFrame(decoded.value)
    } catch (err) {
      this.#hooks.metrics.jt808HandlerErrors.inc({ msg_id: 'frame' })
      this.#hooks.log.error({ err, peer: this.session.peer }, 'jt808 frame handling failed; connection goes on')
    } finally {
      this.#queued--
      if (this.#paused && this.#queued <= LOW_WATER_FRAMES && !this.#stopped) {
        this.#paused = false
        this.#socket.resume()
      }
    }
  }
}

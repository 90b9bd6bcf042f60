/**
 * One terminal connection's protocol state: checked frames in (one at a time, in order), replies
 * and downlinks out through `io`. Register → auth binds the connection to a vehicle; locations are
 * only taken after that, and acknowledged once the pipeline has committed them. Packets of a
 * sub-packaged message are answered once stored in the database; the message itself (its last
 * packet) only once all of it is stored, and missing packets are asked for with 0x8003. No sockets here.
 */
import { jt808, type DeviceEvent, type Position, type VehicleStatus } from '@rb/protocol'
import type { Metrics } from '../metrics.js'
import type { AlarmTracker } from './alarms.js'
import { driverCardEvent } from './driver-card.js'
import type { TerminalRegistry } from './registry.js'
import type { SubpackageKey, SubpackageStore } from './subpackages.js'

const { MSG_ID, REPLY_RESULT, TEXT_FLAG, TEXT_TYPE } = jt808
type Header = jt808.Jt808Header
type Terminal = Pick<Header, 'phone' | 'protocolVersion'>
/** Answers the message being handled with a general reply of this result. */
type Answer = (result: number) => void

/** Downlinks kept per connection for a terminal's resend request (0x0005). */
const KEPT_DOWNLINKS = 16

/** The ingest entry points the gateway feeds; each resolves once committed. */
export interface TelemetrySink {
  acceptDecoded(positions: readonly Position[]): Promise<void>
  acceptStatus(vehicleId: string, status: VehicleStatus, ts: number): Promise<void>
  acceptDeviceEvent(event: DeviceEvent): Promise<void>
}

export interface GatewayLog {
  debug(obj: object, msg: string): void
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** What a session needs from the gateway around it. */
export interface SessionHooks {
  registry: TerminalRegistry
  /** Packets of sub-packaged messages, kept until the message is whole. */
  subpackages: SubpackageStore
  sink: TelemetrySink
  metrics: Metrics
  log: GatewayLog
  now(): number
  replyTimeoutMs: number
  /** Per-vehicle alarm state, kept across reconnects. */
  alarmsOf(vehicleId: string): AlarmTracker
  /** After a successful auth: the gateway hangs up an older connection of the same vehicle. */
  bind(session: Jt808Session): void
  /** The session no longer speaks for its vehicle; true if it was the vehicle's current one. */
  release(session: Jt808Session): boolean
}

export interface SessionIo {
  write(frame: Uint8Array): void
  /** Hang up once what was written has gone out. */
  hangUp(): void
}

/** Outcome of a downlink: `replied` once the terminal's 0x0001 arrived, with its result byte. */
export interface DownlinkResult {
  replied: boolean
  result?: number
}

/** Message-id label for metrics: known ids by hex, everything else as `other` (bounded cardinality). */
const KNOWN_IDS = new Set<number>(Object.values(MSG_ID))
export const msgIdLabel = (msgId: number): string =>
  KNOWN_IDS.has(msgId) ? `0x${msgId.toString(16).padStart(4, '0')}` : 'other'

export class Jt808Session {
  /** Remote address, for logs. */
  readonly peer: string
  readonly #hooks: SessionHooks
  readonly #io: SessionIo
  /** The platform's own message serial on this connection. */
  #serial = 0
  #state: 'open' | 'authenticated' | 'closed' = 'open'
  /** Canonical phone and vehicle once authenticated. */
  #phone: string | null = null
  #vehicleId: string | null = null
  /** Header fields of the authenticated terminal, for downlinks (its phone form and version). */
  #terminal: Terminal | null = null
  /** Recent downlink frames by serial, to send again when the terminal asks (0x0005). */
  readonly #sent = new Map<number, Uint8Array[]>()
  readonly #downlinks = new Map<number, { resolve(r: DownlinkResult): void; timer: NodeJS.Timeout; msgId: number }>()
  /** Acknowledgements waiting for a commit. */
  readonly #inflight = new Set<Promise<void>>()

  constructor(hooks: SessionHooks, io: SessionIo, peer: string) {
    this.#hooks = hooks
    this.#io = io
    this.peer = peer
  }

  get vehicleId(): string | null {
    return this.#vehicleId
  }

  get authenticated(): boolean {
    return this.#state === 'authenticated'
  }

  /** Resolves when every acknowledgement waiting for a commit has gone out (or been given up). */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight])
  }

  /** One checked frame. Never rejects: an unexpected error is logged, counted and answered with failure. */
  async handleFrame(frame: jt808.Jt808Frame): Promise<void> {
    if (this.#state === 'closed') return
    const h = frame.header
    const { metrics, log } = this.#hooks
    metrics.jt808Frames.inc({ msg_id: msgIdLabel(h.msgId) })
    try {
      if (h.subpackage !== null) return await this.#subpackaged(frame)
      const body = this.#decode(h, frame.body, (r) => this.#reply(h, r))
      if (body !== null) await this.#dispatch(h, body)
    } catch (err) {
      metrics.jt808HandlerErrors.inc({ msg_id: msgIdLabel(h.msgId) })
      log.error(
        { err, peer: this.peer, phone: h.phone, msgId: h.msgId },
        'jt808 message handling failed; connection goes on',
      )
      this.#reply(h, REPLY_RESULT.failure)
    }
  }

  /**
   * Sends 0x8300 and resolves with the terminal's general reply, or `{ replied: false }` after the
   * reply timeout or when the connection goes. Throws `Jt808Error` (BAD_FIELD) for text the wire
   * cannot carry (not GBK, longer than one packet).
   */
  sendText(text: string, flags?: number): Promise<DownlinkResult> {
    const terminal = this.#terminal
    if (this.#state !== 'authenticated' || terminal === null) return Promise.resolve({ replied: false })
    const v2019 = terminal.protocolVersion !== null
    const f = flags ?? (v2019 ? TEXT_FLAG.service2019 | TEXT_FLAG.display : TEXT_FLAG.display)
    // 2019 adds a text type; bits 0–1 = 11 mark a notice, anything else is service information.
    const textType = v2019 ? ((f & 0x3) === TEXT_FLAG.notice2019 ? TEXT_TYPE.notice : TEXT_TYPE.service) : null
    return this.#downlink(terminal, { kind: 'textMessage', flags: f, textType, text })
  }

  /** The connection is gone: pending downlinks end unreplied, and the vehicle goes offline. */
  closed(): void {
    if (this.#state === 'closed') return
    const wasBound = this.#state === 'authenticated'
    this.#state = 'closed'
    for (const [serial, d] of this.#downlinks) {
      clearTimeout(d.timer)
      this.#downlinks.delete(serial)
      this.#hooks.metrics.jt808Downlinks.inc({ msg_id: msgIdLabel(d.msgId), outcome: 'closed' })
      d.resolve({ replied: false })
    }
    const vehicleId = this.#vehicleId
    // A connection replaced by a newer one of the same vehicle leaves the status to the newer one.
    if (wasBound && vehicleId !== null && this.#hooks.release(this)) this.#status(vehicleId, 'offline')
  }

  /** The typed body, or null after answering a body that cannot be decoded. */
  #decode(h: Header, bytes: Uint8Array, answer: Answer): jt808.Jt808Body | null {
    try {
      return jt808.decodeBody(h, bytes)
    } catch (err) {
      if (!(err instanceof jt808.Jt808Error)) throw err
      // Header and check code were good, so the terminal can be told: 2 = message error, 3 = unsupported (RSA).
      this.#hooks.metrics.jt808Malformed.inc({ reason: err.code })
      this.#hooks.log.debug(
        { peer: this.peer, phone: h.phone, msgId: h.msgId, code: err.code, err: err.message },
        'jt808 body not decodable',
      )
      answer(err.code === 'UNSUPPORTED' ? REPLY_RESULT.unsupported : REPLY_RESULT.messageError)
      return null
    }
  }

  /**
   * One packet of a sub-packaged message. Stored first, then answered "received" (the terminal may
   * delete it). The last packet is answered only when every packet is stored and the message is
   * handled; when packets are missing it is answered with 0x8003 naming them.
   */
  async #subpackaged(frame: jt808.Jt808Frame): Promise<void> {
    const h = frame.header
    const { metrics, log, subpackages } = this.#hooks
    const phone = this.#phone
    if (!this.#speaksFor(h) || phone === null) {
      // Nothing is kept for a terminal that has not authenticated.
      this.#reply(h, REPLY_RESULT.failure)
      return
    }
    const r = await subpackages.add(phone, frame)
    switch (r.status) {
      case 'refused':
        metrics.jt808Malformed.inc({ reason: 'SUBPACKAGE' })
        log.warn({ peer: this.peer, phone, msgId: h.msgId, reason: r.reason }, 'jt808 sub-packaged message refused')
        this.#reply(h, REPLY_RESULT.messageError)
        return
      case 'pending':
        metrics.jt808Subpackages.inc({ outcome: 'stored' })
        if (r.missing === null) return this.#reply(h, REPLY_RESULT.success)
        this.#askForPackets(r.key.firstSerial, r.missing)
        return
      case 'complete': {
        metrics.jt808Subpackages.inc({ outcome: 'stored' })
        metrics.jt808Subpackages.inc({ outcome: 'completed' })
        const answer: Answer = (result) => void this.#finish(r.key, h, r.answer, result)
        const body = this.#decode(r.header, r.body, answer)
        if (body !== null) await this.#dispatch(r.header, body, answer)
      }
    }
  }

  /** The whole message was handled: its packets go (unless it is to be sent again), then the answers. */
  async #finish(key: SubpackageKey, h: Header, serials: readonly number[], result: number): Promise<void> {
    if (result !== REPLY_RESULT.failure) {
      await this.#hooks.subpackages
        .done(key)
        .catch((err: Error) =>
          this.#hooks.log.error(
            { phone: key.phone, err: err.message },
            'jt808 sub-packaged message handled but its packets not deleted',
          ),
        )
    }
    for (const serial of serials) this.#reply({ ...h, serial }, result)
  }

  /** 0x8003: the packets of a message the platform still needs. */
  #askForPackets(firstSerial: number, packets: number[]): void {
    const terminal = this.#terminal
    if (terminal === null) return
    this.#hooks.metrics.jt808Subpackages.inc({ outcome: 'resend_requested' })
    this.#hooks.log.info(
      { peer: this.peer, phone: this.#phone, firstSerial, packets },
      'jt808 asking for missing packets (0x8003)',
    )
    this.#send(terminal, { kind: 'platformResendRequest', firstSerial, packets })
  }

  /** After a (re)connect: ask again for what unfinished messages of this terminal still lack. */
  async #askForMissing(phone: string): Promise<void> {
    try {
      for (const m of await this.#hooks.subpackages.incomplete(phone)) this.#askForPackets(m.firstSerial, m.missing)
    } catch (err) {
      this.#hooks.log.warn(
        { peer: this.peer, phone, err: (err as Error).message },
        'jt808 could not read unfinished sub-packaged messages',
      )
    }
  }

  /** 0x0005: the terminal lacks packets of one of our downlinks; they are sent again. */
  #resendToTerminal(req: jt808.ResendRequest, answer: Answer): void {
    const frames = this.#sent.get(req.firstSerial)
    if (frames === undefined) return answer(REPLY_RESULT.failure)
    const wanted = req.packets.length === 0 ? frames : req.packets.map((p) => frames[p - 1])
    if (wanted.some((f) => f === undefined)) return answer(REPLY_RESULT.failure)
    answer(REPLY_RESULT.success)
    for (const f of wanted) this.#io.write(f as Uint8Array)
  }

  async #dispatch(h: Header, body: jt808.Jt808Body, answer: Answer = (r) => this.#reply(h, r)): Promise<void> {
    switch (body.kind) {
      case 'register':
        return this.#register(h, body)
      case 'auth':
        return this.#auth(h, body)
      case 'heartbeat':
        return answer(REPLY_RESULT.success)
      case 'logout':
        return this.#logout(h)
      case 'location':
        return this.#locations(h, answer, [body], (vehicleId) => {
          const r = jt808.locationToPosition(vehicleId, body)
          return r.ok ? { positions: [r.value], rejects: [] } : { positions: [], rejects: [r.reject] }
        })
      case 'batchLocation':
        // Blind-area backfill (type 1) is late data: stored in place like any point.
        return this.#locations(h, answer, body.items, (vehicleId) => jt808.batchToPositions(vehicleId, body))
      case 'driverIdentity':
        return this.#driverCard(h, answer, body)
      case 'terminalGeneralReply':
        return this.#onTerminalReply(body)
      case 'terminalResendRequest':
        return this.#speaksFor(h) ? this.#resendToTerminal(body, answer) : answer(REPLY_RESULT.failure)
      case 'platformGeneralReply':
      case 'platformResendRequest':
      case 'registerReply':
      case 'textMessage':
      case 'raw':
        return answer(REPLY_RESULT.unsupported)
    }
  }

  async #register(h: Header, body: jt808.TerminalRegister): Promise<void> {
    const phone = jt808.canonicalPhone(h.phone)
    const out = await this.#hooks.registry.register(phone, body, this.#hooks.now())
    const level = out.result === jt808.REGISTER_RESULT.success ? 'info' : 'warn'
    this.#hooks.log[level](
      { peer: this.peer, phone, plate: body.plate, result: out.result, vehicleId: out.vehicleId, detail: out.detail },
      'jt808 register',
    )
    this.#send(h, { kind: 'registerReply', ackSerial: h.serial, result: out.result, authCode: out.authCode })
  }

  async #auth(h: Header, body: jt808.TerminalAuth): Promise<void> {
    const phone = jt808.canonicalPhone(h.phone)
    const d = await this.#hooks.registry.authenticate(phone, body.authCode)
    if (!d.ok) {
      this.#hooks.log.warn({ peer: this.peer, phone, detail: d.detail }, 'jt808 auth refused')
      this.#reply(h, REPLY_RESULT.failure)
      return
    }
    if (this.#state === 'closed') return
    const previous = this.#vehicleId
    if (this.#state === 'authenticated' && previous !== null && previous !== d.vehicleId && this.#hooks.release(this))
      this.#status(previous, 'offline')
    this.#state = 'authenticated'
    this.#phone = phone
    this.#vehicleId = d.vehicleId
    this.#terminal = { phone: h.phone, protocolVersion: h.protocolVersion }
    this.#hooks.bind(this)
    this.#hooks.log.info(
      { peer: this.peer, phone, vehicleId: d.vehicleId, version: h.protocolVersion ?? '2013' },
      'jt808 terminal authenticated',
    )
    this.#reply(h, REPLY_RESULT.success)
    this.#status(d.vehicleId, 'online')
    await this.#askForMissing(phone)
  }

  async #logout(h: Header): Promise<void> {
    if (!this.#speaksFor(h)) {
      this.#reply(h, REPLY_RESULT.failure)
      return
    }
    // 0x0003 is deregistration: the issued auth code stops working; the terminal registers again.
    await this.#hooks.registry.deregister(this.#phone as string)
    this.#hooks.log.info(
      { peer: this.peer, phone: this.#phone, vehicleId: this.#vehicleId },
      'jt808 terminal logged out (deregistered)',
    )
    this.#reply(h, REPLY_RESULT.success)
    this.#io.hangUp()
  }

  #locations(
    h: Header,
    answer: Answer,
    reports: readonly jt808.LocationReport[],
    convert: (vehicleId: string) => { positions: Position[]; rejects: unknown[] },
  ): void {
    const { metrics, sink, log } = this.#hooks
    const vehicleId = this.#vehicleId
    if (!this.#speaksFor(h) || vehicleId === null) {
      // The standard expects auth first: the data is not taken, and the terminal is told.
      metrics.jt808Positions.inc({ outcome: 'unauthenticated' }, reports.length)
      answer(REPLY_RESULT.failure)
      return
    }
    const { positions, rejects } = convert(vehicleId)
    if (positions.length > 0) metrics.jt808Positions.inc({ outcome: 'accepted' }, positions.length)
    if (rejects.length > 0) metrics.jt808Positions.inc({ outcome: 'rejected' }, rejects.length)
    const events: Promise<void>[] = []
    for (const { report, alarms } of this.#hooks.alarmsOf(vehicleId).observe(reports)) {
      for (const alarm of alarms) metrics.jt808Alarms.inc({ alarm })
      const where = report.status.located ? { lng: report.lng, lat: report.lat } : {}
      // vehicle_event keeps one alarm row per vehicle and instant: alarms raised together share it.
      const data = { alarm: alarms[0], ...(alarms.length > 1 ? { alarms } : {}), source: 'jt808', ...where }
      events.push(sink.acceptDeviceEvent({ vehicleId, ts: report.ts, type: 'alarm', data }))
    }
    const committed = Promise.all([sink.acceptDecoded(positions), ...events]).then(
      () => answer(REPLY_RESULT.success),
      // Shutting down: no acknowledgement, so the terminal sends these points again later.
      (err: Error) => log.debug({ peer: this.peer, vehicleId, err: err.message }, 'jt808 location not acknowledged'),
    )
    this.#inflight.add(committed)
    void committed.finally(() => this.#inflight.delete(committed))
  }

  /** 0x0702: a driver's card went in or came out; acknowledged once the event is stored, like a location. */
  #driverCard(h: Header, answer: Answer, body: jt808.DriverIdentity): void {
    const vehicleId = this.#vehicleId
    if (!this.#speaksFor(h) || vehicleId === null) {
      answer(REPLY_RESULT.failure)
      return
    }
    const event = driverCardEvent(vehicleId, body, this.#hooks.now())
    this.#hooks.log.info(
      { peer: this.peer, vehicleId, action: event.data.action, readResult: body.readResult },
      'jt808 driver card',
    )
    const committed = this.#hooks.sink.acceptDeviceEvent(event).then(
      () => answer(REPLY_RESULT.success),
      (err: Error) =>
        this.#hooks.log.debug({ peer: this.peer, vehicleId, err: err.message }, 'jt808 driver card not acknowledged'),
    )
    this.#inflight.add(committed)
    void committed.finally(() => this.#inflight.delete(committed))
  }

  #onTerminalReply(body: jt808.GeneralReply): void {
    const d = this.#downlinks.get(body.ackSerial)
    if (d === undefined || d.msgId !== body.ackMsgId) return
    clearTimeout(d.timer)
    this.#downlinks.delete(body.ackSerial)
    this.#hooks.metrics.jt808Downlinks.inc({ msg_id: msgIdLabel(d.msgId), outcome: 'replied' })
    d.resolve({ replied: true, result: body.result })
  }

  #downlink(terminal: Terminal, body: jt808.Jt808BodyInput): Promise<DownlinkResult> {
    const serial = this.#serial
    const bytes = jt808.encodeMessage(jt808.replyHeader(terminal, serial), body)
    this.#serial = (serial + 1) & 0xffff
    const msgId = jt808.msgIdOf(body)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#downlinks.delete(serial)
        this.#hooks.metrics.jt808Downlinks.inc({ msg_id: msgIdLabel(msgId), outcome: 'timeout' })
        resolve({ replied: false })
      }, this.#hooks.replyTimeoutMs)
      timer.unref()
      // 65,536 downlinks later the serial comes round again: the old one is long past answering.
      const stale = this.#downlinks.get(serial)
      if (stale) {
        clearTimeout(stale.timer)
        stale.resolve({ replied: false })
      }
      this.#downlinks.set(serial, { resolve, timer, msgId })
      this.#sent.set(serial, [bytes])
      if (this.#sent.size > KEPT_DOWNLINKS) this.#sent.delete(this.#sent.keys().next().value as number)
      this.#io.write(bytes)
    })
  }

  /** True when this connection is authenticated and the frame comes from the same terminal. */
  #speaksFor(h: Header): boolean {
    return this.#state === 'authenticated' && this.#phone === jt808.canonicalPhone(h.phone)
  }

  #reply(h: Header, result: number): void {
    this.#send(h, { kind: 'platformGeneralReply', ackSerial: h.serial, ackMsgId: h.msgId, result })
  }

  #send(to: Terminal, body: jt808.Jt808BodyInput): void {
    if (this.#state === 'closed') return
    const msgId = jt808.msgIdOf(body)
    this.#io.write(jt808.encodeMessage(jt808.replyHeader(to, this.#serial), body))
    this.#serial = (this.#serial + 1) & 0xffff
    const result = body.kind === 'platformGeneralReply' || body.kind === 'registerReply' ? String(body.result) : ''
    this.#hooks.metrics.jt808Replies.inc({ msg_id: msgIdLabel(msgId), result })
  }

  #status(vehicleId: string, status: VehicleStatus): void {
    this.#hooks.sink.acceptStatus(vehicleId, status, this.#hooks.now()).catch((err: Error) => {
      this.#hooks.log.debug({ vehicleId, status, err: err.message }, 'jt808 link status not recorded')
    })
  }
}

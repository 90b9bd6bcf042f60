/**
 * JT/T 808 terminals over TCP: 0x0100 register with the vehicle's terminal phone, 0x0102 auth
 * with the code from 0x8100 (kept for later connections), 0x0002 heartbeats, 0x0200 per fix and
 * 0x0704 blind-area backfill (type 1) after a dead zone, 0x0702 when a driver's IC card goes in. Messages not yet answered by 0x8001 are
 * sent again after a reconnect, as terminals do; the platform stores each point once.
 */
import { Socket } from 'node:net'
import { jt808 } from '@rb/protocol'
import type { Fix, SimDriver, SimVehicle } from '../model/types.js'
import { newCounters, type Transport, type TransportCounters, type VehicleLink } from './types.js'

const { MSG_ID, REGISTER_RESULT, REPLY_RESULT, STATUS_BITS, BATCH_TYPE } = jt808

export interface Jt808TransportOptions {
  host: string
  port: number
  /** Heartbeat every this many real seconds while idle. */
  heartbeatS?: number
  /** Locations per 0x0704 packet (one packet holds at most 1,023 body bytes). */
  batchItems?: number
  reconnectMs?: number
  /** GB/T 2260 codes sent in 0x0100: Sichuan (51), Xuyong county (0524). */
  provinceId?: number
  cityId?: number
}

/** accOn | located | GPS: a moving, fixed terminal. */
const STATUS_RAW = 2 ** STATUS_BITS.accOn + 2 ** STATUS_BITS.located + 2 ** STATUS_BITS.gps

export function jt808Transport(options: Jt808TransportOptions): Transport {
  const counters = newCounters()
  return {
    name: 'jt808',
    link: (vehicle) => {
      if (!vehicle.jt808Phone) throw new Error(`vehicle ${vehicle.id} has no JT/T 808 terminal phone`)
      return new Jt808Link(vehicle, vehicle.jt808Phone, options, counters)
    },
    counters: () => ({ ...counters }),
  }
}

const isData = (b: jt808.Jt808BodyInput): boolean => b.kind === 'location' || b.kind === 'batchLocation'

/** The qualification card of `driver` read in the terminal's IC reader at `ts` (2019 terminals add an ID card; none is known here). */
const cardOf = (driver: SimDriver & { cert: string }, ts: number, v2019: boolean): jt808.Jt808BodyInput => ({
  kind: 'driverIdentity',
  status: jt808.IC_CARD_STATUS.inserted,
  ts,
  readResult: jt808.IC_READ_RESULT.ok,
  card: { name: driver.name, cert: driver.cert, authority: '', validUntil: null, idCard: v2019 ? '' : null },
})

const locationOf = (f: Fix): jt808.LocationInput => ({
  alarmRaw: 0,
  statusRaw: STATUS_RAW,
  lat: f.lat,
  lng: f.lng,
  altitudeM: 0,
  speedKmh: Math.min(f.speedKmh, 6553.5),
  headingDeg: Math.round(f.headingDeg) % 360,
  ts: f.ts,
  extras: { mileageKm: Math.round(f.odoM / 100) / 10, gnssSatellites: 9 },
})

class Jt808Link implements VehicleLink {
  readonly vehicleId: string
  readonly #plate: string | null
  readonly #phone: string
  readonly #version: number | null
  readonly #o: Jt808TransportOptions
  readonly #c: TransportCounters
  #socket: Socket | null = null
  readonly #splitter = new jt808.FrameSplitter()
  #serial = 0
  #authCode: string | null = null
  #state: 'closed' | 'connecting' | 'registering' | 'authenticating' | 'online' = 'closed'
  #down = false
  #closing = false
  #everOnline = false
  /** Bodies to send once online, in order. */
  readonly #queue: jt808.Jt808BodyInput[] = []
  /** Sent, not yet answered: serial → body (resent after a reconnect). */
  readonly #unacked = new Map<number, jt808.Jt808BodyInput>()
  /** Whom to tell when a body is answered (kept across resends: the body is the key). */
  readonly #onAck = new Map<jt808.Jt808BodyInput, (ok: boolean) => void>()
  #heartbeat: NodeJS.Timeout | null = null
  #retry: NodeJS.Timeout | null = null
  #opened: { resolve: () => void; reject: (e: Error) => void } | null = null
  #idle: (() => void)[] = []

  constructor(vehicle: SimVehicle, phone: string, opts: Jt808TransportOptions, counters: TransportCounters) {
    this.vehicleId = vehicle.id
    this.#plate = vehicle.plate
    // Up to 12 digits fit the 2013 header; longer numbers need the 2019 one.
    this.#version = phone.length > 12 ? 1 : null
    this.#phone = phone
    this.#o = opts
    this.#c = counters
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#opened = { resolve, reject }
      this.#connect()
    })
  }

  send(fix: Fix, duplicate: boolean, onAck?: (ok: boolean) => void): void {
    const body: jt808.Jt808BodyInput = { kind: 'location', ...locationOf(fix) }
    if (onAck) this.#onAck.set(body, onAck)
    this.#enqueue(body)
    if (duplicate) this.#enqueue({ kind: 'location', ...locationOf(fix) })
  }

  sendBatch(fixes: readonly Fix[]): void {
    const size = this.#o.batchItems ?? 25
    for (let i = 0; i < fixes.length; i += size) {
      this.#enqueue({
        kind: 'batchLocation',
        uploadType: BATCH_TYPE.backfill,
        items: fixes.slice(i, i + size).map(locationOf),
      })
    }
  }

  /** 0x0702 with the driver's certificate, which the platform names the driver by; a driver without one has no card to put in. */
  announceDriver(driver: SimDriver, ts: number): void {
    const { cert } = driver
    if (cert) this.#enqueue(cardOf({ ...driver, cert }, ts, this.#version !== null))
  }

  linkDown(): void {
    this.#down = true
    this.#clearRetry()
    this.#socket?.destroy()
  }

  linkUp(): void {
    this.#down = false
    if (this.#state === 'closed') this.#connect()
  }

  backlog(): number {
    return this.#queue.length + this.#unacked.size
  }

  drain(timeoutMs: number): Promise<boolean> {
    if (!this.#busy()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.#idle.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  async close(): Promise<void> {
    this.#closing = true
    this.#clearRetry()
    this.#stopHeartbeat()
    const socket = this.#socket
    if (!socket || socket.destroyed) return
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve())
      socket.end()
      setTimeout(() => socket.destroy(), 2000).unref()
    })
  }

  #connect(): void {
    if (this.#closing || this.#down) return
    this.#state = 'connecting'
    this.#splitter.reset()
    const socket = new Socket()
    this.#socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#splitter.push(chunk).frames) this.#onFrame(frame)
    })
    socket.on('error', (err) => this.#fail(err.message))
    socket.on('close', () => this.#onClose(socket))
    socket.connect(this.#o.port, this.#o.host, () => {
      if (this.#authCode === null) {
        this.#state = 'registering'
        const plate = this.#plate ?? ''
        this.#write({
          kind: 'register',
          layout: this.#version === null ? '2013' : '2019',
          provinceId: this.#o.provinceId ?? 51,
          cityId: this.#o.cityId ?? 524,
          manufacturerId: 'RBSIM',
          terminalModel: 'RB-SIM-808',
          terminalId: this.vehicleId.replace(/[^A-Za-z0-9]/g, '').slice(-7),
          plateColor: plate === '' ? 0 : 2,
          plate: plate === '' ? this.vehicleId : plate,
        })
      } else {
        this.#authenticate()
      }
    })
  }

  #authenticate(): void {
    this.#state = 'authenticating'
    const v2019 = this.#version !== null
    this.#write({
      kind: 'auth',
      authCode: this.#authCode ?? '',
      imei: v2019 ? '860000000000000' : null,
      softwareVersion: v2019 ? 'rb-sim' : null,
    })
  }

  #onFrame(frame: Uint8Array): void {
    const m = jt808.tryDecodeMessage(frame)
    if (!m.ok) return this.#fail(`undecodable frame from the platform: ${m.error.message}`)
    const { header, body } = m.value
    if (body.kind === 'registerReply') {
      if (body.result !== REGISTER_RESULT.success)
        return this.#fatal(`registration refused (0x8100 result ${body.result}) for terminal ${this.#phone}`)
      this.#authCode = body.authCode
      this.#authenticate()
    } else if (body.kind === 'platformGeneralReply') {
      if (body.ackMsgId === MSG_ID.auth) {
        if (body.result !== REPLY_RESULT.success)
          return this.#fatal(`authentication refused (result ${body.result}) for terminal ${this.#phone}`)
        this.#onOnline()
        return
      }
      const sent = this.#unacked.get(body.ackSerial)
      if (!sent) return
      this.#unacked.delete(body.ackSerial)
      if (body.result === REPLY_RESULT.success) {
        if (isData(sent)) this.#c.acked++
      } else {
        this.#c.errors++
        this.#c.lastError = `${this.vehicleId}: platform answered ${body.result} to 0x${body.ackMsgId.toString(16)}`
      }
      const onAck = this.#onAck.get(sent)
      this.#onAck.delete(sent)
      onAck?.(body.result === REPLY_RESULT.success)
      this.#checkIdle()
    } else if (header.msgId >= 0x8000) {
      // Platform requests (text, parameters…): acknowledge what we understand, say "unsupported" to the rest.
      const result = body.kind === 'textMessage' ? REPLY_RESULT.success : REPLY_RESULT.unsupported
      this.#write({ kind: 'terminalGeneralReply', ackSerial: header.serial, ackMsgId: header.msgId, result }, false)
    }
  }

  #onOnline(): void {
    this.#state = 'online'
    this.#c.connected++
    if (this.#everOnline) this.#c.reconnects++
    this.#everOnline = true
    this.#opened?.resolve()
    this.#opened = null
    // Unanswered messages of the last connection go first, in their original order.
    const resend = [...this.#unacked.values()]
    this.#unacked.clear()
    this.#queue.unshift(...resend)
    this.#flush()
    this.#startHeartbeat()
  }

  #enqueue(body: jt808.Jt808BodyInput): void {
    this.#queue.push(body)
    if (this.#state === 'online') this.#flush()
  }

  #flush(): void {
    // A socket just destroyed (coverage lost) is still `online` until its close event: keep the queue for the reconnect.
    while (this.#state === 'online' && this.#socket?.destroyed === false && this.#queue.length > 0)
      this.#write(this.#queue.shift() as jt808.Jt808BodyInput)
  }

  #write(body: jt808.Jt808BodyInput, track = true): void {
    const socket = this.#socket
    if (!socket || socket.destroyed) return
    const serial = this.#serial
    this.#serial = (this.#serial + 1) & 0xffff
    const header = { phone: this.#phone, protocolVersion: this.#version, serial }
    socket.write(jt808.encodeMessage(header, body))
    if (isData(body)) this.#c.messages++
    else this.#c.control++
    if (track && body.kind !== 'register' && body.kind !== 'auth') this.#unacked.set(serial, body)
  }

  #onClose(socket: Socket): void {
    if (socket !== this.#socket) return
    if (this.#state === 'online') this.#c.connected--
    this.#state = 'closed'
    this.#stopHeartbeat()
    // Heartbeats are not worth resending.
    for (const [serial, body] of this.#unacked) if (body.kind === 'heartbeat') this.#unacked.delete(serial)
    this.#checkIdle()
    if (!this.#down && !this.#closing) {
      this.#retry = setTimeout(() => {
        this.#retry = null
        this.#connect()
      }, this.#o.reconnectMs ?? 1000)
    }
  }

  #fail(message: string): void {
    this.#c.errors++
    this.#c.lastError = `${this.vehicleId}: ${message}`
    if (this.#opened && !this.#everOnline) {
      this.#opened.reject(new Error(`${this.vehicleId}: ${message}`))
      this.#opened = null
    }
  }

  /** A refusal a retry will not fix: stop this terminal. */
  #fatal(message: string): void {
    this.#fail(message)
    this.#closing = true
    this.#socket?.destroy()
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat()
    this.#heartbeat = setInterval(() => this.#write({ kind: 'heartbeat' }), (this.#o.heartbeatS ?? 30) * 1000)
    this.#heartbeat.unref()
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat)
    this.#heartbeat = null
  }

  #clearRetry(): void {
    if (this.#retry) clearTimeout(this.#retry)
    this.#retry = null
  }

  #busy(): boolean {
    return this.#queue.length > 0 || [...this.#unacked.values()].some((b) => b.kind !== 'heartbeat')
  }

  #checkIdle(): void {
    if (!this.#busy()) for (const f of this.#idle.splice(0)) f()
  }
}

/**
 * JT/T 808 terminals for tests, built with the real codec: `TestTerminal` (its own serial counter,
 * one TCP connection, every frame it receives kept) and `jt808TextTerminal` (signs in and answers
 * every text it is sent).
 */
import { connect, type Socket } from 'node:net'
import { expect } from 'vitest'
import { jt808 } from '@rb/protocol'
import { waitFor } from './server.js'

const { REPLY_RESULT, REGISTER_RESULT } = jt808
type Message = jt808.Jt808Message
type Body = jt808.Jt808BodyInput

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** BCD time has whole seconds. */
export const nowS = (): number => Math.floor(Date.now() / 1000) * 1000

/** A terminal as fitted in a bus: its own serial counter, one TCP connection, codec-built frames. */
export class TestTerminal {
  readonly received: Message[] = []
  readonly closed: Promise<void>
  readonly #socket: Socket
  readonly #splitter = new jt808.FrameSplitter()
  readonly #waiters = new Set<() => void>()
  #serial = 0
  /** Auth code from the last successful register. */
  authCode = ''

  private constructor(
    socket: Socket,
    readonly phone: string,
    readonly protocolVersion: number | null,
    readonly bytewise: boolean,
  ) {
    this.#socket = socket
    socket.on('data', (chunk: Buffer) => {
      for (const f of this.#splitter.push(chunk).frames) this.received.push(jt808.decodeMessage(f))
      for (const w of this.#waiters) w()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
  }

  static async connect(
    port: number,
    phone: string,
    opts: { v2019?: boolean; bytewise?: boolean } = {},
  ): Promise<TestTerminal> {
    const socket = connect(port, '127.0.0.1')
    socket.setNoDelay(true)
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    return new TestTerminal(socket, phone, opts.v2019 ? 1 : null, opts.bytewise ?? false)
  }

  get v2019(): boolean {
    return this.protocolVersion !== null
  }

  /** Encodes `body` with this terminal's next serial. */
  frame(body: Body): { serial: number; bytes: Uint8Array } {
    const serial = this.#serial
    this.#serial = (serial + 1) & 0xffff
    return {
      serial,
      bytes: jt808.encodeMessage({ phone: this.phone, protocolVersion: this.protocolVersion, serial }, body),
    }
  }

  /** Reserves `n` consecutive serials (a sub-packaged message), returning the first. */
  takeSerials(n: number): number {
    const first = this.#serial
    this.#serial = (first + n) & 0xffff
    return first
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.bytewise) {
      this.#socket.write(bytes)
      return
    }
    // One byte per write, with a pause so the kernel cannot coalesce them into one read.
    for (const b of bytes) {
      this.#socket.write(Uint8Array.of(b))
      await sleep(1)
    }
  }

  async send(body: Body): Promise<number> {
    const { serial, bytes } = this.frame(body)
    await this.write(bytes)
    return serial
  }

  waitFor(pred: (m: Message) => boolean, timeoutMs = 5000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = this.received.find(pred)
        if (!m) return
        this.#waiters.delete(check)
        clearTimeout(timer)
        resolve(m)
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(new Error(`terminal ${this.phone}: no matching message within ${timeoutMs} ms`))
      }, timeoutMs)
      this.#waiters.add(check)
      check()
    })
  }

  /** The platform's 0x8001 answering our message `serial`. */
  async replyTo(serial: number): Promise<jt808.GeneralReply> {
    const m = await this.waitFor((x) => x.body.kind === 'platformGeneralReply' && x.body.ackSerial === serial)
    return m.body as jt808.GeneralReply
  }

  async request(body: Body): Promise<jt808.GeneralReply> {
    return this.replyTo(await this.send(body))
  }

  async register(plate: string): Promise<jt808.RegisterReply> {
    const serial = await this.send(registerBody(plate, this.v2019))
    const m = await this.waitFor((x) => x.body.kind === 'registerReply' && x.body.ackSerial === serial)
    const reply = m.body as jt808.RegisterReply
    if (reply.result === REGISTER_RESULT.success) this.authCode = reply.authCode
    return reply
  }

  auth(code = this.authCode): Promise<jt808.GeneralReply> {
    return this.request(
      this.v2019
        ? { kind: 'auth', authCode: code, imei: '860000000000001', softwareVersion: 'V1.0.3' }
        : { kind: 'auth', authCode: code, imei: null, softwareVersion: null },
    )
  }

  async login(plate: string): Promise<void> {
    expect((await this.register(plate)).result).toBe(REGISTER_RESULT.success)
    expect((await this.auth()).result).toBe(REPLY_RESULT.success)
  }

  close(): void {
    this.#socket.destroy()
  }
}

export const registerBody = (plate: string, v2019: boolean): Body => ({
  kind: 'register',
  layout: v2019 ? '2019' : '2013',
  provinceId: 51,
  cityId: 524,
  manufacturerId: 'XYBUS',
  terminalModel: 'TG-808B',
  terminalId: 'T000001',
  plateColor: plate === '' ? 0 : 1,
  plate,
})

export const location = (ts: number, over: Partial<jt808.LocationInput> = {}): jt808.LocationInput => ({
  alarmRaw: 0,
  statusRaw: jt808.statusFlagsToRaw({ accOn: true, located: true, gps: true, beidou: true }),
  lat: 28.166667,
  lng: 105.441389,
  altitudeM: 372,
  speedKmh: 38.5,
  headingDeg: 271,
  ts,
  extras: { mileageKm: 12345.6 },
  ...over,
})

export interface TextTerminal {
  texts: string[]
  close(): void
}

export async function jt808TextTerminal(port: number, phone: string, timeoutMs = 5000): Promise<TextTerminal> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  const splitter = new jt808.FrameSplitter()
  const received: jt808.Jt808Message[] = []
  const texts: string[] = []
  let serial = 0
  const send = (body: jt808.Jt808BodyInput): void =>
    void socket.write(jt808.encodeMessage({ phone, protocolVersion: null, serial: serial++ }, body))
  socket.on('data', (chunk: Buffer) => {
    for (const f of splitter.push(chunk).frames) {
      const m = jt808.decodeMessage(f)
      received.push(m)
      if (m.body.kind !== 'textMessage') continue
      texts.push(m.body.text)
      send({
        kind: 'terminalGeneralReply',
        ackSerial: m.header.serial,
        ackMsgId: jt808.MSG_ID.textMessage,
        result: jt808.REPLY_RESULT.success,
      })
    }
  })
  send({
    kind: 'register',
    layout: '2013',
    provinceId: 51,
    cityId: 524,
    manufacturerId: 'XYBUS',
    terminalModel: 'TG-808B',
    terminalId: 'T000001',
    plateColor: 1,
    plate: '',
  })
  const reg = await waitFor(() => received.find((m) => m.body.kind === 'registerReply'), timeoutMs)
  send({ kind: 'auth', authCode: (reg.body as jt808.RegisterReply).authCode, imei: null, softwareVersion: null })
  await waitFor(() => received.find((m) => m.body.kind === 'platformGeneralReply'), timeoutMs)
  return { texts, close: () => socket.destroy() }
}

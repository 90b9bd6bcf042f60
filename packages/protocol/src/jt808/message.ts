/** Typed messages: body kinds by message id, decode from a frame and encode back to one. */
import { decodeAuth, encodeAuth, type TerminalAuth } from './bodies/auth.js'
import {
  decodeBatchLocation,
  encodeBatchLocation,
  type BatchLocationInput,
  type BatchLocationUpload,
} from './bodies/batch.js'
import { decodeDriverIdentity, encodeDriverIdentity, type DriverIdentity } from './bodies/driver-identity.js'
import { decodeLocation, encodeLocation, type LocationInput, type LocationReport } from './bodies/location.js'
import { decodeRegister, encodeRegister, type TerminalRegister } from './bodies/register.js'
import {
  decodeGeneralReply,
  decodeRegisterReply,
  encodeGeneralReply,
  encodeRegisterReply,
  type GeneralReply,
  type RegisterReply,
} from './bodies/replies.js'
import { decodeResendRequest, encodeResendRequest, type ResendRequest } from './bodies/resend.js'
import { decodeTextMessage, encodeTextMessage, type TextMessage } from './bodies/text-message.js'
import { attempt, hex, Jt808Error, type Jt808Result } from './errors.js'
import { decodeFrame, encodeFrame, type DecodeFrameOptions } from './frame.js'
import { is2019, type HeaderInput, type Jt808Header } from './header.js'

export const MSG_ID = {
  terminalGeneralReply: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  terminalResendRequest: 0x0005,
  register: 0x0100,
  auth: 0x0102,
  location: 0x0200,
  driverIdentity: 0x0702,
  batchLocation: 0x0704,
  platformGeneralReply: 0x8001,
  platformResendRequest: 0x8003,
  registerReply: 0x8100,
  textMessage: 0x8300,
} as const

export type KnownKind = keyof typeof MSG_ID

/** Bytes kept as they came: an id this codec does not parse, or one piece of a sub-packaged message. */
export interface RawBody {
  kind: 'raw'
  msgId: number
  bytes: Uint8Array
}

export type Jt808Body =
  | ({ kind: 'terminalGeneralReply' } & GeneralReply)
  | { kind: 'heartbeat' }
  | { kind: 'logout' }
  | ({ kind: 'register' } & TerminalRegister)
  | ({ kind: 'auth' } & TerminalAuth)
  | ({ kind: 'location' } & LocationReport)
  | ({ kind: 'driverIdentity' } & DriverIdentity)
  | ({ kind: 'batchLocation' } & BatchLocationUpload)
  | ({ kind: 'platformGeneralReply' } & GeneralReply)
  | ({ kind: 'terminalResendRequest' } & ResendRequest)
  | ({ kind: 'platformResendRequest' } & ResendRequest)
  | ({ kind: 'registerReply' } & RegisterReply)
  | ({ kind: 'textMessage' } & TextMessage)
  | RawBody

/** What encoders take: a decoded body fits, and locations need no derived flag views. */
export type Jt808BodyInput =
  | Exclude<Jt808Body, { kind: 'location' } | { kind: 'batchLocation' }>
  | ({ kind: 'location' } & LocationInput)
  | ({ kind: 'batchLocation' } & BatchLocationInput)

export interface Jt808Message {
  header: Jt808Header
  body: Jt808Body
}

const KIND_BY_ID = new Map<number, KnownKind>(Object.entries(MSG_ID).map(([k, id]) => [id, k as KnownKind]))

/**
 * A checked frame's body → typed body. Sub-package pieces and unknown ids come back as `raw`
 * (reassemble pieces with `SubpackageAssembler`, then call this on the joined body).
 */
export function decodeBody(header: Jt808Header, body: Uint8Array): Jt808Body {
  const kind = KIND_BY_ID.get(header.msgId)
  if (header.subpackage !== null || kind === undefined) return { kind: 'raw', msgId: header.msgId, bytes: body.slice() }
  if (header.encryption !== 0) {
    throw new Jt808Error(
      'UNSUPPORTED',
      `message ${hex(header.msgId)} has an encrypted body (mode ${header.encryption}); only plain bodies are parsed`,
    )
  }
  const v2019 = is2019(header)
  switch (kind) {
    case 'terminalGeneralReply':
    case 'platformGeneralReply':
      return { kind, ...decodeGeneralReply(body, kind) }
    case 'heartbeat':
    case 'logout':
      if (body.length !== 0)
        throw new Jt808Error('LENGTH_MISMATCH', `${kind} has an empty body, got ${body.length} byte(s)`)
      return { kind }
    case 'register':
      return { kind, ...decodeRegister(body, v2019) }
    case 'auth':
      return { kind, ...decodeAuth(body, v2019) }
    case 'location':
      return { kind, ...decodeLocation(body) }
    case 'driverIdentity':
      return { kind, ...decodeDriverIdentity(body, v2019) }
    case 'batchLocation':
      return { kind, ...decodeBatchLocation(body) }
    case 'terminalResendRequest':
    case 'platformResendRequest':
      return { kind, ...decodeResendRequest(body, v2019, kind) }
    case 'registerReply':
      return { kind, ...decodeRegisterReply(body) }
    case 'textMessage':
      return { kind, ...decodeTextMessage(body, v2019) }
  }
}

/** One wire frame → typed message. Throws only `Jt808Error`. */
export function decodeMessage(frame: Uint8Array, options: DecodeFrameOptions = {}): Jt808Message {
  const { header, body } = decodeFrame(frame, options)
  return { header, body: decodeBody(header, body) }
}

export function tryDecodeMessage(frame: Uint8Array, options: DecodeFrameOptions = {}): Jt808Result<Jt808Message> {
  return attempt(() => decodeMessage(frame, options))
}

export const msgIdOf = (body: Jt808BodyInput): number => (body.kind === 'raw' ? body.msgId : MSG_ID[body.kind])

/** Body → its bytes; the header's protocol version picks the 2013 or 2019 layout. */
export function encodeBody(body: Jt808BodyInput, protocolVersion: number | null): Uint8Array {
  const v2019 = protocolVersion !== null
  switch (body.kind) {
    case 'terminalGeneralReply':
    case 'platformGeneralReply':
      return encodeGeneralReply(body)
    case 'heartbeat':
    case 'logout':
      return new Uint8Array(0)
    case 'register':
      return encodeRegister(body, v2019)
    case 'auth':
      return encodeAuth(body, v2019)
    case 'location':
      return encodeLocation(body)
    case 'driverIdentity':
      return encodeDriverIdentity(body, v2019)
    case 'batchLocation':
      return encodeBatchLocation(body)
    case 'terminalResendRequest':
    case 'platformResendRequest':
      return encodeResendRequest(body, v2019)
    case 'registerReply':
      return encodeRegisterReply(body)
    case 'textMessage':
      return encodeTextMessage(body, v2019)
    case 'raw':
      return body.bytes.slice()
  }
}

/** Header + body → one escaped, delimited wire frame. Throws `Jt808Error` (`BAD_FIELD`) on bad input. */
export function encodeMessage(header: HeaderInput, body: Jt808BodyInput): Uint8Array {
  if (body.kind !== 'raw' && ((header.encryption ?? 0) !== 0 || (header.subpackage ?? null) !== null)) {
    throw new Jt808Error(
      'BAD_FIELD',
      'encrypted or sub-packaged frames carry raw bytes: use a raw body (or encodeSubpackaged)',
    )
  }
  return encodeFrame(msgIdOf(body), header, encodeBody(body, header.protocolVersion))
}

/** Header for an answer to `to`: same terminal, same header version, the sender's own serial. */
export function replyHeader(to: Pick<Jt808Header, 'phone' | 'protocolVersion'>, serial: number): HeaderInput {
  return { phone: to.phone, protocolVersion: to.protocolVersion, serial }
}

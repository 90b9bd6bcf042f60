/** General replies (0x0001 terminal, 0x8001 platform) and the register reply 0x8100. */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeGbk, encodeGbk } from '../text.js'

/** Result byte of 0x0001 / 0x8001. `alarmConfirmed` (4) is only sent by the platform. */
export const REPLY_RESULT = { success: 0, failure: 1, messageError: 2, unsupported: 3, alarmConfirmed: 4 } as const

/** Result byte of 0x8100. */
export const REGISTER_RESULT = {
  success: 0,
  vehicleAlreadyRegistered: 1,
  vehicleNotFound: 2,
  terminalAlreadyRegistered: 3,
  terminalNotFound: 4,
} as const

export interface GeneralReply {
  /** Serial number of the message being answered. */
  ackSerial: number
  /** Id of the message being answered. */
  ackMsgId: number
  /** See `REPLY_RESULT`. */
  result: number
}

export interface RegisterReply {
  ackSerial: number
  /** See `REGISTER_RESULT`. */
  result: number
  /** Present only on success; '' when absent. */
  authCode: string
}

export function decodeGeneralReply(body: Uint8Array, what = 'general reply'): GeneralReply {
  const r = new ByteReader(body, what)
  const reply = { ackSerial: r.u16('reply serial'), ackMsgId: r.u16('reply id'), result: r.u8('result') }
  expectEnd(r, what)
  return reply
}

export function encodeGeneralReply(reply: GeneralReply): Uint8Array {
  return new ByteWriter()
    .u16(reply.ackSerial, 'ackSerial')
    .u16(reply.ackMsgId, 'ackMsgId')
    .u8(reply.result, 'result')
    .finish()
}

export function decodeRegisterReply(body: Uint8Array): RegisterReply {
  const r = new ByteReader(body, 'register reply')
  const ackSerial = r.u16('reply serial')
  const result = r.u8('result')
  return { ackSerial, result, authCode: decodeGbk(r.rest()) }
}

export function encodeRegisterReply(reply: RegisterReply): Uint8Array {
  return new ByteWriter()
    .u16(reply.ackSerial, 'ackSerial')
    .u8(reply.result, 'result')
    .bytes(encodeGbk(reply.authCode, 'authCode'))
    .finish()
}

/** Fixed-size bodies: trailing bytes mean the sender and this codec disagree on the layout. */
export function expectEnd(r: ByteReader, what: string): void {
  if (r.remaining > 0)
    throw new Jt808Error('LENGTH_MISMATCH', `${what}: ${r.remaining} unexpected byte(s) after the last field`)
}

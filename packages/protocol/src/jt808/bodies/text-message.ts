/** 0x8300 text message down: flag byte, (2019) text type byte, GBK text. */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeGbk, encodeGbk } from '../text.js'

/**
 * Flag bits. 2013: bit 0 emergency, bit 4 advertising screen. 2019 turns bits 0–1 into a kind
 * (01 service, 10 emergency, 11 notice) and drops the advertising screen.
 */
export const TEXT_FLAG = {
  emergency2013: 0x01,
  service2019: 0x01,
  emergency2019: 0x02,
  notice2019: 0x03,
  display: 0x04,
  tts: 0x08,
  advertisingScreen2013: 0x10,
  canFaultCode: 0x20,
} as const

/** 2019 text type byte. */
export const TEXT_TYPE = { notice: 1, service: 2 } as const

export interface TextMessage {
  /** Raw flag byte; see `TEXT_FLAG`. */
  flags: number
  /** 2019 only (null before): see `TEXT_TYPE`. */
  textType: number | null
  text: string
}

export function decodeTextMessage(body: Uint8Array, header2019: boolean): TextMessage {
  const r = new ByteReader(body, 'text message')
  const flags = r.u8('flags')
  const textType = header2019 ? r.u8('text type') : null
  return { flags, textType, text: decodeGbk(r.rest()) }
}

export function encodeTextMessage(msg: TextMessage, header2019: boolean): Uint8Array {
  if ((msg.textType !== null) !== header2019) {
    throw new Jt808Error(
      'BAD_FIELD',
      header2019 ? 'a 2019 text message needs a textType' : 'textType exists only in 2019; set it to null',
    )
  }
  const w = new ByteWriter().u8(msg.flags, 'flags')
  if (msg.textType !== null) w.u8(msg.textType, 'textType')
  return w.bytes(encodeGbk(msg.text, 'text')).finish()
}

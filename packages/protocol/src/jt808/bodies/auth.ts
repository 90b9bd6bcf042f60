/** 0x0102 terminal authentication: the code alone (2011/2013), or with IMEI and firmware (2019). */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeFixedText, decodeGbk, encodeFixedText, encodeGbk } from '../text.js'
import { expectEnd } from './replies.js'

export interface TerminalAuth {
  /** The code the platform handed out in 0x8100. */
  authCode: string
  /** 2019 only (null before): terminal IMEI, 15 characters. */
  imei: string | null
  /** 2019 only (null before): software version, up to 20 characters. */
  softwareVersion: string | null
}

export function decodeAuth(body: Uint8Array, header2019: boolean): TerminalAuth {
  if (!header2019) return { authCode: decodeGbk(body), imei: null, softwareVersion: null }
  const r = new ByteReader(body, 'terminal auth (2019)')
  const codeLength = r.u8('auth code length')
  const auth = {
    authCode: decodeGbk(r.bytes(codeLength, 'auth code')),
    imei: decodeFixedText(r.bytes(15, 'IMEI')),
    softwareVersion: decodeFixedText(r.bytes(20, 'software version')),
  }
  expectEnd(r, 'terminal auth (2019)')
  return auth
}

export function encodeAuth(auth: TerminalAuth, header2019: boolean): Uint8Array {
  const code = encodeGbk(auth.authCode, 'authCode')
  if (!header2019) {
    if (auth.imei !== null || auth.softwareVersion !== null) {
      throw new Jt808Error('BAD_FIELD', 'imei and softwareVersion exist only in 2019 auth bodies; set them to null')
    }
    return code
  }
  if (auth.imei === null || auth.softwareVersion === null) {
    throw new Jt808Error('BAD_FIELD', 'a 2019 auth body needs imei and softwareVersion')
  }
  return new ByteWriter()
    .u8(code.length, 'authCode length')
    .bytes(code)
    .bytes(encodeFixedText(auth.imei, 15, 'imei'))
    .bytes(encodeFixedText(auth.softwareVersion, 20, 'softwareVersion'))
    .finish()
}

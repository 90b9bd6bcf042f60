/**
 * Message header. 2011/2013: id, attributes, BCD[6] phone, serial. 2019 (attribute bit 14 set):
 * id, attributes, protocol version byte, BCD[10] phone, serial. Both then carry the sub-package
 * total and index when attribute bit 13 is set.
 */
import { decodePhone, encodePhone } from './bcd.js'
import type { ByteReader, ByteWriter } from './bytes.js'
import { Jt808Error } from './errors.js'

/** The body length field has 10 bits. */
export const MAX_BODY_BYTES = 0x3ff

const LENGTH_MASK = 0x03ff
const ENCRYPTION_SHIFT = 10
const SUBPACKAGE_BIT = 1 << 13
const VERSION_2019_BIT = 1 << 14

export interface Subpackage {
  /** How many packets the message was split into, ≥ 1. */
  total: number
  /** This packet's position, 1-based. */
  index: number
}

export interface Jt808Header {
  msgId: number
  /** Body length declared in the attributes (bytes, 0..1023); for a reassembled message, the joined length. */
  bodyLength: number
  /** Encryption bits 10–12: 0 plain, 1 RSA; the codec only parses plain bodies. */
  encryption: number
  subpackage: Subpackage | null
  /** 2019 protocol version byte; null means a 2011/2013 header (no version byte, 6-byte phone). */
  protocolVersion: number | null
  /** Terminal phone nibbles, zero-padded: 12 for 2011/2013, 20 for 2019. */
  phone: string
  /** Message serial number, 0..65535. */
  serial: number
}

/** What an encoder needs: the header minus what it derives from the body. */
export type HeaderInput = Omit<Jt808Header, 'msgId' | 'bodyLength' | 'encryption' | 'subpackage'> & {
  encryption?: number
  subpackage?: Subpackage | null
}

export const is2019 = (header: { protocolVersion: number | null }): boolean => header.protocolVersion !== null

export function readHeader(r: ByteReader): Jt808Header {
  const msgId = r.u16('message id')
  const attr = r.u16('body attributes')
  const version2019 = (attr & VERSION_2019_BIT) !== 0
  const protocolVersion = version2019 ? r.u8('protocol version') : null
  const phone = decodePhone(r.bytes(version2019 ? 10 : 6, 'terminal phone'))
  const serial = r.u16('serial number')
  let subpackage: Subpackage | null = null
  if ((attr & SUBPACKAGE_BIT) !== 0) {
    const total = r.u16('sub-package total')
    const index = r.u16('sub-package index')
    if (total === 0 || index === 0 || index > total) {
      throw new Jt808Error('BAD_FRAME', `sub-package ${index} of ${total}: index must be 1..total`)
    }
    subpackage = { total, index }
  }
  return {
    msgId,
    bodyLength: attr & LENGTH_MASK,
    encryption: (attr >> ENCRYPTION_SHIFT) & 0x7,
    subpackage,
    protocolVersion,
    phone,
    serial,
  }
}

export function writeHeader(w: ByteWriter, msgId: number, bodyLength: number, header: HeaderInput): void {
  if (bodyLength > MAX_BODY_BYTES) {
    throw new Jt808Error(
      'BAD_FIELD',
      `body is ${bodyLength} bytes; one packet holds ${MAX_BODY_BYTES} (split it into sub-packages)`,
    )
  }
  const encryption = header.encryption ?? 0
  if (!Number.isInteger(encryption) || encryption < 0 || encryption > 7) {
    throw new Jt808Error('BAD_FIELD', `encryption must be 0..7, got ${encryption}`)
  }
  const sub = header.subpackage ?? null
  if (
    sub !== null &&
    (!Number.isInteger(sub.total) || !Number.isInteger(sub.index) || sub.index < 1 || sub.index > sub.total)
  ) {
    throw new Jt808Error('BAD_FIELD', `sub-package ${sub.index} of ${sub.total}: index must be 1..total`)
  }
  const attr =
    bodyLength | (encryption << ENCRYPTION_SHIFT) | (sub ? SUBPACKAGE_BIT : 0) | (is2019(header) ? VERSION_2019_BIT : 0)
  w.u16(msgId, 'message id').u16(attr, 'body attributes')
  if (header.protocolVersion !== null) w.u8(header.protocolVersion, 'protocol version')
  w.bytes(encodePhone(header.phone, is2019(header) ? 10 : 6))
  w.u16(header.serial, 'serial number')
  if (sub) w.u16(sub.total, 'sub-package total').u16(sub.index, 'sub-package index')
}

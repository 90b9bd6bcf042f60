/**
 * 0x0702 driver identity (驾驶员身份信息采集上报): the terminal's IC card reader saw a driver's
 * qualification card go in (on duty) or come out (off duty). 2013 layout: status, time, read
 * result, then — only for a card inserted and read — name, certificate number, issuing authority
 * and validity; 2019 adds the driver's ID-card number after the validity.
 */
import { decodeBcdDigits, decodeBcdTime, encodeBcdDigits, encodeBcdTime } from '../bcd.js'
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'
import { decodeFixedText, decodeGbk, encodeFixedText, encodeGbk } from '../text.js'

/** The status byte. */
export const IC_CARD_STATUS = { inserted: 0x01, removed: 0x02 } as const

/** The IC read result byte (status `inserted` only); other values are kept as sent. */
export const IC_READ_RESULT = {
  ok: 0x00,
  keyAuthFailed: 0x01,
  cardLocked: 0x02,
  cardPulledOut: 0x03,
  checksumError: 0x04,
} as const

/** Width of the certificate and ID-card fields (STRING[20], 0x00-padded). */
const CERT_BYTES = 20
const ID_CARD_BYTES = 20

/** What the card holds, as read by the terminal. */
export interface DriverCard {
  name: string
  /** Qualification certificate number (从业资格证编码). */
  cert: string
  /** Issuing authority (发证机构名称). */
  authority: string
  /** Last day the certificate is valid, `YYYY-MM-DD`; null when the card leaves it at zeros. */
  validUntil: string | null
  /** The driver's ID-card number (2019 layout); null in the 2013 layout. */
  idCard: string | null
}

export interface DriverIdentity {
  /** See `IC_CARD_STATUS`. */
  status: number
  /** When the card went in or came out, epoch ms. */
  ts: number
  /** See `IC_READ_RESULT`; null when the card was removed. */
  readResult: number | null
  /** Only for a card inserted and read (`readResult` 0); null otherwise. */
  card: DriverCard | null
}

/**
 * A 2019 header means the 2019 layout (the ID card is required). Under a 2013 header the ID card
 * is read when exactly its 20 bytes follow the validity: terminals that speak 2019 bodies under
 * the old header. Anything else after the last field is ignored, not refused: vendors append
 * their own items (a face-match score, a card UID) and the driver's identity is still good.
 */
export function decodeDriverIdentity(body: Uint8Array, header2019: boolean): DriverIdentity {
  const what = `driver identity (${header2019 ? '2019' : '2013'} layout)`
  const r = new ByteReader(body, what)
  const status = r.u8('status')
  if (status !== IC_CARD_STATUS.inserted && status !== IC_CARD_STATUS.removed) {
    throw new Jt808Error('BAD_VALUE', `${what}: status ${status} is neither 1 (card inserted) nor 2 (card removed)`)
  }
  const ts = decodeBcdTime(r.bytes(6, 'time'))
  if (status === IC_CARD_STATUS.removed) return { status, ts, readResult: null, card: null }
  const readResult = r.u8('IC read result')
  if (readResult !== IC_READ_RESULT.ok) return { status, ts, readResult, card: null }
  const name = decodeGbk(r.bytes(r.u8('driver name length'), 'driver name'))
  const cert = decodeFixedText(r.bytes(CERT_BYTES, 'qualification certificate number'))
  const authority = decodeGbk(r.bytes(r.u8('issuing authority length'), 'issuing authority'))
  const validUntil = decodeValidity(r.bytes(4, 'validity date'))
  const idCard =
    header2019 || r.remaining === ID_CARD_BYTES ? decodeFixedText(r.bytes(ID_CARD_BYTES, 'ID card number')) : null
  return { status, ts, readResult, card: { name, cert, authority, validUntil, idCard } }
}

export function encodeDriverIdentity(d: DriverIdentity, header2019: boolean): Uint8Array {
  const w = new ByteWriter().u8(d.status, 'status').bytes(encodeBcdTime(d.ts))
  if (d.status === IC_CARD_STATUS.removed) {
    if (d.readResult !== null || d.card !== null)
      throw new Jt808Error('BAD_FIELD', 'a removed card carries no read result and no card: set both to null')
    return w.finish()
  }
  if (d.status !== IC_CARD_STATUS.inserted)
    throw new Jt808Error('BAD_FIELD', `status must be 1 (inserted) or 2 (removed), got ${d.status}`)
  if (d.readResult === null) throw new Jt808Error('BAD_FIELD', 'an inserted card needs a readResult')
  w.u8(d.readResult, 'readResult')
  if ((d.readResult === IC_READ_RESULT.ok) !== (d.card !== null)) {
    throw new Jt808Error('BAD_FIELD', 'a card is sent exactly when it was read (readResult 0)')
  }
  const card = d.card
  if (card === null) return w.finish()
  if (header2019 && card.idCard === null) throw new Jt808Error('BAD_FIELD', 'the 2019 layout needs idCard')
  w.bytes(lengthPrefixed(card.name, 'name'))
    .bytes(encodeFixedText(card.cert, CERT_BYTES, 'cert'))
    .bytes(lengthPrefixed(card.authority, 'authority'))
    .bytes(encodeValidity(card.validUntil))
  if (card.idCard !== null) w.bytes(encodeFixedText(card.idCard, ID_CARD_BYTES, 'idCard'))
  return w.finish()
}

function lengthPrefixed(text: string, field: string): Uint8Array {
  const bytes = encodeGbk(text, field)
  if (bytes.length > 0xff)
    throw new Jt808Error('BAD_FIELD', `${field} is ${bytes.length} bytes in GBK; its length byte holds 255`)
  return new ByteWriter().u8(bytes.length, `${field} length`).bytes(bytes).finish()
}

/** BCD[4] YYYYMMDD → `YYYY-MM-DD`; all zeros (a card without a date) → null. */
function decodeValidity(bytes: Uint8Array): string | null {
  const digits = decodeBcdDigits(bytes, 'validity date')
  if (/^0+$/.test(digits)) return null
  const [y, m, d] = [digits.slice(0, 4), digits.slice(4, 6), digits.slice(6, 8)].map(Number) as [number, number, number]
  // Date.UTC rolls 31 February into March; reading the fields back catches it.
  const back = new Date(Date.UTC(y, m - 1, d))
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    throw new Jt808Error('BAD_TIME', `validity date ${digits} (YYYYMMDD) is not a calendar day`)
  }
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`
}

function encodeValidity(date: string | null): Uint8Array {
  if (date === null) return new Uint8Array(4)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new Jt808Error('BAD_FIELD', `validUntil must be YYYY-MM-DD or null, got ${JSON.stringify(date)}`)
  return encodeBcdDigits(date.replaceAll('-', ''), 4, 'validUntil')
}

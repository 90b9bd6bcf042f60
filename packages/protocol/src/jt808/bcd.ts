/** BCD fields: the terminal phone number and the YYMMDDhhmmss time (GMT+8). */
import { toHex } from './bytes.js'
import { Jt808Error } from './errors.js'

/** JT/T 808 times are Beijing time (GMT+8, no daylight saving). */
const GMT8_OFFSET_MS = 8 * 3_600_000

/** Strict BCD → decimal digits; a nibble above 9 is `BAD_BCD`. */
export function decodeBcdDigits(bytes: Uint8Array, field: string): string {
  const digits = toHex(bytes)
  if (!/^[0-9]*$/.test(digits)) throw new Jt808Error('BAD_BCD', `${field}: ${digits} is not BCD`)
  return digits
}

/** Decimal digits → BCD, left-padded with zeros to `byteLength` bytes. */
export function encodeBcdDigits(digits: string, byteLength: number, field: string): Uint8Array {
  if (!/^[0-9]*$/.test(digits) || digits.length > byteLength * 2) {
    throw new Jt808Error(
      'BAD_FIELD',
      `${field} must be at most ${byteLength * 2} decimal digits, got ${JSON.stringify(digits)}`,
    )
  }
  return nibblesToBytes(digits.padStart(byteLength * 2, '0'))
}

/**
 * Terminal phone as its nibbles (12 for 2011/2013 headers, 20 for 2019), leading zeros kept.
 * Not checked as BCD: some platforms (Traccar) pack a 15-digit IMEI into the 6 bytes as plain
 * hex, and the phone is only an identifier, so any nibble is accepted and kept as lowercase hex.
 */
export function decodePhone(bytes: Uint8Array): string {
  return toHex(bytes)
}

export function encodePhone(phone: string, byteLength: number): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(phone) || phone.length > byteLength * 2) {
    throw new Jt808Error(
      'BAD_FIELD',
      `terminal phone must be at most ${byteLength * 2} digits, got ${JSON.stringify(phone)}`,
    )
  }
  return nibblesToBytes(phone.toLowerCase().padStart(byteLength * 2, '0'))
}

/** Phone without its zero padding, so the same SIM compares equal under 2013 and 2019 headers. */
export function canonicalPhone(phone: string): string {
  const trimmed = phone.toLowerCase().replace(/^0+/, '')
  return trimmed === '' ? '0' : trimmed
}

function nibblesToBytes(nibbles: string): Uint8Array {
  const out = new Uint8Array(nibbles.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(nibbles.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** BCD[6] YYMMDDhhmmss in GMT+8 → epoch ms. Years are 2000–2099. */
export function decodeBcdTime(bytes: Uint8Array): number {
  const digits = decodeBcdDigits(bytes, 'time')
  const [yy, mo, dd, hh, mi, ss] = [0, 2, 4, 6, 8, 10].map((i) => Number(digits.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const wall = Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss)
  // Date.UTC silently rolls 31 Feb into March; reading the fields back catches every such case.
  const back = new Date(wall)
  if (
    back.getUTCMonth() !== mo - 1 ||
    back.getUTCDate() !== dd ||
    back.getUTCHours() !== hh ||
    back.getUTCMinutes() !== mi ||
    back.getUTCSeconds() !== ss
  ) {
    throw new Jt808Error('BAD_TIME', `time ${digits} (YYMMDDhhmmss, GMT+8) is not a calendar instant`)
  }
  return wall - GMT8_OFFSET_MS
}

/** Epoch ms → BCD[6] YYMMDDhhmmss in GMT+8; sub-second parts are dropped (the wire has none). */
export function encodeBcdTime(epochMs: number): Uint8Array {
  if (!Number.isFinite(epochMs)) throw new Jt808Error('BAD_FIELD', `time must be finite epoch ms, got ${epochMs}`)
  const wall = new Date(Math.floor(epochMs / 1000) * 1000 + GMT8_OFFSET_MS)
  const year = wall.getUTCFullYear()
  if (year < 2000 || year > 2099) {
    throw new Jt808Error('BAD_FIELD', `time ${wall.toISOString()} (GMT+8) is outside 2000–2099, which YY cannot hold`)
  }
  const two = (n: number): string => String(n).padStart(2, '0')
  const digits =
    two(year - 2000) +
    two(wall.getUTCMonth() + 1) +
    two(wall.getUTCDate()) +
    two(wall.getUTCHours()) +
    two(wall.getUTCMinutes()) +
    two(wall.getUTCSeconds())
  return nibblesToBytes(digits)
}

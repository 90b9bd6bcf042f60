/** Text fields: JT/T 808 strings are GBK; fixed-width fields are padded with 0x00. */
import iconv from 'iconv-lite'
import { Jt808Error } from './errors.js'

/** GBK bytes → string. Never throws: undecodable bytes become U+FFFD. */
export function decodeGbk(bytes: Uint8Array): string {
  return iconv.decode(bytes, 'gbk')
}

/** String → GBK bytes; characters GBK cannot hold are a `BAD_FIELD` rather than a silent '?'. */
export function encodeGbk(text: string, field: string): Uint8Array {
  const bytes = new Uint8Array(iconv.encode(text, 'gbk'))
  if (decodeGbk(bytes) !== text) {
    throw new Jt808Error('BAD_FIELD', `${field} ${JSON.stringify(text)} has characters GBK cannot encode`)
  }
  return bytes
}

/**
 * Fixed-width text: 0x00 padding is stripped from both ends because terminals pad on either
 * side. ASCII '0' or space padding is kept: it cannot be told apart from content.
 */
export function decodeFixedText(bytes: Uint8Array): string {
  let start = 0
  let end = bytes.length
  while (start < end && bytes[start] === 0) start++
  while (end > start && bytes[end - 1] === 0) end--
  return decodeGbk(bytes.subarray(start, end))
}

/**
 * String → exactly `width` bytes padded with 0x00: after the text (2013 and most fields) or, for
 * the 2019 register fields whose standard text says 前补, before it.
 */
export function encodeFixedText(
  text: string,
  width: number,
  field: string,
  pad: 'after' | 'before' = 'after',
): Uint8Array {
  const bytes = encodeGbk(text, field)
  if (bytes.length > width) {
    throw new Jt808Error(
      'BAD_FIELD',
      `${field} ${JSON.stringify(text)} is ${bytes.length} bytes; the field holds ${width}`,
    )
  }
  if (bytes[0] === 0 || bytes[bytes.length - 1] === 0) {
    throw new Jt808Error('BAD_FIELD', `${field} must not start or end with NUL: it would be read back as padding`)
  }
  const out = new Uint8Array(width)
  out.set(bytes, pad === 'after' ? 0 : width - bytes.length)
  return out
}

/**
 * Frame layer: 0x7e delimiters, 0x7d escaping (0x7e → 7d 02, 0x7d → 7d 01, check code included)
 * and the XOR check code over header + body.
 */
import { ByteReader, ByteWriter } from './bytes.js'
import { attempt, Jt808Error, hex, type Jt808Result } from './errors.js'
import { readHeader, writeHeader, type HeaderInput, type Jt808Header } from './header.js'

export const FRAME_FLAG = 0x7e
export const ESCAPE_BYTE = 0x7d

/** Shortest unescaped packet: a 2013 header (12 bytes) and the check code. */
const MIN_PACKET_BYTES = 13

/** A frame whose checksum and length are good; the body is not interpreted yet. */
export interface Jt808Frame {
  header: Jt808Header
  body: Uint8Array
}

export interface DecodeFrameOptions {
  /**
   * false: the bytes between the delimiters are already unescaped (some test suites feed frames
   * like that). Default true: the wire form.
   */
  escaped?: boolean
}

export function xorChecksum(bytes: Uint8Array): number {
  let x = 0
  for (const b of bytes) x ^= b
  return x
}

/** Escapes a packet (header + body + check code) for the wire; no delimiters added. */
export function escapeBytes(packet: Uint8Array): Uint8Array {
  let extra = 0
  for (const b of packet) if (b === FRAME_FLAG || b === ESCAPE_BYTE) extra++
  const out = new Uint8Array(packet.length + extra)
  let j = 0
  for (const b of packet) {
    if (b === FRAME_FLAG || b === ESCAPE_BYTE) {
      out[j++] = ESCAPE_BYTE
      out[j++] = b === FRAME_FLAG ? 0x02 : 0x01
    } else {
      out[j++] = b
    }
  }
  return out
}

/** Reverses `escapeBytes`. A raw 0x7e is `BAD_FRAME`; a bad or dangling 0x7d is `BAD_ESCAPE`. */
export function unescapeBytes(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(content.length)
  let j = 0
  for (let i = 0; i < content.length; i++) {
    const b = content[i] ?? 0
    if (b === FRAME_FLAG) throw new Jt808Error('BAD_FRAME', `raw 0x7e at offset ${i} inside a frame`)
    if (b !== ESCAPE_BYTE) {
      out[j++] = b
      continue
    }
    const next = content[++i]
    if (next === 0x02) out[j++] = FRAME_FLAG
    else if (next === 0x01) out[j++] = ESCAPE_BYTE
    else if (next === undefined) throw new Jt808Error('BAD_ESCAPE', 'frame ends with a lone 0x7d')
    else
      throw new Jt808Error(
        'BAD_ESCAPE',
        `0x7d followed by ${hex(next, 2)} at offset ${i - 1}; only 0x01 and 0x02 may follow`,
      )
  }
  return out.slice(0, j)
}

/** One delimited frame (`7e … 7e`) → checked header and raw body. */
export function decodeFrame(frame: Uint8Array, options: DecodeFrameOptions = {}): Jt808Frame {
  if (frame.length < 2 || frame[0] !== FRAME_FLAG || frame[frame.length - 1] !== FRAME_FLAG) {
    throw new Jt808Error('BAD_FRAME', 'a frame must start and end with 0x7e')
  }
  const content = frame.subarray(1, frame.length - 1)
  const packet = options.escaped === false ? content : unescapeBytes(content)
  return decodePacket(packet)
}

export function tryDecodeFrame(frame: Uint8Array, options: DecodeFrameOptions = {}): Jt808Result<Jt808Frame> {
  return attempt(() => decodeFrame(frame, options))
}

/** Unescaped header + body + check code, without delimiters. */
export function decodePacket(packet: Uint8Array): Jt808Frame {
  if (packet.length < MIN_PACKET_BYTES) {
    throw new Jt808Error('TRUNCATED', `packet is ${packet.length} bytes; the shortest message is ${MIN_PACKET_BYTES}`)
  }
  const signed = packet.subarray(0, packet.length - 1)
  const declared = packet[packet.length - 1] ?? 0
  const computed = xorChecksum(signed)
  if (declared !== computed) {
    throw new Jt808Error('BAD_CHECKSUM', `check code is ${hex(declared, 2)} but the bytes XOR to ${hex(computed, 2)}`)
  }
  const r = new ByteReader(signed, 'header')
  const header = readHeader(r)
  if (r.remaining !== header.bodyLength) {
    throw new Jt808Error(
      'LENGTH_MISMATCH',
      `header declares a ${header.bodyLength}-byte body but ${r.remaining} bytes follow`,
    )
  }
  return { header, body: r.rest() }
}

/** Header + raw body → one wire frame, escaped and delimited. */
export function encodeFrame(msgId: number, header: HeaderInput, body: Uint8Array): Uint8Array {
  const w = new ByteWriter()
  writeHeader(w, msgId, body.length, header)
  w.bytes(body)
  const signed = w.finish()
  const packet = new Uint8Array(signed.length + 1)
  packet.set(signed)
  packet[signed.length] = xorChecksum(signed)
  const escaped = escapeBytes(packet)
  const out = new Uint8Array(escaped.length + 2)
  out[0] = FRAME_FLAG
  out.set(escaped, 1)
  out[out.length - 1] = FRAME_FLAG
  return out
}

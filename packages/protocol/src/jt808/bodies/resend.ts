/**
 * Resend requests for sub-packaged messages: 0x8003 (platform → terminal, 补传分包请求) names the
 * packets of a terminal's message the platform is missing; 0x0005 (terminal → platform, 2019) names
 * packets of a platform message the terminal is missing. Same body: the message's first serial
 * (the serial of its packet 1), the count — BYTE in 2013, WORD in 2019 — and the packet numbers
 * (1-based, WORD each).
 */
import { ByteReader, ByteWriter } from '../bytes.js'
import { Jt808Error } from '../errors.js'

export interface ResendRequest {
  /** Serial of the first packet of the message concerned. */
  firstSerial: number
  /** Packet numbers (1-based) to send again; empty asks for the whole message. */
  packets: number[]
}

export function decodeResendRequest(body: Uint8Array, v2019: boolean, what = 'resend request'): ResendRequest {
  const r = new ByteReader(body, what)
  const firstSerial = r.u16('first serial')
  const count = v2019 ? r.u16('packet count') : r.u8('packet count')
  const packets: number[] = []
  for (let i = 0; i < count; i++) packets.push(r.u16(`packet ${i + 1}`))
  if (r.remaining !== 0)
    throw new Jt808Error('LENGTH_MISMATCH', `${what}: ${r.remaining} byte(s) after ${count} packet number(s)`)
  return { firstSerial, packets }
}

export function encodeResendRequest(req: ResendRequest, v2019: boolean): Uint8Array {
  const max = v2019 ? 0xffff : 0xff
  if (req.packets.length > max)
    throw new Jt808Error('BAD_FIELD', `a resend request names at most ${max} packets, got ${req.packets.length}`)
  const w = new ByteWriter().u16(req.firstSerial, 'firstSerial')
  if (v2019) w.u16(req.packets.length, 'count')
  else w.u8(req.packets.length, 'count')
  for (const p of req.packets) w.u16(p, 'packet')
  return w.finish()
}

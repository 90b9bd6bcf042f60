import { describe, expect, it } from 'vitest'
import {
  decodeBcdTime,
  decodeFrame,
  decodeMessage,
  encodeBcdTime,
  encodeFrame,
  encodeMessage,
  escapeBytes,
  fromHex,
  toHex,
  tryDecodeFrame,
  unescapeBytes,
  xorChecksum,
} from './index.js'
import { codeOf, makeHeader2013, makeHeader2019 } from './test-factories.js'

/** Builds a delimited frame from an unescaped packet, fixing the check code unless told not to. */
function wire(packetHex: string, checksum?: number): Uint8Array {
  const signed = fromHex(packetHex)
  const packet = new Uint8Array([...signed, checksum ?? xorChecksum(signed)])
  return new Uint8Array([0x7e, ...escapeBytes(packet), 0x7e])
}

// 2013 heartbeat header: id 0002, attr 0000, phone 013912345678, serial 0001.
const HEARTBEAT = '00020000013912345678' + '0001'

describe('escaping', () => {
  it('escapes 0x7e and 0x7d both ways and leaves everything else alone', () => {
    const packet = fromHex('307e087d55')
    expect(toHex(escapeBytes(packet))).toBe('307d02087d0155')
    expect(unescapeBytes(escapeBytes(packet))).toEqual(packet)
  })

  it('escapes a 0x7d that is followed by 0x02 as data, not as an escape', () => {
    const packet = fromHex('7d02')
    expect(toHex(escapeBytes(packet))).toBe('7d0102')
    expect(unescapeBytes(escapeBytes(packet))).toEqual(packet)
  })

  it('rejects 0x7d followed by anything but 01/02 with BAD_ESCAPE', () => {
    expect(codeOf(() => unescapeBytes(fromHex('307d0355')))).toBe('BAD_ESCAPE')
    expect(codeOf(() => unescapeBytes(fromHex('307d00')))).toBe('BAD_ESCAPE')
  })

  it('rejects a frame that ends with a lone 0x7d', () => {
    expect(codeOf(() => unescapeBytes(fromHex('307d')))).toBe('BAD_ESCAPE')
  })

  it('rejects a raw 0x7e inside a frame', () => {
    expect(codeOf(() => unescapeBytes(fromHex('307e55')))).toBe('BAD_FRAME')
  })
})

describe('check code', () => {
  it('is escaped when it is 0x7e', () => {
    // Serial chosen so the XOR comes out as 0x7e.
    const signed = fromHex(HEARTBEAT)
    const serialLow = 0x7e ^ xorChecksum(signed) ^ (signed[11] ?? 0)
    const frame = encodeFrame(0x0002, makeHeader2013({ phone: '013912345678', serial: serialLow }), new Uint8Array(0))
    expect(toHex(frame.subarray(frame.length - 3))).toBe('7d027e')
    expect(decodeFrame(frame).header.serial).toBe(serialLow)
  })

  it('is escaped when it is 0x7d', () => {
    const signed = fromHex(HEARTBEAT)
    const serialLow = 0x7d ^ xorChecksum(signed) ^ (signed[11] ?? 0)
    const frame = encodeFrame(0x0002, makeHeader2013({ phone: '013912345678', serial: serialLow }), new Uint8Array(0))
    expect(toHex(frame.subarray(frame.length - 3))).toBe('7d017e')
    expect(decodeFrame(frame).header.serial).toBe(serialLow)
  })

  it('a wrong check code is BAD_CHECKSUM naming both values', () => {
    const r = tryDecodeFrame(wire(HEARTBEAT, 0x00))
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_CHECKSUM')
      expect(r.error.message).toContain('0x00')
    }
  })
})

describe('frame structure', () => {
  it('needs delimiters at both ends', () => {
    const good = wire(HEARTBEAT)
    expect(codeOf(() => decodeFrame(good.subarray(1)))).toBe('BAD_FRAME')
    expect(codeOf(() => decodeFrame(good.subarray(0, good.length - 1)))).toBe('BAD_FRAME')
    expect(codeOf(() => decodeFrame(new Uint8Array([0x7e])))).toBe('BAD_FRAME')
  })

  it('a packet shorter than a header is TRUNCATED', () => {
    expect(codeOf(() => decodeFrame(fromHex('7e7e')))).toBe('TRUNCATED')
    expect(codeOf(() => decodeFrame(wire('0002000001391234')))).toBe('TRUNCATED')
  })

  it('a declared body length that disagrees with the bytes is LENGTH_MISMATCH', () => {
    expect(codeOf(() => decodeFrame(wire('00020001013912345678' + '0001')))).toBe('LENGTH_MISMATCH')
    expect(codeOf(() => decodeFrame(wire(HEARTBEAT + 'ff')))).toBe('LENGTH_MISMATCH')
  })

  it('a 2019 header whose phone runs past the end is TRUNCATED', () => {
    expect(codeOf(() => decodeFrame(wire('0002400001' + '00000000013912345678')))).toBe('TRUNCATED')
  })
})

describe('headers', () => {
  it('2013: 12-byte header, 6-byte BCD phone, no version byte', () => {
    const frame = encodeMessage(makeHeader2013({ phone: '13912345678', serial: 0x1234 }), { kind: 'heartbeat' })
    expect(toHex(frame)).toMatch(/^7e000200000139123456781234..7e$/)
    expect(decodeFrame(frame).header).toEqual({
      msgId: 2,
      bodyLength: 0,
      encryption: 0,
      subpackage: null,
      protocolVersion: null,
      phone: '013912345678',
      serial: 0x1234,
    })
  })

  it('2019: attribute bit 14, version byte, 10-byte BCD phone', () => {
    const frame = encodeMessage(makeHeader2019({ phone: '13912345678', protocolVersion: 1, serial: 9 }), {
      kind: 'heartbeat',
    })
    expect(toHex(frame)).toMatch(/^7e0002400001000000000139123456780009..7e$/)
    expect(decodeFrame(frame).header).toMatchObject({ protocolVersion: 1, phone: '00000000013912345678', serial: 9 })
  })

  it('sub-package fields follow the serial when bit 13 is set', () => {
    const frame = encodeFrame(0x0801, makeHeader2013({ subpackage: { total: 3, index: 2 } }), fromHex('aabb'))
    expect(toHex(frame)).toMatch(/^7e08012002013912345678000700030002aabb..7e$/)
    expect(decodeFrame(frame).header.subpackage).toEqual({ total: 3, index: 2 })
    const frame2019 = encodeFrame(0x0801, makeHeader2019({ subpackage: { total: 3, index: 3 } }), fromHex('aabb'))
    expect(decodeFrame(frame2019).header).toMatchObject({ protocolVersion: 1, subpackage: { total: 3, index: 3 } })
  })

  it('a sub-package index of 0 or above the total is BAD_FRAME', () => {
    expect(codeOf(() => decodeFrame(wire('08012000013912345678000700030000')))).toBe('BAD_FRAME')
    expect(codeOf(() => decodeFrame(wire('08012000013912345678000700020003')))).toBe('BAD_FRAME')
  })

  it('keeps the encryption bits and refuses to parse an encrypted body', () => {
    const frame = encodeFrame(0x0200, makeHeader2013({ encryption: 1 }), fromHex('00'))
    expect(decodeFrame(frame).header.encryption).toBe(1)
    expect(codeOf(() => decodeMessage(frame))).toBe('UNSUPPORTED')
  })

  it('keeps a non-BCD phone (Traccar packs IMEIs as hex) as lowercase hex', () => {
    const frame = encodeMessage(makeHeader2013({ phone: '0B3A73CE2FF2' }), { kind: 'heartbeat' })
    expect(decodeFrame(frame).header.phone).toBe('0b3a73ce2ff2')
  })

  it('refuses a phone longer than the header holds, or with non-hex characters', () => {
    expect(codeOf(() => encodeMessage(makeHeader2013({ phone: '1391234567890' }), { kind: 'heartbeat' }))).toBe(
      'BAD_FIELD',
    )
    expect(codeOf(() => encodeMessage(makeHeader2013({ phone: '139-1234' }), { kind: 'heartbeat' }))).toBe('BAD_FIELD')
  })

  it('refuses a body longer than one packet holds', () => {
    expect(codeOf(() => encodeFrame(0x0900, makeHeader2013(), new Uint8Array(1024)))).toBe('BAD_FIELD')
    expect(decodeFrame(encodeFrame(0x0900, makeHeader2013(), new Uint8Array(1023))).body).toHaveLength(1023)
  })
})

describe('BCD time (GMT+8)', () => {
  const bcd = (digits: string) => fromHex(digits)

  it('turns Beijing wall time into an instant', () => {
    expect(decodeBcdTime(bcd('260509164227'))).toBe(Date.parse('2026-05-09T08:42:27Z'))
  })

  it('crosses midnight back into the previous UTC day', () => {
    expect(new Date(decodeBcdTime(bcd('250101050000'))).toISOString()).toBe('2024-12-31T21:00:00.000Z')
  })

  it('accepts 29 February in a leap year only', () => {
    expect(decodeBcdTime(bcd('240229120000'))).toBe(Date.parse('2024-02-29T04:00:00Z'))
    expect(codeOf(() => decodeBcdTime(bcd('250229120000')))).toBe('BAD_TIME')
  })

  it('rejects impossible fields with BAD_TIME and non-decimal nibbles with BAD_BCD', () => {
    for (const t of ['251301000000', '250100000000', '250131240000', '250131236000', '250431000000', '000000000000']) {
      expect(codeOf(() => decodeBcdTime(bcd(t)))).toBe('BAD_TIME')
    }
    expect(codeOf(() => decodeBcdTime(bcd('2501a1000000')))).toBe('BAD_BCD')
  })

  it('encodes back, dropping milliseconds', () => {
    expect(toHex(encodeBcdTime(Date.parse('2024-12-31T21:00:00.999Z')))).toBe('250101050000')
    expect(codeOf(() => encodeBcdTime(Date.parse('1999-12-31T15:00:00Z')))).toBe('BAD_FIELD')
    expect(codeOf(() => encodeBcdTime(Number.NaN))).toBe('BAD_FIELD')
  })
})

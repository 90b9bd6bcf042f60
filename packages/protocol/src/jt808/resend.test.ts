import { describe, expect, it } from 'vitest'
import { toHex } from './bytes.js'
import { decodeMessage, encodeMessage, MSG_ID } from './message.js'
import { missingPackets } from './subpackage.js'

describe('resend requests (0x8003 platform, 0x0005 terminal)', () => {
  it('counts packets in a BYTE under 2013 headers and a WORD under 2019, numbers as WORDs', () => {
    const v2013 = encodeMessage(
      { phone: '013912345678', protocolVersion: null, serial: 7 },
      { kind: 'platformResendRequest', firstSerial: 0x0102, packets: [2, 5] },
    )
    const m2013 = decodeMessage(v2013)
    expect(m2013.header.msgId).toBe(MSG_ID.platformResendRequest)
    expect(m2013.header.bodyLength).toBe(7)
    // After the flag and the 12-byte 2013 header: serial 0x0102, count 2 (one byte), packets 2 and 5.
    expect(toHex(v2013.subarray(13, 20))).toBe('01020200020005')
    expect(m2013.body).toEqual({ kind: 'platformResendRequest', firstSerial: 0x0102, packets: [2, 5] })

    const v2019 = encodeMessage(
      { phone: '00000000013912345680', protocolVersion: 1, serial: 8 },
      { kind: 'terminalResendRequest', firstSerial: 9, packets: [1] },
    )
    const m2019 = decodeMessage(v2019)
    expect(m2019.header.bodyLength).toBe(6)
    expect(m2019.body).toEqual({ kind: 'terminalResendRequest', firstSerial: 9, packets: [1] })
  })

  it('refuses a body whose count does not match its packet numbers', () => {
    const frame = encodeMessage(
      { phone: '013912345678', protocolVersion: null, serial: 1 },
      { kind: 'raw', msgId: MSG_ID.terminalResendRequest, bytes: Uint8Array.of(0, 1, 2, 0, 1) },
    )
    expect(() => decodeMessage(frame)).toThrow(/TRUNCATED|needs 2 byte/)
  })

  it('lists the missing packets of a message', () => {
    expect(missingPackets([1, 3], 3)).toEqual([2])
    expect(missingPackets([], 2)).toEqual([1, 2])
    expect(missingPackets([2, 1], 2)).toEqual([])
  })
})

/**
 * 0x0702 driver identity: bodies laid out byte by byte from the standard's tables (2013 and 2019),
 * bodies from a public test suite, round trips under both headers, removed and unread cards,
 * and every way a body can be cut short or wrong — always a `Jt808Error`, never anything else.
 */
import { describe, expect, it } from 'vitest'
import {
  IC_CARD_STATUS,
  IC_READ_RESULT,
  MSG_ID,
  decodeBody,
  decodeDriverIdentity,
  decodeMessage,
  encodeDriverIdentity,
  encodeMessage,
  fromHex,
  toHex,
  tryDecodeMessage,
  type DriverIdentity,
  type Jt808Header,
} from './index.js'
import { codeOf, makeHeader2013, makeHeader2019 } from './test-factories.js'

/** 2026-05-09 16:42:27 in Beijing = 08:42:27 UTC. */
const TS = Date.UTC(2026, 4, 9, 8, 42, 27)
const hex = (...parts: string[]): Uint8Array => fromHex(parts.join(''))

// The fields as the standard's table lays them out (GBK text, BCD times, 0x00 padding).
const STATUS_IN = '01'
const TIME = '260509164227'
const READ_OK = '00'
const NAME = '06' + 'cdf5bda8b9fa' // 6 bytes: 王建国
const CERT = '35313035323432303038313233343536' + '00000000' // "5105242008123456" padded to 20
const AUTHORITY = '10' + 'd0f0d3c0cfd8bdbbcda8d4cbcae4bed6' // 16 bytes: 叙永县交通运输局
const VALID = '20301231'
const ID_CARD = '353130353234313938303031303131323358' + '0000' // "51052419800101123X" padded to 20

const BODY_2013 = hex(STATUS_IN, TIME, READ_OK, NAME, CERT, AUTHORITY, VALID)
const BODY_2019 = hex(STATUS_IN, TIME, READ_OK, NAME, CERT, AUTHORITY, VALID, ID_CARD)

const card2013 = {
  name: '王建国',
  cert: '5105242008123456',
  authority: '叙永县交通运输局',
  validUntil: '2030-12-31',
  idCard: null,
}
const inserted2013: DriverIdentity = {
  status: IC_CARD_STATUS.inserted,
  ts: TS,
  readResult: IC_READ_RESULT.ok,
  card: card2013,
}
const inserted2019: DriverIdentity = { ...inserted2013, card: { ...card2013, idCard: '51052419800101123X' } }

const header = (v2019: boolean): Jt808Header => ({
  msgId: MSG_ID.driverIdentity,
  bodyLength: 0,
  encryption: 0,
  subpackage: null,
  protocolVersion: v2019 ? 1 : null,
  phone: v2019 ? '00000000013912345678' : '013912345678',
  serial: 3,
})

describe('0x0702 driver identity, 2013 layout', () => {
  it('decodes a card inserted and read: name, certificate, authority, validity', () => {
    expect(decodeDriverIdentity(BODY_2013, false)).toEqual(inserted2013)
  })

  it('encodes back to the same bytes', () => {
    expect(toHex(encodeDriverIdentity(inserted2013, false))).toBe(toHex(BODY_2013))
  })

  it('a removed card is status and time only', () => {
    const removed = hex('02', TIME)
    expect(decodeDriverIdentity(removed, false)).toEqual({
      status: IC_CARD_STATUS.removed,
      ts: TS,
      readResult: null,
      card: null,
    })
    expect(toHex(encodeDriverIdentity({ status: 2, ts: TS, readResult: null, card: null }, false))).toBe(toHex(removed))
  })

  it('a card that could not be read carries the read result and nothing else', () => {
    for (const result of [1, 2, 3, 4]) {
      const body = hex(STATUS_IN, TIME, `0${result}`)
      expect(decodeDriverIdentity(body, false)).toEqual({ status: 1, ts: TS, readResult: result, card: null })
      expect(toHex(encodeDriverIdentity({ status: 1, ts: TS, readResult: result, card: null }, false))).toBe(
        toHex(body),
      )
    }
  })

  it("reads the ID card under a 2013 header when exactly its 20 bytes follow; other trailing bytes are a vendor's and ignored", () => {
    expect(decodeDriverIdentity(BODY_2019, false)).toEqual(inserted2019)
    expect(decodeDriverIdentity(hex(toHex(BODY_2013), '63ffee'), false)).toEqual(inserted2013)
    expect(decodeDriverIdentity(hex('02', TIME, '000000'), false).card).toBeNull()
  })

  it('takes a validity of zeros as no date', () => {
    const body = hex(STATUS_IN, TIME, READ_OK, NAME, CERT, AUTHORITY, '00000000')
    expect(decodeDriverIdentity(body, false).card?.validUntil).toBeNull()
    expect(toHex(encodeDriverIdentity(decodeDriverIdentity(body, false), false))).toBe(toHex(body))
  })
})

describe('0x0702 driver identity, 2019 layout', () => {
  it('adds the ID-card number after the validity', () => {
    expect(decodeDriverIdentity(BODY_2019, true)).toEqual(inserted2019)
    expect(toHex(encodeDriverIdentity(inserted2019, true))).toBe(toHex(BODY_2019))
  })

  it('a 2019 body without its ID card is cut short', () => {
    expect(codeOf(() => decodeDriverIdentity(BODY_2013, true))).toBe('TRUNCATED')
    expect(codeOf(() => encodeDriverIdentity(inserted2013, true))).toBe('BAD_FIELD')
  })

  it('a removed card is the same 7 bytes as in 2013', () => {
    expect(decodeDriverIdentity(hex('02', TIME), true)).toEqual({ status: 2, ts: TS, readResult: null, card: null })
  })
})

describe('0x0702 bodies from a public test suite (SmallChi/JT808, JT808_0x0702Test.cs)', () => {
  // Its times are local (GMT+8): 2018-08-16 09:16:16 there is 01:16:16 UTC.
  const T_2018 = Date.UTC(2018, 7, 16, 1, 16, 16)
  const koike = { name: 'koike', cert: 'qwe123456aaa', authority: 'qwertx', validUntil: '2018-08-16', idCard: null }

  it('removed card, unread card', () => {
    expect(decodeDriverIdentity(fromHex('02180816091616'), false)).toEqual({
      status: 2,
      ts: T_2018,
      readResult: null,
      card: null,
    })
    expect(decodeDriverIdentity(fromHex('0118081609161601'), false)).toEqual({
      status: 1,
      ts: T_2018,
      readResult: IC_READ_RESULT.keyAuthFailed,
      card: null,
    })
  })

  it('a certificate padded with 0x00 after the text, or before it', () => {
    const after = '0118081609161600056B6F696B6571776531323334353661616100000000000000000671776572747820180816'
    const before = '0118081609161600056B6F696B65000000000000000071776531323334353661616106717765727478' + '20180816'
    expect(decodeDriverIdentity(fromHex(after), false)).toEqual({ status: 1, ts: T_2018, readResult: 0, card: koike })
    expect(decodeDriverIdentity(fromHex(before), false)).toEqual({ status: 1, ts: T_2018, readResult: 0, card: koike })
  })

  it("2019, and 2019 with a vendor's face-match score and card UID after the ID card", () => {
    const v2019 =
      '0119120111111100056B6F696B65717765313233343536616161000000000000000006717765727478201912013132333435363738393031323334353637000000'
    expect(decodeDriverIdentity(fromHex(v2019), true)).toEqual({
      status: 1,
      ts: Date.UTC(2019, 11, 1, 3, 11, 11),
      readResult: 0,
      card: { ...koike, validUntil: '2019-12-01', idCard: '12345678901234567' },
    })
    const extended =
      '0121052818111100056B6F696B65000000000000000071776531323334353661616106717765727478202105280000003132333435363738393031323334353637630000003132333435363738393031323334353637'
    expect(decodeDriverIdentity(fromHex(extended), true).card).toEqual({
      ...koike,
      validUntil: '2021-05-28',
      idCard: '12345678901234567',
    })
  })
})

describe('0x0702 refused with a clear code, never a crash', () => {
  it('every cut of a full body is TRUNCATED and names the field it ran out in', () => {
    for (const [body, v2019] of [
      [BODY_2013, false],
      [BODY_2019, true],
    ] as const) {
      for (let n = 0; n < body.length; n++) {
        let err: unknown
        try {
          decodeDriverIdentity(body.subarray(0, n), v2019)
        } catch (e) {
          err = e
        }
        expect(err, `${v2019 ? 2019 : 2013} body cut at ${n} bytes`).toMatchObject({
          name: 'Jt808Error',
          code: 'TRUNCATED',
        })
      }
    }
    expect(() => decodeDriverIdentity(BODY_2013.subarray(0, 20), false)).toThrow(
      /qualification certificate number needs 20 byte\(s\)/,
    )
  })

  it('a status other than inserted or removed, a bad time, a bad validity', () => {
    expect(codeOf(() => decodeDriverIdentity(hex('03', TIME), false))).toBe('BAD_VALUE')
    expect(codeOf(() => decodeDriverIdentity(hex('02', '260231120000'), false))).toBe('BAD_TIME')
    expect(codeOf(() => decodeDriverIdentity(hex('02', '2605091642ab'), false))).toBe('BAD_BCD')
    expect(
      codeOf(() => decodeDriverIdentity(hex(STATUS_IN, TIME, READ_OK, NAME, CERT, AUTHORITY, '20260231'), false)),
    ).toBe('BAD_TIME')
    expect(
      codeOf(() => decodeDriverIdentity(hex(STATUS_IN, TIME, READ_OK, NAME, CERT, AUTHORITY, '20261300'), false)),
    ).toBe('BAD_TIME')
  })

  it('through the message decoder: a result, not a throw', () => {
    const frame = encodeMessage(
      { ...makeHeader2013(), protocolVersion: null },
      { kind: 'raw', msgId: MSG_ID.driverIdentity, bytes: BODY_2013.subarray(0, 12) },
    )
    const r = tryDecodeMessage(frame)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('TRUNCATED')
    expect(codeOf(() => decodeBody(header(false), hex('09', TIME)))).toBe('BAD_VALUE')
  })

  it('the encoder refuses what the wire cannot carry', () => {
    expect(codeOf(() => encodeDriverIdentity({ status: 2, ts: TS, readResult: 0, card: null }, false))).toBe(
      'BAD_FIELD',
    )
    expect(codeOf(() => encodeDriverIdentity({ status: 1, ts: TS, readResult: null, card: null }, false))).toBe(
      'BAD_FIELD',
    )
    expect(codeOf(() => encodeDriverIdentity({ status: 1, ts: TS, readResult: 0, card: null }, false))).toBe(
      'BAD_FIELD',
    )
    expect(codeOf(() => encodeDriverIdentity({ status: 1, ts: TS, readResult: 1, card: card2013 }, false))).toBe(
      'BAD_FIELD',
    )
    expect(codeOf(() => encodeDriverIdentity({ status: 5, ts: TS, readResult: null, card: null }, false))).toBe(
      'BAD_FIELD',
    )
    expect(
      codeOf(() => encodeDriverIdentity({ ...inserted2013, card: { ...card2013, cert: '1'.repeat(21) } }, false)),
    ).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeDriverIdentity({ ...inserted2013, card: { ...card2013, name: '王'.repeat(128) } }, false)),
    ).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeDriverIdentity({ ...inserted2013, card: { ...card2013, validUntil: '31.12.2030' } }, false)),
    ).toBe('BAD_FIELD')
  })
})

describe.each([
  ['2013', makeHeader2013(), inserted2013],
  ['2019', makeHeader2019(), inserted2019],
] as const)('0x0702 in a frame with a %s header', (_v, h, identity) => {
  it('round-trips inserted, unread and removed cards', () => {
    for (const body of [
      identity,
      { ...identity, readResult: 3, card: null },
      { status: 2, ts: TS + 3_600_000, readResult: null, card: null },
    ]) {
      const msg = decodeMessage(encodeMessage(h, { kind: 'driverIdentity', ...body }))
      expect(msg.header.msgId).toBe(0x0702)
      expect(msg.body).toEqual({ kind: 'driverIdentity', ...body })
    }
  })
})

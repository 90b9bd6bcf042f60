import { describe, expect, it } from 'vitest'
import {
  BATCH_TYPE,
  MSG_ID,
  REGISTER_RESULT,
  REPLY_RESULT,
  STATUS_BITS,
  TEXT_FLAG,
  TEXT_TYPE,
  alarmFlagsToRaw,
  decodeFrame,
  decodeMessage,
  encodeFrame,
  encodeLocation,
  encodeMessage,
  fromHex,
  replyHeader,
  statusFlagsToRaw,
  toHex,
  type HeaderInput,
  type Jt808BodyInput,
  type Jt808Message,
} from './index.js'
import { codeOf, makeHeader2013, makeHeader2019, makeLocationInput } from './test-factories.js'

const roundTrip = (header: HeaderInput, body: Jt808BodyInput): Jt808Message =>
  decodeMessage(encodeMessage(header, body))

/** decode(encode(decode(encode(x)))) equals decode(encode(x)): the decoded form is a fixed point. */
function expectLossless(header: HeaderInput, body: Jt808BodyInput): Jt808Message {
  const once = roundTrip(header, body)
  expect(roundTrip(once.header, once.body)).toEqual(once)
  return once
}

const headers = [
  ['2013', makeHeader2013()],
  ['2019', makeHeader2019()],
] as const

describe.each(headers)('round trips with a %s header', (version, header) => {
  const v2019 = version === '2019'

  it('0x0001 terminal general reply', () => {
    const body = {
      kind: 'terminalGeneralReply',
      ackSerial: 65535,
      ackMsgId: 0x8300,
      result: REPLY_RESULT.unsupported,
    } as const
    expect(expectLossless(header, body).body).toEqual(body)
  })

  it('0x0002 heartbeat and 0x0003 logout', () => {
    expect(expectLossless(header, { kind: 'heartbeat' }).body).toEqual({ kind: 'heartbeat' })
    const logout = expectLossless(header, { kind: 'logout' })
    expect(logout.body).toEqual({ kind: 'logout' })
    expect(logout.header.msgId).toBe(MSG_ID.logout)
  })

  it('0x0100 register in the layout the header allows', () => {
    const body = {
      kind: 'register',
      layout: v2019 ? '2019' : '2013',
      provinceId: 51,
      cityId: 524,
      manufacturerId: 'XYBUS',
      terminalModel: 'YT-808G',
      terminalId: 'T000042',
      plateColor: 2,
      plate: '川Q12345',
    } as const
    expect(expectLossless(header, body).body).toEqual(body)
  })

  it('0x0102 auth', () => {
    const body = v2019
      ? ({ kind: 'auth', authCode: 'k3y-5ecret', imei: '866496077582164', softwareVersion: 'V2.3.1' } as const)
      : ({ kind: 'auth', authCode: 'k3y-5ecret', imei: null, softwareVersion: null } as const)
    expect(expectLossless(header, body).body).toEqual(body)
  })

  it('0x0200 location with standard and vendor extras', () => {
    const input = makeLocationInput({
      extras: {
        mileageKm: 1.8,
        fuelL: 12.5,
        recorderSpeedKmh: 40.2,
        signalStrength: 31,
        gnssSatellites: 0,
        other: [{ id: 0xe1, bytes: fromHex('7e7d00') }],
      },
    })
    const msg = expectLossless(header, { kind: 'location', ...input })
    expect(msg.body).toMatchObject({ kind: 'location', ...input })
  })

  it('0x0704 batch upload', () => {
    const items = [
      makeLocationInput(),
      makeLocationInput({ ts: makeLocationInput().ts + 30_000, speedKmh: 0, extras: { other: [] } }),
    ]
    const msg = expectLossless(header, { kind: 'batchLocation', uploadType: BATCH_TYPE.backfill, items })
    expect(msg.body).toMatchObject({ kind: 'batchLocation', uploadType: 1, items: items.map((i) => ({ ...i })) })
  })

  it('0x8001 platform general reply', () => {
    const body = {
      kind: 'platformGeneralReply',
      ackSerial: 126,
      ackMsgId: 0x0200,
      result: REPLY_RESULT.alarmConfirmed,
    } as const
    expect(expectLossless(header, body).body).toEqual(body)
  })

  it('0x8100 register reply, with and without an auth code', () => {
    const ok = {
      kind: 'registerReply',
      ackSerial: 36,
      result: REGISTER_RESULT.success,
      authCode: '乡村公交-7',
    } as const
    expect(expectLossless(header, ok).body).toEqual(ok)
    const refused = {
      kind: 'registerReply',
      ackSerial: 36,
      result: REGISTER_RESULT.terminalNotFound,
      authCode: '',
    } as const
    const msg = expectLossless(header, refused)
    expect(msg.body).toEqual(refused)
    expect(msg.header.bodyLength).toBe(3)
  })

  it('0x8300 text message', () => {
    const body = {
      kind: 'textMessage',
      flags: TEXT_FLAG.display | TEXT_FLAG.tts,
      textType: v2019 ? TEXT_TYPE.notice : null,
      text: '明天赶场，7:30 在石坝村站加开一班',
    } as const
    const msg = expectLossless(header, body)
    expect(msg.body).toEqual(body)
    // 14 GBK double-byte characters and '7:30 ' in ASCII.
    expect(msg.header.bodyLength).toBe((v2019 ? 2 : 1) + 2 * 14 + 5)
  })

  it('unknown ids stay raw and re-encode byte for byte', () => {
    const body = { kind: 'raw', msgId: 0x8105, bytes: fromHex('f07e7d') } as const
    const frame = encodeMessage(header, body)
    expect(decodeMessage(frame).body).toEqual(body)
    expect(encodeMessage(decodeMessage(frame).header, decodeMessage(frame).body)).toEqual(frame)
  })
})

describe('0x0200 location details', () => {
  it('applies south and west as signs and sets the status bits from them', () => {
    const loc = decodeLocationOf(
      makeLocationInput({ lat: -33.86882, lng: -151.20929, statusRaw: statusFlagsToRaw({ located: true }) }),
    )
    expect([loc.lat, loc.lng]).toEqual([-33.86882, -151.20929])
    expect([loc.status.south, loc.status.west]).toEqual([true, true])
    expect(loc.statusRaw).toBe(2 ** STATUS_BITS.located + 2 ** STATUS_BITS.south + 2 ** STATUS_BITS.west)
  })

  it('clears a stale south bit when the latitude is north', () => {
    const loc = decodeLocationOf(makeLocationInput({ statusRaw: statusFlagsToRaw({ located: true, south: true }) }))
    expect(loc.status.south).toBe(false)
    expect(loc.lat).toBeGreaterThan(0)
  })

  it('reads zero with a south bit as 0, not -0, and keeps the bit', () => {
    const body = encodeLocation(makeLocationInput({ lat: 0, statusRaw: statusFlagsToRaw({ south: true }) }))
    const loc = decodeLocationOf(makeLocationInput({ lat: 0, statusRaw: statusFlagsToRaw({ south: true }) }))
    expect(Object.is(loc.lat, 0)).toBe(true)
    expect(loc.status.south).toBe(true)
    expect(toHex(body.subarray(8, 12))).toBe('00000000')
  })

  it('keeps bit 31 of the alarm and status words unsigned', () => {
    const loc = decodeLocationOf(
      makeLocationInput({ alarmRaw: alarmFlagsToRaw({ illegalDoorOpen: true, sos: true }), statusRaw: 0x80000003 }),
    )
    expect(loc.alarmRaw).toBe(0x80000001)
    expect(loc.alarms).toMatchObject({ illegalDoorOpen: true, sos: true, overspeed: false })
    expect(loc.statusRaw).toBe(0x80000003)
  })

  it('reads altitudes below sea level (Turpan) as negative', () => {
    expect(decodeLocationOf(makeLocationInput({ altitudeM: -154 })).altitudeM).toBe(-154)
  })

  it('decodes the two-bit load state and door bits', () => {
    const loc = decodeLocationOf(
      makeLocationInput({ statusRaw: statusFlagsToRaw({ located: true, load: 3, door1Open: true }) }),
    )
    expect(loc.status).toMatchObject({ load: 3, door1Open: true, door2Open: false, located: true })
  })

  it('keeps a standard id with an odd length, and a duplicate, as raw items', () => {
    const base = encodeLocation(makeLocationInput({ extras: { other: [] } }))
    const extras = fromHex('0103aabbcc' + '010400000010' + '010400000020')
    const loc = decodeLocationOf(new Uint8Array([...base, ...extras]))
    expect(loc.extras.mileageKm).toBe(1.6)
    expect(loc.extras.other).toEqual([
      { id: 1, bytes: fromHex('aabbcc') },
      { id: 1, bytes: fromHex('00000020') },
    ])
  })

  it('an extra item running past the end is TRUNCATED', () => {
    const base = encodeLocation(makeLocationInput({ extras: { other: [] } }))
    expect(codeOf(() => decodeLocationOf(new Uint8Array([...base, 0x01, 0x04, 0x00])))).toBe('TRUNCATED')
    expect(codeOf(() => decodeLocationOf(new Uint8Array([...base, 0x01])))).toBe('TRUNCATED')
  })

  it('a body shorter than the 28 fixed bytes is TRUNCATED', () => {
    expect(codeOf(() => decodeLocationOf(new Uint8Array(27)))).toBe('TRUNCATED')
  })

  it('refuses coordinates outside WGS-84 and values the wire cannot hold', () => {
    expect(codeOf(() => encodeLocation(makeLocationInput({ lat: 105.4, lng: 28.1 })))).toBe('BAD_FIELD')
    expect(codeOf(() => encodeLocation(makeLocationInput({ speedKmh: 7000 })))).toBe('BAD_FIELD')
    expect(codeOf(() => encodeLocation(makeLocationInput({ lat: Number.NaN })))).toBe('BAD_FIELD')
    expect(
      codeOf(() =>
        encodeLocation(makeLocationInput({ extras: { other: [{ id: 0xe0, bytes: new Uint8Array(256) }] } })),
      ),
    ).toBe('BAD_FIELD')
  })
})

function decodeLocationOf(input: ReturnType<typeof makeLocationInput> | Uint8Array) {
  const body = input instanceof Uint8Array ? input : encodeLocation(input)
  const msg = decodeMessage(encodeFrame(0x0200, makeHeader2013(), body))
  if (msg.body.kind !== 'location') throw new Error('not a location')
  return msg.body
}

describe('layout rules', () => {
  const reg = {
    kind: 'register',
    layout: '2013',
    provinceId: 51,
    cityId: 524,
    manufacturerId: 'XYBUS',
    terminalModel: 'M',
    terminalId: 'T1',
    plateColor: 1,
    plate: '川Q12345',
  } as const

  it('tells the 2011 register layout from 2013 by length', () => {
    const msg = roundTrip(makeHeader2013(), { ...reg, layout: '2011' })
    expect(msg.body).toMatchObject({ layout: '2011', terminalModel: 'M', plate: '川Q12345' })
    expect(msg.header.bodyLength).toBe(25 + 8)
  })

  it('pads 2013 register fields after the text and 2019 ones before it', () => {
    const f2013 = decodeFrame(encodeMessage(makeHeader2013(), reg)).body
    expect(toHex(f2013.subarray(9, 11))).toBe('4d00')
    const f2019 = decodeFrame(encodeMessage(makeHeader2019(), { ...reg, layout: '2019' })).body
    expect(toHex(f2019.subarray(4 + 11 + 28, 4 + 11 + 30))).toBe('004d')
  })

  it('refuses a register, auth or text body whose layout does not match the header', () => {
    expect(codeOf(() => encodeMessage(makeHeader2019(), reg))).toBe('BAD_FIELD')
    expect(codeOf(() => encodeMessage(makeHeader2013(), { ...reg, layout: '2019' }))).toBe('BAD_FIELD')
    expect(codeOf(() => encodeMessage(makeHeader2013(), { ...reg, layout: '2011', plate: 'LSVAM4187C2184847' }))).toBe(
      'BAD_FIELD',
    )
    expect(
      codeOf(() => encodeMessage(makeHeader2019(), { kind: 'auth', authCode: 'x', imei: null, softwareVersion: null })),
    ).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeMessage(makeHeader2013(), { kind: 'auth', authCode: 'x', imei: '1', softwareVersion: '1' })),
    ).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeMessage(makeHeader2019(), { kind: 'textMessage', flags: 0, textType: null, text: 'x' })),
    ).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeMessage(makeHeader2013(), { kind: 'textMessage', flags: 0, textType: 1, text: 'x' })),
    ).toBe('BAD_FIELD')
  })

  it('refuses fixed fields that overflow and text GBK cannot hold', () => {
    expect(codeOf(() => encodeMessage(makeHeader2013(), { ...reg, manufacturerId: 'TOOLONG' }))).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeMessage(makeHeader2013(), { kind: 'textMessage', flags: 0, textType: null, text: '🚌 来了' })),
    ).toBe('BAD_FIELD')
  })

  it('refuses typed bodies on encrypted or sub-packaged headers', () => {
    expect(codeOf(() => encodeMessage(makeHeader2013({ encryption: 1 }), { kind: 'heartbeat' }))).toBe('BAD_FIELD')
    expect(
      codeOf(() => encodeMessage(makeHeader2013({ subpackage: { total: 2, index: 1 } }), { kind: 'heartbeat' })),
    ).toBe('BAD_FIELD')
  })

  it('a heartbeat with a body, or a general reply with trailing bytes, is LENGTH_MISMATCH', () => {
    expect(codeOf(() => decodeMessage(encodeFrame(0x0002, makeHeader2013(), fromHex('00'))))).toBe('LENGTH_MISMATCH')
    expect(codeOf(() => decodeMessage(encodeFrame(0x8001, makeHeader2013(), fromHex('0001020000ff'))))).toBe(
      'LENGTH_MISMATCH',
    )
    expect(
      codeOf(() => decodeMessage(encodeFrame(0x0704, makeHeader2013(), fromHex('000100' + '0000' + 'ff')))),
    ).not.toBe('no error')
  })

  it('a batch whose count disagrees with its items is rejected', () => {
    const one = encodeLocation(makeLocationInput())
    const len = one.length.toString(16).padStart(4, '0')
    const twoDeclared = fromHex('000200' + len + toHex(one))
    expect(codeOf(() => decodeMessage(encodeFrame(0x0704, makeHeader2013(), twoDeclared)))).toBe('TRUNCATED')
    const zeroDeclared = fromHex('000000' + len + toHex(one))
    expect(codeOf(() => decodeMessage(encodeFrame(0x0704, makeHeader2013(), zeroDeclared)))).toBe('LENGTH_MISMATCH')
  })
})

describe('replyHeader', () => {
  it('answers on the same terminal and header version with the platform serial', () => {
    const incoming = decodeMessage(encodeMessage(makeHeader2019({ serial: 500 }), { kind: 'heartbeat' }))
    const reply = decodeMessage(
      encodeMessage(replyHeader(incoming.header, 3), {
        kind: 'platformGeneralReply',
        ackSerial: incoming.header.serial,
        ackMsgId: incoming.header.msgId,
        result: REPLY_RESULT.success,
      }),
    )
    expect(reply.header).toMatchObject({
      phone: incoming.header.phone,
      protocolVersion: 1,
      serial: 3,
      msgId: MSG_ID.platformGeneralReply,
    })
    expect(reply.body).toMatchObject({ ackSerial: 500, ackMsgId: 0x0002 })
  })
})

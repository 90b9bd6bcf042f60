/**
 * Every frame of the shared JT/T 808 vectors (public test suites of Traccar, EMQX, SmallChi,
 * hylexus, yezhihao) decodes to its field-by-field spec, round-trips, and every malformed one is
 * refused with the right code. What each suite itself asserts is in vectors-suites.test.ts.
 */
import { describe, expect, it } from 'vitest'
import {
  Jt808Error,
  decodeMessage,
  encodeMessage,
  fromHex,
  toHex,
  tryDecodeMessage,
  unescapeBytes,
  xorChecksum,
  type Jt808Body,
  type LocationReport,
} from './index.js'
import type { VectorLocation } from './testdata/load-vectors.js'
import { raw, vectors } from './testdata/vector-helpers.js'

/** Decoded extras flattened back to {id, valueHex}, sorted, to compare with the spec's list. */
function itemsOf(loc: LocationReport): { id: number; valueHex: string }[] {
  const e = loc.extras
  const std: [number, number | undefined, number][] = [
    [0x01, raw.tenths(e.mileageKm), 8],
    [0x02, raw.tenths(e.fuelL), 4],
    [0x03, raw.tenths(e.recorderSpeedKmh), 4],
    [0x30, e.signalStrength, 2],
    [0x31, e.gnssSatellites, 2],
  ]
  const items = std.flatMap(([id, v, w]) =>
    v === undefined ? [] : [{ id, valueHex: v.toString(16).padStart(w, '0') }],
  )
  items.push(...e.other.map((o) => ({ id: o.id, valueHex: toHex(o.bytes) })))
  return sortItems(items)
}
const sortItems = <T extends { id: number; valueHex: string }>(xs: T[]): T[] =>
  [...xs].sort((a, b) => a.id - b.id || a.valueHex.localeCompare(b.valueHex))

const setBits = (n: number): number[] => [...Array(32).keys()].filter((b) => Math.floor(n / 2 ** b) % 2 === 1)

function expectLocationMatchesSpec(loc: LocationReport, spec: VectorLocation): void {
  expect(loc.alarmRaw).toBe(Number.parseInt(spec.alarmFlags, 16))
  expect(setBits(loc.alarmRaw)).toEqual(spec.alarmBitsSet)
  expect(loc.statusRaw).toBe(Number.parseInt(spec.statusFlags, 16))
  expect(setBits(loc.statusRaw)).toEqual(spec.statusBitsSet)
  expect(loc.status.accOn).toBe(spec.acc)
  expect(loc.status.located).toBe(spec.positioned)
  expect(loc.lat).toBeCloseTo(spec.latitude, 9)
  expect(loc.lng).toBeCloseTo(spec.longitude, 9)
  expect(loc.altitudeM).toBe(spec.altitude_m)
  expect(loc.speedKmh).toBeCloseTo(spec.speed_kmh, 9)
  expect(loc.headingDeg).toBe(spec.direction_deg)
  expect(loc.ts).toBe(Date.parse(spec.timeUtc))
  const specItems = spec.additionalItems.map((i) => ({ id: Number.parseInt(i.id, 16), valueHex: i.valueHex }))
  expect(itemsOf(loc)).toEqual(sortItems(specItems))
}

function expectBodyMatchesSpec(body: Jt808Body, spec: Record<string, unknown>): void {
  switch (body.kind) {
    case 'register': {
      const { plateHex: _plateHex, ...fields } = spec
      expect({ ...body, kind: undefined, layout: undefined }).toEqual({ ...fields, kind: undefined, layout: undefined })
      return
    }
    case 'auth':
      expect(body.authCode).toBe(spec.authCode)
      return
    case 'heartbeat':
    case 'logout':
      expect(spec.bodyHex).toBe('')
      return
    case 'location':
      expectLocationMatchesSpec(body, spec as unknown as VectorLocation)
      return
    case 'batchLocation': {
      expect(body.items).toHaveLength(spec.count as number)
      expect(body.uploadType).toBe(spec.locationType)
      const items = spec.items as VectorLocation[]
      body.items.forEach((item, i) => expectLocationMatchesSpec(item, items[i] as VectorLocation))
      return
    }
    case 'platformGeneralReply':
    case 'terminalGeneralReply':
      expect(body).toMatchObject({
        ackSerial: spec.ackSerial,
        ackMsgId: Number.parseInt(spec.ackMsgId as string, 16),
        result: spec.result,
      })
      return
    case 'registerReply':
      expect(body).toMatchObject({ ackSerial: spec.ackSerial, result: spec.result, authCode: spec.authCode })
      return
    case 'raw':
      expect(toHex(body.bytes)).toBe(spec.bodyHex)
      return
    case 'textMessage':
      throw new Error('no 0x8300 vector yet: add a spec comparison with it')
    case 'driverIdentity':
      throw new Error(
        'no 0x0702 vector yet: add a spec comparison with it (bodies from a public suite are in driver-identity.test.ts)',
      )
    case 'platformResendRequest':
    case 'terminalResendRequest':
      throw new Error(
        'no 0x8003 / 0x0005 vector yet: add a spec comparison with it (layouts are checked in resend.test.ts)',
      )
  }
}

/** Why each malformed-on-purpose vector must be rejected. */
const NEGATIVE_CODES: Record<string, Jt808Error['code']> = {
  // Checksum 0xd0 vs 0xf0 (and a wrong body length): the check code is verified first.
  traccar_0200_bad_checksum_NEGATIVE: 'BAD_CHECKSUM',
}

describe('JT/T 808 vectors: field-by-field spec', () => {
  const decodable = vectors.filter((v) => v.decoded_by_spec && !v.name.endsWith('_NEGATIVE'))
  it('covers the whole file', () => {
    expect(vectors).toHaveLength(38)
    expect(decodable.length).toBeGreaterThan(30)
  })

  for (const v of decodable) {
    it(`${v.name} decodes to its spec and round-trips`, () => {
      const spec = v.decoded_by_spec!
      const msg = decodeMessage(fromHex(v.hex))
      expect(msg.header).toEqual({
        msgId: Number.parseInt(spec.header.msgId, 16),
        bodyLength: spec.header.bodyLength,
        encryption: spec.header.encryption,
        subpackage: null,
        protocolVersion: spec.header.protocolVersion,
        phone: spec.header.terminalPhone,
        serial: spec.header.serial,
      })
      expect(spec.header.version2019).toBe(msg.header.protocolVersion !== null)
      expectBodyMatchesSpec(msg.body, spec.body)
      // bodyLength is re-derived: a sender's extra padding (zero-filled plate) is not kept.
      const again = decodeMessage(encodeMessage(msg.header, msg.body))
      expect({ ...again, header: { ...again.header, bodyLength: 0 } }).toEqual({
        ...msg,
        header: { ...msg.header, bodyLength: 0 },
      })
    })
  }

  for (const v of vectors.filter((x) => x.checks.checksum !== undefined && x.checks.checksumOk)) {
    it(`${v.name}: check code ${v.checks.checksum} is the XOR of the unescaped packet`, () => {
      const wire = fromHex(v.hex)
      const packet = unescapeBytes(wire.subarray(1, wire.length - 1))
      expect(xorChecksum(packet.subarray(0, packet.length - 1))).toBe(Number.parseInt(v.checks.checksum!, 16))
      expect(wire.length > packet.length + 2).toBe(v.checks.wireNeedsEscaping)
    })
  }

  for (const v of vectors.filter((x) => x.hex_unescaped !== undefined)) {
    it(`${v.name}: the unescaped form some suites feed decodes the same with { escaped: false }`, () => {
      const unescaped = fromHex(v.hex_unescaped!)
      expect(decodeMessage(unescaped, { escaped: false })).toEqual(decodeMessage(fromHex(v.hex)))
      // Fed as if it were wire bytes, it is refused with a reason rather than misread.
      const r = tryDecodeMessage(unescaped)
      if (!r.ok) expect(r.error).toBeInstanceOf(Jt808Error)
    })
  }
})

describe('JT/T 808 vectors: negative frames', () => {
  const negatives = vectors.filter((v) => v.name.endsWith('_NEGATIVE'))
  it('every negative vector has an expected code', () => {
    expect(negatives.map((v) => v.name).sort()).toEqual(Object.keys(NEGATIVE_CODES).sort())
  })
  for (const v of negatives) {
    it(`${v.name} is rejected with ${NEGATIVE_CODES[v.name]}`, () => {
      const r = tryDecodeMessage(fromHex(v.hex))
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error.code).toBe(NEGATIVE_CODES[v.name])
        expect(r.error.message).toMatch(/0xd0.*0xf0/)
      }
    })
  }
})

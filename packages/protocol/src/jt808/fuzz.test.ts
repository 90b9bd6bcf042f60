/**
 * Property tests: whatever bytes arrive, the decoder throws nothing but `Jt808Error`; whatever it
 * decodes re-encodes without loss; the splitter finds the same frames however TCP cuts them.
 * Runs are bounded (a few thousand cases, well under a second each).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  FrameSplitter,
  Jt808Error,
  MAX_WIRE_FRAME_BYTES,
  decodeMessage,
  encodeMessage,
  escapeBytes,
  fromHex,
  unescapeBytes,
  xorChecksum,
  type Jt808Message,
} from './index.js'
import { makeHeader2013, makeHeader2019, makeLocationInput } from './test-factories.js'
import { loadVectors } from './testdata/load-vectors.js'

/** Runs `fn`; a `Jt808Error` is an acceptable outcome, anything else fails the property. */
function onlyJt808Errors<T>(fn: () => T): T | undefined {
  try {
    return fn()
  } catch (err) {
    if (err instanceof Jt808Error) return undefined
    throw err
  }
}

const seedFrames: Uint8Array[] = [
  ...loadVectors()
    .filter((v) => v.msgId !== null && !v.name.endsWith('_NEGATIVE'))
    .map((v) => fromHex(v.hex)),
  encodeMessage(makeHeader2019(), { kind: 'location', ...makeLocationInput() }),
  encodeMessage(makeHeader2019(), { kind: 'auth', authCode: 'abc', imei: '866496077582164', softwareVersion: 'V1' }),
  encodeMessage(makeHeader2019(), { kind: 'textMessage', flags: 0x0c, textType: 1, text: '车辆即将到站' }),
  encodeMessage(makeHeader2013(), { kind: 'textMessage', flags: 0x0c, textType: null, text: '车辆即将到站' }),
  encodeMessage(makeHeader2013(), { kind: 'terminalGeneralReply', ackSerial: 1, ackMsgId: 0x8300, result: 0 }),
  ...[makeHeader2013(), makeHeader2019()].map((h) =>
    encodeMessage(h, {
      kind: 'driverIdentity',
      status: 1,
      ts: Date.UTC(2026, 4, 9, 8, 42, 27),
      readResult: 0,
      card: {
        name: '王建国',
        cert: '5105242008123456',
        authority: '叙永县交通运输局',
        validUntil: '2030-12-31',
        idCard: h.protocolVersion === null ? null : '51052419800101123X',
      },
    }),
  ),
  encodeMessage(makeHeader2013(), {
    kind: 'driverIdentity',
    status: 2,
    ts: Date.UTC(2026, 4, 9, 8, 42, 27),
    readResult: null,
    card: null,
  }),
]
const seedPackets = seedFrames.map((f) => unescapeBytes(f.subarray(1, f.length - 1)))

/** Re-signs a mutated packet; optionally rewrites the declared body length so body parsers are reached. */
function resign(packet: Uint8Array, fixLength: boolean): Uint8Array {
  const signed = packet.slice(0, Math.max(0, packet.length - 1))
  if (fixLength && signed.length >= 4) {
    const attr = ((signed[2] ?? 0) << 8) | (signed[3] ?? 0)
    const headerLen = ((attr & 0x4000) !== 0 ? 17 : 12) + ((attr & 0x2000) !== 0 ? 4 : 0)
    const bodyLen = signed.length - headerLen
    if (bodyLen >= 0 && bodyLen <= 0x3ff) {
      const fixed = (attr & ~0x3ff) | bodyLen
      signed[2] = fixed >> 8
      signed[3] = fixed & 0xff
    }
  }
  const withCheck = new Uint8Array([...signed, xorChecksum(signed)])
  return new Uint8Array([0x7e, ...escapeBytes(withCheck), 0x7e])
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
)
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

function mutate(packet: Uint8Array, m: Mutation): Uint8Array {
  const bytes = [...packet]
  const at = bytes.length === 0 ? 0 : m.at % bytes.length
  switch (m.op) {
    case 'set':
      bytes[at] = m.value
      break
    case 'flip':
      bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit)
      break
    case 'insert':
      bytes.splice(at, 0, ...m.bytes)
      break
    case 'delete':
      bytes.splice(at, m.count)
      break
    case 'truncate':
      bytes.length = at
      break
  }
  return new Uint8Array(bytes)
}

const withoutBodyLength = (m: Jt808Message): Jt808Message => ({ ...m, header: { ...m.header, bodyLength: 0 } })

/** Anything decoded either re-encodes (BAD_FIELD is fine: e.g. latitude 4000°) and decodes back equal, or is refused cleanly. */
function expectLosslessIfEncodable(msg: Jt808Message): void {
  const again = onlyJt808Errors(() => decodeMessage(encodeMessage(msg.header, msg.body)))
  if (again !== undefined) expect(withoutBodyLength(again)).toEqual(withoutBodyLength(msg))
}

describe('decoder fuzz', () => {
  it('random bytes only ever raise Jt808Error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, escaped) => {
        onlyJt808Errors(() => decodeMessage(bytes, { escaped }))
        onlyJt808Errors(() => decodeMessage(new Uint8Array([0x7e, ...bytes, 0x7e]), { escaped }))
      }),
      { numRuns: 2000 },
    )
  })

  it('random packets with a valid check code and length only ever raise Jt808Error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 200 }), (bytes) => {
        const msg = onlyJt808Errors(() => decodeMessage(resign(new Uint8Array([...bytes, 0]), true)))
        if (msg) expectLosslessIfEncodable(msg)
      }),
      { numRuns: 2000 },
    )
  })

  it('mutated real frames only ever raise Jt808Error, and what decodes re-encodes losslessly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seedPackets.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        (seed, mutations, resignIt, fixLength) => {
          const packet = mutations.reduce(mutate, seedPackets[seed]!)
          const frame = resignIt ? resign(packet, fixLength) : new Uint8Array([0x7e, ...escapeBytes(packet), 0x7e])
          const msg = onlyJt808Errors(() => decodeMessage(frame))
          if (msg) expectLosslessIfEncodable(msg)
        },
      ),
      { numRuns: 4000 },
    )
  })
})

describe('splitter fuzz', () => {
  it('finds the same frames however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: seedFrames.length - 1 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
        (picks, cuts) => {
          const frames = picks.map((i) => seedFrames[i]!)
          const stream = new Uint8Array(frames.flatMap((f) => [...f]))
          const splitter = new FrameSplitter()
          const out: Uint8Array[] = []
          for (let at = 0, c = 0; at < stream.length; c++) {
            const size = cuts[c % cuts.length]!
            out.push(...splitter.push(stream.subarray(at, at + size)).frames)
            at += size
          }
          expect(out).toEqual(frames)
          expect(splitter.bufferedBytes).toBe(0)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never throws and stays bounded on random input', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 512 }), { maxLength: 20 }), (chunks) => {
        const splitter = new FrameSplitter({ maxFrameBytes: 256 })
        for (const c of chunks) {
          for (const f of splitter.push(c).frames) {
            expect(f.length).toBeLessThanOrEqual(256)
            onlyJt808Errors(() => decodeMessage(f))
          }
          expect(splitter.bufferedBytes).toBeLessThanOrEqual(254)
        }
      }),
      { numRuns: 500 },
    )
    expect(MAX_WIRE_FRAME_BYTES).toBe(2092)
  })
})

describe('location round trip', () => {
  const extras = fc.record(
    {
      mileageKm: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n / 10),
      fuelL: fc.integer({ min: 0, max: 0xffff }).map((n) => n / 10),
      recorderSpeedKmh: fc.integer({ min: 0, max: 0xffff }).map((n) => n / 10),
      signalStrength: fc.integer({ min: 0, max: 255 }),
      gnssSatellites: fc.integer({ min: 0, max: 255 }),
      other: fc.array(
        fc.record({ id: fc.integer({ min: 0x04, max: 0x2f }), bytes: fc.uint8Array({ maxLength: 40 }) }),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['other'] },
  )
  const location = fc.record({
    alarmRaw: fc.integer({ min: 0, max: 0xffffffff }),
    statusRaw: fc.integer({ min: 0, max: 0xffffffff }),
    lat: fc.integer({ min: -90_000_000, max: 90_000_000 }).map((n) => n / 1e6),
    lng: fc.integer({ min: -180_000_000, max: 180_000_000 }).map((n) => n / 1e6),
    altitudeM: fc.integer({ min: -32768, max: 32767 }),
    speedKmh: fc.integer({ min: 0, max: 0xffff }).map((n) => n / 10),
    headingDeg: fc.integer({ min: 0, max: 359 }),
    ts: fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2099, 11, 31, 15) / 1000 }).map((s) => s * 1000),
    extras,
  })

  it('encode → decode keeps every value, for both header versions', () => {
    fc.assert(
      fc.property(location, fc.boolean(), (loc, v2019) => {
        const header = v2019 ? makeHeader2019() : makeHeader2013()
        const msg = decodeMessage(encodeMessage(header, { kind: 'location', ...loc }))
        if (msg.body.kind !== 'location') throw new Error('not a location')
        const { statusRaw: _s, extras: e, ...rest } = loc
        expect(msg.body).toMatchObject({
          ...rest,
          lat: rest.lat === 0 ? 0 : rest.lat,
          lng: rest.lng === 0 ? 0 : rest.lng,
        })
        expect(msg.body.extras).toEqual(e)
        expect(msg.body.status.south).toBe(loc.lat < 0 || (loc.lat === 0 && (loc.statusRaw & 4) !== 0))
      }),
      { numRuns: 1000 },
    )
  })
})

import { describe, expect, it } from 'vitest'
import {
  Jt808Error,
  SubpackageAssembler,
  decodeBody,
  decodeFrame,
  encodeSubpackaged,
  subpackageKey,
  type Jt808Frame,
} from './index.js'
import { makeHeader2013, makeHeader2019, makeLocationInput } from './test-factories.js'

const T0 = Date.UTC(2026, 4, 9, 8, 0, 0)
const text = { kind: 'textMessage', flags: 0x0c, textType: null, text: '通知：'.repeat(200) } as const

function pieces(serial = 100, maxPieceBytes = 256): Jt808Frame[] {
  return encodeSubpackaged(makeHeader2013({ serial }), text, maxPieceBytes).map((f) => decodeFrame(f))
}

describe('encodeSubpackaged', () => {
  it('numbers pieces 1..n with consecutive serials', () => {
    const ps = pieces(100)
    expect(ps.map((p) => [p.header.serial, p.header.subpackage])).toEqual(
      ps.map((_, i) => [100 + i, { total: ps.length, index: i + 1 }]),
    )
    expect(ps.every((p) => p.body.length <= 256)).toBe(true)
  })

  it('sends a body that fits as one ordinary frame', () => {
    const frames = encodeSubpackaged(makeHeader2019(), { kind: 'location', ...makeLocationInput() })
    expect(frames).toHaveLength(1)
    expect(decodeFrame(frames[0]!).header.subpackage).toBeNull()
  })
})

describe('SubpackageAssembler', () => {
  it('joins pieces arriving out of order and decodes the whole body', () => {
    const ps = pieces()
    const asm = new SubpackageAssembler()
    const order = [...ps.keys()].reverse()
    const results = order.map((i) => asm.add(ps[i]!, T0))
    expect(results.slice(0, -1).every((r) => r.status === 'pending')).toBe(true)
    const done = results.at(-1)!
    expect(done.status).toBe('complete')
    if (done.status !== 'complete') return
    expect(done.header).toMatchObject({ serial: 100, subpackage: null, msgId: 0x8300 })
    expect(decodeBody(done.header, done.body)).toEqual(text)
    expect(asm.pendingCount).toBe(0)
  })

  it('ignores a repeated piece and lists what is missing', () => {
    const ps = pieces()
    const asm = new SubpackageAssembler()
    asm.add(ps[0]!, T0)
    const again = asm.add(ps[0]!, T0)
    expect(again).toMatchObject({ status: 'pending', received: 1, total: ps.length })
    const key = subpackageKey(ps[2]!.header)
    expect(key).toBe(subpackageKey(ps[0]!.header))
    expect(asm.missing(key)).toEqual([...Array(ps.length - 1).keys()].map((i) => i + 2))
  })

  it('keys by the first serial across the 65535 → 0 wrap', () => {
    const ps = pieces(65534)
    expect(ps[3]!.header.serial).toBe(1)
    const asm = new SubpackageAssembler()
    const last = ps.map((p) => asm.add(p, T0)).at(-1)
    expect(last?.status).toBe('complete')
    if (last?.status === 'complete') expect(last.header.serial).toBe(65534)
  })

  it('keeps messages of different terminals apart', () => {
    const a = pieces(100)
    const b = encodeSubpackaged(makeHeader2013({ serial: 100, phone: '013900000001' }), text, 256).map((f) =>
      decodeFrame(f),
    )
    const asm = new SubpackageAssembler()
    a.slice(1).forEach((p) => asm.add(p, T0))
    b.slice(1).forEach((p) => asm.add(p, T0))
    expect(asm.pendingCount).toBe(2)
    expect(asm.add(b[0]!, T0).status).toBe('complete')
    expect(asm.pendingCount).toBe(1)
  })

  it('expires a message whose pieces stop coming', () => {
    const ps = pieces()
    const asm = new SubpackageAssembler({ maxAgeMs: 60_000 })
    asm.add(ps[0]!, T0)
    expect(asm.expire(T0 + 60_000)).toEqual([])
    expect(asm.expire(T0 + 60_001)).toEqual([subpackageKey(ps[0]!.header)])
    expect(asm.add(ps[1]!, T0 + 60_002)).toMatchObject({ status: 'pending', received: 1 })
  })

  it('drops the oldest message beyond maxPending', () => {
    const asm = new SubpackageAssembler({ maxPending: 2 })
    const first = pieces(100)
    asm.add(first[0]!, T0)
    asm.add(pieces(200)[0]!, T0)
    asm.add(pieces(300)[0]!, T0)
    expect(asm.pendingCount).toBe(2)
    expect(asm.missing(subpackageKey(first[0]!.header))).toBeNull()
  })

  it('drops a message that would outgrow maxBodyBytes', () => {
    const ps = pieces()
    const asm = new SubpackageAssembler({ maxBodyBytes: 600 })
    const results = ps.map((p) => asm.add(p, T0))
    expect(results.find((r) => r.status === 'dropped')).toBeDefined()
    expect(results.some((r) => r.status === 'complete')).toBe(false)
  })

  it('refuses a packet that is not a sub-package', () => {
    const frame = decodeFrame(encodeSubpackaged(makeHeader2013(), { kind: 'heartbeat' })[0]!)
    expect(() => new SubpackageAssembler().add(frame, T0)).toThrow(Jt808Error)
  })
})

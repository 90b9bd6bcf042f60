import { describe, expect, it } from 'vitest'
import {
  FrameSplitter,
  MAX_WIRE_FRAME_BYTES,
  decodeMessage,
  encodeMessage,
  fromHex,
  type SplitResult,
} from './index.js'
import { makeHeader2013, makeHeader2019, makeLocationInput } from './test-factories.js'

const heartbeat = encodeMessage(makeHeader2013({ serial: 1 }), { kind: 'heartbeat' })
const location = encodeMessage(makeHeader2019({ serial: 2 }), {
  kind: 'location',
  // 0x7e and 0x7d inside the body, so the wire form carries escapes.
  ...makeLocationInput({ extras: { other: [{ id: 0xe1, bytes: fromHex('7e7d7e') }] } }),
})
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function pushAll(splitter: FrameSplitter, chunks: Uint8Array[]): SplitResult {
  const all: SplitResult = { frames: [], discards: [] }
  for (const c of chunks) {
    const r = splitter.push(c)
    all.frames.push(...r.frames)
    all.discards.push(...r.discards)
  }
  return all
}

describe('FrameSplitter', () => {
  it('reassembles frames fed one byte at a time', () => {
    const stream = concat(heartbeat, location)
    const r = pushAll(
      new FrameSplitter(),
      [...stream].map((b) => new Uint8Array([b])),
    )
    expect(r.frames).toEqual([heartbeat, location])
    expect(r.discards).toEqual([])
    expect(decodeMessage(r.frames[1]!).body.kind).toBe('location')
  })

  it('returns several frames from one chunk', () => {
    const r = new FrameSplitter().push(concat(heartbeat, location, heartbeat))
    expect(r.frames).toEqual([heartbeat, location, heartbeat])
  })

  it('accepts frames that share a delimiter (7e A 7e B 7e)', () => {
    const shared = concat(heartbeat, location.subarray(1))
    expect(new FrameSplitter().push(shared).frames).toEqual([heartbeat, location])
  })

  it('skips and reports garbage before and between frames', () => {
    const splitter = new FrameSplitter()
    const r = pushAll(splitter, [fromHex('2424'), heartbeat, fromHex('0d0a'), location])
    expect(r.frames).toEqual([heartbeat, location])
    expect(r.discards).toEqual([
      { reason: 'garbage', byteCount: 2 },
      { reason: 'garbage', byteCount: 2 },
    ])
  })

  it('hands longer noise between frames to the decoder, which rejects it', () => {
    const noise = new TextEncoder().encode('AT+CSQ\r\nAT+CREG?\r\n')
    const r = new FrameSplitter().push(concat(heartbeat, noise, location))
    expect(r.frames).toHaveLength(3)
    expect(r.frames[0]).toEqual(heartbeat)
    expect(r.frames[2]).toEqual(location)
    expect(() => decodeMessage(r.frames[1]!)).toThrow(/check code/)
  })

  it('holds a partial frame across pushes without emitting it', () => {
    const splitter = new FrameSplitter()
    expect(splitter.push(location.subarray(0, 10)).frames).toEqual([])
    expect(splitter.bufferedBytes).toBe(9)
    expect(splitter.push(location.subarray(10)).frames).toEqual([location])
    expect(splitter.bufferedBytes).toBe(0)
  })

  it('treats 7e 7e as an empty gap, not a frame', () => {
    expect(new FrameSplitter().push(fromHex('7e7e7e')).frames).toEqual([])
  })

  it('drops an oversize frame, reports it, and recovers at the next delimiter', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 64 })
    const junk = new Uint8Array(200).fill(0x41)
    const r = pushAll(splitter, [fromHex('7e'), junk, junk, heartbeat])
    expect(splitter.bufferedBytes).toBeLessThanOrEqual(62)
    expect(r.discards[0]).toEqual({ reason: 'oversize', byteCount: 201 })
    expect(r.discards.slice(1).reduce((n, d) => n + d.byteCount, 0)).toBe(200)
    expect(r.frames).toEqual([heartbeat])
  })

  it('never buffers more than its bound on an endless stream without delimiters', () => {
    const splitter = new FrameSplitter()
    splitter.push(fromHex('7e'))
    const chunk = new Uint8Array(4096).fill(0x30)
    let dropped = 0
    for (let i = 0; i < 50; i++) {
      dropped += splitter.push(chunk).discards.reduce((n, d) => n + d.byteCount, 0)
      expect(splitter.bufferedBytes).toBeLessThan(MAX_WIRE_FRAME_BYTES)
    }
    expect(dropped).toBe(50 * 4096 + 1)
  })

  it('reset() forgets a partial frame', () => {
    const splitter = new FrameSplitter()
    splitter.push(location.subarray(0, 20))
    splitter.reset()
    expect(splitter.push(location.subarray(20)).frames).toEqual([])
    expect(splitter.push(heartbeat).frames).toEqual([heartbeat])
  })

  it('returns frames that do not alias its buffer', () => {
    const splitter = new FrameSplitter()
    const [first] = splitter.push(heartbeat).frames
    splitter.push(location)
    expect(first).toEqual(heartbeat)
  })
})

/**
 * Sub-packaged (multi-packet) messages: split a long body into numbered packets, and join the
 * pieces back. Pieces of one message share phone and id and carry consecutive serials, so the
 * first packet's serial (serial − index + 1) names the message.
 */
import { Jt808Error } from './errors.js'
import { encodeFrame, type Jt808Frame } from './frame.js'
import { MAX_BODY_BYTES, type HeaderInput, type Jt808Header } from './header.js'
import { encodeBody, encodeMessage, msgIdOf, type Jt808BodyInput } from './message.js'

export interface AssemblerOptions {
  /** Messages in progress at once; the oldest is dropped beyond this. Default 32. */
  maxPending?: number
  /** A message not complete this long after its first piece is dropped. Default 120 s. */
  maxAgeMs?: number
  /** Largest joined body. Default 1 MiB. */
  maxBodyBytes?: number
}

export type AssembleResult =
  /** All pieces present. `header` is the first piece's, without sub-package fields; decode `body` with `decodeBody`. */
  | { status: 'complete'; header: Jt808Header; body: Uint8Array }
  | { status: 'pending'; key: string; received: number; total: number }
  | { status: 'dropped'; key: string; reason: string }

interface Pending {
  header: Jt808Header
  firstSerial: number
  pieces: (Uint8Array | undefined)[]
  received: number
  bytes: number
  firstSeenMs: number
}

/** phone : message id : first serial. */
export function subpackageKey(header: Jt808Header): string {
  const index = header.subpackage?.index ?? 1
  return `${header.phone}:${header.msgId}:${firstSerialOf(header.serial, index)}`
}

/** The serial of packet 1 of a message, from any packet's serial and number (serials wrap at 65,536). */
export const firstSerialOf = (serial: number, index: number): number =>
  (((serial - (index - 1)) % 0x10000) + 0x10000) % 0x10000

/** Packet numbers (1-based) of `total` not among `have`. */
export function missingPackets(have: Iterable<number>, total: number): number[] {
  const got = new Set(have)
  const out: number[] = []
  for (let i = 1; i <= total; i++) if (!got.has(i)) out.push(i)
  return out
}

/** The bodies of packets 1..n joined in order. */
export function joinPieces(pieces: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const piece of pieces) {
    joined.set(piece, at)
    at += piece.length
  }
  return joined
}

/** Joins sub-packaged bodies. Holds state but does no I/O; time comes in as `nowMs`. */
export class SubpackageAssembler {
  readonly #pending = new Map<string, Pending>()
  readonly #maxPending: number
  readonly #maxAgeMs: number
  readonly #maxBodyBytes: number

  constructor(options: AssemblerOptions = {}) {
    this.#maxPending = options.maxPending ?? 32
    this.#maxAgeMs = options.maxAgeMs ?? 120_000
    this.#maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  }

  get pendingCount(): number {
    return this.#pending.size
  }

  /** Adds one checked packet (from `decodeFrame`) whose header has sub-package fields. */
  add(frame: Jt808Frame, nowMs: number): AssembleResult {
    const { header, body } = frame
    const sub = header.subpackage
    if (sub === null) throw new Jt808Error('BAD_FIELD', 'this packet is not part of a sub-packaged message')
    this.expire(nowMs)
    const key = subpackageKey(header)
    let entry = this.#pending.get(key)
    // Same key, different total: the serial wrapped and this is a new message.
    if (entry === undefined || entry.pieces.length !== sub.total) {
      this.#pending.delete(key)
      entry = {
        header,
        firstSerial: firstSerialOf(header.serial, sub.index),
        pieces: new Array<Uint8Array | undefined>(sub.total).fill(undefined),
        received: 0,
        bytes: 0,
        firstSeenMs: nowMs,
      }
      this.#pending.set(key, entry)
      this.#enforceMaxPending()
    }
    const slot = sub.index - 1
    const previous = entry.pieces[slot]
    entry.bytes += body.length - (previous?.length ?? 0)
    if (previous === undefined) entry.received++
    entry.pieces[slot] = body
    if (sub.index === 1) entry.header = header
    if (entry.bytes > this.#maxBodyBytes) {
      this.#pending.delete(key)
      return { status: 'dropped', key, reason: `joined body would exceed ${this.#maxBodyBytes} bytes` }
    }
    if (entry.received < sub.total) return { status: 'pending', key, received: entry.received, total: sub.total }
    this.#pending.delete(key)
    const joined = joinPieces(entry.pieces.filter((p): p is Uint8Array => p !== undefined))
    const complete: Jt808Header = {
      ...entry.header,
      serial: entry.firstSerial,
      subpackage: null,
      bodyLength: joined.length,
    }
    return { status: 'complete', header: complete, body: joined }
  }

  /** Indices (1-based) still missing, for a retransmission request (0x8003); null if unknown. */
  missing(key: string): number[] | null {
    const entry = this.#pending.get(key)
    if (entry === undefined) return null
    return missingPackets(
      entry.pieces.flatMap((p, i) => (p === undefined ? [] : [i + 1])),
      entry.pieces.length,
    )
  }

  /** Drops messages older than `maxAgeMs`; returns their keys. */
  expire(nowMs: number): string[] {
    const gone: string[] = []
    for (const [key, entry] of this.#pending) {
      if (nowMs - entry.firstSeenMs > this.#maxAgeMs) gone.push(key)
    }
    for (const key of gone) this.#pending.delete(key)
    return gone
  }

  #enforceMaxPending(): void {
    // Map keeps insertion order, so the first key is the oldest message.
    while (this.#pending.size > this.#maxPending) {
      const oldest = this.#pending.keys().next()
      if (oldest.done === true) return
      this.#pending.delete(oldest.value)
    }
  }
}

/**
 * Encodes a body too long for one packet as numbered packets with consecutive serials
 * (header.serial, +1, …). A body that fits is sent as one ordinary frame.
 */
export function encodeSubpackaged(
  header: HeaderInput,
  body: Jt808BodyInput,
  maxPieceBytes = MAX_BODY_BYTES,
): Uint8Array[] {
  if (!Number.isInteger(maxPieceBytes) || maxPieceBytes < 1 || maxPieceBytes > MAX_BODY_BYTES) {
    throw new Jt808Error('BAD_FIELD', `maxPieceBytes must be 1..${MAX_BODY_BYTES}, got ${maxPieceBytes}`)
  }
  if (!Number.isInteger(header.serial) || header.serial < 0 || header.serial > 0xffff) {
    throw new Jt808Error('BAD_FIELD', `serial must be an integer in 0..65535, got ${header.serial}`)
  }
  const plain = { ...header, subpackage: null }
  const bytes = encodeBody(body, header.protocolVersion)
  if (bytes.length <= maxPieceBytes) return [encodeMessage(plain, body)]
  const total = Math.ceil(bytes.length / maxPieceBytes)
  if (total > 0xffff) throw new Jt808Error('BAD_FIELD', `body needs ${total} packets; the total field holds 65535`)
  const frames: Uint8Array[] = []
  for (let i = 0; i < total; i++) {
    const piece = bytes.subarray(i * maxPieceBytes, (i + 1) * maxPieceBytes)
    const pieceHeader = { ...plain, serial: (header.serial + i) % 0x10000, subpackage: { total, index: i + 1 } }
    frames.push(encodeFrame(msgIdOf(body), pieceHeader, piece))
  }
  return frames
}

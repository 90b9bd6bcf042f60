/**
 * Stream splitter: TCP chunks in, whole `7e … 7e` frames out. Pure state machine, no I/O.
 * A closing 0x7e may also open the next frame (`7e A 7e B 7e`), and `7e 7e` is just an empty
 * gap, so both ways terminals separate frames work. The buffer never grows past `maxFrameBytes`.
 * Runs too short to be a message are reported as garbage; longer noise between frames comes out
 * as a frame and is rejected by the decoder (`BAD_CHECKSUM`, …).
 */
import { Jt808Error } from './errors.js'
import { FRAME_FLAG } from './frame.js'
import { MAX_BODY_BYTES } from './header.js'

/** Largest legal frame on the wire: 2019 sub-package header (21) + full body + check code, all escaped, plus delimiters. */
export const MAX_WIRE_FRAME_BYTES = 2 + 2 * (21 + MAX_BODY_BYTES + 1)

/** Shortest message: a 2013 header (12 bytes) and the check code; escaping only lengthens it. */
const MIN_CONTENT_BYTES = 13

export interface SplitterOptions {
  /** Frames longer than this (escaped, with delimiters) are dropped. Default `MAX_WIRE_FRAME_BYTES`. */
  maxFrameBytes?: number
}

export interface Discard {
  /** `garbage`: bytes outside any frame. `oversize`: a frame that outgrew the buffer. */
  reason: 'garbage' | 'oversize'
  byteCount: number
}

export interface SplitResult {
  /** Complete frames, each a fresh copy starting and ending with 0x7e, still escaped. */
  frames: Uint8Array[]
  discards: Discard[]
}

export class FrameSplitter {
  readonly #maxContent: number
  readonly #buf: Uint8Array
  #len = 0
  /** An opening 0x7e has been seen and content is being collected. */
  #open = false
  /** Bytes skipped since the last report. */
  #garbage = 0

  constructor(options: SplitterOptions = {}) {
    const max = options.maxFrameBytes ?? MAX_WIRE_FRAME_BYTES
    if (!Number.isInteger(max) || max < 3)
      throw new Jt808Error('BAD_FIELD', `maxFrameBytes must be an integer ≥ 3, got ${max}`)
    this.#maxContent = max - 2
    this.#buf = new Uint8Array(this.#maxContent)
  }

  /** Bytes held for a frame not yet closed. */
  get bufferedBytes(): number {
    return this.#len
  }

  push(chunk: Uint8Array): SplitResult {
    const out: SplitResult = { frames: [], discards: [] }
    let i = 0
    while (i < chunk.length) {
      const flag = chunk.indexOf(FRAME_FLAG, i)
      const end = flag === -1 ? chunk.length : flag
      if (end > i) this.#collect(chunk.subarray(i, end), out)
      if (flag === -1) break
      this.#onFlag(out)
      i = flag + 1
    }
    this.#reportGarbage(out)
    return out
  }

  /** Forgets any partial frame, e.g. when the connection is replaced. */
  reset(): void {
    this.#len = 0
    this.#open = false
    this.#garbage = 0
  }

  #collect(run: Uint8Array, out: SplitResult): void {
    if (!this.#open) {
      this.#garbage += run.length
      return
    }
    if (this.#len + run.length > this.#maxContent) {
      // Count the opening flag too: everything of this frame seen so far is gone.
      out.discards.push({ reason: 'oversize', byteCount: 1 + this.#len + run.length })
      this.#len = 0
      this.#open = false
      return
    }
    this.#buf.set(run, this.#len)
    this.#len += run.length
  }

  #onFlag(out: SplitResult): void {
    this.#reportGarbage(out)
    if (this.#open && this.#len > 0 && this.#len < MIN_CONTENT_BYTES) {
      // Too short to be a message: line noise between frames, not worth a decode attempt.
      this.#garbage += this.#len
      this.#reportGarbage(out)
      this.#len = 0
    } else if (this.#open && this.#len > 0) {
      const frame = new Uint8Array(this.#len + 2)
      frame[0] = FRAME_FLAG
      frame.set(this.#buf.subarray(0, this.#len), 1)
      frame[frame.length - 1] = FRAME_FLAG
      out.frames.push(frame)
      this.#len = 0
    }
    this.#open = true
  }

  #reportGarbage(out: SplitResult): void {
    if (this.#garbage > 0) {
      out.discards.push({ reason: 'garbage', byteCount: this.#garbage })
      this.#garbage = 0
    }
  }
}

/** Big-endian readers and writers over Uint8Array; every overrun becomes a `TRUNCATED` Jt808Error. */
import { Jt808Error } from './errors.js'

export class ByteReader {
  #pos = 0
  readonly #bytes: Uint8Array
  /** Names the structure being read, so an overrun says where it happened. */
  readonly #what: string

  constructor(bytes: Uint8Array, what: string) {
    this.#bytes = bytes
    this.#what = what
  }

  get remaining(): number {
    return this.#bytes.length - this.#pos
  }

  get offset(): number {
    return this.#pos
  }

  #take(n: number, field: string): number {
    if (n > this.remaining) {
      throw new Jt808Error(
        'TRUNCATED',
        `${this.#what}: ${field} needs ${n} byte(s) at offset ${this.#pos} but only ${this.remaining} remain`,
      )
    }
    const at = this.#pos
    this.#pos += n
    return at
  }

  u8(field: string): number {
    return this.#bytes[this.#take(1, field)] ?? 0
  }

  u16(field: string): number {
    const at = this.#take(2, field)
    return ((this.#bytes[at] ?? 0) << 8) | (this.#bytes[at + 1] ?? 0)
  }

  u32(field: string): number {
    const at = this.#take(4, field)
    // Multiply rather than shift: `<< 24` would turn bit 31 into a sign bit.
    return (
      (this.#bytes[at] ?? 0) * 0x1000000 +
      (((this.#bytes[at + 1] ?? 0) << 16) | ((this.#bytes[at + 2] ?? 0) << 8) | (this.#bytes[at + 3] ?? 0))
    )
  }

  /** A copy, so decoded messages never alias the caller's (reusable) buffer. */
  bytes(n: number, field: string): Uint8Array {
    const at = this.#take(n, field)
    return this.#bytes.slice(at, at + n)
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest')
  }
}

export class ByteWriter {
  #buf = new Uint8Array(64)
  #len = 0

  #room(n: number): number {
    if (this.#len + n > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n))
      next.set(this.#buf.subarray(0, this.#len))
      this.#buf = next
    }
    const at = this.#len
    this.#len += n
    return at
  }

  u8(value: number, field: string): this {
    checkUint(value, 0xff, field)
    const at = this.#room(1)
    this.#buf[at] = value
    return this
  }

  u16(value: number, field: string): this {
    checkUint(value, 0xffff, field)
    const at = this.#room(2)
    this.#buf[at] = value >>> 8
    this.#buf[at + 1] = value & 0xff
    return this
  }

  u32(value: number, field: string): this {
    checkUint(value, 0xffffffff, field)
    const at = this.#room(4)
    this.#buf[at] = (value >>> 24) & 0xff
    this.#buf[at + 1] = (value >>> 16) & 0xff
    this.#buf[at + 2] = (value >>> 8) & 0xff
    this.#buf[at + 3] = value & 0xff
    return this
  }

  bytes(value: Uint8Array): this {
    // #room may replace #buf, so it must run before #buf is read.
    const at = this.#room(value.length)
    this.#buf.set(value, at)
    return this
  }

  get length(): number {
    return this.#len
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len)
  }
}

function checkUint(value: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Jt808Error('BAD_FIELD', `${field} must be an integer in 0..${max}, got ${value}`)
  }
}

export function toHex(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

/** Hex text (whitespace ignored) → bytes; for tests, logs and fixtures. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '')
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new Jt808Error('BAD_FIELD', 'hex text must have an even number of hex digits')
  }
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16)
  return out
}

/** The one error type the JT/T 808 codec throws; `code` is stable, `message` is for people. */

export type Jt808ErrorCode =
  /** Not a 0x7e-delimited frame, a raw 0x7e inside it, or a header field out of range. */
  | 'BAD_FRAME'
  /** 0x7d followed by anything but 0x01 / 0x02, or a dangling 0x7d. */
  | 'BAD_ESCAPE'
  /** XOR check code does not match the bytes. */
  | 'BAD_CHECKSUM'
  /** A field runs past the end of the frame or body. */
  | 'TRUNCATED'
  /** A declared length (header body length, batch count, fixed body size) disagrees with the bytes. */
  | 'LENGTH_MISMATCH'
  /** A BCD field holds a nibble above 9. */
  | 'BAD_BCD'
  /** A BCD time is not a real calendar instant (month 13, 25 o'clock, 31 February). */
  | 'BAD_TIME'
  /** A field holds a value the standard does not define and the rest of the body depends on (an IC card status other than 1 or 2). */
  | 'BAD_VALUE'
  /** Valid JT/T 808 the codec does not handle (RSA-encrypted bodies). */
  | 'UNSUPPORTED'
  /** An encoder was handed a value that cannot be put on the wire. */
  | 'BAD_FIELD'

export class Jt808Error extends Error {
  override readonly name = 'Jt808Error'
  readonly code: Jt808ErrorCode

  constructor(code: Jt808ErrorCode, message: string) {
    super(message)
    this.code = code
  }
}

/** Non-throwing outcome of a decode. */
export type Jt808Result<T> = { ok: true; value: T } | { ok: false; error: Jt808Error }

/** Runs `fn`, turning a thrown `Jt808Error` into a result; anything else is a bug and is rethrown. */
export function attempt<T>(fn: () => T): Jt808Result<T> {
  try {
    return { ok: true, value: fn() }
  } catch (err) {
    if (err instanceof Jt808Error) return { ok: false, error: err }
    throw err
  }
}

export const hex = (n: number, width = 4): string => `0x${n.toString(16).padStart(width, '0')}`

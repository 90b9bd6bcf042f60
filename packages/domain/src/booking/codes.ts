/** Booking codes a villager reads out to the driver, and the phone numbers they are tied to. */
import { AppError } from '../errors.js'

/** No 0/O, 1/I/L or U/V pairs to confuse on a cheap phone screen or when read aloud. */
export const BOOKING_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ'
export const BOOKING_CODE_LENGTH = 6

/** A random source: an integer in [0, n). The server passes `crypto.randomInt`. */
export type RandomInt = (n: number) => number

/** A fresh booking code (29^6 ≈ 595 million codes; uniqueness is the database's job). */
export function generateBookingCode(randomInt: RandomInt): string {
  let code = ''
  for (let i = 0; i < BOOKING_CODE_LENGTH; i++) {
    const k = randomInt(BOOKING_CODE_ALPHABET.length)
    if (!Number.isInteger(k) || k < 0 || k >= BOOKING_CODE_ALPHABET.length)
      throw new RangeError(`random source gave ${k}, not an integer in [0, ${BOOKING_CODE_ALPHABET.length})`)
    code += BOOKING_CODE_ALPHABET[k]
  }
  return code
}

const CODE = new RegExp(`^[${BOOKING_CODE_ALPHABET}]{${BOOKING_CODE_LENGTH}}$`)

/** What a person typed → the code, or null: case, spaces and dashes do not matter. */
export function normalizeBookingCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '')
  return CODE.test(code) ? code : null
}

/**
 * A phone number as stored: digits only, without the +86 / 0086 country prefix. Mobile
 * (13812345678) and landline numbers with area code (0830-6222222) are both accepted.
 */
export function normalizePhone(typed: string): string {
  const compact = typed.replace(/[\s\-().]/g, '')
  if (!/^\+?\d+$/.test(compact))
    throw new AppError('VALIDATION_FAILED', 'the phone number may only hold digits, spaces, dashes and a leading +', {
      field: 'phone',
    })
  const digits = compact.replace(/^(\+86|0086)(?=\d{11}$)/, '').replace(/^\+/, '')
  if (digits.length < 7 || digits.length > 15)
    throw new AppError('VALIDATION_FAILED', `the phone number needs 7–15 digits, not ${digits.length}`, {
      field: 'phone',
    })
  return digits
}

/** A passenger name as stored: trimmed, inner runs of space collapsed, 1–40 characters. */
export function normalizeName(typed: string): string {
  const name = typed.trim().replace(/\s+/g, ' ')
  if (name.length === 0 || [...name].length > 40)
    throw new AppError('VALIDATION_FAILED', 'the passenger name needs 1–40 characters', { field: 'name' })
  return name
}

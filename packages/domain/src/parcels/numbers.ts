/** Unified parcel numbers (`XY-P-20261207-0042`), what a scan or a typed number becomes, pickup codes. */
import type { ServiceDate } from '../calendar/index.js'
import type { RandomInt } from '../booking/codes.js'

/** Parcels a post office numbers per county and day before the number grows a fifth digit. */
const DIGITS = 4

export function formatParcelNumber(prefix: string, date: ServiceDate, n: number): string {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`parcel number of the day must be a positive integer, not ${n}`)
  return `${prefix}-P-${date.replaceAll('-', '')}-${String(n).padStart(DIGITS, '0')}`
}

const NUMBER = /^([A-Z]{1,6})-P-(\d{8})-(\d{4,6})$/

export const PARCEL_NUMBER_PATTERN = '^[A-Z]{1,6}-P-\\d{8}-\\d{4,6}$'

/**
 * What was scanned or typed → the parcel number, or null. A label's QR holds the tracking
 * address (`https://…/p/XY-P-20261207-0042`); a person may type the number in lower case, with
 * spaces, or without the dashes after P.
 */
export function readParcelNumber(scanned: string): string | null {
  const text = scanned.trim()
  const fromUrl = /\/p\/([A-Za-z0-9-]+)\/?(?:[?#].*)?$/.exec(text)?.[1] ?? text
  const compact = fromUrl.toUpperCase().replace(/\s+/g, '')
  if (NUMBER.test(compact)) return compact
  const loose = /^([A-Z]{1,6})-?P-?(\d{8})-?(\d{4,6})$/.exec(compact)
  return loose ? `${loose[1]}-P-${loose[2]}-${loose[3]}` : null
}

export const PICKUP_CODE_LENGTH = 6

/** Six random digits (the recipient gets them by SMS on arrival). */
export function generatePickupCode(randomInt: RandomInt): string {
  let code = ''
  for (let i = 0; i < PICKUP_CODE_LENGTH; i++) {
    const k = randomInt(10)
    if (!Number.isInteger(k) || k < 0 || k > 9) throw new RangeError(`random source gave ${k}, not a digit`)
    code += String(k)
  }
  return code
}

/** The last four digits of a phone number, as a recipient says them at the counter. */
export const phoneLast4 = (phone: string): string => phone.replace(/\D/g, '').slice(-4)

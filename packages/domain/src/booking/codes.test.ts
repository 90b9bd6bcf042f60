import { describe, expect, it } from 'vitest'
import {
  BOOKING_CODE_ALPHABET,
  generateBookingCode,
  normalizeBookingCode,
  normalizeName,
  normalizePhone,
} from './codes.js'

/** A deterministic random source (mulberry32). */
const seeded =
  (seed: number) =>
  (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n)
  }

describe('booking codes', () => {
  it('are 6 characters from an alphabet without look-alikes', () => {
    expect(BOOKING_CODE_ALPHABET).not.toMatch(/[01ILOUV]/)
    const code = generateBookingCode(seeded(7))
    expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}$/)
  })

  it('follow the random source: the same source gives the same code, the edges of the range map to the ends of the alphabet', () => {
    expect(generateBookingCode(seeded(42))).toBe(generateBookingCode(seeded(42)))
    expect(generateBookingCode(() => 0)).toBe('222222')
    expect(generateBookingCode((n) => n - 1)).toBe('ZZZZZZ')
  })

  it('rejects a random source that answers out of range', () => {
    expect(() => generateBookingCode((n) => n)).toThrow(RangeError)
    expect(() => generateBookingCode(() => -1)).toThrow(RangeError)
    expect(() => generateBookingCode(() => 0.5)).toThrow(RangeError)
  })

  it('rarely repeat: 10,000 codes from a seeded source are distinct', () => {
    const next = seeded(1)
    const codes = new Set(Array.from({ length: 10_000 }, () => generateBookingCode(next)))
    expect(codes.size).toBe(10_000)
  })

  it('are read back whatever the case, spaces and dashes', () => {
    expect(normalizeBookingCode(' k7m-3qx ')).toBe('K7M3QX')
    expect(normalizeBookingCode('K7M3Q')).toBeNull()
    expect(normalizeBookingCode('K7M3QO')).toBeNull()
    expect(normalizeBookingCode('')).toBeNull()
  })
})

describe('phones and names', () => {
  it('stores digits only, without the country prefix', () => {
    expect(normalizePhone('138 1234 5678')).toBe('13812345678')
    expect(normalizePhone('+86 138-1234-5678')).toBe('13812345678')
    expect(normalizePhone('008613812345678')).toBe('13812345678')
    expect(normalizePhone('0830-6222222')).toBe('08306222222')
    expect(normalizePhone('(0830) 622 2222')).toBe('08306222222')
  })

  it('refuses letters, too few and too many digits', () => {
    expect(() => normalizePhone('138abc45678')).toThrow('may only hold digits')
    expect(() => normalizePhone('123456')).toThrow('7–15 digits, not 6')
    expect(() => normalizePhone('1234567890123456')).toThrow('not 16')
    expect(() => normalizePhone('')).toThrow()
  })

  it('trims names and counts characters, not bytes', () => {
    expect(normalizeName('  王  建国 ')).toBe('王 建国')
    expect(normalizeName('阿'.repeat(40))).toHaveLength(40)
    expect(() => normalizeName('阿'.repeat(41))).toThrow('1–40 characters')
    expect(() => normalizeName('   ')).toThrow()
  })
})

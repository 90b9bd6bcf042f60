import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import { serviceDate } from '../calendar/index.js'
import { formatParcelNumber, generatePickupCode, phoneLast4, readParcelNumber } from './numbers.js'
import { DEFAULT_TARIFF, checkWeight, distanceBand, feeFor, tariffProblems, yuan } from './tariff.js'
import { cleanConsignment, isOpenAt, parseHours } from './consign.js'

describe('parcel numbers', () => {
  it('formats and reads back what was scanned or typed', () => {
    expect(formatParcelNumber('XY', serviceDate('2026-12-07'), 42)).toBe('XY-P-20261207-0042')
    expect(readParcelNumber('https://bus.example.cn/p/XY-P-20261207-0042')).toBe('XY-P-20261207-0042')
    expect(readParcelNumber(' xy-p-20261207-0042 ')).toBe('XY-P-20261207-0042')
    expect(readParcelNumber('XYP202612070042')).toBe('XY-P-20261207-0042')
    expect(readParcelNumber('XY-0042')).toBeNull()
    expect(() => formatParcelNumber('XY', serviceDate('2026-12-07'), 0)).toThrow(RangeError)
  })
  it("makes six-digit pickup codes and reads the phone's last four", () => {
    const digits = [4, 8, 2, 9, 1, 3]
    expect(generatePickupCode(() => digits.shift() as number)).toBe('482913')
    expect(phoneLast4('139-1234-5678')).toBe('5678')
  })
})

describe('tariff and consignment', () => {
  it('charges by size and distance band', () => {
    expect(distanceBand(DEFAULT_TARIFF, 10_000)).toBe(0)
    expect(distanceBand(DEFAULT_TARIFF, 10_001)).toBe(1)
    expect(feeFor(DEFAULT_TARIFF, 'M', 45_000)).toBe(900)
    expect(yuan(750)).toBe('7.50')
    expect(tariffProblems(DEFAULT_TARIFF)).toEqual([])
    expect(tariffProblems({ ...DEFAULT_TARIFF, bandsKm: [30, 10] })).toContain('bandsKm must be positive and ascending')
    expect(tariffProblems({ ...DEFAULT_TARIFF, feesFen: { ...DEFAULT_TARIFF.feesFen, S: [1, 2] } })).toContain(
      'feesFen.S needs 3 fees (one per band)',
    )
  })
  it('refuses a parcel too heavy for its size, or sent to where it is', () => {
    expect(refusal(() => checkWeight(DEFAULT_TARIFF, 'S', 3.5))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'weightKg' },
    })
    const input = {
      fromPoint: 'A',
      toPoint: 'B',
      sender: { name: ' 张 三 ', phone: '+86 138 0000 0001' },
      recipient: { name: '李四', phone: '13912345678' },
      sizeClass: 'S' as const,
      weightKg: 1.234,
    }
    expect(cleanConsignment(input, DEFAULT_TARIFF)).toMatchObject({
      weightKg: 1.23,
      sender: { name: '张 三', phone: '13800000001' },
    })
    expect(refusal(() => cleanConsignment({ ...input, toPoint: 'A' }, DEFAULT_TARIFF))).toMatchObject({
      details: { field: 'toPoint' },
    })
    expect(
      refusal(() => cleanConsignment({ ...input, recipient: { name: '李四', phone: '12ab' } }, DEFAULT_TARIFF)),
    ).toMatchObject({ details: { field: 'recipient.phone' } })
  })
  it('reads opening hours in local time', () => {
    expect(parseHours('08:00-18:30')).toEqual({ open: 480, close: 1110 })
    expect(refusal(() => parseHours('8-18'))).toMatchObject({ details: { field: 'hours' } })
    expect(isOpenAt('08:00-18:00', Date.parse('2026-12-07T01:00:00Z'))).toBe(true)
    expect(isOpenAt('08:00-18:00', Date.parse('2026-12-07T11:00:00Z'))).toBe(false)
  })
})

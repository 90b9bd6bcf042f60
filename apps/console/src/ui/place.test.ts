import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLang } from '../i18n/index.js'
import type { Stop } from '@rb/domain'
import { distanceM, placeName } from './place.js'

const stop = (code: string, point: [number, number], over: Partial<Stop> = {}): Stop => ({
  code,
  name: `站${code.slice(-1)}`,
  nameEn: '',
  townshipId: 'T-A',
  point,
  status: 'ok',
  installedOn: null,
  ...over,
})
const towns = (id: string): string | undefined => (id === 'T-A' ? '江门镇' : undefined)

describe('place in words', () => {
  beforeAll(() => useLang('en'))
  afterAll(() => useLang('zh'))

  it('measures a degree of latitude as about 111 km', () => {
    expect(distanceM([105, 28], [105, 29])).toBeGreaterThan(111_000)
    expect(distanceM([105, 28], [105, 29])).toBeLessThan(111_400)
  })

  it('names the nearest sign in use, its distance and township, and the coordinates', () => {
    const stops = [
      stop('XY-0001', [105.44, 28.16]),
      stop('XY-0002', [105.45, 28.16]),
      stop('XY-0003', [105.441, 28.16], { status: 'removed' }),
    ]
    expect(placeName([105.4402, 28.1601], stops, towns)).toBe('near 站1 XY-0001 (23 m), 江门镇 · 28.16010, 105.44020')
    expect(placeName([105.47, 28.16], stops, towns)).toMatch(/^near 站2 XY-0002 \(2\.0 km\), 江门镇 · /)
    expect(placeName([105.47, 28.16], [], towns)).toBe('28.16000, 105.47000')
  })
})

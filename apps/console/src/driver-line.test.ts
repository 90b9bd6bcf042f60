import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLang } from './i18n/index.js'
import { driverLine } from './driver-line.js'

const who = (code: string) => (code === 'XY-D007' ? { name: '王建国', pioneer: true } : undefined)

describe('vehicle panel driver line', () => {
  // The words as the English page shows them (the Chinese ones are the catalogue's, checked in i18n.test.ts).
  beforeAll(() => useLang('en'))
  afterAll(() => useLang('zh'))

  it('says whether the driver comes from the bus or from the roster', () => {
    expect(driverLine({ driverCode: 'XY-D007', driverSource: 'card', rosteredDriverCode: 'XY-D007' }, who)).toBe(
      '王建国 · XY-D007 ★ (IC card)',
    )
    expect(driverLine({ driverCode: 'XY-D007', driverSource: 'roster', rosteredDriverCode: 'XY-D007' }, who)).toBe(
      '王建国 · XY-D007 ★ (roster)',
    )
    expect(driverLine({ driverCode: 'XY-D011', driverSource: 'app', rosteredDriverCode: null }, who)).toBe(
      'XY-D011 (driver page)',
    )
  })

  it('names the rostered driver when someone else is at the wheel, and an unknown card as unknown', () => {
    expect(driverLine({ driverCode: 'XY-D011', driverSource: 'device', rosteredDriverCode: 'XY-D007' }, who)).toBe(
      'XY-D011 (device) · rostered XY-D007',
    )
    expect(driverLine({ driverCode: null, driverSource: 'card', rosteredDriverCode: 'XY-D007' }, who)).toBe(
      'unknown driver (IC card) · rostered XY-D007',
    )
    expect(driverLine({ driverCode: null, driverSource: null, rosteredDriverCode: null }, who)).toBe('—')
    expect(driverLine(null, who)).toBe('—')
  })
})

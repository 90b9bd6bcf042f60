import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLang } from '../i18n/index.js'
import { delayFigure, punctualityText } from './format.js'

describe('delay and punctuality', () => {
  // The words as the English page shows them (the Chinese ones are the catalogue's, checked in i18n.test.ts).
  beforeAll(() => useLang('en'))
  afterAll(() => useLang('zh'))

  it('writes a delay as a figure, seconds under a minute', () => {
    expect(delayFigure(14)).toBe('+14 s')
    expect(delayFigure(-59.6)).toBe('−1 min')
    expect(delayFigure(360)).toBe('+6 min')
    expect(delayFigure(-130)).toBe('−2 min')
    expect(delayFigure(0)).toBe('±0 s')
    expect(delayFigure(null)).toBe('—')
  })

  it('says late or early only as the server judged it', () => {
    expect(punctualityText('on_time', 14)).toBe('On time · +14 s')
    expect(punctualityText('on_time', 250)).toBe('On time · +4 min')
    expect(punctualityText('late', 360)).toBe('Late · +6 min')
    expect(punctualityText('early', -130)).toBe('Early · −2 min')
    expect(punctualityText(null, 400)).toBe('+7 min')
    expect(punctualityText('late', null)).toBe('Late')
  })
})

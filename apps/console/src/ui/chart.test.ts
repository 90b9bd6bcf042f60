import { describe, expect, it } from 'vitest'
import { niceMax } from './chart.js'

describe('niceMax', () => {
  it('rounds an axis top up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(2)).toBe(2)
    expect(niceMax(2.2)).toBe(5)
    expect(niceMax(7)).toBe(10)
    expect(niceMax(10)).toBe(10)
    expect(niceMax(11)).toBe(20)
    expect(niceMax(480)).toBe(500)
    expect(niceMax(0.03)).toBe(0.05)
  })
  it('an empty or zero series still has an axis', () => {
    expect(niceMax(0)).toBe(1)
    expect(niceMax(Number.NaN)).toBe(1)
  })
})

import { describe, expect, it } from 'vitest'
import { passwordProblem, roleAllows } from './index.js'

describe('roles', () => {
  it('lets admin pass every check and others only their own', () => {
    expect(roleAllows('admin', ['dispatcher'])).toBe(true)
    expect(roleAllows('admin', [])).toBe(true)
    expect(roleAllows('dispatcher', ['dispatcher', 'operator'])).toBe(true)
    expect(roleAllows('driver', ['dispatcher', 'operator'])).toBe(false)
    expect(roleAllows('operator', ['admin'])).toBe(false)
  })
})

describe('passwordProblem', () => {
  const known = ['password123', 'demo-driver']
  it('accepts a long, varied password', () => {
    expect(passwordProblem('mountain-bus-7-route', 'wang', known)).toBeNull()
  })
  it.each([
    ['short1', /at least 10/],
    ['wang-li-2026-bus', /user name/],
    ['PASSWORD123', /published or default/],
    ['demo-driver', /published or default/],
    ['abababababab', /too few different/],
    ['长'.repeat(70), /at most 200 bytes/],
  ])('refuses %s', (pw, why) => {
    expect(passwordProblem(pw, 'wang-li', known)).toMatch(why)
  })
})

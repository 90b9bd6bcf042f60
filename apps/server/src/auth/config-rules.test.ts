import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.js'
import { deviceAuthEnabled } from './index.js'

describe('security configuration', () => {
  it('refuses DEVICE_AUTH=off in production and turns auto on there only', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEVICE_AUTH: 'off' })).toThrow(/DEVICE_AUTH="off"/)
    expect(deviceAuthEnabled(loadConfig({ NODE_ENV: 'production' }))).toBe(true)
    expect(deviceAuthEnabled(loadConfig({}))).toBe(false)
    expect(deviceAuthEnabled(loadConfig({ DEVICE_AUTH: 'on' }))).toBe(true)
  })

  it('refuses a weak or published ADMIN_PASSWORD at start, naming the rule', () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: 'admin' })).toThrow(
      /ADMIN_PASSWORD: the password must be at least 10 characters/,
    )
    expect(() => loadConfig({ ADMIN_PASSWORD: 'password123' })).toThrow(/published or default/)
    expect(() => loadConfig({ ADMIN_PASSWORD: 'demo-operator' })).toThrow(/published or default/)
    expect(loadConfig({ ADMIN_PASSWORD: 'county-Office-2026!' }).adminPassword).toBe('county-Office-2026!')
  })
})

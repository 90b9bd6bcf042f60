import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { spawnServer } from '../support/child.js'
import { startServer } from '../support/server.js'
import { buildApp } from '../../apps/server/src/app.js'
import { loadConfig } from '../../apps/server/src/config.js'

describe('start-up errors', () => {
  it('a taken MQTT port is a clear error naming the variable to change', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const addr = blocker.address()
    const port = typeof addr === 'object' && addr ? addr.port : 0
    try {
      await expect(startServer({ MQTT_PORT: String(port) })).rejects.toThrow(`port ${port} is already in use; set MQTT_PORT`)
    } finally {
      blocker.close()
    }
  })

  it('a taken default port (MQTT_PORT unset) falls back to a free one and says so', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const addr = blocker.address()
    const taken = typeof addr === 'object' && addr ? addr.port : 0
    const config = { ...loadConfig({ DATA_DIR: 'memory', HOST: '127.0.0.1', LOG_LEVEL: 'silent', JT808_PORT: '0', DEMO_DATA: 'off' }), mqttPort: taken }
    expect(config.defaulted.has('MQTT_PORT')).toBe(true)
    const app = await buildApp(config)
    try {
      expect(app.rb.mqttPort).toBeGreaterThan(0)
      expect(app.rb.mqttPort).not.toBe(taken)
    } finally {
      await app.close()
      blocker.close()
    }
  })

  it('bad configuration stops the process with every problem listed', async () => {
    await expect(spawnServer({ DATA_DIR: 'memory', PORT: 'x', RETENTION_DAYS: '7' })).rejects.toThrow(/invalid configuration:[\s\S]*PORT="x"[\s\S]*RETENTION_DAYS="7"/)
  })
})

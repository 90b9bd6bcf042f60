import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { freePort, spawnServer } from '../support/child.js'
import { startServer, TEST_TEMPLATE_DIR } from '../support/server.js'
import { buildApp } from '../../apps/server/src/app.js'
import { loadConfig } from '../../apps/server/src/config.js'

describe('start-up errors', () => {
  it('a taken MQTT port is a clear error naming the variable to change', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const addr = blocker.address()
    const port = typeof addr === 'object' && addr ? addr.port : 0
    try {
      await expect(startServer({ MQTT_PORT: String(port) })).rejects.toThrow(
        `port ${port} is already in use; set MQTT_PORT`,
      )
    } finally {
      blocker.close()
    }
  })

  it('a taken default port (MQTT_PORT unset) falls back to a free one and says so', async () => {
    const blocker = createServer()
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()))
    const addr = blocker.address()
    const taken = typeof addr === 'object' && addr ? addr.port : 0
    const config = {
      ...loadConfig({ DATA_DIR: 'memory', HOST: '127.0.0.1', LOG_LEVEL: 'silent', JT808_PORT: '0', DEMO_DATA: 'off' }),
      mqttPort: taken,
    }
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

  it('a step that fails undoes the ones before it: the MQTT broker it had started lets go of its port', async () => {
    const mqttPort = await freePort()
    // The accounts are set up after the database, the live hub, the broker and the timers start;
    // loadConfig would refuse this password at once, so it is put in afterwards.
    const config = {
      ...loadConfig({
        DATA_DIR: 'memory',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        MQTT_PORT: String(mqttPort),
        JT808_PORT: 'off',
        DEMO_DATA: 'off',
        EMBEDDED_TEMPLATE_DIR: TEST_TEMPLATE_DIR,
      }),
      adminPassword: 'short',
    }
    await expect(buildApp(config)).rejects.toThrow(/ADMIN_PASSWORD is refused/)
    const again = createServer()
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject)
      again.listen(mqttPort, '127.0.0.1', () => resolve())
    })
    await new Promise((resolve) => again.close(resolve))
  })

  it('bad configuration stops the process with every problem listed', async () => {
    await expect(spawnServer({ DATA_DIR: 'memory', PORT: 'x', RETENTION_DAYS: '7' })).rejects.toThrow(
      /invalid configuration:[\s\S]*PORT="x"[\s\S]*RETENTION_DAYS="7"/,
    )
  })
})

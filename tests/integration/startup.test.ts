import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { spawnServer } from '../support/child.js'
import { startServer } from '../support/server.js'

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

  it('bad configuration stops the process with every problem listed', async () => {
    await expect(spawnServer({ DATA_DIR: 'memory', PORT: 'x', RETENTION_DAYS: '7' })).rejects.toThrow(/invalid configuration:[\s\S]*PORT="x"[\s\S]*RETENTION_DAYS="7"/)
  })
})

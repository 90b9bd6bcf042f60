import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCli } from '../cli-args.js'
import { credentials } from './mqtt.js'

describe('MQTT sign-in per vehicle', () => {
  it('uses a listed vehicle secret first, then the {vehicle} template, then nothing', () => {
    const opts = { username: 'sim-{vehicle}', password: 'run-secret', secrets: { 'XY-V001': 's1' } }
    expect(credentials(opts, 'XY-V001')).toEqual({ username: 'XY-V001', password: 's1' })
    expect(credentials(opts, 'XY-V002')).toEqual({ username: 'sim-XY-V002', password: 'run-secret' })
    expect(credentials({}, 'XY-V002')).toEqual({})
  })

  it('reads --mqtt-secrets and the API account from the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-sim-secrets-'))
    try {
      const file = join(dir, 'secrets.json')
      writeFileSync(file, JSON.stringify({ 'XY-V001': 'abc' }))
      const { options } = parseCli([
        '--mqtt-secrets',
        file,
        '--api-user',
        'dispatcher',
        '--api-password',
        'demo-dispatcher',
        '--api-token',
        't',
      ])
      expect(options).toMatchObject({
        mqttSecrets: { 'XY-V001': 'abc' },
        apiUser: 'dispatcher',
        apiPassword: 'demo-dispatcher',
        apiToken: 't',
      })
      writeFileSync(file, JSON.stringify(['XY-V001']))
      expect(() => parseCli(['--mqtt-secrets', file])).toThrow(/JSON object of vehicle id/)
      expect(() => parseCli(['--api-user', 'dispatcher'])).toThrow(/together/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CONFIG_SPEC, ConfigError, loadConfig } from './config.js'

describe('loadConfig', () => {
  it('has a working default for everything (the embedded setup needs no variables)', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({
      port: 8080,
      dataDir: './data',
      databaseUrl: undefined,
      mqttUrl: undefined,
      mqttPort: 1883,
      logLevel: 'info',
      retentionDays: 400,
    })
  })

  it('reads and converts values', () => {
    const c = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://u@db:5432/bus',
      MQTT_URL: 'mqtt://broker:1883/',
      MQTT_PROTOCOL_VERSION: '4',
    })
    expect(c).toMatchObject({
      port: 9000,
      databaseUrl: 'postgres://u@db:5432/bus',
      mqttUrl: 'mqtt://broker:1883',
      mqttProtocolVersion: 4,
    })
  })

  it('reports every bad value at once, naming the variable', () => {
    let err: unknown
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', RETENTION_DAYS: '30', LOG_LEVEL: 'loud' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    const problems = (err as ConfigError).problems.join('\n')
    for (const name of ['PORT', 'DATABASE_URL', 'RETENTION_DAYS', 'LOG_LEVEL']) expect(problems).toContain(name)
    expect((err as ConfigError).problems).toHaveLength(4)
  })

  it('keeps at least six months of telemetry', () => {
    expect(() => loadConfig({ RETENTION_DAYS: '100' })).toThrow(/RETENTION_DAYS/)
  })

  it('documents every variable in docs/configuration.md', () => {
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8')
    for (const spec of Object.values(CONFIG_SPEC)) expect(doc).toContain(`\`${spec.name}\``)
  })
})

describe('basemap presets', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadConfig(env)
      return []
    } catch (e) {
      return (e as ConfigError).problems
    }
  }

  it('defaults to auto and accepts each preset with what it needs', () => {
    expect(loadConfig({}).basemap).toBe('auto')
    expect(loadConfig({ BASEMAP: 'tianditu', TIANDITU_KEY: '0123456789abcdef0123456789abcdef' }).tiandituKey).toBe(
      '0123456789abcdef0123456789abcdef',
    )
    expect(loadConfig({ BASEMAP: 'tilejson', BASEMAP_URL: 'https://t.example.org/tiles.json' }).basemapUrl).toBe(
      'https://t.example.org/tiles.json',
    )
    expect(loadConfig({ BASEMAP: 'pmtiles', BASEMAP_FILE: '/srv/county.pmtiles' }).basemapFile).toBe(
      '/srv/county.pmtiles',
    )
    expect(loadConfig({ BASEMAP_URL: 'https://t.example.org/{z}/{x}/{y}.png' }).basemap).toBe('auto')
  })

  it('refuses a preset without what it needs, saying what', () => {
    expect(problems({ BASEMAP: 'tianditu' })).toEqual([expect.stringMatching(/BASEMAP=tianditu: needs TIANDITU_KEY/)])
    expect(problems({ BASEMAP: 'tianditu', TIANDITU_KEY: 'abc' })).toEqual([
      expect.stringMatching(/TIANDITU_KEY.*32 hexadecimal/),
    ])
    expect(problems({ BASEMAP: 'xyz' })).toEqual([expect.stringMatching(/needs BASEMAP_URL/)])
    expect(problems({ BASEMAP: 'xyz', BASEMAP_URL: 'https://t.example.org/tiles.json' })).toEqual([
      expect.stringMatching(/\{z\}, \{x\} and \{y\}/),
    ])
    expect(problems({ BASEMAP: 'pmtiles' })).toEqual([expect.stringMatching(/BASEMAP_URL .*or BASEMAP_FILE/)])
    expect(
      problems({ BASEMAP: 'pmtiles', BASEMAP_FILE: '/a.pmtiles', BASEMAP_URL: 'https://t.example.org/a.pmtiles' }),
    ).toEqual([expect.stringMatching(/not both/)])
    expect(problems({ BASEMAP: 'google' })).toEqual([expect.stringMatching(/^BASEMAP=/)])
  })
})

import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CLI_OPTIONS, HELP, parseCli } from './cli-args.js'
import { resolveOptions } from './options.js'
import { parseScenario, readScenario } from './scenario.js'

const NOW = Date.parse('2026-11-29T03:00:00Z')
const SCENARIOS = join(import.meta.dirname, '..', 'scenarios')

describe('command line', () => {
  it('documents every option it takes in --help', () => {
    const options = [...HELP.matchAll(/^ {2}(--[a-z0-9-]+)/gm)].map((m) => m[1])
    expect(options.length).toBeGreaterThan(20)
    for (const o of options)
      expect(() => parseCli([o as string, ...(o === '--help' || o === '--load' ? [] : ['1'])])).not.toThrow(
        /Unknown option/,
      )
    expect(parseCli(['-h']).help).toBe(true)
    // …and the other way round: every option the parser takes is in the help.
    for (const name of Object.keys(CLI_OPTIONS)) expect(HELP, name).toMatch(new RegExp(`--${name}\\b`))
  })

  it('reads a timetable run, with the server API as the default source', () => {
    const { options } = parseCli([
      '--date',
      '2026-11-25',
      '--from',
      '06:00',
      '--speed',
      '30',
      '--vehicles',
      '12',
      '--routes',
      'XY-R01,XY-R09',
      '--no-faults',
      '--seed',
      '42',
      '--protocol',
      'jt808',
      '--jt808',
      'gw:7000',
    ])
    expect(options).toMatchObject({
      api: 'http://localhost:8080',
      date: '2026-11-25',
      from: '06:00',
      speed: 30,
      maxVehicles: 12,
      routes: ['XY-R01', 'XY-R09'],
      faults: 'none',
      seed: 42,
      protocol: 'jt808',
      jt808: 'gw:7000',
    })
  })

  it('reads load mode and refuses half of it', () => {
    expect(parseCli(['--load', '--vehicles', '500', '--hz', '2', '--seconds', '30']).options.load).toEqual({
      vehicles: 500,
      hz: 2,
      seconds: 30,
    })
    expect(
      parseCli([
        '--load',
        '--vehicles',
        '5000',
        '--window',
        '20',
        '--seconds',
        '10',
        '--connections',
        '200',
        '--topic-prefix',
        'bench/raw',
      ]).options.load,
    ).toEqual({
      vehicles: 5000,
      window: 20,
      seconds: 10,
      connections: 200,
      topicPrefix: 'bench/raw',
    })
    expect(
      parseCli(['--load', '--vehicles', '10', '--hz', '1', '--seconds', '5', '--max-backlog', '50']).options.load,
    ).toEqual({ vehicles: 10, hz: 1, seconds: 5, maxBacklog: 50 })
    expect(() => parseCli(['--load', '--vehicles', '500'])).toThrow(/--load needs/)
    expect(() => parseCli(['--load', '--vehicles', '5', '--seconds', '5', '--hz', '1', '--window', '2'])).toThrow(
      /one of --hz H \(open loop\) or --window W/,
    )
    expect(() => parseCli(['--load', '--vehicles', '5', '--seconds', '5', '--window', 'wide'])).toThrow(
      /--window must be a number/,
    )
    expect(() => parseCli(['--hz', '2'])).toThrow(/belong to --load/)
    expect(() => parseCli(['--connections', '2', '--window', '3'])).toThrow(/--window, --connections belong to --load/)
    expect(() => parseCli(['--speed', 'fast'])).toThrow(/--speed must be a number/)
    expect(() => parseCli(['--bogus'])).toThrow(/Unknown option/)
    expect(() => parseCli(['--api', 'http://a', '--gtfs', 'b.zip'])).toThrow(/not both/)
  })
})

describe('scenarios', () => {
  it('ships scenarios that parse and resolve', () => {
    const files = readdirSync(SCENARIOS).filter((f) => f.endsWith('.json'))
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const f of files) {
      const r = resolveOptions({ scenario: join(SCENARIOS, f) }, NOW)
      expect(r.model.faults.deadZones.length, f).toBeGreaterThan(0)
      expect(r.selection.routeIds?.length, f).toBeGreaterThan(0)
    }
  })

  it('lets options override the scenario, and the scenario the profile', () => {
    const scenario = readScenario(join(SCENARIOS, 'faults.json'))
    const r = resolveOptions({ scenario, speed: 10, faultOverrides: { breakdown: { probability: 0.5 } } }, NOW)
    expect(r.speed).toBe(10)
    expect(r.seed).toBe(42)
    expect(r.model.faults.breakdown).toEqual({ probability: 0.5, durationS: { min: 300, max: 1200 } })
    expect(r.model.faults.gpsJump.probability).toBe(0.004)
    expect(r.model.faults.lateStart.probability).toBe(0.3)
  })

  it('names every problem of a bad scenario', () => {
    expect(() =>
      parseScenario({
        speed: 100,
        from: '25:00',
        faults: { breakdwn: {} },
        deadZones: [{ routeId: 'R', fromM: 5, toM: 1 }],
        colour: 'red',
      }),
    ).toThrow(/unknown key "colour".*from must be a time.*speed must be.*unknown fault "breakdwn".*deadZones\[0\]/)
  })

  it('defaults to today in Asia/Shanghai and checks ranges', () => {
    expect(resolveOptions({}, Date.parse('2026-11-29T17:00:00Z')).date).toBe('2026-11-30')
    expect(() => resolveOptions({ speed: 61 }, NOW)).toThrow(/speed must be in 1..60/)
    expect(() => resolveOptions({ from: '08:00', until: '07:00' }, NOW)).toThrow(/until must be after from/)
    expect(() => resolveOptions({ date: '2026-02-30' }, NOW)).toThrow(/2026-02-30/)
  })
})

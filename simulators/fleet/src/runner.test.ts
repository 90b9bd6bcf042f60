import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceDayStartMs, serviceDate } from '@rb/domain'
import { jt808 } from '@rb/protocol'
import { makeNetwork, TEST_DATE } from './model/test-factories.js'
import type { SimulationOptions } from './options.js'
import { startSimulation } from './runner.js'
import { shiftedClock, startBroker, startFakePlatform, type FakePlatform, type TestBroker } from './test-support.js'

const dir = mkdtempSync(join(tmpdir(), 'rb-sim-'))
// Four simulated minutes at 60×: the bus leaves at 07:00 and crosses the dead zone (600–1100 m).
const base = (): SimulationOptions => ({
  network: makeNetwork(),
  date: TEST_DATE,
  from: '07:00',
  until: '07:04',
  speed: 60,
  seed: 5,
  intervalS: 2,
  faults: 'none',
  faultOverrides: { duplicate: { probability: 0.05 } },
  deadZones: [{ routeId: 'R1', fromM: 600, toM: 1100 }],
  tickMs: 50,
  // The day after the service day: every fix lies in the past, as the ingest wants.
  now: shiftedClock(serviceDayStartMs(serviceDate(TEST_DATE)) + 86_400_000 + 12 * 3_600_000),
})
const truthOf = (path: string): string[] => readFileSync(path, 'utf8').trim().split('\n')

describe('runner over MQTT (real broker)', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('paces the day, sends live fixes and one batch after the dead zone, and announces the link', async () => {
    const truthFile = join(dir, 'mqtt.jsonl')
    const sim = await startSimulation({ ...base(), mqttUrl: broker.url, truthFile })
    const started = Date.now()
    const final = await sim.done
    const tookS = (Date.now() - started) / 1000
    expect(final.state).toBe('done')
    expect(tookS).toBeGreaterThan(3)
    expect(tookS).toBeLessThan(15)
    expect(final.batches).toBe(1)
    expect(final.pointsSent).toBe(final.livePoints + final.batchPoints)
    expect(final.acked).toBe(final.messages)

    const v = 'rb/v1/veh/XY-V001'
    const live = broker.messages
      .filter((m) => m.topic === `${v}/pos`)
      .map((m) => JSON.parse(m.payload) as { ts: string })
    const batches = broker.messages
      .filter((m) => m.topic === `${v}/pos/batch`)
      .map((m) => JSON.parse(m.payload) as { ts: string }[])
    expect(batches).toHaveLength(1)
    const batch = batches[0] as { ts: string }[]
    expect(batch.length).toBe(final.batchPoints)
    expect(batch.map((p) => p.ts)).toEqual([...batch.map((p) => p.ts)].sort())
    expect(new Set(live.map((p) => p.ts)).size).toBe(final.livePoints)
    // A point in flight when the link dropped is sent again after the reconnect (at least once).
    expect(live.length).toBeGreaterThanOrEqual(final.livePoints + final.duplicates)
    expect(final.duplicates).toBeGreaterThan(0)
    const distinct = new Set([...live, ...batch].map((p) => p.ts))
    expect(distinct.size).toBe(final.pointsSent)
    // No live fix from inside the stretch: the batch's time span holds none.
    const [first, last] = [Date.parse(batch[0]?.ts ?? ''), Date.parse(batch.at(-1)?.ts ?? '')]
    expect(live.filter((p) => Date.parse(p.ts) >= first && Date.parse(p.ts) <= last)).toHaveLength(0)

    // online → offline (the will, on losing coverage) → online → offline (switched off at the end)
    const status = broker.messages.filter((m) => m.topic === `${v}/status`).map((m) => m.payload)
    expect(status).toEqual(['online', 'offline', 'online', 'offline'])
    const order = broker.messages
      .filter((m) => m.topic.startsWith(v))
      .map((m) => m.topic.slice(v.length + 1) + (m.topic.endsWith('status') ? `:${m.payload}` : ''))
    expect(order.indexOf('pos/batch')).toBeGreaterThan(order.lastIndexOf('status:online'))

    const lines = truthOf(truthFile)
    expect(JSON.parse(lines[0] as string)).toMatchObject({ kind: 'run', seed: 5, date: TEST_DATE })
    const records = lines
      .slice(1)
      .map((l) => JSON.parse(l) as { kind: string; type?: string; details?: { points?: number } })
    expect(records.find((r) => r.type === 'dead_zone')?.details?.points).toBe(final.batchPoints)
    expect(records.filter((r) => r.kind === 'stop_visit').length).toBeGreaterThan(0)
  })
})

describe('runner over JT/T 808 (minimal fake platform on the project codec)', () => {
  let platform: FakePlatform
  beforeAll(async () => {
    platform = await startFakePlatform()
  })
  afterAll(async () => {
    await platform?.close()
  })

  it('registers, authenticates, reports 0x0200, and backfills the dead zone with 0x0704 after re-auth', async () => {
    const truthFile = join(dir, 'jt808.jsonl')
    const final = await (
      await startSimulation({ ...base(), protocol: 'jt808', jt808: `${platform.host}:${platform.port}`, truthFile })
    ).done
    expect(final.state).toBe('done')
    const kinds = platform.received.map((r) => `${r.conn}:${r.msg.body.kind}`)
    expect(kinds.filter((k) => k.endsWith(':register'))).toEqual(['1:register'])
    expect(kinds.filter((k) => k.endsWith(':auth'))).toEqual(['1:auth', '2:auth'])
    expect(platform.received.every((r) => r.msg.header.phone === '013900000001')).toBe(true)
    const locations = platform.received.flatMap((r) => (r.msg.body.kind === 'location' ? [r.msg.body] : []))
    expect(new Set(locations.map((l) => l.ts)).size).toBe(final.livePoints)
    expect(locations.length).toBeGreaterThanOrEqual(final.livePoints + final.duplicates)
    const batches = platform.received.flatMap((r) =>
      r.msg.body.kind === 'batchLocation' ? [{ conn: r.conn, body: r.msg.body }] : [],
    )
    expect(batches.length).toBeGreaterThan(0)
    expect(batches.every((b) => b.conn === 2 && b.body.uploadType === jt808.BATCH_TYPE.backfill)).toBe(true)
    const backfilled = batches.flatMap((b) => b.body.items.map((i) => i.ts))
    expect(backfilled).toHaveLength(final.batchPoints)
    expect(backfilled).toEqual([...backfilled].sort((a, b) => a - b))
    expect(new Set([...locations.map((l) => l.ts), ...backfilled]).size).toBe(final.pointsSent)
    expect(final.reconnects).toBe(1)

    // Same seed, other protocol: the same run.
    const mqttTruth = join(dir, 'mqtt.jsonl')
    expect(truthOf(truthFile)).toEqual(truthOf(mqttTruth))
  })
})

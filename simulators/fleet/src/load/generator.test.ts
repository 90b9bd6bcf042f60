import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, startFakePlatform, until, type TestBroker } from '../test-support.js'
import { connectLoad, loadProblems, type LoadGenerator } from './generator.js'

/** Lets timers and socket events run for a while; used only to give a wrong send a chance to happen. */
const settle = (ms = 200): Promise<void> => new Promise((r) => setTimeout(r, ms))

const posOf = (payload: string): { ts: number } => {
  const p = JSON.parse(payload) as { ts: string | number }
  return { ts: typeof p.ts === 'number' ? p.ts : Date.parse(p.ts) }
}

describe('load generator over MQTT', () => {
  let broker: TestBroker
  let gen: LoadGenerator | undefined
  beforeAll(async () => {
    broker = await startBroker('#')
  })
  afterEach(async () => {
    broker.releaseAcks()
    await gen?.close()
    gen = undefined
    broker.messages.length = 0
    broker.clientIds.length = 0
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('multiplexes N vehicles over M connections and sends every vehicle its share of points', async () => {
    gen = await connectLoad({ mqttUrl: broker.url, vehicles: 30, connections: 4, clientIdPrefix: 'mux-' })
    expect(gen.connections).toBe(4)
    const report = await gen.openLoop({ hz: 2, seconds: 1.5 }).done
    expect(report).toMatchObject({
      loop: 'open',
      vehicles: 30,
      connections: 4,
      targetRatePerS: 60,
      due: 90,
      sent: 90,
      acked: 90,
      errors: 0,
      behind: 0,
      unacked: 0,
    })
    expect(report.ackMs.n).toBe(90)
    expect(new Set(broker.clientIds)).toEqual(new Set(['mux-0', 'mux-1', 'mux-2', 'mux-3']))
    await until(() => broker.messages.length >= 90, 'the recorder to see every point')
    const byVehicle = new Map<string, number[]>()
    for (const m of broker.messages) {
      const id = m.topic.split('/')[3] as string
      byVehicle.set(id, [...(byVehicle.get(id) ?? []), posOf(m.payload).ts])
    }
    expect([...byVehicle.keys()].sort()).toEqual(gen.vehicleIds.slice().sort())
    for (const [id, ts] of byVehicle) {
      expect(ts, id).toHaveLength(3)
      // Each fix is stamped with its send time, strictly increasing per vehicle (none deduplicated).
      expect(
        ts.every((t, i) => i === 0 || t > (ts[i - 1] as number)),
        id,
      ).toBe(true)
    }
  })

  it('reports the rate it achieved, not the one asked, when it cannot keep up', async () => {
    gen = await connectLoad({ mqttUrl: broker.url, vehicles: 10, connections: 2 })
    // Nothing is acknowledged: each connection fills its backlog of 5, every later fix is skipped.
    broker.holdAcks()
    const report = await gen.openLoop({ hz: 10, seconds: 1, maxBacklog: 5, drainTimeoutMs: 100 }).done
    expect(report).toMatchObject({ targetRatePerS: 100, due: 100, sent: 10, behind: 90, acked: 0, unacked: 10 })
    expect(report.sendSpanS).toBeGreaterThanOrEqual(1)
    expect(report.sendRatePerS).toBeLessThanOrEqual(10)
    expect(report.sendRatePerS).toBeCloseTo(report.sent / report.sendSpanS, 9)
  })

  it('keeps a closed loop at the window: it stops when the receiver stops acknowledging', async () => {
    gen = await connectLoad({ mqttUrl: broker.url, vehicles: 6, connections: 3 })
    broker.holdAcks()
    const run = gen.closedLoop({ window: 4, seconds: 120 })
    await until(() => run.progress().sent === 12, '3 connections × 4 in flight')
    await settle()
    expect(run.progress()).toMatchObject({ state: 'sending', sent: 12, acked: 0 })
    broker.releaseAcks()
    await until(() => run.progress().sent > 12, 'the loop to go on once acknowledged')
    run.stop()
    const report = await run.done
    expect(report).toMatchObject({
      loop: 'closed',
      window: 4,
      connections: 3,
      targetRatePerS: null,
      errors: 0,
      behind: 0,
      unacked: 0,
    })
    expect(report.acked).toBe(report.sent)
    expect(report.due).toBe(report.sent)
    expect(report.ackMs.n).toBe(report.sent)
  })

  it('keeps a closed loop within the credit it is granted, which never shrinks', async () => {
    gen = await connectLoad({
      mqttUrl: broker.url,
      vehicles: ['R1', 'R2', 'R3', 'R4', 'R5'],
      connections: 2,
      topicPrefix: 'bench/raw/t',
    })
    const run = gen.closedLoop({ window: 10, seconds: 120, credit: 7 })
    await until(() => run.progress().acked === 7, 'the credit to be used')
    await settle()
    expect(run.progress().sent).toBe(7)
    run.grant(12)
    await until(() => run.progress().acked === 12, 'the new credit to be used')
    run.grant(3)
    await settle()
    expect(run.progress().sent).toBe(12)
    run.stop()
    expect(await run.done).toMatchObject({ sent: 12, acked: 12, due: 12 })
    // The bare-broker topics, not the platform's.
    const mine = (): string[] => broker.messages.map((m) => m.topic).filter((t) => /\/R\d\//.test(t))
    await until(() => mine().length >= 12, 'the recorder')
    expect(new Set(mine())).toEqual(new Set(['R1', 'R2', 'R3', 'R4', 'R5'].map((id) => `bench/raw/t/${id}/pos`)))
    expect(mine()).toHaveLength(12)
  })

  it('runs one loop at a time and refuses what it cannot do', async () => {
    gen = await connectLoad({ mqttUrl: broker.url, vehicles: 2 })
    const run = gen.closedLoop({ window: 1, seconds: 60, credit: 0 })
    expect(() => gen?.openLoop({ hz: 1, seconds: 1 })).toThrow(/already in progress/)
    run.stop()
    expect(await run.done).toMatchObject({ sent: 0, sendRatePerS: 0, ackRatePerS: 0 })
    expect(() => gen?.openLoop({ hz: 0, seconds: 1 })).toThrow(/hz must be in/)
    await expect(connectLoad({ mqttUrl: broker.url, vehicles: ['A', 'A'] })).rejects.toThrow(/distinct/)
    await expect(connectLoad({ mqttUrl: 'mqtt://127.0.0.1:1', vehicles: 2 })).rejects.toThrow(
      /no load connection could be opened over mqtt/,
    )
  })
})

describe('load generator over JT/T 808', () => {
  it('runs one terminal per vehicle, whole-second timestamps, each fix answered', async () => {
    const platform = await startFakePlatform()
    const gen = await connectLoad({ protocol: 'jt808', jt808: `${platform.host}:${platform.port}`, vehicles: 3 })
    try {
      const report = await gen.openLoop({ hz: 1, seconds: 2 }).done
      expect(report).toMatchObject({ protocol: 'jt808', connections: 3, sent: 6, acked: 6, behind: 0 })
      const locations = platform.received.filter((r) => r.msg.body.kind === 'location')
      expect(locations).toHaveLength(6)
      for (const phone of ['018800000001', '018800000002', '018800000003']) {
        const ts = locations.filter((r) => r.msg.header.phone === phone).map((r) => (r.msg.body as { ts: number }).ts)
        expect(ts, phone).toHaveLength(2)
        expect(ts.every((t) => t % 1000 === 0)).toBe(true)
        expect(ts[1]).toBeGreaterThan(ts[0] as number)
      }
    } finally {
      await gen.close()
      await platform.close()
    }
  })
})

describe('loadProblems', () => {
  it('names every problem of a plan', () => {
    expect(loadProblems({ protocol: 'mqtt', vehicles: 10, hz: 1, seconds: 5 })).toEqual([])
    expect(loadProblems({ protocol: 'mqtt', vehicles: 10, window: 20, connections: 3, seconds: 5 })).toEqual([])
    expect(loadProblems({ protocol: 'mqtt', vehicles: 0, hz: 1, window: 2, seconds: 0, connections: 5 })).toEqual([
      'vehicles must be a whole number in 1..100000',
      'connections must be a whole number in 1..vehicles',
      'give hz (open loop) or window (closed loop), one of them',
      'seconds must be in (0, 86400]',
    ])
    expect(loadProblems({ protocol: 'mqtt', vehicles: 10, hz: 51, seconds: 1 })).toEqual(['hz must be in (0, 50]'])
    expect(loadProblems({ protocol: 'mqtt', vehicles: 10, window: 2.5, seconds: 1 })).toEqual([
      'window must be a whole number in 1..10000',
    ])
    expect(loadProblems({ protocol: 'jt808', vehicles: 10, hz: 2, seconds: 1 })).toEqual([
      expect.stringMatching(/whole seconds/),
    ])
    expect(loadProblems({ protocol: 'jt808', vehicles: 10, window: 2, seconds: 1 })).toEqual([
      expect.stringMatching(/closed loop cannot run over JT\/T 808/),
    ])
    expect(loadProblems({ protocol: 'jt808', vehicles: 10, hz: 1, connections: 2, seconds: 1 })).toEqual([
      expect.stringMatching(/connections must equal vehicles/),
    ])
  })
})

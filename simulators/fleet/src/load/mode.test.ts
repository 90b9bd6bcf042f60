import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startSimulation } from '../runner.js'
import { summary } from '../stats.js'
import { startBroker, until, type TestBroker } from '../test-support.js'

describe('load mode', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterEach(() => {
    broker.releaseAcks()
    broker.messages.length = 0
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('sends N vehicles × H Hz × D s, one connection per vehicle by default, and reports what it achieved', async () => {
    const sim = await startSimulation({ mqttUrl: broker.url, load: { vehicles: 40, hz: 5, seconds: 2 } })
    const final = await sim.done
    expect(final).toMatchObject({
      mode: 'load',
      state: 'done',
      vehicles: 40,
      targetRatePerS: 200,
      behindPoints: 0,
      pointsSent: 400,
      acked: 400,
    })
    expect(final.load).toMatchObject({ loop: 'open', connections: 40, sent: 400, acked: 400 })
    const clients = new Set(broker.messages.filter((m) => m.topic.endsWith('/pos')).map((m) => m.topic.split('/')[3]))
    expect(clients.size).toBe(40)
    const perVehicle = broker.messages
      .filter((m) => m.topic === 'rb/v1/veh/LOAD-V00001/pos')
      .map((m) => (JSON.parse(m.payload) as { ts: string }).ts)
    expect(new Set(perVehicle).size).toBe(10)
    // The printed rate is the report's (sent / the time sending took), never above the one asked.
    const rate = Number(/asked 200\/s, sent (\d+)\/s \(([\d.]+) %\) over/.exec(summary(final))?.[1])
    expect(rate).toBe(Math.round(400 / final.elapsedS))
    expect(rate).toBeLessThanOrEqual(200)
  })

  it('says so when it falls behind: skipped points count against the achieved rate', async () => {
    broker.holdAcks()
    const sim = await startSimulation({
      mqttUrl: broker.url,
      load: { vehicles: 10, hz: 10, seconds: 1, connections: 2, maxBacklog: 5 },
    })
    // Each connection takes 5 unacknowledged fixes; the other 90 due are skipped. Then let the acks through.
    await until(() => sim.stats().state === 'draining', 'the end of sending')
    broker.releaseAcks()
    const final = await sim.done
    expect(final).toMatchObject({ targetRatePerS: 100, pointsSent: 10, behindPoints: 90, acked: 10 })
    const m = /asked 100\/s, sent (\d+)\/s \(([\d.]+) %\) over [\d.]+ s; .*; 90 points were due but not sent/.exec(
      summary(final),
    )
    expect(Number(m?.[2])).toBeLessThanOrEqual(10)
  })

  it('runs a closed loop over shared connections and prints it as one', async () => {
    const sim = await startSimulation({
      mqttUrl: broker.url,
      load: { vehicles: 20, window: 5, seconds: 0.5, connections: 4 },
    })
    const final = await sim.done
    expect(final).toMatchObject({ mode: 'load', state: 'done', targetRatePerS: null, behindPoints: 0 })
    expect(final.load).toMatchObject({ loop: 'closed', window: 5, connections: 4, vehicles: 20, errors: 0, unacked: 0 })
    expect(final.acked).toBe(final.pointsSent)
    expect(final.pointsSent).toBeGreaterThan(0)
    expect(summary(final)).toMatch(/closed loop, 5 in flight per connection: sent [\d,]+\/s over [\d.]+ s/)
    expect(summary(final)).toMatch(/20 vehicles on 4 connections; send → ack ms p50\/p90\/p99\/max \d+\/\d+\/\d+\/\d+/)
  })

  it('refuses rates JT/T 808 timestamps cannot carry, before connecting', async () => {
    await expect(startSimulation({ protocol: 'jt808', load: { vehicles: 1, hz: 2, seconds: 1 } })).rejects.toThrow(
      /whole seconds/,
    )
    await expect(startSimulation({ load: { vehicles: 4, hz: 1, window: 3, seconds: 1 } })).rejects.toThrow(
      /one of them/,
    )
  })
})

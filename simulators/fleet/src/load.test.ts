import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulation } from './runner.js'
import { summary } from './stats.js'
import { startBroker, type TestBroker } from './test-support.js'

describe('load mode', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('sends N vehicles × H Hz × D s on one connection per vehicle, and reports what it achieved', async () => {
    const sim = await startSimulation({ mqttUrl: broker.url, load: { vehicles: 40, hz: 5, seconds: 2 } })
    const final = await sim.done
    expect(final).toMatchObject({ mode: 'load', state: 'done', vehicles: 40, targetRatePerS: 200, behindPoints: 0 })
    expect(final.pointsSent).toBe(400)
    expect(final.acked).toBe(400)
    const clients = new Set(broker.messages.filter((m) => m.topic.endsWith('/pos')).map((m) => m.topic.split('/')[3]))
    expect(clients.size).toBe(40)
    const perVehicle = broker.messages.filter((m) => m.topic === 'rb/v1/veh/LOAD-V00001/pos').map((m) => (JSON.parse(m.payload) as { ts: string }).ts)
    expect(new Set(perVehicle).size).toBe(10)
    expect(summary(final)).toMatch(/asked 200\/s, sent 200\/s \(100\.0 %\)/)
  })

  it('refuses rates JT/T 808 timestamps cannot carry', async () => {
    await expect(startSimulation({ protocol: 'jt808', load: { vehicles: 1, hz: 2, seconds: 1 } })).rejects.toThrow(/whole seconds/)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceDayOf } from '@rb/domain'
import { makeNetwork } from './model/test-factories.js'
import { runInWorker } from './run-in-worker.js'
import type { SimStats } from './stats.js'
import { startBroker, type TestBroker } from './test-support.js'

describe('runInWorker', () => {
  let broker: TestBroker
  beforeAll(async () => {
    broker = await startBroker()
  })
  afterAll(async () => {
    await broker?.close()
  })

  it('runs a simulation in a worker thread and reports stats as messages', async () => {
    const date = serviceDayOf(Date.now() - 86_400_000)
    const seen: SimStats[] = []
    const sim = runInWorker(
      {
        network: makeNetwork({ date }),
        date,
        from: '07:00',
        until: '07:03',
        speed: 60,
        seed: 2,
        intervalS: 2,
        faults: 'none',
        mqttUrl: broker.url,
        statsIntervalMs: 200,
      },
      { onStats: (s) => seen.push(s) },
    )
    const { vehicles } = await sim.started
    expect(vehicles.map((v) => v.id)).toEqual(['XY-V001'])
    const final = await sim.done
    expect(final.state).toBe('done')
    expect(final.pointsSent).toBeGreaterThan(50)
    expect(seen.length).toBeGreaterThan(3)
    expect(sim.stats()).toEqual(final)
    const onWire = broker.messages.filter((m) => m.topic === 'rb/v1/veh/XY-V001/pos')
    expect(new Set(onWire.map((m) => (JSON.parse(m.payload) as { ts: string }).ts)).size).toBe(final.pointsSent)
  })

  it('stops on request with the final stats', async () => {
    const date = serviceDayOf(Date.now() - 86_400_000)
    const sim = runInWorker({
      network: makeNetwork({ date }),
      date,
      from: '07:00',
      speed: 1,
      faults: 'none',
      mqttUrl: broker.url,
    })
    await sim.started
    const final = await sim.stop()
    expect(final.state).toBe('done')
  })

  it('rejects when the run cannot start', async () => {
    const sim = runInWorker({ mqttUrl: broker.url })
    await expect(sim.started).rejects.toThrow(/no network/)
    await expect(sim.done).rejects.toThrow(/no network/)
  })
})

import { describe, expect, it } from 'vitest'
import { createFleet } from './fleet.js'
import { makeConfig, makeNetwork } from './test-factories.js'
import type { SimDriver, SimEvent } from './types.js'

const A: SimDriver = { id: 'XY-D001', name: '王建国', cert: '5105242008000001' }
const B: SimDriver = { id: 'XY-D002', name: '李春华', cert: null }

/** One bus, four trips in the day; `drivers[k]` drives trip k. */
function day(drivers: (SimDriver | null)[]): SimEvent[] {
  const net = makeNetwork({ trips: drivers.map((_, k) => ({ departureS: (7 + 2 * k) * 3600 })) })
  net.trips = net.trips.map((t, k) => ({ ...t, driver: drivers[k] ?? null }))
  return createFleet(net, makeConfig(5)).advance(Infinity)
}

describe('who drives, in the model stream', () => {
  it('the bus announces its driver when it starts a trip with another driver than the last announced', () => {
    const events = day([A, A, null, B])
    const said = events.flatMap((e) => (e.type === 'driver' ? [e] : []))
    expect(said.map((e) => e.driver.id)).toEqual([A.id, B.id])
    const starts = events.flatMap((e) => (e.type === 'trip_start' ? [e] : []))
    // Right before the trip it belongs to starts, at the same instant.
    for (const [e, start] of [
      [said[0], starts[0]],
      [said[1], starts[3]],
    ] as const) {
      expect(e?.ts).toBe(start?.ts)
      expect(events.indexOf(start as SimEvent) - events.indexOf(e as SimEvent)).toBe(1)
    }
    expect(said[1]?.driver).toEqual(B)
  })

  it('says nothing when the trips name no driver', () => {
    expect(day([null, null]).some((e) => e.type === 'driver')).toBe(false)
  })
})

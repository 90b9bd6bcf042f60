import { describe, expect, it } from 'vitest'
import { loadBetween, proposeRoutes, type RoutingTrip } from './routing.js'

const H = 3_600_000
const T0 = Date.parse('2026-12-07T00:00:00Z')
function trip(id: string, codes: string[], startTs: number, over: Partial<RoutingTrip> = {}): RoutingTrip {
  return {
    id,
    routeId: id.split('-')[0] as string,
    status: 'scheduled',
    stops: codes.map((c, i) => ({ seq: i + 1, stopCode: c, distM: i * 5000, arrivalTs: startTs + i * 600_000 })),
    capacity: { slots: 4, kg: 40 },
    riding: [],
    ...over,
  }
}
const base = { transferPoints: new Set(['TOWN']), notBeforeTs: T0, minTransferMs: 600_000, need: { slots: 1, kg: 2 } }

describe('routing parcels onto trips', () => {
  it('proposes direct trips first, by arrival, and never those that left or are cancelled', () => {
    const trips = [
      trip('A-late', ['SEAT', 'X', 'VIL'], T0 + 5 * H),
      trip('A-early', ['SEAT', 'X', 'VIL'], T0 + 2 * H),
      trip('A-gone', ['SEAT', 'X', 'VIL'], T0 - H),
      trip('A-off', ['SEAT', 'X', 'VIL'], T0 + H, { status: 'cancelled' }),
      trip('A-back', ['VIL', 'X', 'SEAT'], T0 + H),
      trip('B-1', ['SEAT', 'TOWN'], T0 + H),
      trip('C-1', ['TOWN', 'VIL'], T0 + 2 * H),
    ]
    const options = proposeRoutes({ ...base, from: 'SEAT', to: 'VIL', trips })
    expect(options.map((o) => o.legs.map((l) => l.tripInstanceId))).toEqual([['A-early'], ['A-late']])
    expect(options[0]).toMatchObject({ direct: true, fits: true, distanceM: 10_000, arrivalTs: T0 + 2 * H + 1_200_000 })
  })

  it('changes once at a township station when no trip runs through, leaving time to hand over', () => {
    const trips = [
      trip('B-1', ['SEAT', 'TOWN'], T0 + H),
      trip('C-tight', ['TOWN', 'VIL'], T0 + H + 700_000),
      trip('C-ok', ['TOWN', 'VIL'], T0 + H + 1_200_000),
      trip('D-1', ['SEAT', 'ELSE'], T0 + H),
      trip('E-1', ['ELSE', 'VIL'], T0 + 2 * H),
    ]
    const options = proposeRoutes({ ...base, from: 'SEAT', to: 'VIL', trips })
    expect(options).toHaveLength(1)
    expect(options[0]?.direct).toBe(false)
    expect(options[0]?.legs.map((l) => `${l.tripInstanceId}:${l.fromStop}>${l.toStop}`)).toEqual([
      'B-1:SEAT>TOWN',
      'C-ok:TOWN>VIL',
    ])
    expect(options[0]?.distanceM).toBe(10_000)
  })

  it('counts a bus full on any segment the parcel rides, and puts options with room first', () => {
    const riding = [
      { fromSeq: 1, toSeq: 2, slots: 3, kg: 10 },
      { fromSeq: 2, toSeq: 3, slots: 4, kg: 10 },
    ]
    expect(loadBetween(riding, 1, 3)).toEqual({ slots: 4, kg: 10 })
    expect(loadBetween(riding, 1, 2)).toEqual({ slots: 3, kg: 10 })
    const trips = [
      trip('A-full', ['SEAT', 'X', 'VIL'], T0 + H, { riding }),
      trip('A-room', ['SEAT', 'X', 'VIL'], T0 + 3 * H),
    ]
    const options = proposeRoutes({ ...base, from: 'SEAT', to: 'VIL', trips })
    expect(options.map((o) => [o.legs[0]?.tripInstanceId, o.fits])).toEqual([
      ['A-room', true],
      ['A-full', false],
    ])
    // Heavy rather than bulky: kg counts too.
    expect(
      proposeRoutes({ ...base, from: 'SEAT', to: 'X', trips, need: { slots: 1, kg: 31 } }).map((o) => [
        o.legs[0]?.tripInstanceId,
        o.fits,
      ]),
    ).toEqual([
      ['A-room', true],
      ['A-full', false],
    ])
  })
})

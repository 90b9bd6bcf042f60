import { describe, expect, it } from 'vitest'
import {
  batchToPositions,
  decodeMessage,
  encodeMessage,
  locationToPosition,
  statusFlagsToRaw,
  type LocationReport,
} from './index.js'
import { makeHeader2013, makeLocationInput } from './test-factories.js'
import type { LocationInput } from './bodies/location.js'

function decoded(overrides: Partial<LocationInput> = {}): LocationReport {
  const msg = decodeMessage(encodeMessage(makeHeader2013(), { kind: 'location', ...makeLocationInput(overrides) }))
  if (msg.body.kind !== 'location') throw new Error('not a location')
  return msg.body
}

describe('locationToPosition', () => {
  it('maps a fix to the canonical position', () => {
    const r = locationToPosition('XY-BUS-07', decoded({ extras: { mileageKm: 1.8, other: [] } }))
    expect(r).toEqual({
      ok: true,
      value: {
        vehicleId: 'XY-BUS-07',
        ts: Date.UTC(2026, 4, 9, 8, 42, 27),
        lng: 105.441389,
        lat: 28.166667,
        speedKmh: 38.5,
        headingDeg: 271,
        accM: null,
        odoM: 1800,
        source: 'jt808',
      },
    })
  })

  it('keeps southern and western signs', () => {
    const r = locationToPosition('v1', decoded({ lat: -6.152508, lng: -1.255923 }))
    expect(r.ok && [r.value.lat, r.value.lng]).toEqual([-6.152508, -1.255923])
  })

  it('has no odometer when the terminal sends no mileage item', () => {
    const r = locationToPosition('v1', decoded({ extras: { other: [] } }))
    expect(r.ok && r.value.odoM).toBeNull()
  })

  it('rejects a report without a GNSS fix', () => {
    const r = locationToPosition('v1', decoded({ statusRaw: statusFlagsToRaw({ accOn: true }) }))
    expect(r).toMatchObject({ ok: false, reject: { reason: 'coordinates' } })
    if (!r.ok) expect(r.reject.detail).toMatch(/no GNSS fix/)
  })

  it('rejects a fix at (0,0)', () => {
    expect(locationToPosition('v1', decoded({ lat: 0, lng: 0 })).ok).toBe(false)
  })

  it('converts each batch item and counts the unfixed ones', () => {
    const batch = decodeMessage(
      encodeMessage(makeHeader2013(), {
        kind: 'batchLocation',
        uploadType: 1,
        items: [
          makeLocationInput(),
          makeLocationInput({ statusRaw: 0 }),
          makeLocationInput({ ts: Date.UTC(2026, 4, 9, 8, 43, 0) }),
        ],
      }),
    )
    if (batch.body.kind !== 'batchLocation') throw new Error('not a batch')
    const r = batchToPositions('v1', batch.body)
    expect(r.positions.map((p) => p.ts)).toEqual([Date.UTC(2026, 4, 9, 8, 42, 27), Date.UTC(2026, 4, 9, 8, 43, 0)])
    expect(r.rejects).toHaveLength(1)
  })
})

import { describe, expect, it } from 'vitest'
import { createFleet } from './fleet.js'
import { makeConfig, makeNetwork } from './test-factories.js'

const tripsOf = (fleet: ReturnType<typeof createFleet>) =>
  Object.fromEntries(fleet.vehicles.map((v) => [v.vehicle.id, v.trips.map((t) => t.id.split('_')[0])]))

describe('the roster drives the simulated fleet', () => {
  // V001 and V002 of different operators; T2 is lent: V002 runs a trip of V001's operator's route.
  const network = makeNetwork({
    route: { operatorId: 'OP1' },
    trips: [
      { id: 'T1', departureS: 7 * 3600, vehicleId: 'XY-V001' },
      { id: 'T2', departureS: 7 * 3600 + 600, vehicleId: 'XY-V002' },
      { id: 'T3', departureS: 9 * 3600, vehicleId: null },
      { id: 'T4', departureS: 11 * 3600, vehicleId: 'XY-V001' },
    ],
    vehicles: [{ operatorId: 'OP1' }, { operatorId: 'OP2' }, { operatorId: 'OP1' }],
  })

  it('runs every rostered vehicle, exactly its trips, the lent bus included', () => {
    const fleet = createFleet(network, makeConfig(1), { rosteredOnly: true })
    expect(tripsOf(fleet)).toEqual({ 'XY-V001': ['T1', 'T4'], 'XY-V002': ['T2'] })
    expect(fleet.unassigned).toEqual([])
    expect(fleet.notSimulated).toEqual([])
  })

  it('never hands a trip assigned to a vehicle it does not simulate to one it does', () => {
    const only = createFleet(network, makeConfig(1), { vehicleIds: ['XY-V001', 'XY-V003'] })
    expect(only.notSimulated.map((t) => t.id.split('_')[0])).toEqual(['T2'])
    expect(Object.values(tripsOf(only)).flat()).not.toContain('T2')
    // At most one vehicle: the one rostered first; the other's trips stay with it.
    const one = createFleet(network, makeConfig(1), { maxVehicles: 1 })
    expect(tripsOf(one)).toEqual({ 'XY-V001': ['T1', 'T3', 'T4'] })
    expect(one.notSimulated.map((t) => t.id.split('_')[0])).toEqual(['T2'])
  })
})

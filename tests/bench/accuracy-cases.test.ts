import { describe, expect, it } from 'vitest'
import type { FleetVehicle, SimNetwork, SimTrip, SimVehicle } from '@rb/sim'
import { fieldCases } from './accuracy-cases.js'

const H = 3600_000
const T = 1_780_000_000_000

function makeTrip(id: string, startH: number, hours = 1): SimTrip {
  const departureTs = T + startH * H
  return {
    id,
    routeId: 'R1',
    kind: 'regular',
    direction: 0,
    departureTs,
    stops: [
      { seq: 1, stopCode: 'S1', distM: 0, arrivalTs: departureTs },
      { seq: 2, stopCode: 'S2', distM: 9000, arrivalTs: departureTs + hours * H },
    ],
    vehicleId: null,
  }
}

function makeVehicle(id: string, operatorId: string): SimVehicle {
  return { id, plate: null, jt808Phone: null, operatorId }
}

/** Four buses of operator A with three trips each; one bus of operator B free in the afternoon. */
function day(): { net: SimNetwork; planned: FleetVehicle[] } {
  const planned: FleetVehicle[] = ['V1', 'V2', 'V3', 'V4', 'V5', 'V6'].map((id, k) => ({
    vehicle: makeVehicle(id, 'A'),
    trips: [0, 3, 6].map((h) => makeTrip(`${id}-${h}`, h + k * 0.1)),
  }))
  planned.push({ vehicle: makeVehicle('W1', 'B'), trips: [makeTrip('W1-0', 0)] })
  return {
    net: {
      date: '2026-07-03',
      stops: [],
      routes: [],
      trips: planned.flatMap((v) => v.trips),
      vehicles: planned.map((v) => v.vehicle),
    },
    planned,
  }
}

describe('field cases', () => {
  const { net, planned } = day()
  const { network, roster, cases } = fieldCases(net, planned)

  it('keeps one bus in the depot; a bus of another operator runs what fits, the rest is not run', () => {
    expect(cases.withheld).toBe('V1')
    expect(cases.lent).toEqual([{ tripInstanceId: 'V1-3', vehicleId: 'W1' }])
    expect(cases.unrun).toEqual(['V1-0', 'V1-6'])
    expect(network.trips.find((t) => t.id === 'V1-3')?.vehicleId).toBe('W1')
    expect(network.trips.some((t) => t.id === 'V1-0' || t.id === 'V1-6')).toBe(false)
    // The roster still names the bus the dispatcher planned.
    expect(roster.get('V1-3')).toBe('V1')
  })

  it('strands another bus on its second-to-last trip, switches terminals on late, cancels a trip — each on its own bus', () => {
    expect(cases.strandings).toEqual([{ vehicleId: 'V2', tripInstanceId: 'V2-3', atShare: 0.55, standS: 1800 }])
    expect(cases.lateTerminals.map((l) => [l.vehicleId, l.tripInstanceId])).toEqual([
      ['V3', 'V3-0'],
      ['V4', 'V4-0'],
      ['V5', 'V5-0'],
    ])
    const v3 = planned[2]?.trips[0] as SimTrip
    expect(cases.lateTerminals[0]?.fromTs).toBe(v3.departureTs + 0.2 * H)
    expect(cases.cancelled).toEqual(['V6-3'])
    expect(network.trips.some((t) => t.id === 'V6-3')).toBe(false)
    expect(network.trips.every((t) => t.vehicleId !== null)).toBe(true)
  })
})

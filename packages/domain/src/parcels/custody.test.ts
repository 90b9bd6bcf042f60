import { describe, expect, it } from 'vitest'
import { refusal } from '../testing/refusal.js'
import { applyScan, isOverdue, nextScans, type LegTrip, type Scan } from './custody.js'
import type { Custodian, Parcel, ParcelLeg } from './types.js'

const T0 = Date.parse('2026-12-07T01:00:00Z')
const leg = (idx: number, from: string, to: string, trip: string): ParcelLeg => ({
  idx,
  tripInstanceId: trip,
  routeId: 'R1',
  fromStop: from,
  toStop: to,
  fromSeq: 1,
  toSeq: 3,
  departureTs: T0,
  arrivalTs: T0 + 1_800_000,
  vehicleId: null,
  loadedTs: null,
  unloadedTs: null,
})

function parcel(over: Partial<Parcel> = {}): Parcel {
  return {
    id: 1,
    number: 'XY-P-20261207-0001',
    fromPoint: 'XY-0001',
    toPoint: 'XY-0040',
    sender: { name: '张三', phone: '13800000001' },
    recipient: { name: '李四', phone: '13912345678' },
    sizeClass: 'S',
    weightKg: 1.5,
    feeFen: 300,
    distanceM: 12_000,
    status: 'accepted',
    legIndex: 0,
    legs: [leg(0, 'XY-0001', 'XY-0040', 'R1-T1_20261207')],
    pickupCode: '482913',
    acceptedTs: T0,
    arrivedTs: null,
    closedTs: null,
    holdDays: 7,
    createdBy: 'keeper1',
    ...over,
  }
}
const trip: LegTrip = { status: 'scheduled', vehicleId: 'XY-V003', driverCodes: ['XY-D001'] }
const driver: Custodian = { kind: 'driver', username: 'driver', driverCode: 'XY-D001' }
const keeperAt = (postPoint: string): Custodian => ({ kind: 'keeper', username: 'k', postPoint })
const scan = (p: Parcel, s: Scan, by: Custodian, now = T0 + 60_000, t: LegTrip | null = trip) =>
  applyScan(p, s, { now, by, trip: t })

describe('custody scans', () => {
  it('runs accepted → loaded → arrived → collected', () => {
    const load = scan(parcel(), { action: 'load' }, driver)
    expect(load).toMatchObject({
      toStatus: 'loaded',
      vehicleId: 'XY-V003',
      place: 'XY-0001',
      tripInstanceId: 'R1-T1_20261207',
      leg: { vehicleId: 'XY-V003', loadedTs: T0 + 60_000 },
    })
    const loaded = parcel({ status: 'loaded', legs: [load.leg as ParcelLeg] })
    const unload = scan(loaded, { action: 'unload' }, keeperAt('XY-0040'), T0 + 1_900_000)
    expect(unload).toMatchObject({ toStatus: 'arrived', legIndex: 1, arrivedTs: T0 + 1_900_000, vehicleId: 'XY-V003' })
    const arrived = parcel({ status: 'arrived', legIndex: 1, arrivedTs: T0 + 1_900_000 })
    expect(
      scan(arrived, { action: 'collect', pickupCode: '482 913', phoneLast4: '5678' }, keeperAt('XY-0040')),
    ).toMatchObject({ toStatus: 'collected', closedTs: T0 + 60_000 })
  })

  it('goes through a township station between two trips', () => {
    const legs = [leg(0, 'XY-0001', 'XY-0010', 'A_20261207'), leg(1, 'XY-0010', 'XY-0040', 'B_20261207')]
    const first = scan(parcel({ status: 'loaded', legs }), { action: 'unload' }, keeperAt('XY-0010'))
    expect(first).toMatchObject({ toStatus: 'at_transfer', legIndex: 1, arrivedTs: null })
    const second = scan(parcel({ status: 'at_transfer', legIndex: 1, legs }), { action: 'load' }, keeperAt('XY-0010'))
    expect(second).toMatchObject({ toStatus: 'loaded', tripInstanceId: 'B_20261207', place: 'XY-0010' })
  })

  it('refuses a label scanned twice, out of order, or at the wrong post point', () => {
    expect(refusal(() => scan(parcel({ status: 'loaded' }), { action: 'load' }, driver))).toMatchObject({
      code: 'PARCEL_SCANNED_TWICE',
      details: { reason: 'twice' },
    })
    expect(
      refusal(() =>
        scan(parcel(), { action: 'collect', pickupCode: '482913', phoneLast4: '5678' }, keeperAt('XY-0040')),
      ),
    ).toMatchObject({ code: 'PARCEL_OUT_OF_ORDER', details: { next: ['load'] } })
    expect(refusal(() => scan(parcel(), { action: 'load' }, keeperAt('XY-0007')))).toMatchObject({
      code: 'PARCEL_WRONG_PLACE',
      details: { expectedPlace: 'XY-0001' },
    })
    expect(refusal(() => scan(parcel({ status: 'loaded' }), { action: 'unload' }, keeperAt('XY-0001')))).toMatchObject({
      code: 'PARCEL_WRONG_PLACE',
    })
  })

  it("lets only the trip's driver load, and never onto a cancelled trip or without a bus", () => {
    expect(
      refusal(() => scan(parcel(), { action: 'load' }, { kind: 'driver', username: 'd2', driverCode: 'XY-D002' })),
    ).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'not_yours' } })
    expect(
      refusal(() => scan(parcel(), { action: 'load' }, driver, T0, { ...trip, status: 'cancelled' })),
    ).toMatchObject({ code: 'TRIP_CANCELLED' })
    expect(
      refusal(() => scan(parcel(), { action: 'load' }, keeperAt('XY-0001'), T0, { ...trip, vehicleId: null })),
    ).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'vehicleId' } })
    expect(refusal(() => scan(parcel({ legs: [] }), { action: 'load' }, driver, T0, null))).toMatchObject({
      code: 'PARCEL_OUT_OF_ORDER',
    })
  })

  it('refuses a wrong pickup code or phone digits, and collection from the bus', () => {
    const arrived = parcel({ status: 'arrived', legIndex: 1, arrivedTs: T0 })
    expect(
      refusal(() =>
        scan(arrived, { action: 'collect', pickupCode: '000000', phoneLast4: '5678' }, keeperAt('XY-0040')),
      ),
    ).toMatchObject({ code: 'PICKUP_CODE_WRONG', status: 403 })
    expect(
      refusal(() =>
        scan(arrived, { action: 'collect', pickupCode: '482913', phoneLast4: '1234' }, keeperAt('XY-0040')),
      ),
    ).toMatchObject({ code: 'PICKUP_CODE_WRONG' })
    expect(
      refusal(() => scan(arrived, { action: 'collect', pickupCode: '482913', phoneLast4: '5678' }, driver)),
    ).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('returns a parcel only once its hold days are over', () => {
    const arrived = parcel({ status: 'arrived', legIndex: 1, arrivedTs: T0, holdDays: 3 })
    expect(refusal(() => scan(arrived, { action: 'return' }, keeperAt('XY-0040'), T0 + 2 * 86_400_000))).toMatchObject({
      code: 'PARCEL_NOT_OVERDUE',
    })
    expect(isOverdue(arrived, T0 + 3 * 86_400_000)).toBe(true)
    expect(scan(arrived, { action: 'return' }, keeperAt('XY-0040'), T0 + 3 * 86_400_000)).toMatchObject({
      toStatus: 'returned',
    })
    expect(nextScans('arrived')).toEqual(['collect', 'return'])
    expect(nextScans('collected')).toEqual([])
  })
})

import { describe, expect, it } from 'vitest'
import { drivingCard, normaliseVehicleId, suggestedVehicle } from './driving.js'
import type { DriverTrip, DriverVehicleView } from './model.js'

const NOW = Date.UTC(2026, 10, 30, 1, 0) // 09:00 in Shanghai
const iso = (min: number): string => new Date(NOW + min * 60_000).toISOString()
const counts = {
  capacity: 19,
  confirmed: 0,
  boarded: 0,
  noShow: 0,
  waitlisted: 0,
  cancelled: 0,
  riders: 0,
  peakLoad: 0,
}
const trip = (id: string, fromMin: number, toMin: number, over: Partial<DriverTrip> = {}): DriverTrip => ({
  id,
  departure: iso(fromMin),
  arrival: iso(toMin),
  cutoff: iso(fromMin - 60),
  headsign: '卫生院',
  bookingPolicy: 'none',
  status: 'scheduled',
  cancelReason: null,
  onDemand: null,
  vehicleId: 'XY-V001',
  driverId: 'XY-D001',
  routeName: '场镇—卫生院',
  from: { code: 'XY-0001', name: '场镇' },
  to: { code: 'XY-0003', name: '卫生院' },
  seats: 19,
  vehiclePlate: null,
  counts,
  ...over,
})
const view = (over: Partial<DriverVehicleView> = {}): DriverVehicleView => ({
  driver: { id: 'XY-D001', name: '龙春梅' },
  current: null,
  vehicles: [
    { id: 'XY-V001', plate: '川E·00001' },
    { id: 'XY-V002', plate: '川E·00002' },
  ],
  ...over,
})

describe('"I am driving"', () => {
  it('suggests the bus of the trip under way, else of the next one; never of a finished or cancelled one', () => {
    expect(
      suggestedVehicle(
        [
          trip('a', -90, -30, { vehicleId: 'XY-V009' }),
          trip('b', -10, 30, { vehicleId: 'XY-V002' }),
          trip('c', 60, 90),
        ],
        NOW,
      ),
    ).toBe('XY-V002')
    expect(
      suggestedVehicle(
        [trip('c', 60, 90, { vehicleId: 'XY-V003' }), trip('x', 10, 40, { status: 'cancelled', vehicleId: 'XY-V004' })],
        NOW,
      ),
    ).toBe('XY-V003')
    expect(suggestedVehicle([trip('d', 10, 40, { vehicleId: null }), trip('a', -90, -30)], NOW)).toBeNull()
    expect(suggestedVehicle([], NOW)).toBeNull()
  })

  it('reads a number as typed on a phone', () => {
    expect(normaliseVehicleId(' xy-v 012 ')).toBe('XY-V012')
  })

  it('shows the bus the driver is on and how the server knows, with a button to leave it', () => {
    const html = drivingCard('zh', view({ current: { vehicleId: 'XY-V002', plate: '川E·00002', source: 'card' } }), {
      input: 'XY-V001',
      busy: false,
      error: null,
    })
    expect(html).toContain('data-current="XY-V002"')
    expect(html).toContain('您正在驾驶 XY-V002')
    expect(html).toContain('（司机卡）')
    expect(html).toMatch(/<button type="button" class="mark undo" data-action="sign-off-bus">下车签退<\/button>/)
    expect(html).toContain('value="XY-V001"')
    expect(html).toContain('<option value="XY-V002">川E·00002</option>')
  })

  it('without a bus: says so, offers the field and no sign-off; disabled while sending; errors escaped', () => {
    const html = drivingCard('en', view(), { input: '', busy: true, error: 'no <such> bus' })
    expect(html).toContain('No bus recorded for you yet')
    expect(html).not.toContain('sign-off-bus')
    expect(html).toMatch(/<button type="submit" class="big" disabled>I am driving this bus<\/button>/)
    expect(html).toContain('no &lt;such&gt; bus')
    expect(drivingCard('zh', null, { input: '', busy: false, error: null })).toBe('')
    expect(drivingCard('zh', null, { input: '', busy: false, error: 'x' })).toContain('role="alert"')
  })
})

import { describe, expect, it } from 'vitest'
import type { KeeperView, ParcelLine, TripParcels } from './model.js'
import { keeperPage, tripParcelsSection } from './views.js'

const point = (code: string, name: string) => ({
  code,
  name,
  kind: 'village' as const,
  hours: '08:00-20:00',
  phone: '13900000001',
})
const line = (over: Partial<ParcelLine> = {}): ParcelLine => ({
  number: 'XY-P-20261207-0001',
  status: 'accepted',
  from: point('XY-0001', '叙永县综合运输服务站'),
  to: point('XY-0040', '石坝村邮站'),
  sizeClass: 'S',
  weightKg: 1.2,
  feeFen: 300,
  recipient: '李**',
  recipientPhone: '139****5678',
  tripInstanceId: 'R1_20261207',
  routeName: '叙永—江门',
  vehicleId: null,
  legFrom: 'XY-0001',
  legTo: 'XY-0040',
  departureTs: '2026-12-07T01:00:00.000Z',
  expectedTs: '2026-12-07T01:40:00.000Z',
  acceptedTs: '2026-12-07T00:30:00.000Z',
  arrivedTs: null,
  returnDueTs: null,
  overdue: false,
  next: ['load'],
  ...over,
})
const box = { code: '', message: null, error: null, busy: false, camera: false }

describe('parcel screens', () => {
  it("shows a trip's parcels per stop with the scan that may come next", () => {
    const data: TripParcels = {
      tripInstanceId: 'R1_20261207',
      status: 'scheduled',
      counts: { total: 1, toLoad: 1, onBoard: 0, unloaded: 0 },
      stops: [
        { seq: 1, stopCode: 'XY-0001', stopName: '叙永汽车站', postPoint: true, load: [line()], unload: [] },
        { seq: 5, stopCode: 'XY-0040', stopName: '石坝村委会', postPoint: true, load: [], unload: [line()] },
      ],
    }
    const html = tripParcelsSection('zh', data, box)
    expect(html).toContain('包裹 1 件 · 待装 1 · 车上 0')
    expect(html).toMatch(/data-stop="XY-0001"[\s\S]*本站装车[\s\S]*data-parcel-scan="load"/)
    // Unloading comes after loading: no unload button while it waits at the first stop.
    expect(html.match(/data-parcel-scan="unload"/g)).toBeNull()
    expect(tripParcelsSection('en', { ...data, counts: { ...data.counts, total: 0 }, stops: [] }, box)).toContain(
      'No parcels on this trip',
    )
  })

  it('gives the keeper due-in, waiting, overdue and to-send lists, escaping what people typed', () => {
    const view: KeeperView = {
      point: { ...point('XY-0040', '石坝村邮站'), holdDays: 5 },
      today: '2026-12-07',
      dueIn: [line({ status: 'loaded', next: ['unload'], vehicleId: 'XY-V003' })],
      waiting: [
        line({
          number: 'XY-P-20261207-0002',
          status: 'arrived',
          next: ['collect', 'return'],
          returnDueTs: '2026-12-12T02:00:00.000Z',
        }),
      ],
      overdue: [
        line({
          number: 'XY-P-20261201-0009',
          status: 'arrived',
          overdue: true,
          next: ['collect', 'return'],
          recipient: '<b>x</b>',
        }),
      ],
      toSend: [],
    }
    const html = keeperPage('zh', view, {
      error: null,
      box,
      consign: { points: [], result: null, error: null, busy: false },
    })
    expect(html).toMatch(/data-list="dueIn"[\s\S]*XY-V003 号车[\s\S]*data-parcel-scan="unload"/)
    expect(html).toMatch(/data-list="waiting"[\s\S]*class="collect-form" data-number="XY-P-20261207-0002"/)
    expect(html).toMatch(/data-list="overdue"[\s\S]*class="parcel overdue"[\s\S]*data-parcel-scan="return"/)
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;')
    expect(html).not.toContain('<b>x</b>')
  })
})

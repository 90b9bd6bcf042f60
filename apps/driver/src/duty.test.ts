import { describe, expect, it } from 'vitest'
import { dutyCards, type DriverDuty, type DutyDay, type DutyTrip } from './duty.js'

const at = (clock: string, date = '2026-03-02'): number => Date.parse(`${date}T${clock}:00+08:00`)
const trip = (over: Partial<DutyTrip> & { instanceId: string }): DutyTrip => ({
  tripId: over.instanceId.split('_')[0] ?? '',
  routeId: 'XY-R01',
  routeName: '城关—白岩',
  kind: 'regular',
  headsign: '白岩',
  departureTs: at('07:00'),
  endTs: at('07:50'),
  bookedSeats: 0,
  status: 'scheduled',
  ...over,
})
const duty = (over: Partial<DriverDuty> = {}): DriverDuty => ({
  id: 'duty-1',
  date: '2026-03-02',
  vehicleId: 'XY-V001',
  driverId: 'XY-D001',
  note: null,
  trips: [
    trip({ instanceId: 'A_20260302' }),
    trip({
      instanceId: 'B_20260302',
      headsign: '城关',
      routeName: '白岩—城关',
      departureTs: at('08:10'),
      endTs: at('09:00'),
    }),
  ],
  drivingMin: 100,
  startTs: at('07:00'),
  endTs: at('09:00'),
  problems: [],
  ...over,
})
const today: DutyDay = {
  date: '2026-03-02',
  published: true,
  duty: duty(),
  duties: [duty()],
  vehicle: { id: 'XY-V001', plate: '川E·12345', seats: 19 },
}
const tomorrow: DutyDay = { date: '2026-03-03', published: false, duty: null, duties: [], vehicle: null }
const opts = { today: '2026-03-02', open: 'today' as const, error: null }
const text = (html: string): string =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&#39;', "'")
    .replace(/\s+/g, ' ')
    .trim()

describe('duty cards', () => {
  it('shows today’s bus and its trips in order with times and headsigns, in Asia/Shanghai', () => {
    const html = dutyCards('zh', { days: [today, tomorrow] }, opts)
    const card = /<details class="duty"[^>]*data-date="2026-03-02"[^>]* open>[\s\S]*?<\/details>/.exec(html)?.[0] ?? ''
    expect(text(card)).toContain('今天的排班 03-02 川E·12345 XY-V001 · 共 19 座 2 趟 · 07:00–09:00 · 驾驶 1小时40分')
    expect([...card.matchAll(/data-trip="([^"]+)"/g)].map((m) => m[1])).toEqual(['A_20260302', 'B_20260302'])
    expect(text(card)).toContain('08:10 城关 白岩—城关 · 08:10–09:00')
  })

  it('says a day’s roster is not published yet, and that a published day has no duty for them', () => {
    const html = dutyCards('zh', { days: [{ ...today, duty: null, duties: [], vehicle: null }, tomorrow] }, opts)
    expect(html).toContain('data-published="no"')
    expect(text(html)).toContain('明天的排班还没发布')
    expect(text(html)).toContain('今天没有给您排班')
  })

  it('reads in English, unfolds the day on screen, and strikes a cancelled trip through', () => {
    const cancelled = duty({ trips: [trip({ instanceId: 'A_20260302', status: 'cancelled' })], drivingMin: 0 })
    const next = duty({ id: 'duty-2', date: '2026-03-03' })
    const html = dutyCards(
      'en',
      {
        days: [
          { ...today, duty: cancelled, duties: [cancelled] },
          { ...tomorrow, published: true, duty: next, duties: [next] },
        ],
      },
      { ...opts, open: 'tomorrow' },
    )
    expect(text(html)).toContain("Today's duty 03-02")
    expect(text(html)).toContain('0 trips · driving 0 min')
    expect(html).toMatch(/<li class="cancelled" data-trip="A_20260302">/)
    expect(html).toMatch(/data-date="2026-03-02"[^>]*data-duty="duty-1">/)
    expect(html).toMatch(/data-date="2026-03-03"[^>]*data-duty="duty-2" open>/)
  })

  it('lists a second duty of the same day under its bus, and counts both', () => {
    const second = duty({
      id: 'duty-2',
      vehicleId: 'XY-V007',
      trips: [trip({ instanceId: 'C_20260302', departureTs: at('15:00'), endTs: at('16:00') })],
      drivingMin: 60,
    })
    const html = dutyCards('zh', { days: [{ ...today, duties: [duty(), second] }] }, opts)
    expect(text(html)).toContain('3 趟 · 07:00–16:00 · 驾驶 2小时40分')
    expect(html).toContain('<h3 class="duty-more">XY-V007</h3>')
    expect([...html.matchAll(/<ol class="duty-trips" data-duty="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'duty-1',
      'duty-2',
    ])
  })

  it('escapes what it shows, and draws nothing while loading or a line on failure', () => {
    const noted = duty({ note: '<b>早班</b>' })
    const html = dutyCards('zh', { days: [{ ...today, duty: noted, duties: [noted] }] }, opts)
    expect(html).toContain('&lt;b&gt;早班&lt;/b&gt;')
    expect(dutyCards('zh', null, opts)).toBe('')
    expect(dutyCards('zh', null, { ...opts, error: '加载失败' })).toContain('role="alert">加载失败<')
  })
})

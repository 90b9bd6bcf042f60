import { describe, expect, it } from 'vitest'
import { clock, serviceDay, t } from './i18n.js'
import type { DriverTrips, ManifestEntry, ManifestView } from './model.js'
import { manifestPage, marksOpen, signInPage, tripsPage } from './views.js'

const CUTOFF = Date.UTC(2026, 10, 30, 0, 0) // 08:00 in Shanghai
const counts = {
  capacity: 19,
  confirmed: 1,
  boarded: 1,
  noShow: 0,
  waitlisted: 1,
  cancelled: 0,
  riders: 2,
  peakLoad: 2,
}
const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  code: 'K7M3QX',
  name: '王芳',
  phoneMasked: '138****5678',
  seats: 1,
  status: 'confirmed',
  channel: 'phone',
  boardStop: 'XY-0001',
  alightStop: 'XY-0003',
  ...over,
})

function makeManifest(over: Partial<ManifestView['trip']> = {}): ManifestView {
  const at = (min: number): string => new Date(CUTOFF + 60 * 60_000 + min * 60_000).toISOString()
  return {
    trip: {
      id: 'XY-R01-0900_20261130',
      departure: at(0),
      cutoff: new Date(CUTOFF).toISOString(),
      headsign: '卫生院',
      bookingPolicy: 'optional',
      status: 'scheduled',
      cancelReason: null,
      onDemand: null,
      vehicleId: null,
      driverId: 'XY-D001',
      ...over,
    },
    counts,
    stops: [
      {
        seq: 1,
        stopCode: 'XY-0001',
        stopName: '场镇',
        arrival: at(0),
        boarding: [entry(), entry({ code: 'B2C3D4', status: 'boarded', seats: 1 })],
        alighting: [],
        loadAfter: 2,
      },
      { seq: 2, stopCode: 'XY-0002', stopName: '石坝村', arrival: at(10), boarding: [], alighting: [], loadAfter: 2 },
      {
        seq: 3,
        stopCode: 'XY-0003',
        stopName: '卫生院',
        arrival: at(20),
        boarding: [],
        alighting: [entry(), entry({ code: 'B2C3D4', seats: 1 })],
        loadAfter: 0,
      },
    ],
    waitlist: [entry({ code: 'WWWWWW', status: 'waitlisted', seats: 2, name: '李' })],
  }
}

const buttons = (markup: string): string[] =>
  [...markup.matchAll(/<button[^>]*data-mark="(\w+)"[^>]*?( disabled)?>/g)].map((m) => `${m[1]}${m[2] ? ':off' : ''}`)

describe('driver page views', () => {
  it('opens marks at the cutoff instant, not a millisecond before, and never on a cancelled trip', () => {
    const m = makeManifest()
    expect(marksOpen(m, CUTOFF - 1)).toBe(false)
    expect(marksOpen(m, CUTOFF)).toBe(true)
    expect(marksOpen(makeManifest({ status: 'cancelled', cancelReason: '塌方' }), CUTOFF + 1)).toBe(false)
    expect(marksOpen(makeManifest({ onDemand: 'cancelled' }), CUTOFF + 1)).toBe(false)
  })

  it('offers boarded / no-show for a confirmed booking and undo for a marked one; disabled before the cutoff and while a mark is sent', () => {
    expect(buttons(manifestPage('zh', makeManifest(), { now: CUTOFF, live: true, error: null, busy: null }))).toEqual([
      'boarded',
      'no_show',
      'confirmed',
    ])
    const early = manifestPage('zh', makeManifest(), { now: CUTOFF - 1, live: true, error: null, busy: null })
    expect(buttons(early)).toEqual(['boarded:off', 'no_show:off', 'confirmed:off'])
    expect(early).toContain('08:00 预约截止后可以登记上车')
    expect(
      buttons(manifestPage('zh', makeManifest(), { now: CUTOFF, live: true, error: null, busy: 'K7M3QX' })),
    ).toEqual(['boarded:off', 'no_show:off', 'confirmed:off'])
  })

  it('shows per stop who boards and alights, the load, the waitlist and the counts; a quiet stop is one line', () => {
    const html = manifestPage('zh', makeManifest(), { now: CUTOFF, live: true, error: null, busy: null })
    expect(html).toContain('<h1>09:00 场镇 → 卫生院</h1>')
    expect(html).toContain('已上车 1 / 预约 2 · 未到 0')
    expect(html).toContain('下车：K7M3QX×1，B2C3D4×1')
    expect(html).toMatch(/class="stop quiet" data-stop="XY-0002"/)
    expect(html).toMatch(/候补名单.*WWWWWW/s)
    expect(html).toContain('data-live="up"')
    expect(html).not.toContain('13812345678')
  })

  it('says a cancelled trip is cancelled, with the reason, and escapes what it shows', () => {
    const html = manifestPage('en', makeManifest({ status: 'cancelled', cancelReason: '<b>landslide</b>' }), {
      now: CUTOFF,
      live: false,
      error: null,
      busy: null,
    })
    expect(html).toContain('This trip is cancelled: &lt;b&gt;landslide&lt;/b&gt;')
    expect(html).toContain('Not connected, reconnecting…')
    expect(manifestPage('zh', null, { now: 0, live: null, error: 'x<y', busy: null })).toContain('x&lt;y')
  })

  it('lists trips with their counts, a cancelled one with its reason, and says when there are none', () => {
    const base = makeManifest().trip
    const trip = {
      ...base,
      routeName: '场镇—卫生院',
      from: { code: 'XY-0001', name: '场镇' },
      to: { code: 'XY-0003', name: '卫生院' },
      arrival: base.departure,
      seats: 19,
      vehiclePlate: '川E·12345',
      counts,
    }
    const data: DriverTrips = {
      date: '2026-11-30',
      driver: { id: 'XY-D001', name: '龙春梅' },
      items: [trip, { ...trip, id: 'X_20261130', status: 'cancelled', cancelReason: '停电' }],
    }
    const html = tripsPage('zh', data, 'today', null, true)
    expect(html).toContain('龙春梅 XY-D001 的班次')
    expect(html).toMatch(/预约 2 座.*已上车 1.*候补 1/s)
    expect(html).toContain('已取消：停电')
    expect(html).toContain('href="#/trip/XY-R01-0900_20261130"')
    expect(tripsPage('en', { ...data, items: [] }, 'tomorrow', null, true)).toContain(
      'No trips assigned to you Tomorrow',
    )
    expect(signInPage('zh', '账号或密码不对')).toMatch(/<form class="sign-in".*账号或密码不对/s)
  })

  it('tells times and days in Asia/Shanghai whatever the phone says', () => {
    expect(clock('2026-11-29T16:05:00.000Z')).toBe('00:05')
    expect(serviceDay(Date.UTC(2026, 10, 29, 15, 59, 59, 999))).toBe('2026-11-29')
    expect(serviceDay(Date.UTC(2026, 10, 29, 16, 0))).toBe('2026-11-30')
    expect(serviceDay(Date.UTC(2026, 11, 31, 16, 0), 1)).toBe('2027-01-02')
    expect(t('en', 'seats', { n: 3 })).toBe('3 seats')
  })
})

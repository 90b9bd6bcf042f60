import { addDays, instancesOn, serviceDate, weekdayOf, type NetworkSnapshot, type ServiceDate } from '@rb/domain'
import { describe, expect, it } from 'vitest'
import { parseCsv } from '@rb/csv'
import { exportGtfs, importGtfs, validateGtfs } from './index.js'
import { makeNetwork, makeTrip, unzipTexts } from './test-factories.js'

const from = serviceDate('2026-09-01')
const to = addDays(from, 59)
const opts = { from, to, agencyUrl: 'https://bus.xuyong.example/' }

/** Each instance as its stop codes in travel order, departure and arrival offsets: no ids. */
function timetableOn(net: NetworkSnapshot, date: ServiceDate): string[] {
  return instancesOn(date, net.trips, net.routes, net.calendars)
    .map(
      (i) =>
        `${i.stops.map((s) => s.stopCode).join('>')} @${i.departureTs} +${i.stops.map((s) => s.arrivalTs - i.departureTs).join(',')}`,
    )
    .sort()
}

function table(zip: Uint8Array, file: string): string[][] {
  const text = unzipTexts(zip)[file]
  if (text === undefined) throw new Error(`${file} is not in the zip`)
  return parseCsv(text).map((r) => r.fields)
}

describe('export → validate → import', () => {
  const net = makeNetwork()
  const zip = exportGtfs(net, opts)

  it('gives a feed without validation errors', () => {
    expect(validateGtfs(zip)).toEqual({ errors: [], warnings: [] })
  })

  it('runs the same trips, at the same stops and times, on every day of the horizon', () => {
    const back = importGtfs(zip).network
    let instances = 0
    for (let day = 0; day < 60; day++) {
      const date = addDays(from, day)
      expect(timetableOn(back, date), date).toEqual(timetableOn(net, date))
      instances += timetableOn(net, date).length
    }
    expect(instances).toBeGreaterThan(60)
    // The calendars were exercised: no school bus in the National Day holiday, one on the make-up Saturday.
    const school = (date: string) => timetableOn(back, serviceDate(date)).filter((t) => t.includes('XY-0006'))
    expect(school('2026-10-02')).toEqual([])
    expect(weekdayOf(serviceDate('2026-10-10'))).toBe(6)
    expect(school('2026-10-10')).toHaveLength(2)
    expect(school('2026-10-11')).toEqual([])
  })

  it('reads back routes, stops and names whole', () => {
    const { network, warnings } = importGtfs(zip)
    expect(warnings).toEqual([])
    expect(network.routes.map((r) => [r.id, r.kind, r.color, r.speedLimitKmh, r.nameEn])).toEqual([
      ['XY-R01', 'market', '#aa3300', 40, 'Xuyong–Jiangmen'],
      ['XY-R02', 'student', '#1f6feb', 40, 'Xuyong–Shuiwei'],
    ])
    const original = net.routes[0]
    const route = network.routes[0]
    expect(route?.geometry).toEqual(original?.geometry)
    route?.stops.forEach((s, i) => expect(s.distM).toBeCloseTo(original?.stops[i]?.distM ?? NaN, 0))
    expect(network.stops.find((s) => s.code === 'XY-0004')).toMatchObject({
      name: '江门场, "老街"',
      nameEn: 'Jiangmen market, old street',
      townshipId: 'XY-T02',
    })
    expect(network.townships.map((t) => t.id).sort()).toEqual(['XY-T01', 'XY-T02', 'XY-T03'])
  })
})

describe('exportGtfs', () => {
  it('leaves removed stops and inactive trips out', () => {
    const zip = exportGtfs(makeNetwork(), opts)
    expect(table(zip, 'stops.txt').map((r) => r[0])).not.toContain('XY-0009')
    expect(table(zip, 'trips.txt').map((r) => r[2])).not.toContain('R02-OFF')
  })

  it('drops a removed stop from the stop times of trips that still list it', () => {
    const net = makeNetwork()
    const stops = net.stops.map((s) => (s.code === 'XY-0002' ? { ...s, status: 'removed' as const } : s))
    const rows = table(exportGtfs({ ...net, stops }, opts), 'stop_times.txt').filter((r) => r[0] === 'R01-0630')
    expect(rows.map((r) => [r[3], r[1]])).toEqual([
      ['XY-0001', '06:30:00'],
      ['XY-0003', '06:45:00'],
      ['XY-0004', '06:55:00'],
    ])
  })

  it('lists every running date in calendar_dates.txt and writes no calendar.txt', () => {
    const zip = exportGtfs(makeNetwork(), opts)
    expect(Object.keys(unzipTexts(zip))).not.toContain('calendar.txt')
    const school = table(zip, 'calendar_dates.txt').filter((r) => r[0] === 'SCH')
    expect(school.every((r) => r[2] === '1')).toBe(true)
    const dates = school.map((r) => r[1])
    expect(dates).toContain('20261010')
    expect(dates).not.toContain('20261001')
    expect(dates).toHaveLength(22 + 1 + 17) // Sep 1–30 weekdays, the make-up Saturday, Oct 8–30 weekdays
  })

  it('writes times past midnight as 24:xx:xx and reads them back', () => {
    const late = makeTrip({ id: 'R01-2350', departureS: 23 * 3600 + 50 * 60 })
    const net = makeNetwork({ trips: [late] })
    const zip = exportGtfs(net, opts)
    const rows = table(zip, 'stop_times.txt').filter((r) => r[0] === 'R01-2350')
    expect(rows.map((r) => r[1])).toEqual(['23:50:00', '23:57:00', '24:05:00', '24:15:00'])
    expect(importGtfs(zip).network.trips[0]).toMatchObject({
      departureS: late.departureS,
      stopOffsetsS: late.stopOffsetsS,
    })
  })

  it('gives direction-1 trips the reversed line, distances in metres from its start', () => {
    const net = makeNetwork()
    const route = net.routes[0]
    const zip = exportGtfs(net, opts)
    const back = table(zip, 'shapes.txt').filter((r) => r[0] === 'XY-R01_1')
    expect(back.map((r) => [Number(r[2]), Number(r[1])])).toEqual([...(route?.geometry ?? [])].reverse())
    expect(Number(back[0]?.[4])).toBe(0)
    expect(Number(back.at(-1)?.[4])).toBeCloseTo(route?.lengthM ?? NaN, 0)
    const trip = table(zip, 'trips.txt').find((r) => r[2] === 'R01-1200')
    expect(trip?.slice(4)).toEqual(['1', 'XY-R01_1'])
    const stopTimes = table(zip, 'stop_times.txt').filter((r) => r[0] === 'R01-1200')
    expect(stopTimes.map((r) => r[3])).toEqual(['XY-0004', 'XY-0003', 'XY-0002', 'XY-0001'])
    expect(Number(stopTimes.at(-1)?.[6])).toBeCloseTo(route?.lengthM ?? NaN, 0)
  })

  it('writes routes, agency and feed info as GTFS wants them', () => {
    const zip = exportGtfs(makeNetwork(), opts)
    expect(table(zip, 'routes.txt')[1]).toEqual([
      'XY-R01',
      'OP1',
      'XY-R01',
      '叙永—江门',
      '3',
      'AA3300',
      'FFFFFF',
      'market',
      '40',
    ])
    expect(table(zip, 'agency.txt')[1]).toEqual([
      'OP1',
      '叙永县公交公司',
      'https://bus.xuyong.example/',
      'Asia/Shanghai',
      'zh',
      '0830-6123456',
    ])
    expect(table(zip, 'feed_info.txt')[1]).toEqual([
      '叙永县公交公司',
      'https://bus.xuyong.example/',
      'zh',
      '20260901',
      '20261030',
      '20260901-20261030',
    ])
  })

  it('gives the same bytes for the same network and options', () => {
    expect(exportGtfs(makeNetwork(), opts)).toEqual(exportGtfs(makeNetwork(), opts))
  })

  it('refuses an invalid trip, naming it', () => {
    const net = makeNetwork({ trips: [makeTrip({ id: 'BAD', stopOffsetsS: [0, 300] })] })
    expect(() => exportGtfs(net, opts)).toThrow(
      expect.objectContaining({
        code: 'BAD_VALUE',
        message: expect.stringMatching(/trip BAD: stopOffsetsS has 2 entries/),
      }),
    )
  })
})

import { describe, expect, it } from 'vitest'
import { serviceDate } from '@rb/domain'
import { exportGtfs, importGtfs, validateGtfs } from './index.js'
import { unzipTexts, zipTexts } from './test-factories.js'
import { parseCsv } from '@rb/csv'

/** A town shuttle every 15 minutes in the morning and every 30 at midday, one timed trip back. */
const feed = {
  'agency.txt':
    'agency_id,agency_name,agency_url,agency_timezone\nSH,Shuttle Co,https://shuttle.example/,Asia/Shanghai\n',
  'stops.txt':
    'stop_id,stop_name,stop_lat,stop_lon\nXY-0101,车站,28.16,105.44\nXY-0102,医院,28.165,105.445\nXY-0103,学校,28.17,105.45\n',
  'routes.txt': 'route_id,agency_id,route_short_name,route_long_name,route_type\nS1,SH,S1,城区穿梭,3\n',
  'trips.txt': 'route_id,service_id,trip_id,direction_id\nS1,WK,S1-HW,0\nS1,WK,S1-BACK,1\n',
  'stop_times.txt':
    'trip_id,arrival_time,departure_time,stop_id,stop_sequence\n' +
    'S1-HW,07:00:00,07:00:00,XY-0101,1\nS1-HW,07:06:00,07:06:00,XY-0102,2\nS1-HW,07:14:00,07:14:00,XY-0103,3\n' +
    'S1-BACK,18:00:00,18:00:00,XY-0103,1\nS1-BACK,18:07:00,18:07:00,XY-0102,2\nS1-BACK,18:15:00,18:15:00,XY-0101,3\n',
  'frequencies.txt':
    'trip_id,start_time,end_time,headway_secs,exact_times\nS1-HW,07:00:00,08:00:00,900,1\nS1-HW,11:00:00,12:30:00,1800,0\n',
  'calendar.txt':
    'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260901,20261231\n',
}

const SEPTEMBER = { from: serviceDate('2026-09-01'), to: serviceDate('2026-09-30'), agencyUrl: 'https://bus.example/' }
const rows = (zip: Uint8Array, file: string): string[][] => parseCsv(unzipTexts(zip)[file] ?? '').map((r) => r.fields)

describe('frequencies.txt', () => {
  it('expands a frequency-based trip into one timed trip per headway, up to but not including the end', () => {
    const { network, warnings } = importGtfs(zipTexts(feed))
    const runs = network.trips.filter((t) => t.id.startsWith('S1-HW-'))
    expect(runs.map((t) => t.id)).toEqual([
      'S1-HW-0700',
      'S1-HW-0715',
      'S1-HW-0730',
      'S1-HW-0745',
      'S1-HW-1100',
      'S1-HW-1130',
      'S1-HW-1200',
    ])
    expect(runs.map((t) => t.departureS / 60)).toEqual([420, 435, 450, 465, 660, 690, 720])
    for (const t of runs)
      expect(t).toMatchObject({ routeId: 'S1', calendarId: 'WK', direction: 0, stopOffsetsS: [0, 360, 840] })
    expect(network.trips.find((t) => t.id === 'S1-BACK')).toMatchObject({ departureS: 18 * 3600 })
    expect(network.frequencies).toContainEqual({
      tripId: 'S1-HW-0745',
      templateId: 'S1-HW',
      startS: 7 * 3600,
      endS: 8 * 3600,
      headwayS: 900,
      exactTimes: true,
    })
    expect(network.frequencies).toContainEqual({
      tripId: 'S1-HW-1200',
      templateId: 'S1-HW',
      startS: 11 * 3600,
      endS: 12.5 * 3600,
      headwayS: 1800,
      exactTimes: false,
    })
    expect(network.frequencies).toHaveLength(7)
    expect(warnings).toContain(
      '1 frequency-based trips (frequencies.txt) were expanded into 7 timed trips, one per headway; the export says them as headways again',
    )
  })

  it('exports the expanded trips back as one frequency-based trip with its windows', () => {
    const { network } = importGtfs(zipTexts(feed))
    const zip = exportGtfs(network, SEPTEMBER)
    expect(validateGtfs(zip).errors).toEqual([])
    expect(rows(zip, 'frequencies.txt')).toEqual([
      ['trip_id', 'start_time', 'end_time', 'headway_secs', 'exact_times'],
      ['S1-HW', '07:00:00', '08:00:00', '900', '1'],
      ['S1-HW', '11:00:00', '12:30:00', '1800', '0'],
    ])
    const tripIds = rows(zip, 'trips.txt')
      .slice(1)
      .map((r) => r[2])
    expect(tripIds.sort()).toEqual(['S1-BACK', 'S1-HW'])
    expect(
      rows(zip, 'stop_times.txt')
        .filter((r) => r[0] === 'S1-HW')
        .map((r) => r[1]),
    ).toEqual(['07:00:00', '07:06:00', '07:14:00'])
    // And back again: the same runs.
    const again = importGtfs(zip).network
    expect(again.trips.map((t) => `${t.id}@${t.departureS}`).sort()).toEqual(
      network.trips.map((t) => `${t.id}@${t.departureS}`).sort(),
    )
    expect(again.frequencies).toEqual(network.frequencies)
  })

  it('writes runs one by one once they are no longer an exact headway', () => {
    const { network } = importGtfs(zipTexts(feed))
    const edited = {
      ...network,
      trips: network.trips.map((t) => (t.id === 'S1-HW-0730' ? { ...t, departureS: t.departureS + 120 } : t)),
    }
    const zip = exportGtfs(edited, SEPTEMBER)
    expect(unzipTexts(zip)['frequencies.txt']).toBeUndefined()
    expect(
      rows(zip, 'trips.txt')
        .slice(1)
        .map((r) => r[2]),
    ).toContain('S1-HW-0730')
    expect(validateGtfs(zip).errors).toEqual([])
  })

  it('refuses a window that ends before it starts', () => {
    const bad = {
      ...feed,
      'frequencies.txt': 'trip_id,start_time,end_time,headway_secs\nS1-HW,09:00:00,08:00:00,900\n',
    }
    expect(() => importGtfs(zipTexts(bad))).toThrow(
      /frequencies\.txt line 2, end_time: ends \(08:00:00\) at or before it starts/,
    )
  })
})

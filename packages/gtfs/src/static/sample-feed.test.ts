import { expandDates, instancesOn, parseCalendar, runsOn, serviceDate, type NetworkSnapshot } from '@rb/domain'
import { describe, expect, it } from 'vitest'
import { exportGtfs, importGtfs, validateGtfs } from './index.js'
import { zipTexts } from './test-factories.js'
import { loadSampleFeed } from './testdata/load-sample-feed.js'

const sample = loadSampleFeed()
const d = serviceDate

function calendarOf(network: NetworkSnapshot, id: string): ReturnType<typeof parseCalendar> {
  const calendar = network.calendars.find((c) => c.id === id)
  if (!calendar) throw new Error(`no calendar ${id}`)
  return parseCalendar(calendar.rules)
}

describe('the GTFS reference sample feed', () => {
  it('passes validation, with warnings for what is odd but allowed', () => {
    const { errors, warnings } = validateGtfs(zipTexts(sample))
    expect(errors).toEqual([])
    expect(warnings).toContainEqual(expect.stringMatching(/stop_times\.txt: unknown columns drop_off_time/))
    expect(warnings).toContainEqual(
      expect.stringMatching(/stop_times\.txt: 13 rows have fewer fields than the header \(first at line 17\)/),
    )
  })

  it('imports agencies, stops, routes, trips and services', () => {
    const { network, warnings } = importGtfs(zipTexts(sample))
    expect(network.operators).toEqual([{ id: 'DTA', name: 'Demo Transit Authority', phone: null }])
    expect(network.stops.map((s) => s.code)).toEqual([
      'FUR_CREEK_RES',
      'BEATTY_AIRPORT',
      'BULLFROG',
      'STAGECOACH',
      'NADAV',
      'NANAA',
      'DADAN',
      'EMSI',
      'AMV',
    ])
    expect(network.stops[0]).toMatchObject({
      name: 'Furnace Creek Resort (Demo)',
      point: [-117.133162, 36.425288],
      townshipId: 'imported',
    })
    expect(network.townships.map((t) => t.id)).toEqual(['imported'])
    // Direction-1 trips run the reverse of the direction-0 stops, so each GTFS route stays one route.
    expect(network.routes.map((r) => r.id)).toEqual(['AB', 'STBA', 'CITY', 'BFC', 'AAMV'])
    // 8 timed trips, and CITY1, CITY2 and STBA expanded from frequencies.txt: 52 + 52 + 32 runs.
    expect(network.trips).toHaveLength(8 + 52 + 52 + 32)
    expect(network.calendars.map((c) => c.id)).toEqual(['FULLW', 'WE'])
    expect(network.vehicles).toEqual([])
    expect(network.drivers).toEqual([])
    expect(warnings).toContainEqual(
      expect.stringMatching(/9 stop ids are not sign codes .* FUR_CREEK_RES, BEATTY_AIRPORT/),
    )
    expect(warnings).toContain(
      '3 frequency-based trips (frequencies.txt) were expanded into 136 timed trips, one per headway; the export says them as headways again',
    )
    expect(warnings).toContainEqual(expect.stringMatching(/time zone is America\/Los_Angeles/))
    expect(warnings).toContainEqual('2 trips wait at stops (departure after arrival); only arrival times are kept')
  })

  it('keeps departure times and arrival offsets, in each direction', () => {
    const { network } = importGtfs(zipTexts(sample))
    const trip = (id: string) => network.trips.find((t) => t.id === id)
    expect(trip('AB1')).toMatchObject({
      routeId: 'AB',
      calendarId: 'FULLW',
      direction: 0,
      headsign: 'to Bullfrog',
      departureS: 8 * 3600,
      stopOffsetsS: [0, 600],
    })
    expect(trip('AB2')).toMatchObject({
      routeId: 'AB',
      direction: 1,
      departureS: 12 * 3600 + 5 * 60,
      stopOffsetsS: [0, 600],
    })
    // CITY2 arrives at EMSI 6:28 and leaves 6:30: arrivals count from the departure. It runs every
    // 30 minutes from 6:00 (frequencies.txt), so its runs start at 6:00, 6:30 …, 8:00, 8:10 …
    expect(trip('CITY2-0600')).toMatchObject({
      routeId: 'CITY',
      direction: 1,
      headsign: 'Stagecoach Hotel & Casino (Demo)',
      departureS: 6 * 3600,
      stopOffsetsS: [0, 300, 720, 1140, 1560],
    })
    expect(trip('CITY2-0810')).toMatchObject({ departureS: 8 * 3600 + 600 })
    expect(trip('CITY2-2130')).toMatchObject({ departureS: 21.5 * 3600 })
    expect(trip('CITY2-2200')).toBeUndefined()
    expect(trip('STBA-0600')).toMatchObject({ direction: 0, seats: 30, bookingPolicy: 'none' })
    const city = network.routes.find((r) => r.id === 'CITY')
    expect(city).toMatchObject({ name: 'City', kind: 'regular', operatorId: 'DTA' })
    expect(city?.stops.map((s) => s.stopCode)).toEqual(['STAGECOACH', 'NANAA', 'NADAV', 'DADAN', 'EMSI'])
    // No shapes: the line joins the stops, so each distance is the sum of the hops before it.
    expect(city?.geometry).toHaveLength(5)
    expect(city?.stops[0]?.distM).toBe(0)
    expect(city?.lengthM).toBeCloseTo(city?.stops[4]?.distM ?? NaN, 0)
    expect(city?.stops[1]?.distM).toBeGreaterThan(550)
  })

  it('maps FULLW to every day of 2007–2010 but 2007-06-04, and WE to weekends', () => {
    const { network } = importGtfs(zipTexts(sample))
    const fullw = calendarOf(network, 'FULLW')
    expect(runsOn(fullw, d('2007-06-04'))).toBe(false)
    expect(runsOn(fullw, d('2007-06-05'))).toBe(true)
    expect(runsOn(fullw, d('2006-12-31'))).toBe(false)
    expect(runsOn(fullw, d('2011-01-01'))).toBe(false)
    expect(expandDates(fullw, d('2007-01-01'), d('2010-12-31'))).toHaveLength(365 * 4 + 1 - 1)
    const we = calendarOf(network, 'WE')
    expect(expandDates(we, d('2007-06-01'), d('2007-06-10'))).toEqual([
      '2007-06-02',
      '2007-06-03',
      '2007-06-09',
      '2007-06-10',
    ])
  })

  it('lists the trips that run on a date', () => {
    const { network } = importGtfs(zipTexts(sample))
    const on = (date: string) =>
      instancesOn(d(date), network.trips, network.routes, network.calendars).map((i) => i.tripId)
    expect(on('2007-06-02')).toHaveLength(8 + 136) // a Saturday: FULLW and WE
    expect(on('2007-06-05').filter((id) => !/^(CITY|STBA)/.test(id))).toEqual(['AB1', 'BFC1', 'BFC2', 'AB2'])
    expect(on('2007-06-05').slice(0, 3).sort()).toEqual(['CITY1-0600', 'CITY2-0600', 'STBA-0600'])
    expect(on('2007-06-04')).toEqual([]) // a Monday removed from FULLW
  })

  it('reads the same feed with a byte order mark, CRLF line ends and the files in a folder', () => {
    const crlf = Object.fromEntries(
      Object.entries(sample).map(([name, text]) => [`sample-feed/${name}`, '\uFEFF' + text.replaceAll('\n', '\r\n')]),
    )
    const plain = importGtfs(zipTexts(sample))
    const variant = importGtfs(zipTexts(crlf))
    expect(variant.network).toEqual(plain.network)
    expect(variant.warnings).toContainEqual(expect.stringMatching(/in the folder 'sample-feed\/'/))
  })

  it('exports what it imported, ids like FUR_CREEK_RES included, and reads it back the same', () => {
    const { network } = importGtfs(zipTexts(sample))
    const [from, to] = [d('2007-06-01'), d('2007-06-30')]
    const zip = exportGtfs(network, { from, to, agencyUrl: 'http://google.com' })
    expect(validateGtfs(zip).errors).toEqual([])
    const again = importGtfs(zip).network
    expect(again.stops.map((s) => s.code)).toEqual(network.stops.map((s) => s.code))
    for (let day = 1; day <= 30; day++) {
      const date = d(`2007-06-${String(day).padStart(2, '0')}`)
      const ids = (net: NetworkSnapshot) =>
        instancesOn(date, net.trips, net.routes, net.calendars).map(
          (i) => `${i.tripId}@${i.departureTs}:${i.stops.map((s) => s.stopCode).join('>')}`,
        )
      expect(ids(again)).toEqual(ids(network))
    }
  })

  it('interpolates stops without times and skips trips that start after midnight', () => {
    const stopTimes = (sample['stop_times.txt'] ?? '')
      .replace(/CITY1,6:(05|12|19):00,6:(07|14|21):00/g, 'CITY1,,')
      .replace('AAMV4,15:00:00,15:00:00', 'AAMV4,25:00:00,25:00:00')
      .replace('AAMV4,16:00:00,16:00:00', 'AAMV4,26:00:00,26:00:00')
    const { network, warnings } = importGtfs(zipTexts({ ...sample, 'stop_times.txt': stopTimes }))
    expect(network.trips.find((t) => t.id === 'CITY1-0600')?.stopOffsetsS).toEqual([0, 390, 780, 1170, 1560])
    expect(network.trips.map((t) => t.id)).not.toContain('AAMV4')
    expect(warnings).toContainEqual(expect.stringMatching(/^1 trips have stops without times/))
    expect(warnings).toContainEqual(expect.stringMatching(/^1 trips start at or after 24:00:00 and were skipped/))
  })

  it('falls back to stop-to-stop distances when a stop is far from the shape', () => {
    const files = {
      ...sample,
      'shapes.txt': 'shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\nfar,37.75,-122.19,1\nfar,37.76,-122.19,2\n',
      'trips.txt':
        sample['trips.txt']?.replace('AB,FULLW,AB1,to Bullfrog,0,1,', 'AB,FULLW,AB1,to Bullfrog,0,1,far') ?? '',
    }
    const { network, warnings } = importGtfs(zipTexts(files))
    expect(warnings).toContainEqual(
      expect.stringMatching(/route AB: stop BEATTY_AIRPORT is \d+ m from the route line.*stop to stop/),
    )
    const ab = network.routes.find((r) => r.id === 'AB')
    expect(ab?.geometry).toEqual([
      [-116.784582, 36.868446],
      [-116.81797, 36.88108],
    ])
    expect(ab?.stops[1]?.distM).toBeCloseTo(ab?.lengthM ?? NaN, 1)
  })
})

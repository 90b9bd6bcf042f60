import { describe, expect, it } from 'vitest'
import { GtfsError, importGtfs, validateGtfs, type GtfsErrorCode } from './index.js'
import { zipTexts } from './test-factories.js'
import { loadSampleFeed } from './testdata/load-sample-feed.js'

const sample = loadSampleFeed()

function importError(zip: Uint8Array): GtfsError {
  try {
    importGtfs(zip)
  } catch (err) {
    if (err instanceof GtfsError) return err
    throw err
  }
  throw new Error('importGtfs accepted the feed')
}

/** The sample feed with one file replaced (or removed, with undefined). */
function variant(file: string, edit: (text: string) => string | undefined): Uint8Array {
  const files: Record<string, string> = { ...sample }
  const text = edit(files[file] ?? '')
  if (text === undefined) delete files[file]
  else files[file] = text
  return zipTexts(files)
}

describe('bad input', () => {
  it.each<[string, GtfsErrorCode, Uint8Array, Partial<GtfsError>, RegExp]>([
    [
      'a missing required file',
      'MISSING_FILE',
      variant('stops.txt', () => undefined),
      { file: 'stops.txt' },
      /stops\.txt: stops\.txt is required/,
    ],
    [
      'no calendar at all',
      'MISSING_FILE',
      zipTexts(Object.fromEntries(Object.entries(sample).filter(([name]) => !name.startsWith('calendar')))),
      { file: 'calendar.txt' },
      /calendar\.txt or calendar_dates\.txt/,
    ],
    [
      'a missing required column',
      'MISSING_FIELD',
      variant('stops.txt', (t) => t.replace('stop_lat', 'latitude')),
      { file: 'stops.txt', line: 1, field: 'stop_lat' },
      /required column is missing/,
    ],
    [
      'an empty required value',
      'MISSING_FIELD',
      variant('agency.txt', (t) => t.replace('Demo Transit Authority', '')),
      { file: 'agency.txt', line: 2, field: 'agency_name' },
      /required value is empty/,
    ],
    [
      'a trip on a route that does not exist',
      'BAD_REFERENCE',
      variant('trips.txt', (t) => t.replace('AB,FULLW,AB2', 'NOPE,FULLW,AB2')),
      { file: 'trips.txt', line: 3, field: 'route_id' },
      /"NOPE" is not a route_id in routes\.txt/,
    ],
    [
      'a stop time at an unknown stop',
      'BAD_REFERENCE',
      variant('stop_times.txt', (t) => t.replace('CITY1,6:12:00,6:14:00,NADAV', 'CITY1,6:12:00,6:14:00,NOWHERE')),
      { file: 'stop_times.txt', line: 6, field: 'stop_id' },
      /"NOWHERE"/,
    ],
    [
      'a trip on an unknown service',
      'BAD_REFERENCE',
      variant('trips.txt', (t) => t.replace('AAMV,WE,AAMV1', 'AAMV,HOLIDAY,AAMV1')),
      { file: 'trips.txt', field: 'service_id' },
      /service_id in calendar\.txt or calendar_dates\.txt/,
    ],
    [
      'a bad time format',
      'BAD_VALUE',
      variant('stop_times.txt', (t) => t.replace('AB1,8:10:00', 'AB1,8:1:00')),
      { file: 'stop_times.txt', line: 15, field: 'arrival_time' },
      /"8:1:00" is not a time HH:MM:SS/,
    ],
    [
      'a bad date',
      'BAD_VALUE',
      variant('calendar.txt', (t) => t.replace('20101231', '20100231')),
      { file: 'calendar.txt', line: 2, field: 'end_date' },
      /not a real date/,
    ],
    [
      'a latitude out of range',
      'BAD_VALUE',
      variant('stops.txt', (t) => t.replace('36.425288', '136.425288')),
      { file: 'stops.txt', line: 2, field: 'stop_lat' },
      /latitude/,
    ],
    [
      'a duplicate trip id',
      'BAD_VALUE',
      variant('trips.txt', (t) => t.replace('AB,FULLW,AB2', 'AB,FULLW,AB1')),
      { file: 'trips.txt', line: 3, field: 'trip_id' },
      /duplicate trip_id "AB1" \(first at line 2\)/,
    ],
    [
      'times going back along a trip',
      'BAD_VALUE',
      variant('stop_times.txt', (t) => t.replace('CITY1,6:12:00,6:14:00', 'CITY1,6:02:00,6:02:00')),
      { file: 'stop_times.txt', line: 6 },
      /trip CITY1 goes back in time/,
    ],
    [
      'a trip with one stop time',
      'BAD_VALUE',
      variant('stop_times.txt', (t) => t.replace('STBA,6:20:00,6:20:00,BEATTY_AIRPORT,2,,,,\n', '')),
      { file: 'trips.txt', line: 4 },
      /trip STBA has 1 stop times; a trip needs at least 2/,
    ],
    [
      'a last stop without times',
      'MISSING_FIELD',
      variant('stop_times.txt', (t) => t.replace('AB1,8:10:00,8:15:00', 'AB1,,')),
      { file: 'stop_times.txt', line: 15 },
      /required at the last stop of trip AB1/,
    ],
    [
      'an unclosed quote',
      'BAD_VALUE',
      variant('stops.txt', (t) => t.replace('Bullfrog (Demo)', '"Bullfrog')),
      { file: 'stops.txt', line: 4 },
      /never closed/,
    ],
    ['not a zip', 'BAD_ZIP', new TextEncoder().encode('stop_id,stop_name\nA,B\n'), {}, /not a zip archive/],
    ['a truncated zip', 'BAD_ZIP', zipTexts(sample).slice(0, 300), {}, /cannot read the zip archive/],
  ])('%s → %s', (_, code, zip, where, message) => {
    const err = importError(zip)
    expect(err.code).toBe(code)
    expect(err).toMatchObject(where)
    expect(err.message).toMatch(message)
  })

  it('says how many more problems the feed has', () => {
    const zip = variant('trips.txt', (t) =>
      t.replace('AB,FULLW,AB2', 'NOPE,FULLW,AB2').replace('AAMV,WE,AAMV1', 'AAMV,HOLIDAY,AAMV1'),
    )
    expect(importError(zip).message).toMatch(/and 1 more problems/)
  })

  it('validateGtfs reports every problem and never throws', () => {
    const zip = variant('stop_times.txt', (t) =>
      t.replace('AB1,8:10:00', 'AB1,8:1:00').replace('CITY1,6:12:00,6:14:00,NADAV', 'CITY1,6:12:00,6:14:00,NOWHERE'),
    )
    expect(validateGtfs(zip).errors).toEqual([
      'BAD_VALUE: stop_times.txt line 15, arrival_time: "8:1:00" is not a time HH:MM:SS',
      'BAD_REFERENCE: stop_times.txt line 6, stop_id: "NOWHERE" is not a stop_id in stops.txt',
    ])
    expect(validateGtfs(new Uint8Array([1, 2, 3])).errors).toEqual([
      expect.stringMatching(/^BAD_ZIP: not a zip archive/),
    ])
  })

  it('checks colours, route types and route names', () => {
    const zip = variant('routes.txt', (t) =>
      t.replace('AB,DTA,10,Airport - Bullfrog,,3,,,', 'AB,DTA,,,,99,,#C4008F,').replace('BFC,DTA,20', 'BFC,ACME,20'),
    )
    expect(validateGtfs(zip).errors).toEqual([
      'BAD_VALUE: routes.txt line 2, route_type: "99" is not a route type (0–7, 11, 12 or 100–1799)',
      'BAD_VALUE: routes.txt line 2, route_color: "#C4008F" is not a colour of 6 hex digits without #',
      'MISSING_FIELD: routes.txt line 2, route_short_name: route_short_name or route_long_name is required',
      'BAD_REFERENCE: routes.txt line 3, agency_id: "ACME" is not an agency_id in agency.txt',
    ])
  })
})

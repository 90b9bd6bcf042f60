/** Test factories (docs/design.md §5): a small valid network, and zipping text files. */
import {
  prepareRoute,
  type Calendar,
  type LngLat,
  type NetworkSnapshot,
  type Route,
  type RouteInput,
  type Stop,
  type Trip,
} from '@rb/domain'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'

export const makeStop = (code: string, point: LngLat, over: Partial<Stop> = {}): Stop => ({
  code,
  name: `站${code.slice(-2)}`,
  nameEn: `Stop ${code.slice(-2)}`,
  townshipId: 'XY-T01',
  point,
  status: 'ok',
  installedOn: null,
  ...over,
})

export const makeTrip = (over: Partial<Trip> = {}): Trip => ({
  id: 'T1',
  routeId: 'XY-R01',
  calendarId: 'MKT',
  direction: 0,
  headsign: '',
  departureS: 6 * 3600 + 30 * 60,
  stopOffsetsS: [0, 420, 900, 1500],
  seats: 30,
  bookingPolicy: 'none',
  minRiders: 0,
  bookingCutoffMin: 60,
  active: true,
  ...over,
})

export const STOPS: Stop[] = [
  makeStop('XY-0001', [105.44, 28.16], { name: '叙永车站', nameEn: 'Xuyong Bus Station' }),
  makeStop('XY-0002', [105.4452, 28.1651]),
  makeStop('XY-0003', [105.4499, 28.1702]),
  makeStop('XY-0004', [105.46, 28.172], {
    townshipId: 'XY-T02',
    name: '江门场, "老街"',
    nameEn: 'Jiangmen market, old street',
  }),
  makeStop('XY-0005', [105.4401, 28.15]),
  makeStop('XY-0006', [105.435, 28.14], { townshipId: 'XY-T03' }),
  makeStop('XY-0009', [105.47, 28.18], { status: 'removed' }),
]

export function makeRoute(over: Partial<RouteInput> = {}): Route {
  const input: RouteInput = {
    id: 'XY-R01',
    name: '叙永—江门',
    nameEn: 'Xuyong–Jiangmen',
    kind: 'market',
    operatorId: 'OP1',
    geometry: [
      [105.44, 28.16],
      [105.445, 28.165],
      [105.45, 28.17],
      [105.455, 28.171],
      [105.46, 28.172],
    ],
    stopCodes: ['XY-0001', 'XY-0002', 'XY-0003', 'XY-0004'],
    color: '#aa3300',
    speedLimitKmh: 40,
    active: true,
    ...over,
  }
  return prepareRoute(input, new Map(STOPS.map((s) => [s.code, s])), 30)
}

/** 赶场: lunar 1-4-7, one market moved by a flood. */
export const MARKET_DAYS: Calendar = {
  id: 'MKT',
  name: '江门场 1-4-7',
  rules: {
    rule: { kind: 'marketDays', calendar: 'lunar', digits: [1, 4, 7] },
    added: ['2026-09-16'],
    removed: ['2026-09-26'],
  },
}

/** 学生车: autumn term, National Day holiday, make-up school Saturday 2026-10-10. */
export const SCHOOL_DAYS: Calendar = {
  id: 'SCH',
  name: '学生车 秋季学期',
  rules: {
    rule: {
      kind: 'schoolDays',
      terms: [{ start: '2026-09-01', end: '2027-01-22', label: '秋季学期' }],
      holidays: [{ start: '2026-10-01', end: '2026-10-07', label: '国庆' }],
      makeUpWorkdays: ['2026-10-10'],
    },
    added: [],
    removed: [],
  },
}

export function makeNetwork(over: Partial<NetworkSnapshot> = {}): NetworkSnapshot {
  return {
    operators: [{ id: 'OP1', name: '叙永县公交公司', phone: '0830-6123456' }],
    townships: [],
    stops: STOPS,
    routes: [
      makeRoute(),
      makeRoute({
        id: 'XY-R02',
        name: '叙永—水尾',
        nameEn: 'Xuyong–Shuiwei',
        kind: 'student',
        color: '#1f6feb',
        geometry: [
          [105.44, 28.16],
          [105.44, 28.15],
          [105.435, 28.14],
        ],
        stopCodes: ['XY-0001', 'XY-0005', 'XY-0006'],
      }),
    ],
    calendars: [MARKET_DAYS, SCHOOL_DAYS],
    trips: [
      makeTrip({ id: 'R01-0630' }),
      makeTrip({ id: 'R01-1200', direction: 1, departureS: 12 * 3600, stopOffsetsS: [0, 600, 1080, 1500] }),
      makeTrip({
        id: 'R02-0700',
        routeId: 'XY-R02',
        calendarId: 'SCH',
        departureS: 7 * 3600,
        stopOffsetsS: [0, 480, 960],
      }),
      makeTrip({
        id: 'R02-1730',
        routeId: 'XY-R02',
        calendarId: 'SCH',
        direction: 1,
        departureS: 17.5 * 3600,
        stopOffsetsS: [0, 480, 960],
      }),
      makeTrip({ id: 'R02-OFF', routeId: 'XY-R02', calendarId: 'SCH', active: false, stopOffsetsS: [0, 480, 960] }),
    ],
    vehicles: [],
    drivers: [],
    ...over,
  }
}

export function zipTexts(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])), {
    mtime: '2026-01-01T00:00:00',
  })
}

export function unzipTexts(zip: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, data]) => [name, strFromU8(data)]))
}

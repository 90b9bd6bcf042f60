import { describe, expect, it } from 'vitest'
import { makeCalendar, serviceDate } from '../calendar/index.js'
import { AppError } from '../errors.js'
import { formatStopCode, maskPhone, parseStopCode } from './ids.js'
import { prepareRoute, type RouteInput } from './route-input.js'
import {
  instancesOn,
  parseTripInstanceId,
  tripInstanceId,
  tripPattern,
  tripProblems,
  yearsOfService,
} from './timetable.js'
import type { Calendar, Stop, Trip } from './types.js'

const makeStop = (code: string, point: [number, number], over: Partial<Stop> = {}): Stop => ({
  code,
  name: code,
  nameEn: code,
  townshipId: 'XY-T01',
  point,
  status: 'ok',
  installedOn: null,
  ...over,
})
const stops = new Map([
  ['XY-0001', makeStop('XY-0001', [105.44, 28.16])],
  ['XY-0002', makeStop('XY-0002', [105.44, 28.165])],
  ['XY-0003', makeStop('XY-0003', [105.44, 28.17])],
  ['XY-0009', makeStop('XY-0009', [105.44, 28.168], { status: 'removed' })],
])
const makeRouteInput = (over: Partial<RouteInput> = {}): RouteInput => ({
  id: 'XY-R01',
  name: '叙永—江门',
  nameEn: 'Xuyong–Jiangmen',
  kind: 'market',
  operatorId: 'OP1',
  geometry: [
    [105.44, 28.16],
    [105.44, 28.17],
  ],
  stopCodes: ['XY-0001', 'XY-0002', 'XY-0003'],
  color: '#aa3300',
  speedLimitKmh: 50,
  active: true,
  ...over,
})
const makeTrip = (over: Partial<Trip> = {}): Trip => ({
  id: 'T1',
  routeId: 'XY-R01',
  calendarId: 'C1',
  direction: 0,
  headsign: '江门',
  departureS: 6 * 3600 + 30 * 60,
  stopOffsetsS: [0, 300, 600],
  seats: 30,
  bookingPolicy: 'none',
  minRiders: 0,
  bookingCutoffMin: 60,
  active: true,
  ...over,
})

describe('unified numbers', () => {
  it('formats and parses stop codes and masks phones', () => {
    expect(formatStopCode('XY', 421)).toBe('XY-0421')
    expect(parseStopCode('XY-0421')).toEqual({ prefix: 'XY', n: 421 })
    expect(parseStopCode('xy-421')).toBeNull()
    expect(() => formatStopCode('xy', 1)).toThrow(AppError)
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone('0830-6123456')).toBe('083****3456')
  })
})

describe('prepareRoute', () => {
  it('computes each stop distance and the length', () => {
    const r = prepareRoute(makeRouteInput(), stops, 30)
    expect(r.stops.map((s) => s.seq)).toEqual([1, 2, 3])
    expect(r.stops[1]?.distM).toBeCloseTo(556, -1)
    expect(r.lengthM).toBeCloseTo(1112, -1)
  })

  it.each([
    [{ stopCodes: ['XY-0001', 'XY-0404'] }, 'STOP_NOT_FOUND', /XY-0404/],
    [{ stopCodes: ['XY-0001', 'XY-0009'] }, 'VALIDATION_FAILED', /XY-0009 has been removed/],
    [
      {
        geometry: [
          [105.44, 28.16],
          [105.43, 28.16],
        ] as [number, number][],
      },
      'VALIDATION_FAILED',
      /stop XY-0002 is \d+ m from the route line/,
    ],
    [{ geometry: [[105.44, 28.16]] as [number, number][] }, 'VALIDATION_FAILED', /at least two points/],
  ])('rejects %o with %s', (over, code, message) => {
    expect(() => prepareRoute(makeRouteInput(over), stops, 30)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    )
  })
})

describe('timetable', () => {
  const route = prepareRoute(makeRouteInput(), stops, 30)
  const daily: Calendar = {
    id: 'C1',
    name: 'daily',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5, 6, 7] }, added: [], removed: [] },
  }
  const weekdays: Calendar = {
    id: 'C2',
    name: 'Mon–Fri',
    rules: { rule: { kind: 'weekdays', weekdays: [1, 2, 3, 4, 5] }, added: [], removed: ['2026-12-01'] },
  }

  it('reverses the pattern for direction 1 with distances measured that way', () => {
    const back = tripPattern(route, 1)
    expect(back.map((s) => s.stopCode)).toEqual(['XY-0003', 'XY-0002', 'XY-0001'])
    expect(back[0]?.distM).toBe(0)
    expect(back[2]?.distM).toBeCloseTo(route.lengthM, 0)
  })

  it('lists the instances that run on a date, with Shanghai times', () => {
    const trips = [
      makeTrip(),
      makeTrip({ id: 'T2', calendarId: 'C2', departureS: 6 * 3600 }),
      makeTrip({ id: 'T3', active: false }),
    ]
    const sat = instancesOn(serviceDate('2026-11-28'), trips, [route], [daily, weekdays])
    expect(sat.map((i) => i.id)).toEqual(['T1_20261128'])
    const mon = instancesOn(serviceDate('2026-11-30'), trips, [route], [daily, weekdays])
    expect(mon.map((i) => i.tripId)).toEqual(['T2', 'T1'])
    // 06:30 in Shanghai is 22:30 UTC the day before.
    expect(new Date(mon[1]?.departureTs ?? 0).toISOString()).toBe('2026-11-29T22:30:00.000Z')
    expect(mon[1]?.stops.map((s) => s.arrivalTs - (mon[1]?.departureTs ?? 0))).toEqual([0, 300_000, 600_000])
    const removed = instancesOn(serviceDate('2026-12-01'), trips, [route], [daily, weekdays])
    expect(removed.map((i) => i.tripId)).toEqual(['T1'])
  })

  it('round-trips instance ids and checks trips against their route', () => {
    expect(parseTripInstanceId(tripInstanceId('XY-R01-0630', serviceDate('2026-03-02')))).toEqual({
      tripId: 'XY-R01-0630',
      date: '2026-03-02',
    })
    expect(parseTripInstanceId('nonsense')).toBeNull()
    expect(tripProblems(makeTrip(), route)).toEqual([])
    expect(tripProblems(makeTrip({ stopOffsetsS: [0, 600, 300] }), route)).toEqual([
      'stopOffsetsS must not decrease (stop 3)',
    ])
    expect(tripProblems(makeTrip({ stopOffsetsS: [0, 300] }), route)[0]).toMatch(/2 entries but the route has 3 stops/)
    expect(tripProblems(makeTrip({ bookingPolicy: 'required', minRiders: 0 }), route)).toHaveLength(1)
  })

  it('counts whole years of service', () => {
    expect(yearsOfService(serviceDate('2010-06-15'), serviceDate('2026-06-14'))).toBe(15)
    expect(yearsOfService(serviceDate('2010-06-15'), serviceDate('2026-06-15'))).toBe(16)
  })

  it('uses real calendars', () => {
    expect(makeCalendar().rule).toBeDefined()
  })
})

import { describe, expect, it } from 'vitest'
import { lunarDayName, lunarLabel, lunarMonthName, serviceDate } from '../index.js'
import { approachingText, parseSms, queryReply, whereWords } from './sms.js'
import { reminderVerdict } from './reminders.js'
import { departuresAhead, departuresAt, nextBookable, serviceDatesOf, type DayInstance } from './schedule.js'

const H = 3_600_000
const T0 = Date.UTC(2026, 11, 7, 0, 0) // 08:00 China time, Monday 7 December 2026

function inst(id: string, dep: number, over: Partial<DayInstance> = {}): DayInstance {
  return {
    id,
    tripId: id.split('_')[0] as string,
    routeId: 'R1',
    kind: 'regular',
    serviceDate: serviceDate('2026-12-07'),
    direction: 0,
    headsign: '卫生院',
    departureTs: dep,
    stops: [
      { seq: 1, stopCode: 'XY-0001', arrivalTs: dep, departureTs: dep, distM: 0 },
      { seq: 2, stopCode: 'XY-0002', arrivalTs: dep + 600_000, departureTs: dep + 600_000, distM: 1000 },
      { seq: 3, stopCode: 'XY-0003', arrivalTs: dep + 1_200_000, departureTs: dep + 1_200_000, distM: 2000 },
    ],
    seats: 19,
    bookingPolicy: 'none',
    minRiders: 0,
    bookingCutoffMin: 0,
    status: 'scheduled',
    cancelReason: null,
    ...over,
  } as DayInstance
}

describe('lunar words', () => {
  it('names lunar days and months as villagers say them', () => {
    expect([1, 10, 11, 20, 21, 30].map(lunarDayName)).toEqual(['初一', '初十', '十一', '二十', '廿一', '三十'])
    expect(lunarMonthName(11)).toBe('冬月')
    expect(lunarMonthName(4, true)).toBe('闰四月')
    expect(lunarLabel(serviceDate('2026-12-09'))).toBe('冬月初一')
    expect(() => lunarDayName(31)).toThrow(RangeError)
  })
})

describe('stop schedule', () => {
  it('lists departures at a stop, not at the last stop, in time order', () => {
    const all = departuresAt([inst('B_20261207', T0 + 2 * H), inst('A_20261207', T0)], 'XY-0002')
    expect(all.map((d) => [d.tripInstanceId, d.scheduledTs - T0])).toEqual([
      ['A_20261207', 600_000],
      ['B_20261207', 2 * H + 600_000],
    ])
    expect(departuresAt([inst('A_20261207', T0)], 'XY-0003')).toEqual([])
  })

  it('lists days ahead and keeps a bookable trip 30 hours away on the sign', () => {
    const trips = [
      ...Array.from({ length: 10 }, (_, i) => inst(`N${i}_20261207`, T0 + (i + 1) * H)),
      inst('F_20261208', T0 + 30 * H, {
        bookingPolicy: 'optional',
        bookingCutoffMin: 120,
        serviceDate: serviceDate('2026-12-08'),
      }),
    ]
    const all = departuresAt(trips, 'XY-0001')
    const ahead = departuresAhead(all, {
      now: T0,
      shown: new Set(['N0_20261207']),
      untilTs: T0 + 24 * H,
      bookableBeyond: 4,
      limit: 6,
    })
    expect(ahead.map((d) => d.tripInstanceId)).toEqual([
      'N1_20261207',
      'N2_20261207',
      'N3_20261207',
      'N4_20261207',
      'N5_20261207',
      'F_20261208',
    ])
    expect(nextBookable(all, T0, 3).map((d) => d.tripInstanceId)).toEqual(['F_20261208'])
    // At the cutoff it is closed.
    expect(nextBookable(all, T0 + 28 * H, 3)).toEqual([])
    expect(serviceDatesOf(all, 'R1', 5)).toEqual(['2026-12-07', '2026-12-08'])
  })
})

describe('reminder rule', () => {
  const rule = { stopsBefore: 2, minutesBefore: null, scheduledTs: T0 }
  const a = (over: object) => ({
    status: 'on_the_way' as const,
    stopsAway: 4,
    etaTs: T0 + 600_000,
    vehicleId: 'V1',
    ...over,
  })
  it('sends at two stops away, at the stop, or within the minutes asked', () => {
    expect(reminderVerdict(rule, a({ stopsAway: 3 }), T0)).toBe('wait')
    expect(reminderVerdict(rule, a({ stopsAway: 2 }), T0)).toBe('send')
    expect(reminderVerdict(rule, a({ status: 'at_stop', stopsAway: null }), T0)).toBe('send')
    expect(reminderVerdict({ ...rule, minutesBefore: 5 }, a({ etaTs: T0 + 290_000 }), T0)).toBe('send')
    // A bus the engine does not follow says nothing of distance.
    expect(reminderVerdict(rule, a({ vehicleId: null, stopsAway: null, status: 'scheduled' }), T0)).toBe('wait')
  })
  it('tells of a cancellation, gives up when the bus left or never came', () => {
    expect(reminderVerdict(rule, a({ status: 'cancelled' }), T0)).toBe('cancelled')
    expect(reminderVerdict(rule, a({ status: 'departed' }), T0)).toBe('expire')
    expect(reminderVerdict(rule, null, T0 + H)).toBe('wait')
    expect(reminderVerdict(rule, null, T0 + 4 * H)).toBe('expire')
  })
})

describe('inbound SMS', () => {
  it('reads queries, reminders and cancellations, full-width too', () => {
    expect(parseSms('0115', 'XY')).toEqual({ kind: 'query', stopCode: 'XY-0115' })
    expect(parseSms(' xy-0115 ', 'XY')).toEqual({ kind: 'query', stopCode: 'XY-0115' })
    expect(parseSms('０１１５', 'XY')).toEqual({ kind: 'query', stopCode: 'XY-0115' })
    expect(parseSms('提醒 0115', 'XY')).toEqual({ kind: 'remind', stopCode: 'XY-0115' })
    expect(parseSms('提醒XY-0115。', 'XY')).toEqual({ kind: 'remind', stopCode: 'XY-0115' })
    expect(parseSms('取消 k7m3qx', 'XY')).toEqual({ kind: 'cancel_booking', code: 'K7M3QX' })
    expect(parseSms('取消提醒', 'XY')).toEqual({ kind: 'cancel_reminders' })
    expect(parseSms('你好', 'XY')).toEqual({ kind: 'help' })
    expect(parseSms('取消 ??', 'XY')).toEqual({ kind: 'help' })
  })
  it('answers the next three departures and where the first bus is', () => {
    const d = (min: number, over: object = {}) => ({
      routeName: '就医车',
      headsign: '卫生院',
      scheduledTs: T0 + min * 60_000,
      status: 'scheduled' as const,
      etaTs: null,
      stopsAway: null,
      vehicleId: null,
      ...over,
    })
    const text = queryReply(
      { code: 'XY-0115', name: '水尾村' },
      [
        d(6, { status: 'on_the_way', stopsAway: 2, etaTs: T0 + 6 * 60_000, vehicleId: 'V1', plate: '川E·12345' }),
        d(60),
        d(120, { status: 'cancelled' }),
        d(180),
      ],
      T0,
      null,
    )
    expect(text).toBe(
      '【乡村公交】水尾村（XY-0115）下一班车：08:06 就医车 开往卫生院：正在路上，还有2站，约6分钟（川E·12345）；09:00 就医车 开往卫生院；10:00 就医车 开往卫生院（已取消）。回复"提醒 0115"车快到时短信告诉您。',
    )
    expect(
      queryReply({ code: 'XY-0115', name: '水尾村' }, [], T0, {
        scheduledTs: T0 + 26 * H,
        routeName: '赶场车',
        headsign: '场镇',
      }),
    ).toContain('下一班：12月8日 10:00 赶场车 开往场镇。')
    expect(whereWords(d(0, { status: 'at_stop' }), T0)).toBe('车已到站')
    expect(
      approachingText(
        { name: '水尾村' },
        d(6, { status: 'on_the_way', stopsAway: 2, etaTs: T0 + 6 * 60_000, vehicleId: 'V1' }),
        T0,
      ),
    ).toBe('【乡村公交】车快到了：08:06开往卫生院的班车离水尾村还有2站，约6分钟，请到站等候。')
  })
})

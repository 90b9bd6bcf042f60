import { describe, expect, it } from 'vitest'
import { useLang } from './i18n/index.js'
import {
  addDays,
  axisFor,
  axisPct,
  dayStartMs,
  drivingGauge,
  isoWeekday,
  layoutLane,
  MIN_WIDTH_PCT,
  moveRequest,
  moveTrip,
  overlapping,
  problemLines,
  refusalLines,
  sortDuties,
  whereIs,
  type Duty,
  type RosterDay,
  type RosterTrip,
} from './roster-model.js'

const DATE = '2026-03-02'
/** An instant on DATE at a local (Asia/Shanghai) time `HH:MM`. */
const at = (clock: string, date = DATE): number => Date.parse(`${date}T${clock}:00+08:00`)

const makeTrip = (over: Partial<RosterTrip> & { instanceId: string }): RosterTrip => ({
  tripId: over.instanceId.split('_')[0] ?? over.instanceId,
  routeId: 'XY-R01',
  routeName: '城关—白岩',
  kind: 'market',
  headsign: '白岩',
  departureTs: at('07:00'),
  endTs: at('08:00'),
  bookedSeats: 0,
  status: 'scheduled',
  ...over,
})

const makeDuty = (over: Partial<Duty> & { id: string }): Duty => ({
  date: DATE,
  vehicleId: 'XY-V001',
  driverId: 'XY-D001',
  note: null,
  trips: [],
  drivingMin: 0,
  startTs: null,
  endTs: null,
  problems: [],
  ...over,
})

const LIMITS = { dailyDrivingMin: 480, turnaroundMin: 10 }
const makeDay = (over: Partial<RosterDay> = {}): RosterDay => ({
  date: DATE,
  published: false,
  publishedAt: null,
  limits: { dailyDrivingMin: 480, turnaroundMin: 10 },
  duties: [],
  unassigned: [],
  ...over,
})

describe('dates', () => {
  it('counts service days in Asia/Shanghai, whatever the machine clock', () => {
    expect(dayStartMs(DATE)).toBe(Date.parse('2026-03-01T16:00:00Z'))
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('numbers weekdays Monday 1 to Sunday 7', () => {
    expect(isoWeekday('2026-03-02')).toBe(1)
    expect(isoWeekday('2026-03-08')).toBe(7)
  })
})

describe('the time axis', () => {
  it('runs 05:00–22:00 and places a trip by its local times', () => {
    const axis = axisFor(DATE, [])
    expect(axis.startTs).toBe(at('05:00'))
    expect(axis.endTs).toBe(at('22:00'))
    expect(axis.hours).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22])
    const { blocks } = layoutLane(axis, [makeTrip({ instanceId: 'A_1', departureTs: at('13:30'), endTs: at('15:12') })])
    // 8.5 h of 17 h in; 1.7 h wide.
    expect(blocks[0]?.leftPct).toBeCloseTo(50, 6)
    expect(blocks[0]?.widthPct).toBeCloseTo(10, 6)
  })

  it('widens to whole hours for a trip before 05:00 or after 22:00, past midnight included', () => {
    const axis = axisFor(DATE, [
      makeTrip({ instanceId: 'E_1', departureTs: at('04:40'), endTs: at('05:30') }),
      makeTrip({ instanceId: 'L_1', departureTs: at('22:15'), endTs: at('00:20', '2026-03-03') }),
    ])
    expect(axis.hours[0]).toBe(4)
    expect(axis.hours.at(-1)).toBe(25)
    expect(axis.startTs).toBe(at('04:00'))
    expect(axis.endTs).toBe(at('01:00', '2026-03-03'))
  })

  it('clamps to the axis and keeps a very short trip wide enough to grab, on a row of its own if it would cover the next', () => {
    const axis = axisFor(DATE, [])
    expect(axisPct(axis, at('03:00'))).toBe(0)
    expect(axisPct(axis, at('23:00'))).toBe(100)
    const short = makeTrip({ instanceId: 'S_1', departureTs: at('09:00'), endTs: at('09:05') })
    const next = makeTrip({ instanceId: 'T_1', departureTs: at('09:20'), endTs: at('10:00') })
    const { blocks, rows } = layoutLane(axis, [short, next])
    expect(blocks[0]?.widthPct).toBe(MIN_WIDTH_PCT)
    // Drawn 30 min wide, the 09:00 block would hide the 09:20 one: next row, though no clash.
    expect(blocks.map((b) => [b.row, b.overlaps])).toEqual([
      [0, false],
      [1, false],
    ])
    expect(rows).toBe(2)
    expect(layoutLane(axis, [short, next], { minWidthPct: 1 }).rows).toBe(1)
  })

  it('puts overlapping trips on separate rows, first fit, in departure order', () => {
    const axis = axisFor(DATE, [])
    const opts = { minWidthPct: 0.5 }
    const trips = [
      makeTrip({ instanceId: 'C_1', departureTs: at('08:30'), endTs: at('09:30') }),
      makeTrip({ instanceId: 'A_1', departureTs: at('07:00'), endTs: at('08:00') }),
      makeTrip({ instanceId: 'B_1', departureTs: at('07:30'), endTs: at('08:40') }),
      // Starts exactly when A ends: back-to-back is no overlap.
      makeTrip({ instanceId: 'D_1', departureTs: at('08:00'), endTs: at('08:20') }),
    ]
    const { blocks, rows } = layoutLane(axis, trips, opts)
    expect(blocks.map((b) => [b.trip.instanceId, b.row])).toEqual([
      ['A_1', 0],
      ['B_1', 1],
      ['D_1', 0],
      ['C_1', 0],
    ])
    expect(rows).toBe(2)
    expect(
      blocks
        .filter((b) => b.overlaps)
        .map((b) => b.trip.instanceId)
        .sort(),
    ).toEqual(['A_1', 'B_1', 'C_1', 'D_1'])
    // The unassigned trips overlap all day long: that is no conflict there.
    expect(layoutLane(axis, trips, { ...opts, clashes: false }).blocks.some((b) => b.overlaps)).toBe(false)
  })
})

describe('conflicts as a lane shows them', () => {
  it('finds overlaps among running trips only; a cancelled trip collides with nothing', () => {
    const trips = [
      makeTrip({ instanceId: 'A_1', departureTs: at('07:00'), endTs: at('08:00') }),
      makeTrip({ instanceId: 'B_1', departureTs: at('07:59'), endTs: at('08:30') }),
      makeTrip({ instanceId: 'X_1', departureTs: at('07:10'), endTs: at('07:50'), status: 'cancelled' }),
      makeTrip({ instanceId: 'C_1', departureTs: at('08:30'), endTs: at('09:00') }),
    ]
    expect([...overlapping(trips)].sort()).toEqual(['A_1', 'B_1'])
  })

  it('counts the turnaround after a trip’s end when the server gives one', () => {
    const trips = [
      makeTrip({ instanceId: 'A_1', departureTs: at('07:00'), endTs: at('08:00') }),
      makeTrip({ instanceId: 'B_1', departureTs: at('08:09'), endTs: at('08:30') }),
      makeTrip({ instanceId: 'C_1', departureTs: at('08:40'), endTs: at('09:00') }),
    ]
    expect(overlapping(trips).size).toBe(0)
    // B leaves 9 min after A ends (one short of 10); C exactly 10 min after B: allowed.
    expect([...overlapping(trips, 10)].sort()).toEqual(['A_1', 'B_1'])
    const { blocks, rows } = layoutLane(axisFor(DATE, []), trips, { turnaroundMin: 10, minWidthPct: 0.5 })
    expect(rows).toBe(1)
    expect(blocks.map((b) => b.overlaps)).toEqual([true, true, false])
  })

  it('shows the server’s problems as they are', () => {
    const duty = makeDuty({ id: 'd1', problems: ['驾驶员 XY-D001 07:30 的班次与 07:00 的班次时间重叠'] })
    expect(problemLines(duty, LIMITS, 19)).toEqual(['驾驶员 XY-D001 07:30 的班次与 07:00 的班次时间重叠'])
  })

  it('says what it sees when the server gave no problems: overlaps, over the limit, too few seats', () => {
    const trips = [
      makeTrip({ instanceId: 'A_1', departureTs: at('06:00'), endTs: at('10:00'), bookedSeats: 12 }),
      makeTrip({
        instanceId: 'B_1',
        departureTs: at('09:30'),
        endTs: at('14:30'),
        routeName: '城关—龙潭',
        bookedSeats: 25,
      }),
    ]
    const lines = problemLines(makeDuty({ id: 'd1', trips, drivingMin: 540 }), LIMITS, 19)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toBe('班次时间重叠： 06:00 城关—白岩, 09:30 城关—龙潭')
    expect(lines[1]).toBe('驾驶超时： 9 小时 > 8 小时')
    expect(lines[2]).toBe('座位不足（19）： 09:30 已订 25 座')
    useLang('en')
    try {
      expect(problemLines(makeDuty({ id: 'd1', trips, drivingMin: 540 }), LIMITS, 19)).toEqual([
        'Overlapping trips: 06:00 城关—白岩, 09:30 城关—龙潭',
        'Over the daily driving limit: 9 h > 8 h',
        'Too few seats (19): 09:30 25 seats booked',
      ])
    } finally {
      useLang('zh')
    }
    expect(problemLines(makeDuty({ id: 'd2', trips: [trips[0] as RosterTrip], drivingMin: 240 }), LIMITS, 19)).toEqual(
      [],
    )
  })

  it('reads driving time against the limit, over it in red', () => {
    expect(drivingGauge(320, 480)).toEqual({ text: '5 小时 20 分钟 / 8 小时', pct: (320 / 480) * 100, over: false })
    expect(drivingGauge(480, 480).over).toBe(false)
    expect(drivingGauge(525, 480)).toEqual({ text: '8 小时 45 分钟 / 8 小时', pct: 100, over: true })
    expect(drivingGauge(45, 480).text).toBe('45 分钟 / 8 小时')
  })

  it('words a refusal with each of the server’s problems, or its message when it lists none', () => {
    expect(
      refusalLines('roster change refused', {
        problems: ['driver on an overlapping trip', 'over the daily driving limit'],
      }),
    ).toEqual(['driver on an overlapping trip', 'over the daily driving limit'])
    expect(refusalLines('vehicle XY-V009 is retired', undefined)).toEqual(['vehicle XY-V009 is retired'])
    expect(refusalLines('refused', { problems: [] })).toEqual(['refused'])
    expect(refusalLines('refused', { problems: [3, ''] })).toEqual(['refused'])
  })

  it('lists duties by their first departure, empty ones last', () => {
    const duties = [
      makeDuty({ id: 'empty', vehicleId: 'XY-V001' }),
      makeDuty({ id: 'late', vehicleId: 'XY-V002', startTs: at('09:00') }),
      makeDuty({ id: 'early', vehicleId: 'XY-V003', startTs: at('06:00') }),
    ]
    expect(sortDuties(duties).map((d) => d.id)).toEqual(['early', 'late', 'empty'])
  })
})

describe('moving a trip', () => {
  const a = makeTrip({ instanceId: 'A_1', departureTs: at('07:00'), endTs: at('08:00') })
  const b = makeTrip({ instanceId: 'B_1', departureTs: at('09:00'), endTs: at('09:45') })
  const c = makeTrip({ instanceId: 'C_1', departureTs: at('08:15'), endTs: at('08:45') })
  const day = makeDay({
    duties: [
      makeDuty({ id: 'd1', trips: [a, b], drivingMin: 105, startTs: a.departureTs, endTs: b.endTs }),
      makeDuty({ id: 'd2', vehicleId: 'XY-V002', driverId: 'XY-D002' }),
    ],
    unassigned: [c],
  })

  it('moves an unassigned trip into a duty in departure order, recounting its time and span', () => {
    const next = moveTrip(day, 'C_1', 'd1')
    const d1 = next.duties.find((d) => d.id === 'd1')
    expect(d1?.trips.map((t) => t.instanceId)).toEqual(['A_1', 'C_1', 'B_1'])
    expect(d1?.drivingMin).toBe(135)
    expect(next.unassigned).toEqual([])
    expect(whereIs(next, 'C_1')).toBe('d1')
    // The day it was given is left as it was (the board redraws it on a refusal).
    expect(whereIs(day, 'C_1')).toBeNull()
    expect(moveRequest(day, 'C_1', 'd1')).toEqual({
      method: 'POST',
      path: '/api/roster/duties/d1/trips',
      body: { tripInstanceId: 'C_1' },
    })
  })

  it('moves a trip from one duty to another; the one it left starts later and drives less', () => {
    const next = moveTrip(day, 'A_1', 'd2')
    const [d1, d2] = [next.duties.find((d) => d.id === 'd1'), next.duties.find((d) => d.id === 'd2')]
    expect(d1?.trips.map((t) => t.instanceId)).toEqual(['B_1'])
    expect(d1?.startTs).toBe(b.departureTs)
    expect(d1?.drivingMin).toBe(45)
    expect(d2?.trips.map((t) => t.instanceId)).toEqual(['A_1'])
    expect([d2?.startTs, d2?.endTs]).toEqual([a.departureTs, a.endTs])
    expect(moveRequest(day, 'A_1', 'd2')?.path).toBe('/api/roster/duties/d2/trips')
  })

  it('takes a trip out of its duty back to unassigned: the duty is sent its other trips', () => {
    const next = moveTrip(day, 'B_1', null)
    expect(next.unassigned.map((t) => t.instanceId)).toEqual(['C_1', 'B_1'])
    expect(next.duties.find((d) => d.id === 'd1')?.trips.map((t) => t.instanceId)).toEqual(['A_1'])
    expect(moveRequest(day, 'B_1', null)).toEqual({
      method: 'PUT',
      path: '/api/roster/duties/d1',
      body: { tripInstanceIds: ['A_1'] },
    })
  })

  it('changes nothing and asks nothing when the trip is already there, unknown, or the duty is', () => {
    expect(moveTrip(day, 'A_1', 'd1')).toBe(day)
    expect(moveTrip(day, 'C_1', null)).toBe(day)
    expect(moveTrip(day, 'NOPE_1', 'd1')).toBe(day)
    expect(moveTrip(day, 'C_1', 'no-such-duty')).toBe(day)
    expect(moveRequest(day, 'A_1', 'd1')).toBeNull()
    expect(moveRequest(day, 'C_1', null)).toBeNull()
    expect(moveRequest(day, 'NOPE_1', 'd2')).toBeNull()
  })

  it('leaves a duty empty (no span) when its last trip goes', () => {
    const one = makeDay({
      duties: [makeDuty({ id: 'd1', trips: [a], drivingMin: 60, startTs: a.departureTs, endTs: a.endTs })],
    })
    const d1 = moveTrip(one, 'A_1', null).duties[0]
    expect([d1?.trips.length, d1?.drivingMin, d1?.startTs, d1?.endTs]).toEqual([0, 0, null, null])
  })

  it('does not count a cancelled trip as driving', () => {
    const x = makeTrip({ instanceId: 'X_1', departureTs: at('11:00'), endTs: at('12:00'), status: 'cancelled' })
    const next = moveTrip(makeDay({ duties: [makeDuty({ id: 'd1' })], unassigned: [x] }), 'X_1', 'd1')
    expect(next.duties[0]?.drivingMin).toBe(0)
    expect(next.duties[0]?.startTs).toBeNull()
  })
})

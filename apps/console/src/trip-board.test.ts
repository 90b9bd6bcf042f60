import { describe, expect, it } from 'vitest'
import type { TripBoardRow } from '@rb/domain'
import {
  countStates,
  emptyBoardFilter,
  filterBoard,
  showsDelay,
  tripStateLabel,
  TRIP_STATES,
  type BoardFilter,
} from './trip-board.js'

const T0 = Date.UTC(2026, 2, 2, 0, 0)
let n = 0
const row = (over: Partial<TripBoardRow> = {}): TripBoardRow => ({
  instanceId: `XY-T${++n}_20260302`,
  tripId: `XY-T${n}`,
  routeId: 'XY-R01',
  kind: 'market',
  headsign: '江门场镇',
  departureTs: T0,
  endTs: T0 + 3_600_000,
  status: 'scheduled',
  delayS: null,
  punctuality: null,
  vehicleId: null,
  driverCode: null,
  match: null,
  departedTs: null,
  completedTs: null,
  nextStopCode: null,
  cancelReason: null,
  lastFixTs: null,
  ...over,
})
const names = {
  route: (id: string) => (id === 'XY-R01' ? '叙永—江门' : undefined),
  driver: (code: string) => (code === 'XY-D001' ? '王建国' : undefined),
}
const ids = (rows: TripBoardRow[], over: Partial<BoardFilter>): string[] =>
  filterBoard(rows, { ...emptyBoardFilter(), ...over }, names).map((r) => r.tripId)

describe('trip board', () => {
  const rows = [
    row({ status: 'scheduled' }),
    row({ status: 'assigned', vehicleId: 'XY-V001', driverCode: 'XY-D001', match: 'assigned' }),
    row({ status: 'in_progress', vehicleId: 'XY-V002', delayS: 14, punctuality: 'on_time', kind: 'student' }),
    row({ status: 'in_progress', vehicleId: 'XY-V003', delayS: 420, punctuality: 'late' }),
    row({ status: 'completed', vehicleId: 'XY-V004', delayS: 380, punctuality: 'late' }),
    row({ status: 'missed' }),
    row({ status: 'partial', vehicleId: 'XY-V005', delayS: -90, punctuality: 'early' }),
    row({ status: 'cancelled', cancelReason: '路面塌方' }),
  ]
  const [t1, t2, t3, t4, t5, t6, t7, t8] = rows.map((r) => r.tripId)

  it('labels every state the server sends, and shows a delay only where a bus ran', () => {
    expect(TRIP_STATES.map((s) => tripStateLabel(s, 'zh'))).toEqual([
      '待派车',
      '已派车',
      '运行中',
      '失联',
      '已完成',
      '未开行',
      '未跑完',
      '已取消',
    ])
    expect(TRIP_STATES.map((s) => tripStateLabel(s, 'en'))).toEqual([
      'Scheduled',
      'Assigned',
      'In progress',
      'Lost',
      'Completed',
      'Not run',
      'Partly run',
      'Cancelled',
    ])
    expect(TRIP_STATES.filter(showsDelay)).toEqual(['in_progress', 'lost', 'completed', 'partial'])
  })

  it('keeps every row with no filter', () => {
    expect(ids(rows, {})).toEqual([t1, t2, t3, t4, t5, t6, t7, t8])
  })

  it('filters by one or several states', () => {
    expect(ids(rows, { states: new Set(['missed']) })).toEqual([t6])
    expect(ids(rows, { states: new Set(['in_progress', 'partial']) })).toEqual([t3, t4, t7])
    expect(ids(rows, { states: new Set(['cancelled']) })).toEqual([t8])
  })

  it('keeps only what the server calls late: 14 s behind is not, and a trip with no bus never is', () => {
    expect(ids(rows, { lateOnly: true })).toEqual([t4, t5])
    expect(ids(rows, { lateOnly: true, states: new Set(['in_progress']) })).toEqual([t4])
    expect(ids(rows, { lateOnly: true, states: new Set(['missed', 'scheduled']) })).toEqual([])
  })

  it('filters by kind and by text: route name, vehicle, driver number or name', () => {
    expect(ids(rows, { kind: 'student' })).toEqual([t3])
    expect(ids(rows, { text: '王建' })).toEqual([t2])
    expect(ids(rows, { text: 'xy-d001' })).toEqual([t2])
    expect(ids(rows, { text: 'V005' })).toEqual([t7])
    expect(ids(rows, { text: '江门' })).toHaveLength(8)
    expect(ids(rows, { text: 'nobody' })).toEqual([])
  })

  it('counts the rows of each state, every state present', () => {
    expect(countStates(rows)).toEqual({
      scheduled: 1,
      assigned: 1,
      in_progress: 2,
      lost: 0,
      completed: 1,
      missed: 1,
      partial: 1,
      cancelled: 1,
    })
    expect(countStates([])).toEqual({
      scheduled: 0,
      assigned: 0,
      in_progress: 0,
      lost: 0,
      completed: 0,
      missed: 0,
      partial: 0,
      cancelled: 0,
    })
  })
})

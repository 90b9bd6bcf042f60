import { describe, expect, it } from 'vitest'
import { serviceDate, serviceDayStartMs, type Weekday } from '../calendar/index.js'
import { demoCounty, demoStudents } from '../demo/index.js'
import { refusal } from '../testing/refusal.js'
import { absentees, checkPupilMark, expectedRides, foldMarks, periodOf, stillOnBoard } from './checks.js'
import { CsvSyntaxError, readCsv } from './csv-read.js'
import { busNear, noticeKindOf, noticesFor } from './notices.js'
import { termReport } from './report.js'
import {
  formatDays,
  parseDays,
  pupilCells,
  readRoster,
  readRosterRow,
  rosterRows,
  type RosterContext,
} from './roster.js'
import type { CheckMark, Pupil, School, StudentRun } from './types.js'

const school: School = {
  id: 'S1',
  name: '水尾小学',
  stopCode: 'X-4',
  classesStartS: 8 * 3600 + 20 * 60,
  termStart: serviceDate('2026-09-01'),
  termEnd: serviceDate('2027-01-22'),
  routes: [{ routeId: 'R1', toSchoolDirection: 0 }],
}
const ctx: RosterContext = {
  school,
  routes: [{ id: 'R1', name: '石坝—水尾 学生车', stopCodes: ['X-1', 'X-2', 'X-3', 'X-4'] }],
  stops: [
    { code: 'X-1', name: '石坝村' },
    { code: 'X-2', name: '龙井村' },
    { code: 'X-3', name: '高坪村' },
    { code: 'X-4', name: '水尾小学' },
  ],
}
const HEADER = '学号,姓名,班级,线路,早上车站,早下车站,午上车站,午下车站,乘车日,监护人1,电话1,短信1,监护人2,电话2,短信2'
const table = (...rows: string[]) => rosterRows(readCsv([HEADER, ...rows].join('\n')))

const pupil = (id: number, board: string, over: Partial<Pupil> = {}): Pupil => ({
  id,
  schoolId: 'S1',
  termStart: school.termStart,
  termEnd: school.termEnd,
  pupilNo: String(1000 + id),
  name: `P${id}`,
  className: '三年级1班',
  routeId: 'R1',
  morning: { board, alight: 'X-4' },
  afternoon: { board: 'X-4', alight: board },
  days: [1, 2, 3, 4, 5] as Weekday[],
  guardians: [{ name: 'G', phone: `1390000000${id}`, sms: true }],
  ...over,
})
// 2026-12-07 is a Monday.
const run = (direction: 0 | 1, date = '2026-12-07'): StudentRun => ({
  tripInstanceId: `T${direction}`,
  routeId: 'R1',
  direction,
  serviceDate: serviceDate(date),
  stopCodes: direction === 0 ? ['X-1', 'X-2', 'X-3', 'X-4'] : ['X-4', 'X-3', 'X-2', 'X-1'],
})
const tap = (
  pupilId: number,
  status: CheckMark['status'],
  ts: number,
  stopCode: string | null = 'X-1',
  opId = `op-${pupilId}-${ts}`,
): CheckMark => ({
  opId,
  tripInstanceId: 'T0',
  pupilId,
  extraKey: null,
  extraName: null,
  status,
  stopCode,
  ts,
  reason: null,
  by: 'd',
})

describe('roster files', () => {
  it('reads riding days the ways schools write them', () => {
    expect(parseDays('1-5')).toEqual([1, 2, 3, 4, 5])
    expect(parseDays('周一至周五')).toEqual([1, 2, 3, 4, 5])
    expect(parseDays('一、三、五')).toEqual([1, 3, 5])
    expect(parseDays('每天')).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(parseDays('1,5')).toEqual([1, 5])
    expect(parseDays('5-1')).toBeNull()
    expect(parseDays('weekends')).toBeNull()
    expect(formatDays([1, 2, 3, 4, 5])).toBe('1-5')
    expect(formatDays([1, 3, 5])).toBe('1,3,5')
  })

  it('reads CSV records with the line each starts on (quoted line breaks, BOM, CRLF)', () => {
    const rows = readCsv('\uFEFFa,b\r\n"x\ny",2\r\n\'=1,"q""q"\r\n')
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\ny', '2'] },
      { line: 4, cells: ['=1', 'q"q'] },
    ])
    expect(() => readCsv('a,"b\n')).toThrow(CsvSyntaxError)
  })

  it('checks every row and names each problem by line and column; a bad file gives no pupils', () => {
    const { rows, errors } = table(
      '1001,王子涵,三年级1班,R1,石坝村,水尾小学,X-4,X-1,1-5,王建国,+86 139-0000-0001,是,,,',
      '1002,李欣怡,三年级1班,R1,X-3,X-2,,,1-5,李建国,13900000002,是,,,',
      '1003,张浩然,三年级1班,R9,X-1,X-4,,,1-5,张建国,13900000003,maybe,,,',
      '1001,重复,三年级1班,R1,X-1,X-4,,,1-5,某某,13900000004,,,,',
    )
    expect(errors).toEqual([])
    const r = readRoster(rows, ctx)
    expect(r.pupils).toEqual([])
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'morningAlight'],
      [4, 'route'],
      [4, 'sms1'],
      [5, 'pupilNo'],
    ])
    expect(r.errors[0]?.message).toBe('morning run 早: the bus reaches X-2 before X-3 on this run')
    const good = readRoster(rows.slice(0, 1), ctx)
    expect(good.errors).toEqual([])
    expect(good.pupils[0]).toMatchObject({
      pupilNo: '1001',
      morning: { board: 'X-1', alight: 'X-4' },
      afternoon: { board: 'X-4', alight: 'X-1' },
      guardians: [{ phone: '13900000001', sms: true }],
    })
    // A pupil goes back to the same cells.
    expect(readRosterRow({ line: 2, cells: pupilCells(good.pupils[0]!) }, ctx).pupil).toEqual(good.pupils[0])
  })

  it('refuses a header without the required columns', () => {
    const r = rosterRows(readCsv('学号,姓名\n1,x'))
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'className'],
      [1, 'route'],
      [1, 'days'],
      [1, 'guardian1'],
      [1, 'phone1'],
    ])
  })
})

describe('boarding checks', () => {
  const pupils = [
    pupil(1, 'X-1'),
    pupil(2, 'X-2'),
    pupil(3, 'X-3', { days: [2] as Weekday[] }),
    pupil(4, 'X-2', { termEnd: serviceDate('2026-11-30') }),
  ]

  it('expects on a run the pupils riding that day, in term, in boarding order; morning is the way to school', () => {
    expect(expectedRides(school, pupils, run(0)).map((r) => [r.pupil.id, r.board, r.alight])).toEqual([
      [1, 'X-1', 'X-4'],
      [2, 'X-2', 'X-4'],
    ])
    expect(expectedRides(school, pupils, run(1)).map((r) => [r.pupil.id, r.board, r.alight])).toEqual([
      [1, 'X-4', 'X-1'],
      [2, 'X-4', 'X-2'],
    ])
    expect(periodOf(school, run(0))).toBe('morning')
    expect(periodOf(school, run(1))).toBe('afternoon')
  })

  it('folds taps in tap order whenever they arrive; the latest decides, an undo clears', () => {
    const s = foldMarks([
      tap(1, 'alighted', 300, 'X-4'),
      tap(1, 'boarded', 100),
      tap(2, 'boarded', 110, 'X-2'),
      tap(2, 'none', 120, null),
      tap(3, 'absent', 90, 'X-3'),
    ])
    expect(s.get('p:1')).toMatchObject({
      status: 'alighted',
      boardedTs: 100,
      boardedStop: 'X-1',
      alightedTs: 300,
      alightedStop: 'X-4',
    })
    expect(s.get('p:2')?.status).toBeNull()
    expect(
      stillOnBoard(
        foldMarks([tap(1, 'boarded', 100), tap(2, 'boarded', 110, 'X-2'), tap(2, 'alighted', 200, 'X-4')]).values(),
      ).map((x) => x.pupilId),
    ).toEqual([1])
  })

  it('lists as absent those marked absent, and those not boarded once the bus has left their stop', () => {
    const rides = expectedRides(school, pupils, run(0))
    const states = foldMarks([tap(2, 'absent', 100, 'X-2')])
    expect(absentees(rides, states, new Set(), false).map((a) => [a.pupil.id, a.why])).toEqual([[2, 'marked_absent']])
    expect(absentees(rides, states, new Set(['X-1']), false).map((a) => [a.pupil.id, a.why])).toEqual([
      [1, 'not_boarded'],
      [2, 'marked_absent'],
    ])
  })

  it('takes a boarding at another stop, or of a rider not on the roster, only with a reason', () => {
    const rides = expectedRides(school, pupils, run(0))
    const ids = new Set(pupils.map((p) => p.id))
    expect(
      refusal(() => checkPupilMark(tap(1, 'boarded', 1, 'X-2', 'op-aaaaaaaa'), rides, run(0), ids)).details,
    ).toMatchObject({ field: 'reason' })
    checkPupilMark({ ...tap(1, 'boarded', 1, 'X-2', 'op-aaaaaaaa'), reason: '在奶奶家住' }, rides, run(0), ids)
    const extra: CheckMark = {
      ...tap(0, 'boarded', 1, 'X-1', 'op-bbbbbbbb'),
      pupilId: null,
      extraKey: 'x-1234',
      extraName: '插班生',
    }
    expect(refusal(() => checkPupilMark(extra, rides, run(0), ids)).details).toMatchObject({ field: 'reason' })
    checkPupilMark({ ...extra, reason: '新转学，名单未更新' }, rides, run(0), ids)
    expect(
      refusal(() => checkPupilMark(tap(99, 'boarded', 1, 'X-1', 'op-cccccccc'), rides, run(0), ids)).details,
    ).toMatchObject({ field: 'pupilId' })
    expect(
      refusal(() => checkPupilMark(tap(1, 'boarded', 1, 'X-9', 'op-dddddddd'), rides, run(0), ids)).details,
    ).toMatchObject({ field: 'stopCode' })
  })
})

describe('guardians told', () => {
  it('texts guardians who opted in, once per event key', () => {
    const p = pupil(1, 'X-1', {
      guardians: [
        { name: 'A', phone: '13900000001', sms: true },
        { name: 'B', phone: '13900000002', sms: false },
      ],
    })
    const n = noticesFor('pupil_boarded', {
      tripInstanceId: 'T0',
      pupilId: 1,
      pupilName: '王子涵',
      guardians: p.guardians,
      stopName: '石坝村',
      ts: Date.UTC(2026, 11, 7, 23, 12),
      plate: '川E·1',
    })
    expect(n).toEqual([
      {
        kind: 'pupil_boarded',
        key: 'pupil_boarded:T0:1:13900000001',
        pupilId: 1,
        tripInstanceId: 'T0',
        recipient: '13900000001',
        body: '【学生车】王子涵 07:12 在「石坝村」上车（车牌川E·1）。',
      },
    ])
    const before = foldMarks([tap(1, 'boarded', 100)]).get('p:1')
    expect(noticeKindOf(undefined, before!)).toBe('pupil_boarded')
    expect(noticeKindOf(before, foldMarks([tap(1, 'boarded', 100)]).get('p:1')!)).toBeNull()
    expect(noticeKindOf(before, foldMarks([tap(1, 'boarded', 100), tap(1, 'alighted', 200, 'X-4')]).get('p:1')!)).toBe(
      'pupil_alighted',
    )
  })

  it('tells of the morning bus within ten minutes of the stop, not once the child has boarded, never in the afternoon', () => {
    const rides = expectedRides(school, [pupil(1, 'X-1'), pupil(2, 'X-2'), pupil(3, 'X-3')], run(0))
    const now = 1_000_000
    const etas = [
      { stopCode: 'X-2', etaTs: now + 9 * 60_000 },
      { stopCode: 'X-3', etaTs: now + 11 * 60_000 },
    ]
    expect(busNear('morning', rides, etas, new Map(), now).map((x) => x.ride.pupil.id)).toEqual([2])
    expect(busNear('morning', rides, etas, foldMarks([tap(2, 'boarded', 5, 'X-2')]), now)).toEqual([])
    expect(busNear('afternoon', rides, etas, new Map(), now)).toEqual([])
  })
})

describe('term report', () => {
  it('counts rides, absences of runs that are over, and arrivals after classes started', () => {
    const pupils = [pupil(1, 'X-1'), pupil(2, 'X-2')]
    const start = serviceDayStartMs(serviceDate('2026-12-07')) + school.classesStartS * 1000
    const rows = termReport(school, pupils, [
      {
        run: run(0),
        over: true,
        states: foldMarks([tap(1, 'boarded', start - 3600_000), tap(1, 'alighted', start + 60_000, 'X-4')]),
      },
      {
        run: run(1),
        over: true,
        states: foldMarks([
          { ...tap(1, 'boarded', start + 8 * 3600_000, 'X-4'), tripInstanceId: 'T1' },
          { ...tap(2, 'boarded', start + 8 * 3600_000, 'X-4'), tripInstanceId: 'T1' },
        ]),
      },
      { run: run(0, '2026-12-08'), over: false, states: new Map() },
    ])
    expect(rows.map((r) => [r.pupilId, r.expected, r.rides, r.absences, r.late])).toEqual([
      [1, 3, 2, 0, 1],
      [2, 3, 1, 1, 0],
    ])
  })
})

describe('demo county rosters', () => {
  it('gives every student route a school whose roster passes the import checks', () => {
    const net = demoCounty()
    const schools = demoStudents(net)
    const student = net.routes
      .filter((r) => r.kind === 'student')
      .map((r) => r.id)
      .sort()
    expect(schools.flatMap((s) => s.routes.map((r) => r.routeId)).sort()).toEqual(student)
    expect(schools.map((s) => s.name)).toContain('叙永一中')
    for (const s of schools) {
      expect(s.pupils.length).toBeGreaterThan(5)
      const c: RosterContext = {
        school: { routes: s.routes },
        routes: net.routes
          .filter((r) => s.routes.some((x) => x.routeId === r.id))
          .map((r) => ({ id: r.id, name: r.name, stopCodes: r.stops.map((x) => x.stopCode) })),
        stops: net.stops.map((x) => ({ code: x.code, name: x.name })),
      }
      const checked = readRoster(
        s.pupils.map((p, i) => ({ line: i + 2, cells: pupilCells(p) })),
        c,
      )
      expect(checked.errors).toEqual([])
      expect(checked.pupils).toEqual(s.pupils)
    }
    expect(demoStudents(net)).toEqual(schools)
  })
})

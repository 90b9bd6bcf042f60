/**
 * The term report a school reads per class: for each pupil, the runs they were expected on, the
 * rides taken, the absences (expected on a run that is over and never boarded), and the late
 * arrivals (got off the morning bus after classes started).
 */
import { serviceDayStartMs } from '../calendar/index.js'
import { expectedRides, periodOf } from './checks.js'
import type { Pupil, PupilRunState, School, StudentRun } from './types.js'

export interface ReportRun {
  run: StudentRun
  /** The run is over (ended, or its day is past): a pupil not boarded by then was absent. */
  over: boolean
  states: ReadonlyMap<string, PupilRunState>
}

export interface ReportRow {
  pupilId: number
  pupilNo: string
  name: string
  className: string
  expected: number
  rides: number
  absences: number
  late: number
}

export function termReport(
  school: Pick<School, 'routes' | 'classesStartS'>,
  pupils: readonly Pupil[],
  runs: readonly ReportRun[],
): ReportRow[] {
  const rows = new Map<number, ReportRow>(
    pupils.map((p) => [
      p.id,
      {
        pupilId: p.id,
        pupilNo: p.pupilNo,
        name: p.name,
        className: p.className,
        expected: 0,
        rides: 0,
        absences: 0,
        late: 0,
      },
    ]),
  )
  for (const r of runs) {
    const morning = periodOf(school, r.run) === 'morning'
    const classesStart = serviceDayStartMs(r.run.serviceDate) + school.classesStartS * 1000
    const expected = new Set(expectedRides(school, pupils, r.run).map((x) => x.pupil.id))
    for (const id of expected) (rows.get(id) as ReportRow).expected++
    for (const [id, row] of rows) {
      const s = r.states.get(`p:${id}`)
      const rode = s?.status === 'boarded' || s?.status === 'alighted'
      if (rode) {
        row.rides++
        if (morning && s.alightedTs !== null && s.alightedTs > classesStart) row.late++
      } else if (expected.has(id) && (r.over || s?.status === 'absent')) row.absences++
    }
  }
  return [...rows.values()].sort((a, b) => a.className.localeCompare(b.className) || a.pupilNo.localeCompare(b.pupilNo))
}

/**
 * Boarding checks on a run: who is expected where, where each pupil stands after the driver's
 * taps (in tap order, whenever they reached the server), who is still on board at the end, and
 * who did not come.
 */
import { AppError } from '../errors.js'
import { weekdayOf } from '../calendar/index.js'
import type { CheckMark, ExpectedRide, Pupil, PupilRunState, RunPeriod, School, StudentRun } from './types.js'

/** The school route link of a run's route, or undefined when no school rides it. */
export const linkOf = (school: Pick<School, 'routes'>, routeId: string) =>
  school.routes.find((r) => r.routeId === routeId)

/** Morning when the run goes the route's way to school. */
export function periodOf(
  school: Pick<School, 'routes'>,
  run: Pick<StudentRun, 'routeId' | 'direction'>,
): RunPeriod | null {
  const link = linkOf(school, run.routeId)
  if (!link) return null
  return run.direction === link.toSchoolDirection ? 'morning' : 'afternoon'
}

/** Whether a date falls in the pupil's term. */
export const inTerm = (p: Pick<Pupil, 'termStart' | 'termEnd'>, date: string): boolean =>
  p.termStart <= date && date <= p.termEnd

/**
 * The pupils a run carries, in the order of their boarding stop: on the run's route, riding that
 * weekday, in term, with both their stops on this run in order.
 */
export function expectedRides(
  school: Pick<School, 'routes'>,
  pupils: readonly Pupil[],
  run: StudentRun,
): ExpectedRide[] {
  const period = periodOf(school, run)
  if (!period) return []
  const weekday = weekdayOf(run.serviceDate)
  const index = new Map(run.stopCodes.map((c, i) => [c, i]))
  const out: ExpectedRide[] = []
  for (const p of pupils) {
    if (p.routeId !== run.routeId || !p.days.includes(weekday) || !inTerm(p, run.serviceDate)) continue
    const stops = period === 'morning' ? p.morning : p.afternoon
    if (!stops) continue
    const b = index.get(stops.board)
    const a = index.get(stops.alight)
    if (b === undefined || a === undefined || b >= a) continue
    out.push({ pupil: p, board: stops.board, alight: stops.alight })
  }
  return out.sort(
    (x, y) =>
      (index.get(x.board) as number) - (index.get(y.board) as number) ||
      x.pupil.className.localeCompare(y.pupil.className) ||
      x.pupil.name.localeCompare(y.pupil.name),
  )
}

export const subjectOf = (m: Pick<CheckMark, 'pupilId' | 'extraKey'>): string =>
  m.pupilId !== null ? `p:${m.pupilId}` : `x:${m.extraKey}`

/** The marks of one run folded in tap order (ties by opId): the latest tap decides, boarding and alighting keep their time and stop. */
export function foldMarks(marks: readonly CheckMark[]): Map<string, PupilRunState> {
  const out = new Map<string, PupilRunState>()
  const ordered = [...marks].sort((a, b) => a.ts - b.ts || a.opId.localeCompare(b.opId))
  for (const m of ordered) {
    const subject = subjectOf(m)
    const s = out.get(subject) ?? {
      subject,
      pupilId: m.pupilId,
      extraName: m.extraName,
      status: null,
      boardedTs: null,
      boardedStop: null,
      alightedTs: null,
      alightedStop: null,
      reason: null,
    }
    if (m.extraName) s.extraName = m.extraName
    if (m.reason) s.reason = m.reason
    switch (m.status) {
      case 'boarded':
        Object.assign(s, {
          status: 'boarded',
          boardedTs: m.ts,
          boardedStop: m.stopCode,
          alightedTs: null,
          alightedStop: null,
        })
        break
      case 'alighted':
        Object.assign(s, { status: 'alighted', alightedTs: m.ts, alightedStop: m.stopCode })
        break
      case 'absent':
        Object.assign(s, { status: 'absent', boardedTs: null, boardedStop: null, alightedTs: null, alightedStop: null })
        break
      case 'none':
        Object.assign(s, { status: null, boardedTs: null, boardedStop: null, alightedTs: null, alightedStop: null })
        break
    }
    out.set(subject, s)
  }
  return out
}

/** Who got on and has not got off: at the end of the run, a child left on the bus. */
export function stillOnBoard(states: Iterable<PupilRunState>): PupilRunState[] {
  return [...states].filter((s) => s.status === 'boarded')
}

export interface Absentee {
  pupil: Pupil
  board: string
  /** Marked absent by the driver, or the bus left the stop without them. */
  why: 'marked_absent' | 'not_boarded'
}

/**
 * Pupils of a run who did not get on: marked absent, or not boarded once the bus has left their
 * stop (`departed`: stop codes the bus has left; `ended`: the run is over).
 */
export function absentees(
  rides: readonly ExpectedRide[],
  states: ReadonlyMap<string, PupilRunState>,
  departed: ReadonlySet<string>,
  ended: boolean,
): Absentee[] {
  const out: Absentee[] = []
  for (const r of rides) {
    const s = states.get(`p:${r.pupil.id}`)
    if (s?.status === 'absent') out.push({ pupil: r.pupil, board: r.board, why: 'marked_absent' })
    else if (!s?.status && (ended || departed.has(r.board)))
      out.push({ pupil: r.pupil, board: r.board, why: 'not_boarded' })
  }
  return out
}

export const CHECK_REASON_MAX = 200
export const EXTRA_NAME_MAX = 40

/**
 * Checks a tap before it is stored: a pupil of this run's roster, or a rider not on it with a name
 * and a reason; boarding at another stop than the roster's needs a reason too.
 */
export function checkPupilMark(
  m: CheckMark,
  rides: readonly ExpectedRide[],
  run: Pick<StudentRun, 'stopCodes'>,
  rosterIds: ReadonlySet<number>,
): void {
  const bad = (field: string, message: string): never => {
    throw new AppError('VALIDATION_FAILED', message, { field })
  }
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(m.opId))
    bad('opId', 'opId must be 8–64 letters, digits, - or _ (made once per tap on the phone)')
  if (m.stopCode !== null && !run.stopCodes.includes(m.stopCode))
    bad('stopCode', `stop ${m.stopCode} is not on this run`)
  if ((m.status === 'boarded' || m.status === 'alighted') && m.stopCode === null)
    bad('stopCode', `a ${m.status} tap names its stop`)
  if (m.reason !== null && m.reason.length > CHECK_REASON_MAX)
    bad('reason', `reason is longer than ${CHECK_REASON_MAX} characters`)
  if (m.pupilId === null) {
    if (!m.extraKey || !/^[A-Za-z0-9_-]{4,64}$/.test(m.extraKey))
      bad('extraKey', 'a rider not on the roster needs an extraKey (4–64 letters, digits, - or _)')
    if (!m.extraName?.trim()) bad('extraName', 'a rider not on the roster needs a name')
    if ((m.extraName ?? '').length > EXTRA_NAME_MAX)
      bad('extraName', `name is longer than ${EXTRA_NAME_MAX} characters`)
    if (m.status === 'boarded' && !m.reason?.trim()) bad('reason', 'say why a rider not on the roster boarded')
    return
  }
  const ride = rides.find((r) => r.pupil.id === m.pupilId)
  if (!ride) {
    // A pupil of the school who is not expected on this run (another day, another stop) may ride with a reason.
    if (!rosterIds.has(m.pupilId)) bad('pupilId', `pupil ${m.pupilId} is not on this school's roster for the route`)
    if (m.status === 'boarded' && !m.reason?.trim())
      bad('reason', 'this pupil is not expected on this run: say why they boarded')
    return
  }
  if (m.status === 'boarded' && m.stopCode !== ride.board && !m.reason?.trim())
    bad('reason', `the roster has this pupil board at ${ride.board}: say why they boarded at ${m.stopCode}`)
}

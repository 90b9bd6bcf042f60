/**
 * Student buses (学生车): schools, their pupils' rosters per student route, and the boarding
 * checks drivers make on each run. Plain, JSON-serialisable data.
 */
import type { ServiceDate, Weekday } from '../calendar/index.js'

/** A school whose pupils ride student routes. */
export interface School {
  /** `XY-SCH01`. */
  id: string
  name: string
  /** The stop sign at the school gate (where the morning run's pupils alight). */
  stopCode: string | null
  /** When classes start, seconds after local midnight: arrivals after it are late. */
  classesStartS: number
  /** The current term: pupil data is kept for it (and shown only while it lasts). */
  termStart: ServiceDate
  termEnd: ServiceDate
  routes: SchoolRoute[]
}

/** A student route serving a school, and which of its directions runs to school (the morning run). */
export interface SchoolRoute {
  routeId: string
  toSchoolDirection: 0 | 1
}

export interface Guardian {
  name: string
  /** Mainland mobile number, 11 digits. */
  phone: string
  /** Opted in to SMS when the child boards, alights, and when the bus nears in the morning. */
  sms: boolean
}

/** Where a pupil gets on and off on one run. */
export interface RunStops {
  board: string
  alight: string
}

/** A pupil as the school enters them; the server adds id, school and term. */
export interface PupilInput {
  pupilNo: string
  name: string
  className: string
  routeId: string
  /** The run to school; null: does not ride it. */
  morning: RunStops | null
  /** The run home; null: does not ride it. */
  afternoon: RunStops | null
  /** Days of the week the pupil rides (ISO, Monday 1). */
  days: Weekday[]
  /** One or two. */
  guardians: Guardian[]
}

export interface Pupil extends PupilInput {
  id: number
  schoolId: string
  termStart: ServiceDate
  termEnd: ServiceDate
}

/** The morning run goes to school; the afternoon run comes home. */
export type RunPeriod = 'morning' | 'afternoon'

/** What a driver taps for a pupil; `none` takes a wrong tap back. */
export type CheckStatus = 'boarded' | 'alighted' | 'absent' | 'none'
export const CHECK_STATUSES: readonly CheckStatus[] = ['boarded', 'alighted', 'absent', 'none']

/**
 * One tap, as the driver's phone sends it (possibly long after, from its offline queue). `opId`
 * is made on the phone: the same tap sent twice is stored once.
 */
export interface CheckMark {
  opId: string
  tripInstanceId: string
  /** A pupil of the roster; null for a rider not on it (then `extraKey` and `extraName`). */
  pupilId: number | null
  extraKey: string | null
  extraName: string | null
  status: CheckStatus
  stopCode: string | null
  /** When tapped on the phone, epoch ms. */
  ts: number
  /** Why: boarded at another stop than the roster's, or not on the roster. */
  reason: string | null
  by: string
}

/** Where a pupil stands on a run, from the marks. */
export interface PupilRunState {
  /** `p:<pupilId>` or `x:<extraKey>`. */
  subject: string
  pupilId: number | null
  extraName: string | null
  status: Exclude<CheckStatus, 'none'> | null
  boardedTs: number | null
  boardedStop: string | null
  alightedTs: number | null
  alightedStop: string | null
  reason: string | null
}

/** A run of a student trip as the checks see it. */
export interface StudentRun {
  tripInstanceId: string
  routeId: string
  direction: 0 | 1
  serviceDate: ServiceDate
  /** Stop codes in the order this run serves them. */
  stopCodes: string[]
}

/** What a pupil is expected to do on a run. */
export interface ExpectedRide {
  pupil: Pupil
  board: string
  alight: string
}

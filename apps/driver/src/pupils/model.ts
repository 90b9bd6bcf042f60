/** What the student-run screens get from the server (GET /api/driver/student-runs, /api/student-runs/:id). */

export type PupilStatus = 'boarded' | 'alighted' | 'absent' | null
export type Tap = 'boarded' | 'alighted' | 'absent' | 'none'

export interface PupilEntry {
  pupilId: number
  schoolId: string
  name: string
  className: string
  board: string
  alight: string
  status: PupilStatus
  boardedTs: number | null
  boardedStop: string | null
  alightedTs: number | null
  reason: string | null
}

export interface OtherRider {
  subject: string
  pupilId: number | null
  name: string
  className: string | null
  status: PupilStatus
  boardedStop: string | null
  reason: string | null
}

export interface RunView {
  trip: { id: string; routeId: string; routeName: string; direction: 0 | 1; period: 'morning' | 'afternoon' | null; serviceDate: string; departureTs: number; status: string; vehicleId: string | null; plate: string | null; driverId: string | null }
  schools: { id: string; name: string }[]
  stops: { seq: number; stopCode: string; stopName: string; arrivalTs: number; boarding: PupilEntry[]; alighting: PupilEntry[] }[]
  others: OtherRider[]
  counts: { expected: number; boarded: number; alighted: number; absent: number; onBoard: number }
  end: { endedTs: number | null; leftOnBoard: number | null; alertId: string | null; confirmedBy: string | null; confirmedTs: number | null }
}

export interface StudentRunSummary {
  id: string
  routeName: string
  departureTs: number
  period: 'morning' | 'afternoon' | null
  counts: RunView['counts']
  end: RunView['end']
  vehicleId: string | null
}

/** A tap waiting on the phone until the server has it (`opId` makes resending harmless). */
export interface PendingTap {
  opId: string
  runId: string
  pupilId: number | null
  extraKey: string | null
  extraName: string | null
  status: Tap
  stopCode: string | null
  ts: number
  reason: string | null
}

/**
 * Student runs as the server answers them (GET /api/student-runs/:id, /api/driver/student-runs,
 * /api/schools/:id/live): one wire shape for the driver's page, the console and the server.
 */

export type PupilStatus = 'boarded' | 'alighted' | 'absent' | null

/** A pupil expected on a run, with what the driver marked. */
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

/** A rider not expected here: not on the roster, or boarded at another stop or on another day. */
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
  trip: {
    id: string
    routeId: string
    routeName: string
    direction: 0 | 1
    period: 'morning' | 'afternoon' | null
    serviceDate: string
    departureTs: number
    status: 'scheduled' | 'cancelled'
    vehicleId: string | null
    plate: string | null
    driverId: string | null
  }
  schools: { id: string; name: string }[]
  stops: {
    seq: number
    stopCode: string
    stopName: string
    arrivalTs: number
    boarding: PupilEntry[]
    alighting: PupilEntry[]
  }[]
  others: OtherRider[]
  counts: { expected: number; boarded: number; alighted: number; absent: number; onBoard: number }
  end: {
    endedTs: number | null
    leftOnBoard: number | null
    alertId: string | null
    confirmedBy: string | null
    confirmedTs: number | null
  }
}

/** One of a driver's student runs of the day (the trips screen's card). */
export interface StudentRunSummary {
  id: string
  routeName: string
  departureTs: number
  period: 'morning' | 'afternoon' | null
  counts: RunView['counts']
  end: RunView['end']
  vehicleId: string | null
}

/** A run in the school's live view: the run, where its bus is, the stops it has left. */
export interface LiveRun extends RunView {
  live: {
    status: string
    delayS: number | null
    nextStop: { stopCode: string; etaTs: number | null } | null
    lng: number | null
    lat: number | null
    lastTs: number | null
    online: boolean | null
  } | null
  departed: string[]
}

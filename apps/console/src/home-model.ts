/**
 * The day at a glance, counted: the same rows the trip board, the alerts, the repair tickets and
 * the live map's legend read, so each figure equals the list its link opens. Pure: unit-tested.
 */
import type { TripBoardRow } from '@rb/domain'
import type { LiveAlert, VehicleServiceStatus } from '@rb/protocol'

export interface DayFigures {
  /** Completed today (the board's "completed" chip). */
  tripsRun: number
  /** In progress now. */
  tripsRunning: number
  /** Not run: no bus by departure + grace. */
  tripsMissed: number
  /** Trips the server calls late (the board's "late only"). */
  tripsLate: number
  /** Scheduled or assigned: still ahead. */
  tripsToCome: number
  /** Departures judged on time / judged at all (trips running, completed or partly run); null with none. */
  onTimeShare: number | null
  bookings: number
  seatsBooked: number
  noShows: number
  /** Open alerts (not yet acknowledged): the alerts' "open" tab. */
  alertsOpen: number
  /** Repair tickets open or assigned. */
  ticketsOpen: number
  /** Buses the live map shows as offline. */
  busesOffline: number
}

export interface DayInputs {
  trips: readonly TripBoardRow[]
  ridership: readonly { bookings: number; seatsBooked: number; seatsNoShow: number }[]
  ticketsOpen: number
  alerts: Iterable<LiveAlert>
  fleet: Record<VehicleServiceStatus, number>
}

export function dayFigures(i: DayInputs): DayFigures {
  const count = (pred: (r: TripBoardRow) => boolean): number => i.trips.filter(pred).length
  const judged = i.trips.filter(
    (r) => r.punctuality !== null && (r.status === 'in_progress' || r.status === 'completed' || r.status === 'partial'),
  )
  let alertsOpen = 0
  for (const a of i.alerts) if (a.status === 'open') alertsOpen++
  const sum = (k: 'bookings' | 'seatsBooked' | 'seatsNoShow'): number => i.ridership.reduce((s, r) => s + r[k], 0)
  return {
    tripsRun: count((r) => r.status === 'completed'),
    tripsRunning: count((r) => r.status === 'in_progress'),
    tripsMissed: count((r) => r.status === 'missed'),
    tripsLate: count((r) => r.punctuality === 'late'),
    tripsToCome: count((r) => r.status === 'scheduled' || r.status === 'assigned'),
    onTimeShare: judged.length ? judged.filter((r) => r.punctuality === 'on_time').length / judged.length : null,
    bookings: sum('bookings'),
    seatsBooked: sum('seatsBooked'),
    noShows: sum('seatsNoShow'),
    alertsOpen,
    ticketsOpen: i.ticketsOpen,
    busesOffline: i.fleet.offline ?? 0,
  }
}

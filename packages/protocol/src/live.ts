/** socket.io wire map of the live hub (docs/design.md §2), shared by server, console and villager page. */
import type {
  BookingChangeKind,
  BookingCounts,
  LiveAlert,
  StopArrivalsUpdate,
  StopStatus,
  TicketStatus,
  TripBookingState,
  VehicleStateView,
} from '@rb/domain'
import type { Position } from './position.js'

/** One vehicle's newest position as pushed live. */
export type LivePosition = Pick<Position, 'vehicleId' | 'ts' | 'lng' | 'lat' | 'speedKmh' | 'headingDeg'>

export interface LinkChange {
  vehicleId: string
  online: boolean
  /** When the server learned it, epoch ms. */
  ts: number
}

/** Rooms: `all` (dispatchers), `route:{id}`, `stop:{code}`, `vehicle:{id}`, `trip:{tripInstanceId}` (its driver's page). */
export type RoomName = 'all' | `route:${string}` | `stop:${string}` | `vehicle:${string}` | `trip:${string}`

// Trip instance ids are a trip id (up to 64 characters) and `_YYYYMMDD`.
const ROOM = /^(all|(route|stop|vehicle):[A-Za-z0-9_-]{1,64}|trip:[A-Za-z0-9_-]{1,80})$/

export function isRoomName(value: unknown): value is RoomName {
  return typeof value === 'string' && ROOM.test(value)
}

export interface SubscribeAck {
  ok: boolean
  joined: RoomName[]
  /** Rooms refused, with the reason. */
  refused: { room: string; reason: string }[]
}

export interface ServerToClientEvents {
  /** Coalesced per tick: one array per room per tick, newest fix per vehicle. */
  positions: (batch: LivePosition[]) => void
  /** Vehicles going online / offline. */
  link: (changes: LinkChange[]) => void
  /** Changed tracking states, coalesced per tick (rooms `all`, `route:{id}`, `vehicle:{id}`). */
  vehicleStates: (batch: VehicleStateView[]) => void
  /** Raised, cleared and acknowledged alerts (room `all`). */
  alerts: (batch: LiveAlert[]) => void
  /** Next departures of a stop when they change (room `stop:{code}`). */
  arrivals: (update: StopArrivalsUpdate) => void
  /** Committed booking changes with the trip instance's seat counts after each, coalesced per tick (room `all`; room `trip:{id}` gets its trip's). */
  bookings: (batch: LiveBookingChange[]) => void
  /** Booking state of departures after a committed booking change: riders, seats, on-demand decision (room `stop:{code}` of each stop of the trip). */
  tripBookings: (batch: TripBookingState[]) => void
  /** A stop sign's status changed with its repair tickets (rooms `all` and `stop:{code}`). */
  stopStatus: (changes: StopStatusChange[]) => void
  /** A dispatcher's text to the driver of a vehicle (rooms `vehicle:{id}` and the `trip:{id}` of the trip it runs or runs next). */
  driverMessage: (message: DriverMessage) => void
  /** A notice for the signed-in driver, or its reminder (the account's own socket; the page then fetches its notices). */
  notice: (push: NoticePush) => void
}

export interface ClientToServerEvents {
  subscribe: (rooms: string[], ack?: (result: SubscribeAck) => void) => void
  unsubscribe: (rooms: string[], ack?: (result: { ok: boolean }) => void) => void
}

// ── Tracking: the engine's view types live with the engine (`@rb/domain`), re-exported here as wire types.
export type {
  AlertSeverity,
  AlertStatus,
  AlertType,
  DepartureStatus,
  LiveAlert,
  NextStopView,
  StopArrival,
  StopArrivalsUpdate,
  TripBookingState,
  TripMatchKind,
  VehicleServiceStatus,
  VehicleStateView,
} from '@rb/domain'

// ── Bookings ──

/** One committed change to a trip instance's bookings: booking codes only, no names or phones. */
export interface LiveBookingChange {
  tripInstanceId: string
  /** When it was committed, epoch ms. */
  ts: number
  kind: BookingChangeKind
  codes: string[]
  /** Seat counts of the trip instance after the change. */
  counts: BookingCounts
  tripStatus: 'scheduled' | 'cancelled'
}

// ── Repair reports ──

/** A stop sign's status after a change to its repair tickets (reported, in repair, ok again). */
export interface StopStatusChange {
  stopCode: string
  status: StopStatus
  previous: StopStatus
  /** When it changed, epoch ms. */
  ts: number
  /** The ticket whose change caused it, and that ticket's status after the change. */
  ticketId: number
  ticketStatus: TicketStatus
}

// ── Messages to drivers ──

/** A dispatcher's text to a vehicle's driver, as the driver page and the console receive it. */
export interface DriverMessage {
  /** The incident note that records it. */
  id: number
  vehicleId: string
  /** The trip the vehicle runs (or runs next), when there is one. */
  tripInstanceId: string | null
  /** The alert it answers, if any. */
  alertId: string | null
  /** When it was sent, epoch ms. */
  ts: number
  text: string
  /** The dispatcher's display name. */
  from: string
}

// ── Notices to drivers ──

/** A notice reached this driver (or a reminder of one not read): the page lists its notices again. */
export interface NoticePush {
  id: number
  title: string
  /** When it was sent (or the reminder), epoch ms. */
  ts: number
  reminder: boolean
}

/**
 * What pages are sent about parcels (wire types, shared by the server and the phone and console
 * pages): the public tracking view, one line per parcel in lists, a trip's parcels per stop, a
 * keeper's lists. Times are ISO strings.
 */
import type { CustodyEvent, ParcelStatus, ScanAction } from './types.js'

export interface PointRef {
  code: string
  name: string
  kind: 'village' | 'station'
  hours: string
  phone: string
}

export interface LegView {
  idx: number
  tripInstanceId: string
  routeId: string
  routeName: string
  from: PointRef
  to: PointRef
  departureTs: string
  arrivalTs: string
  vehicleId: string | null
  loadedTs: string | null
  unloadedTs: string | null
}

/** Where the bus carrying the parcel is, and when it is due at the post point it is unloaded at. */
export interface RideView {
  vehicleId: string
  position: { lng: number; lat: number; ts: string } | null
  unloadAt: PointRef
  scheduledTs: string
  /** From the tracking engine, null before it follows the bus. */
  etaTs: string | null
  stopsAway: number | null
  /** The receiving post point: its arrival (the last leg's ETA or timetable). */
  finalEtaTs: string
}

export interface TrackView {
  number: string
  status: ParcelStatus
  from: PointRef
  to: PointRef
  recipient: string
  sizeClass: string
  weightKg: number
  acceptedTs: string
  arrivedTs: string | null
  closedTs: string | null
  returnDueTs: string | null
  /** Expected at the receiving post point (tracker's ETA when it follows the bus, else the timetable). */
  expectedTs: string | null
  ride: RideView | null
  legs: LegView[]
  events: {
    ts: string
    action: CustodyEvent['action']
    toStatus: ParcelStatus
    place: string | null
    placeName: string | null
    vehicleId: string | null
  }[]
}

/** One parcel in a list: where it is, the trip it waits for or rides, when it is expected. */
export interface ParcelLine {
  number: string
  status: ParcelStatus
  from: PointRef
  to: PointRef
  sizeClass: string
  weightKg: number
  feeFen: number
  recipient: string
  recipientPhone: string
  /** The current (or given) leg. */
  tripInstanceId: string | null
  routeName: string | null
  vehicleId: string | null
  legFrom: string | null
  legTo: string | null
  departureTs: string | null
  /** Timetabled arrival of the current leg (lists; the tracking view has the live ETA). */
  expectedTs: string | null
  acceptedTs: string
  arrivedTs: string | null
  returnDueTs: string | null
  overdue: boolean
  next: ScanAction[]
}

export interface TripParcels {
  tripInstanceId: string
  status: 'scheduled' | 'cancelled'
  counts: { total: number; toLoad: number; onBoard: number; unloaded: number }
  stops: {
    seq: number
    stopCode: string
    stopName: string
    postPoint: boolean
    load: ParcelLine[]
    unload: ParcelLine[]
  }[]
}

export interface KeeperView {
  /** The service day the server calls today. */
  today: string
  point: PointRef & { holdDays: number }
  dueIn: ParcelLine[]
  waiting: ParcelLine[]
  overdue: ParcelLine[]
  toSend: ParcelLine[]
}

/** A parcel as staff and its keepers see it: the tracking view with the people, the fee and what may come next. */
export interface StaffParcelView extends Omit<TrackView, 'recipient'> {
  sender: { name: string; phone: string }
  recipient: string
  recipientPhone: string
  feeFen: number
  distanceM: number
  overdue: boolean
  next: ScanAction[]
  createdBy: string
}

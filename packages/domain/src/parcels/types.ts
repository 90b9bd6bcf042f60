/**
 * Parcels on the village bus (交邮融合): post points at stop signs and township stations, parcels
 * with a unified number, the trips they ride (legs), and every hand-over (custody step).
 * Plain JSON data; times are epoch ms.
 */

/** 村邮站 (a village post station at a stop sign) or 综合运输服务站 (a township bus station). */
export type PostPointKind = 'village' | 'station'
export const POST_POINT_KINDS: readonly PostPointKind[] = ['village', 'station']

export interface PostPoint {
  /** The stop sign (or station) it stands at: one post point per stop code. */
  stopCode: string
  kind: PostPointKind
  name: string
  /** The keeper's phone: parcels due in and moved trips are texted here. */
  phone: string
  /** Opening hours, local time, `HH:MM-HH:MM` (e.g. `08:00-18:00`). */
  hours: string
  /** A parcel not collected this many days after it arrived may be returned to its sender. */
  holdDays: number
  active: boolean
}

/** Size classes on the county tariff; a size takes this many of a bus's parcel slots. */
export type SizeClass = 'S' | 'M' | 'L'
export const SIZE_CLASSES: readonly SizeClass[] = ['S', 'M', 'L']

/**
 * accepted (at the sending post point) → loaded (on a bus) → at_transfer (at a township station
 * between two trips) → loaded → arrived (at the receiving post point) → collected (by the
 * recipient) or returned (not collected within the hold days).
 */
export type ParcelStatus = 'accepted' | 'loaded' | 'at_transfer' | 'arrived' | 'collected' | 'returned'
export const PARCEL_STATUSES: readonly ParcelStatus[] = [
  'accepted',
  'loaded',
  'at_transfer',
  'arrived',
  'collected',
  'returned',
]
export const CLOSED_PARCEL_STATUSES: readonly ParcelStatus[] = ['collected', 'returned']

export interface Person {
  name: string
  /** Digits only (see normalizePhone). */
  phone: string
}

/** One trip a parcel rides, from one post point to the next. */
export interface ParcelLeg {
  idx: number
  tripInstanceId: string
  routeId: string
  fromStop: string
  toStop: string
  /** Stop seqs in the trip instance's pattern (fromSeq < toSeq). */
  fromSeq: number
  toSeq: number
  /** Scheduled departure from `fromStop` and arrival at `toStop`. */
  departureTs: number
  arrivalTs: number
  /** The bus it was loaded on (set by the load scan). */
  vehicleId: string | null
  loadedTs: number | null
  unloadedTs: number | null
}

export interface Parcel {
  id: number
  /** `XY-P-20261207-0042`: county prefix, P, service day of acceptance, number of the day. */
  number: string
  fromPoint: string
  toPoint: string
  sender: Person
  recipient: Person
  sizeClass: SizeClass
  weightKg: number
  /** Fee in fen (1/100 yuan), from the tariff at acceptance. */
  feeFen: number
  /** Distance along the buses' routes from the sending to the receiving post point, metres. */
  distanceM: number
  status: ParcelStatus
  /** The leg being ridden or waited for; equals legs.length once arrived. */
  legIndex: number
  legs: ParcelLeg[]
  /** Six digits, texted to the recipient; asked for at collection with the phone's last four digits. */
  pickupCode: string
  acceptedTs: number
  arrivedTs: number | null
  closedTs: number | null
  /** The receiving post point's hold days at acceptance. */
  holdDays: number
  createdBy: string
}

/** A hand-over scan. */
export type ScanAction = 'load' | 'unload' | 'collect' | 'return'
export const SCAN_ACTIONS: readonly ScanAction[] = ['load', 'unload', 'collect', 'return']

/** Who scans: the bus's driver, a post point's keeper, or the county office. */
export type Custodian =
  | { kind: 'driver'; username: string; driverCode: string | null }
  | { kind: 'keeper'; username: string; postPoint: string }
  | { kind: 'staff'; username: string }
  | { kind: 'system'; username: string }

/** One custody step as stored: who, where, when, and the status it moved the parcel between. */
export interface CustodyEvent {
  ts: number
  action: 'accept' | ScanAction | 'assign' | 'reroute'
  fromStatus: ParcelStatus | null
  toStatus: ParcelStatus
  byName: string
  byRole: string
  /** The post point (stop code) where it happened, when it happened at one. */
  place: string | null
  vehicleId: string | null
  tripInstanceId: string | null
  /** Where: the bus's last position for a bus scan, the post point's sign otherwise. */
  lng: number | null
  lat: number | null
  note: string | null
}

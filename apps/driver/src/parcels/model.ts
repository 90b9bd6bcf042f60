/** What the parcel screens get from the server (GET /api/trip-instances/:id/parcels, GET /api/keeper/parcels). */
export type ParcelStatus = 'accepted' | 'loaded' | 'at_transfer' | 'arrived' | 'collected' | 'returned'
export type ScanAction = 'load' | 'unload' | 'collect' | 'return'

export interface PointRef {
  code: string
  name: string
  kind: 'village' | 'station'
  hours: string
  phone: string
}

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
  tripInstanceId: string | null
  routeName: string | null
  vehicleId: string | null
  legFrom: string | null
  legTo: string | null
  departureTs: string | null
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
  stops: { seq: number; stopCode: string; stopName: string; postPoint: boolean; load: ParcelLine[]; unload: ParcelLine[] }[]
}

export interface KeeperView {
  point: PointRef & { holdDays: number }
  dueIn: ParcelLine[]
  waiting: ParcelLine[]
  overdue: ParcelLine[]
  toSend: ParcelLine[]
  today: string
}

export interface PostPointItem {
  stopCode: string
  kind: 'village' | 'station'
  name: string
  hours: string
  active: boolean
}

export interface Consigned {
  number: string
  feeFen: number
  labelUrl: string
  legs: { tripInstanceId: string; departureTs: string; routeName: string }[]
}

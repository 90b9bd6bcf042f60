/** What the page gets from the server (GET /api/driver/trips, GET/POST /api/trip-instances/:id/manifest, /api/driver/vehicle). */
import type { BookingCounts, ManifestEntry } from '@rb/domain'

export type Lang = 'zh' | 'en'
export type { BookingCounts, ManifestEntry }

export interface SessionUser {
  username: string
  displayName: string
  role: string
  driverCode?: string
}

export interface TripSummary {
  id: string
  /** ISO instants. */
  departure: string
  cutoff: string
  headsign: string
  bookingPolicy: string
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  onDemand: 'pending' | 'confirmed' | 'cancelled' | null
  vehicleId: string | null
  driverId: string | null
}

export interface DriverTrip extends TripSummary {
  routeName: string
  from: { code: string; name: string }
  to: { code: string; name: string }
  arrival: string
  seats: number
  vehiclePlate: string | null
  counts: BookingCounts
}

export interface DriverTrips {
  date: string
  driver: { id: string; name: string }
  items: DriverTrip[]
}

export interface ManifestStop {
  seq: number
  stopCode: string
  stopName: string
  arrival: string
  boarding: ManifestEntry[]
  alighting: ManifestEntry[]
  loadAfter: number
}

export interface ManifestView {
  trip: TripSummary
  counts: BookingCounts
  stops: ManifestStop[]
  waitlist: ManifestEntry[]
}

export type Mark = 'boarded' | 'no_show' | 'confirmed'

/** How the server knows who is at the wheel: the IC card in the terminal, this page, another device. */
export type OnBoardSource = 'card' | 'app' | 'device'

/** GET, POST and DELETE /api/driver/vehicle: the bus the driver is on now, and the buses to pick from. */
export interface DriverVehicleView {
  driver: { id: string; name: string }
  current: { vehicleId: string; plate: string | null; source: OnBoardSource } | null
  vehicles: { id: string; plate: string }[]
}

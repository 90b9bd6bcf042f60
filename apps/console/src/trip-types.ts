/** HTTP shapes of trip instances and bookings as the console reads them (apps/server/src/{routes/network,booking}/schemas.ts). */
import type { BookingCounts, BookingStatus } from '@rb/domain'

export interface TripInstanceView {
  id: string
  tripId: string
  routeId: string
  kind: 'market' | 'student' | 'medical' | 'regular'
  serviceDate: string
  headsign: string
  departure: string
  stops: string[]
  stopTimes: { stopCode: string; distM: number; arrival: string }[]
  seats: number
  bookingPolicy: 'none' | 'optional' | 'required'
  minRiders: number
  bookingCutoffMin: number
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  vehicleId: string | null
  driverId: string | null
}

export interface DispatcherBooking {
  code: string
  status: BookingStatus
  boardStop: string
  boardStopName: string
  boardTime: string
  alightStop: string
  alightStopName: string
  seats: number
  name: string
  phone: string
  channel: 'web' | 'phone' | 'driver'
  waitlistPosition: number | null
  noShows: number
  createdBy: string | null
  cancelReason: string | null
}

export interface TripBookingsView {
  trip: {
    id: string
    departure: string
    headsign: string
    bookingPolicy: string
    minRiders: number
    cutoff: string
    status: 'scheduled' | 'cancelled'
    onDemand: string | null
    vehicleId: string | null
    driverId: string | null
  }
  counts: BookingCounts
  items: DispatcherBooking[]
}

interface ManifestEntry {
  code: string
  name: string
  phoneMasked: string
  seats: number
  status: BookingStatus
}

export interface ManifestView {
  counts: BookingCounts
  stops: {
    seq: number
    stopCode: string
    stopName: string
    arrival: string
    boarding: ManifestEntry[]
    alighting: ManifestEntry[]
    loadAfter: number
  }[]
  waitlist: ManifestEntry[]
}

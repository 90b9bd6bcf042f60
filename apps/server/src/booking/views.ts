/** How bookings are shown: masked phones for passengers and drivers, full ones for dispatchers. */
import { cutoffTs, maskPhone, waitlistPosition, type OnDemandState } from '@rb/domain'
import type { StoredBooking } from '@rb/db'
import type { BookingView } from '@rb/protocol'
import type { TripInstanceView } from '../network/service.js'

export type { BookingView }

export interface DispatcherBookingView extends BookingView {
  phone: string
  /** Times this phone was marked no-show, on any trip. */
  noShows: number
  createdBy: string | null
  cancelledBy: string | null
}

const iso = (ts: number): string => new Date(ts).toISOString()

export function bookingView(
  b: StoredBooking,
  trip: TripInstanceView,
  stopName: (code: string) => string,
  waitlist: readonly StoredBooking[],
): BookingView {
  const at = (seq: number): string => iso(trip.stops.find((s) => s.seq === seq)?.arrivalTs ?? trip.departureTs)
  const position = b.status === 'waitlisted' ? waitlistPosition(waitlist, b) : null
  return {
    code: b.code,
    status: b.status,
    tripInstanceId: b.tripInstanceId,
    serviceDate: trip.serviceDate,
    routeId: trip.routeId,
    headsign: trip.headsign,
    departure: iso(trip.departureTs),
    boardStop: b.boardStop,
    boardStopName: stopName(b.boardStop),
    boardTime: at(b.boardSeq),
    alightStop: b.alightStop,
    alightStopName: stopName(b.alightStop),
    alightTime: at(b.alightSeq),
    seats: b.seats,
    name: b.name,
    phoneMasked: maskPhone(b.phone),
    channel: b.channel,
    waitlistPosition: position,
    cancelBefore: iso(cutoffTs(trip)),
    cancelReason: b.cancelReason,
    createdAt: iso(b.createdTs),
    updatedAt: iso(b.updatedTs),
  }
}

export function dispatcherView(base: BookingView, b: StoredBooking, noShows: number): DispatcherBookingView {
  return { ...base, phone: b.phone, noShows, createdBy: b.createdBy, cancelledBy: b.cancelledBy }
}

/** A trip instance as the booking answers show it (manifest, dispatcher list, driver's trips). */
export function tripSummary(trip: TripInstanceView, onDemand: OnDemandState | null) {
  return {
    id: trip.id,
    departure: iso(trip.departureTs),
    headsign: trip.headsign,
    bookingPolicy: trip.bookingPolicy,
    minRiders: trip.minRiders,
    cutoff: iso(cutoffTs(trip)),
    status: trip.status,
    cancelReason: trip.cancelReason,
    onDemand,
    vehicleId: trip.vehicleId,
    driverId: trip.driverId,
  }
}

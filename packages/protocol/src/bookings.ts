/** HTTP wire shape of a booking (docs/booking.md), shared by the server and the villager page. */
import type { BookingChannel, BookingStatus } from '@rb/domain'

/** A booking as the booking API answers a passenger or a driver: the phone masked. */
export interface BookingView {
  code: string
  status: BookingStatus
  tripInstanceId: string
  serviceDate: string
  routeId: string
  headsign: string
  departure: string
  boardStop: string
  boardStopName: string
  boardTime: string
  alightStop: string
  alightStopName: string
  alightTime: string
  seats: number
  name: string
  phoneMasked: string
  channel: BookingChannel
  /** 1 = next in line; null unless waitlisted. */
  waitlistPosition: number | null
  /** A passenger may cancel a confirmed seat until then. */
  cancelBefore: string
  cancelReason: string | null
  createdAt: string
  updatedAt: string
}

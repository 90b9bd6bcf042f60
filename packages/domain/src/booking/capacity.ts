/**
 * Seat capacity per segment: a booking holds its seats from its boarding stop to its alighting
 * stop only, so a seat freed at a stop is sold again for the rest of the trip. Segment `s` runs
 * from the stop with seq `s` to seq `s + 1`.
 */
import { AppError } from '../errors.js'
import { MAX_SEATS_PER_BOOKING, type Booking, type BookingCounts, type BookingStatus, type SeatSpan } from './types.js'

type Held = SeatSpan & { status: BookingStatus }

/** Confirmed and boarded bookings hold seats; waitlisted, cancelled and no-show ones do not. */
export const holdsSeat = (status: BookingStatus): boolean => status === 'confirmed' || status === 'boarded'

/** Boarding and alighting stops → stop seqs; the alighting stop is the first one after boarding. */
export function resolveSpan(
  stops: readonly { seq: number; stopCode: string }[],
  boardStop: string,
  alightStop: string,
): { boardSeq: number; alightSeq: number } {
  const board = stops.findIndex((s) => s.stopCode === boardStop)
  if (board < 0) throw new AppError('VALIDATION_FAILED', `stop ${boardStop} is not on this trip`, { stop: boardStop })
  const alight = stops.findIndex((s, i) => i > board && s.stopCode === alightStop)
  if (alight < 0) {
    const anywhere = stops.some((s) => s.stopCode === alightStop)
    throw new AppError(
      'VALIDATION_FAILED',
      anywhere
        ? `stop ${alightStop} does not come after ${boardStop} on this trip`
        : `stop ${alightStop} is not on this trip`,
      { stop: alightStop },
    )
  }
  return { boardSeq: (stops[board] as { seq: number }).seq, alightSeq: (stops[alight] as { seq: number }).seq }
}

/** Seats held on each segment; index `s - 1` is segment `s`. Spans outside the pattern are clamped. */
export function segmentLoads(stopCount: number, bookings: readonly Held[]): number[] {
  const loads = new Array<number>(Math.max(0, stopCount - 1)).fill(0)
  for (const b of bookings) {
    if (!holdsSeat(b.status)) continue
    const from = Math.max(1, b.boardSeq)
    const to = Math.min(stopCount, b.alightSeq)
    for (let s = from; s < to; s++) loads[s - 1] = (loads[s - 1] as number) + b.seats
  }
  return loads
}

/** Seats free over the whole span (the tightest segment decides). */
export function seatsFree(
  capacity: number,
  loads: readonly number[],
  span: Pick<SeatSpan, 'boardSeq' | 'alightSeq'>,
): number {
  let free = capacity
  for (let s = Math.max(1, span.boardSeq); s < Math.min(loads.length + 1, span.alightSeq); s++)
    free = Math.min(free, capacity - (loads[s - 1] as number))
  return free
}

export function checkSeats(seats: number, capacity: number): void {
  if (!Number.isInteger(seats) || seats < 1 || seats > MAX_SEATS_PER_BOOKING) {
    throw new AppError('VALIDATION_FAILED', `a booking holds 1–${MAX_SEATS_PER_BOOKING} seats, not ${seats}`)
  }
  if (seats > capacity)
    throw new AppError('SEAT_UNAVAILABLE', `this trip has only ${capacity} seats`, { seatsFree: capacity })
}

export interface AdmitInput {
  /** Seats the trip offers. */
  capacity: number
  stopCount: number
  /** Every booking of the trip instance (any status). */
  bookings: readonly Held[]
  request: SeatSpan
  /** Most seats the waitlist may hold in total; 0 = refuse when full. */
  waitlistMaxSeats: number
  /** The requester takes a place on the waitlist when the trip is full. */
  acceptWaitlist: boolean
}

export type Admission = { status: 'confirmed' } | { status: 'waitlisted'; position: number }

/**
 * Confirms a request when every segment it crosses has the seats, else puts it on the waitlist
 * (when there is room on it and the requester accepts), else refuses with SEAT_UNAVAILABLE.
 */
export function admit(input: AdmitInput): Admission {
  const { capacity, request } = input
  checkSeats(request.seats, capacity)
  const free = seatsFree(capacity, segmentLoads(input.stopCount, input.bookings), request)
  if (free >= request.seats) return { status: 'confirmed' }
  const waiting = input.bookings.filter((b) => b.status === 'waitlisted')
  const waitingSeats = waiting.reduce((n, b) => n + b.seats, 0)
  const details = {
    seatsFree: Math.max(0, free),
    waitlistSeatsFree: Math.max(0, input.waitlistMaxSeats - waitingSeats),
  }
  if (!input.acceptWaitlist) throw new AppError('SEAT_UNAVAILABLE', seatsMessage(free, request.seats), details)
  if (waitingSeats + request.seats > input.waitlistMaxSeats) {
    throw new AppError('SEAT_UNAVAILABLE', `${seatsMessage(free, request.seats)}, and the waitlist is full`, details)
  }
  return { status: 'waitlisted', position: waiting.length + 1 }
}

const seatsMessage = (free: number, wanted: number): string =>
  free <= 0
    ? 'no seat is free on this part of the trip'
    : `only ${free} seat${free === 1 ? ' is' : 's are'} free on this part of the trip, not ${wanted}`

/**
 * Waitlisted bookings that fit now, in request order. A request that does not fit is passed
 * over for a later one that does (first fit) and stays first in line for the next free seat.
 */
export function promotable<B extends Held & Pick<Booking, 'id'>>(
  capacity: number,
  stopCount: number,
  bookings: readonly B[],
): B[] {
  const loads = segmentLoads(stopCount, bookings)
  const out: B[] = []
  for (const b of [...bookings].filter((x) => x.status === 'waitlisted').sort((x, y) => x.id - y.id)) {
    if (seatsFree(capacity, loads, b) < b.seats) continue
    out.push(b)
    for (let s = Math.max(1, b.boardSeq); s < Math.min(stopCount, b.alightSeq); s++)
      loads[s - 1] = (loads[s - 1] as number) + b.seats
  }
  return out
}

/** Seat counts by status, and the peak load over the segments. */
export function bookingCounts(capacity: number, stopCount: number, bookings: readonly Held[]): BookingCounts {
  const sum = (status: BookingStatus): number => bookings.reduce((n, b) => n + (b.status === status ? b.seats : 0), 0)
  const confirmed = sum('confirmed')
  const boarded = sum('boarded')
  return {
    capacity,
    confirmed,
    boarded,
    noShow: sum('no_show'),
    waitlisted: sum('waitlisted'),
    cancelled: sum('cancelled'),
    riders: confirmed + boarded,
    peakLoad: Math.max(0, ...segmentLoads(stopCount, bookings)),
  }
}

/**
 * A stop sign's departures over the coming days, from the timetable (not the live engine): what
 * the villager page lists after today's live departures, the 7-day timetable of the stop by
 * route, the trips that can still be booked, and the next market days of market-day routes.
 * Pure: instances and `now` are parameters.
 */
import { cutoffTs } from '../booking/lifecycle.js'
import type { ServiceDate } from '../calendar/service-day.js'
import type { TripInstance } from '../network/timetable.js'

/** A trip instance as the network knows it for the day: its cancellation, if any. */
export type DayInstance = TripInstance & { status: 'scheduled' | 'cancelled'; cancelReason: string | null }

/** One departure from one stop: a trip instance passing the stop (a route passing twice gives two). */
export interface StopDeparture {
  tripInstanceId: string
  routeId: string
  kind: TripInstance['kind']
  serviceDate: ServiceDate
  headsign: string
  /** Scheduled arrival at this stop, epoch ms. */
  scheduledTs: number
  /** The stop's place in the trip (1-based). */
  stopSeq: number
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  bookingPolicy: TripInstance['bookingPolicy']
  /** Villagers may book until this instant; null when the trip takes no bookings. */
  bookingCutoffTs: number | null
  minRiders: number
  seats: number
}

/** Every departure from `stopCode` among `instances`, in time order. Nobody boards at a trip's last stop. */
export function departuresAt(instances: readonly DayInstance[], stopCode: string): StopDeparture[] {
  const out: StopDeparture[] = []
  for (const i of instances) {
    i.stops.forEach((s, n) => {
      if (s.stopCode !== stopCode || n === i.stops.length - 1) return
      out.push({
        tripInstanceId: i.id,
        routeId: i.routeId,
        kind: i.kind,
        serviceDate: i.serviceDate,
        headsign: i.headsign,
        scheduledTs: s.arrivalTs,
        stopSeq: s.seq,
        status: i.status,
        cancelReason: i.cancelReason,
        bookingPolicy: i.bookingPolicy,
        bookingCutoffTs: i.bookingPolicy === 'none' ? null : cutoffTs(i),
        minRiders: i.minRiders,
        seats: i.seats,
      })
    })
  }
  return out.sort((a, b) => a.scheduledTs - b.scheduledTs || a.tripInstanceId.localeCompare(b.tripInstanceId))
}

/** Whether a villager may book the departure at `now` (the booking rules' window for the page). */
export const bookingOpen = (d: Pick<StopDeparture, 'status' | 'bookingCutoffTs'>, now: number): boolean =>
  d.status === 'scheduled' && d.bookingCutoffTs !== null && now < d.bookingCutoffTs

export interface AheadOptions {
  now: number
  /** Departures already shown live (today's next ones): not repeated. */
  shown: ReadonlySet<string>
  /** The last instant listed in full (the end of tomorrow). */
  untilTs: number
  /** Bookable departures listed beyond `untilTs` as well, at most this many. */
  bookableBeyond: number
  /** At most this many in all. */
  limit: number
}

/**
 * What the page lists after the live departures: the rest of today and tomorrow from the
 * timetable, and beyond that the next departures still open for booking — so a trip whose
 * booking window is open is always on the sign, however far ahead it runs.
 */
export function departuresAhead(all: readonly StopDeparture[], o: AheadOptions): StopDeparture[] {
  const future = all.filter((d) => d.scheduledTs > o.now && !o.shown.has(d.tripInstanceId))
  const near = future.filter((d) => d.scheduledTs <= o.untilTs)
  const nearIds = new Set(near.map((d) => d.tripInstanceId))
  const bookable = future
    .filter((d) => d.scheduledTs > o.untilTs && bookingOpen(d, o.now) && !nearIds.has(d.tripInstanceId))
    .slice(0, o.bookableBeyond)
  // Bookable ones first when cutting: they are the reason to list days ahead at all.
  const keep = new Set(
    [...near.filter((d) => bookingOpen(d, o.now)), ...bookable, ...near]
      .slice(0, o.limit)
      .map((d) => `${d.tripInstanceId}@${d.stopSeq}`),
  )
  return future.filter((d) => keep.has(`${d.tripInstanceId}@${d.stopSeq}`))
}

/** The next bookable departures (open booking window), soonest first. */
export function nextBookable(all: readonly StopDeparture[], now: number, limit: number): StopDeparture[] {
  return all.filter((d) => d.scheduledTs > now && bookingOpen(d, now)).slice(0, limit)
}

/** The service dates (from `from` on) on which a route serves the stop, at most `limit`. */
export function serviceDatesOf(all: readonly StopDeparture[], routeId: string, limit: number): ServiceDate[] {
  const dates: ServiceDate[] = []
  for (const d of all) {
    if (d.routeId !== routeId || d.status === 'cancelled' || dates.includes(d.serviceDate)) continue
    dates.push(d.serviceDate)
    if (dates.length >= limit) break
  }
  return dates
}

/**
 * Booking state of a departure that takes bookings, as the stop page shows it and the stop's live
 * room pushes it ("需预约 · 满3人发车 · 已约2人 · 13:30截止").
 */
export interface TripBookingState {
  tripInstanceId: string
  policy: 'optional' | 'required'
  /** Villagers book until this instant, epoch ms. */
  cutoffTs: number
  minRiders: number
  /** Booked riders holding a seat (confirmed and boarded). */
  riders: number
  /** Seats free on the busiest segment. */
  seatsFree: number
  /** On-demand trips: pending until the cutoff, then confirmed or cancelled; null for the others. */
  onDemand: 'pending' | 'confirmed' | 'cancelled' | null
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  /**
   * When the counts were read, epoch ms (a push: after the change committed). A page holding two
   * states of one trip keeps the newer: an HTTP answer read before a booking must not undo its push.
   */
  asOf: number
}

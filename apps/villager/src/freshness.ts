/**
 * A stop page hears of one thing two ways: pushed over the live room, and in the HTTP answers it
 * asks for on every (re)connection. Either can arrive last, so each state carries when the server
 * read it, and the page keeps the newer: an answer read before a booking must not undo its push.
 */
import type { StopArrivalsUpdate, TripBookingState } from './model.js'

/** Booking states by trip, `incoming` laid over `held` wherever it is not older. */
export function newerBookings(
  held: Readonly<Record<string, TripBookingState>>,
  incoming: Iterable<TripBookingState>,
): Record<string, TripBookingState> {
  const out = { ...held }
  for (const s of incoming) {
    const had = out[s.tripInstanceId]
    if (!had || had.asOf <= s.asOf) out[s.tripInstanceId] = s
  }
  return out
}

/** Whether a stop's departures (pushed or fetched) are at least as new as the ones shown. */
export function isNewerArrivals(shownTs: number | null, update: StopArrivalsUpdate): boolean {
  return shownTs === null || update.ts >= shownTs
}

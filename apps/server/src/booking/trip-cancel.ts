/**
 * A trip instance cancelled for the day takes its bookings with it: in one locked transaction its
 * confirmed and waitlisted bookings are cancelled with the trip's reason and a message to each
 * passenger and to the assigned driver is written; the console, the driver's page and the vehicle
 * get the change like any other. NetworkService knows nothing of bookings: it tells its
 * listeners once the cancellation is committed (`onCancel`), and this is one. A sweep finishes
 * what a stop of the server between the two left undone.
 */
import { addDays, serviceDayOf } from '@rb/domain'
import { bookingRepo, type OutgoingMessage } from '@rb/db'
import type { InstanceCancelled, TripInstanceView } from '../network/service.js'
import { driverMessage, tripCancelledMessage } from './messages.js'
import type { BookingService } from './service.js'
import { Ticker } from './ticker.js'

/** The reason passengers read when the dispatcher gave none the network kept. */
const DEFAULT_REASON = '班次停开'

export interface TripCancelOutcome {
  tripInstanceId: string
  /** Codes of the bookings this cancelled. */
  cancelled: string[]
  driverTold: boolean
}

export interface TripCancelLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export class TripCancellations {
  readonly #ticker: Ticker

  constructor(
    private readonly booking: BookingService,
    private readonly log: TripCancelLog,
  ) {
    this.#ticker = new Ticker(
      () => this.sweep(this.booking.now()),
      (err) => this.log.error({ err: err.message }, 'cancelled-trip sweep failed; will retry'),
    )
  }

  /**
   * NetworkService's cancel listener. It never throws: the trip is cancelled already, and the
   * dispatcher's answer says so; what fails here is logged and left to the sweep.
   */
  async onCancelled(e: InstanceCancelled): Promise<void> {
    try {
      await this.cascade(e.trip, { by: e.by, tellDriver: e.previous === 'scheduled' })
    } catch (err) {
      this.log.error(
        { tripInstanceId: e.trip.id, err: (err as Error).message },
        'bookings of a cancelled trip not cancelled yet; the sweep will retry',
      )
    }
  }

  /**
   * Cancels the open bookings of a cancelled trip instance (`by`: who cancelled the trip, else
   * `system`). The driver is told when `tellDriver` (the trip was running until now), so a
   * repeated cancel does not text them twice.
   */
  async cascade(trip: TripInstanceView, opts: { by: string | null; tellDriver: boolean }): Promise<TripCancelOutcome> {
    // Read before the transaction: on the embedded database nothing else runs while it is open.
    const driverPhone =
      (await this.booking.network.snapshot()).drivers.find((d) => d.id === trip.driverId)?.phone ?? null
    const now = this.booking.now()
    const outcome = await this.booking.locked(trip, async (tx, onDemand, label, current) => {
      const reason = current.cancelReason ?? DEFAULT_REASON
      const open = (await bookingRepo.bookingsOf(tx, trip.id)).filter(
        (b) => b.status === 'confirmed' || b.status === 'waitlisted',
      )
      const cancelled = await bookingRepo.setStatus(
        tx,
        open.map((b) => b.id),
        { status: 'cancelled', now, cancelReason: reason, cancelledBy: opts.by ?? 'system' },
      )
      // An undecided on-demand trip is decided here, so the on-demand runner does not tell everyone again.
      const onDemandTrip = trip.bookingPolicy === 'required'
      if (onDemandTrip && (onDemand ?? 'pending') === 'pending')
        await bookingRepo.setOnDemand(tx, trip.id, 'cancelled', now)
      const riders = open.reduce((n, b) => n + (b.status === 'confirmed' ? b.seats : 0), 0)
      const messages: OutgoingMessage[] = cancelled.map((b) => tripCancelledMessage(label, b, reason))
      const driverTold = opts.tellDriver && driverPhone !== null
      if (driverTold)
        messages.push(driverMessage('driver_trip_cancelled', label, driverPhone, riders, reason, onDemandTrip))
      const result: TripCancelOutcome = { tripInstanceId: trip.id, cancelled: cancelled.map((b) => b.code), driverTold }
      const changed = cancelled.length > 0 || opts.tellDriver
      return {
        result,
        changes: changed ? [{ kind: 'trip_cancelled' as const, codes: result.cancelled }] : [],
        messages,
      }
    })
    if (outcome.cancelled.length > 0 || outcome.driverTold)
      this.log.info(
        { ...outcome, cancelled: outcome.cancelled.length },
        'trip cancelled: its bookings are cancelled and the passengers told',
      )
    return outcome
  }

  /** Cancelled trip instances from yesterday on that still have open bookings: their passengers are told now. */
  async sweep(now: number): Promise<TripCancelOutcome[]> {
    const ids = await bookingRepo.cancelledWithOpenBookings(this.booking.db, addDays(serviceDayOf(now), -1))
    const out: TripCancelOutcome[] = []
    for (const id of ids) {
      const trip = await this.booking.network.instance(id).catch(() => null)
      if (!trip) {
        this.log.warn(
          { tripInstanceId: id },
          'a cancelled trip instance with open bookings is no longer in the timetable; left to the dispatcher',
        )
        continue
      }
      out.push(await this.cascade(trip, { by: null, tellDriver: false }))
    }
    return out
  }

  /** Sweeps every `intervalMs`, and once now (after a restart). */
  start(intervalMs: number): void {
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker.stop()
  }
}

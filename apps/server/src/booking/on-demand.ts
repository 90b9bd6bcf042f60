/**
 * On-demand trips (policy `required`): at each trip instance's cutoff the domain decides — run
 * with at least `minRiders` booked riders, else cancel — and this runner carries it out in one
 * locked transaction: the state, the bookings (cancelled with a reason), the trip instance
 * (cancelled for the day), and messages to the passengers and the assigned driver. It runs on a
 * timer; the time is passed in, so tests drive it with an explicit clock. A trip whose departure
 * has passed undecided (the server was down from its cutoff to its departure) is left as it is:
 * what happened on the road is the dispatcher's to record, not this runner's to rewrite.
 */
import { addDays, decideOnDemand, holdsSeat, instancesOn, serviceDayOf, type ServiceDate } from '@rb/domain'
import { bookingRepo, networkRepo, type OutgoingMessage } from '@rb/db'
import type { TripInstanceView } from '../network/service.js'
import { driverMessage, tripCancelledMessage, tripConfirmedMessage } from './messages.js'
import type { BookingService } from './service.js'
import { Ticker } from './ticker.js'

export interface OnDemandOutcome {
  tripInstanceId: string
  decision: 'confirmed' | 'cancelled'
  riders: number
  minRiders: number
}

export interface OnDemandLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

// Cutoffs are at most 7 days (10,080 min) before departure; one day more for the time zone.
const DAYS_AHEAD = 8

export class OnDemandRunner {
  readonly #ticker: Ticker

  constructor(
    private readonly booking: BookingService,
    private readonly log: OnDemandLog,
  ) {
    this.#ticker = new Ticker(
      () => this.runOnce(this.booking.now()),
      (err) => this.log.error({ err: err.message }, 'on-demand check failed; will retry'),
    )
  }

  /** Checks every `intervalMs`, and once now. */
  start(intervalMs: number): void {
    this.#ticker.start(intervalMs)
  }

  async stop(): Promise<void> {
    await this.#ticker.stop()
  }

  /** Decides every on-demand trip instance not yet departed whose cutoff has come (or that a dispatcher cancelled). */
  async runOnce(now: number): Promise<OnDemandOutcome[]> {
    const net = await this.booking.network.snapshot()
    const required = net.trips.filter((t) => t.active && t.bookingPolicy === 'required')
    if (required.length === 0) return []
    const today = serviceDayOf(now)
    const dates: ServiceDate[] = []
    for (let d = 0; d <= DAYS_AHEAD; d++) dates.push(addDays(today, d))
    const candidates = dates.flatMap((d) => instancesOn(d, required, net.routes, net.calendars))
    const states = await bookingRepo.onDemandStates(
      this.booking.db,
      candidates.map((c) => c.id),
    )
    const open = candidates.filter((c) => now < c.departureTs && (states.get(c.id) ?? 'pending') === 'pending')
    const outcomes: OnDemandOutcome[] = []
    for (const date of new Set(open.map((c) => c.serviceDate))) {
      const ids = new Set(open.filter((c) => c.serviceDate === date).map((c) => c.id))
      for (const trip of (await this.booking.network.instancesOn(date)).filter((i) => ids.has(i.id))) {
        // Only whether it is time matters here; the locked transaction counts the riders.
        if (decideOnDemand(this.booking.bookable(trip, 'pending'), 0, now) === 'wait') continue
        const outcome = await this.decide(trip, now)
        if (outcome) outcomes.push(outcome)
      }
    }
    return outcomes
  }

  /** Decides one trip instance inside its lock; null when there was nothing to decide. */
  async decide(trip: TripInstanceView, now: number): Promise<OnDemandOutcome | null> {
    const net = await this.booking.network.snapshot()
    const driverPhone = net.drivers.find((d) => d.id === trip.driverId)?.phone ?? null
    const outcome = await this.booking.locked(trip, async (tx, onDemand, label, current) => {
      const bookings = await bookingRepo.bookingsOf(tx, trip.id)
      const riders = bookings.reduce((n, b) => n + (holdsSeat(b.status) ? b.seats : 0), 0)
      const decision = decideOnDemand(this.booking.bookable(current, onDemand), riders, now)
      if ((decision !== 'confirm' && decision !== 'cancel') || now >= trip.departureTs)
        return { result: null, changes: [], messages: [] }
      const messages: OutgoingMessage[] = []
      if (decision === 'confirm') {
        await bookingRepo.setOnDemand(tx, trip.id, 'confirmed', now)
        const riding = bookings.filter((b) => b.status === 'confirmed')
        messages.push(...riding.map((b) => tripConfirmedMessage(label, b)))
        if (driverPhone) messages.push(driverMessage('driver_trip_confirmed', label, driverPhone, riders))
        const result: OnDemandOutcome = {
          tripInstanceId: trip.id,
          decision: 'confirmed',
          riders,
          minRiders: trip.minRiders,
        }
        return { result, changes: [{ kind: 'trip_confirmed' as const, codes: riding.map((b) => b.code) }], messages }
      }
      const reason =
        current.status === 'cancelled'
          ? `班次已停开${current.cancelReason ? `（${current.cancelReason}）` : ''}`
          : `截止时预约${riders}人，不足${trip.minRiders}人`
      await bookingRepo.setOnDemand(tx, trip.id, 'cancelled', now)
      if (current.status !== 'cancelled')
        await networkRepo.cancelInstance(tx, {
          id: trip.id,
          tripId: trip.tripId,
          serviceDate: trip.serviceDate,
          reason,
        })
      const active = bookings.filter((b) => b.status === 'confirmed' || b.status === 'waitlisted')
      const cancelled = await bookingRepo.setStatus(
        tx,
        active.map((b) => b.id),
        { status: 'cancelled', now, cancelReason: reason, cancelledBy: 'system' },
      )
      messages.push(...cancelled.map((b) => tripCancelledMessage(label, b, reason)))
      if (driverPhone) messages.push(driverMessage('driver_trip_cancelled', label, driverPhone, riders, reason))
      const result: OnDemandOutcome = {
        tripInstanceId: trip.id,
        decision: 'cancelled',
        riders,
        minRiders: trip.minRiders,
      }
      return { result, changes: [{ kind: 'trip_cancelled' as const, codes: cancelled.map((b) => b.code) }], messages }
    })
    if (outcome) {
      this.log.info({ ...outcome, driverNotified: driverPhone !== null }, `on-demand trip ${outcome.decision}`)
      if (!driverPhone)
        this.log.warn({ tripInstanceId: trip.id }, 'on-demand trip decided but no driver is assigned: nobody to tell')
    }
    return outcome
  }
}

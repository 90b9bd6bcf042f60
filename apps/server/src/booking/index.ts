/**
 * The booking module as the composition root builds it: the service, the vehicle downlink and
 * live push of its changes, the notification outbox sender, the on-demand runner, and what a
 * cancelled trip does to its bookings.
 */
import { randomInt } from 'node:crypto'
import type { BookingLimits } from '@rb/domain'
import type { Db } from '@rb/db'
import type { Config } from '../config.js'
import type { LiveHub } from '../live/hub.js'
import type { NetworkService } from '../network/service.js'
import type { PublishFn } from '../broker/downlink.js'
import { createNotifier, OutboxSender, type Notifier } from '../notify/index.js'
import { ManifestDownlink, type DownlinkLog, type TextTerminals } from './downlink.js'
import { OnDemandRunner } from './on-demand.js'
import { BookingService } from './service.js'
import { BookingAbuse } from './abuse.js'
import { LimitGate } from './limits-gate.js'
import { TripCancellations, type TripCancelLog } from './trip-cancel.js'

export { bookingRoutes } from './routes.js'
export { driverRoutes } from './driver-routes.js'
export { bookingLimitRoutes } from './abuse-routes.js'
export type { BookingService } from './service.js'

/** How often cancelled trips are checked for bookings a stopped server left open. */
const CANCEL_SWEEP_MS = 60_000

export interface BookingModule {
  service: BookingService
  /** Limits per phone, address and account; SMS code holds. */
  abuse: BookingAbuse
  onDemand: OnDemandRunner
  /** Give `onCancelled` to NetworkService.onCancel: a cancelled trip cancels its bookings. */
  cancellations: TripCancellations
  outbox: OutboxSender
  notifier: Notifier
  close(): Promise<void>
}

export interface BookingModuleDeps {
  config: Pick<
    Config,
    | 'bookingWaitlistSeats'
    | 'onDemandCheckS'
    | 'notifyWebhookUrl'
    | 'notifyWebhookToken'
    | 'notifyRetryBaseS'
    | 'notifyRetryMaxS'
    | 'bookingPhoneTripSeats'
    | 'bookingPhoneTripBookings'
    | 'bookingPhoneDaily'
    | 'bookingAddressDaily'
    | 'bookingAccountDaily'
    | 'bookingVerify'
    | 'bookingVerifyHoldS'
    | 'bookingVerifyRememberDays'
    | 'bookingHighDemandPct'
  >
  db: Db
  network: NetworkService
  hub: LiveHub
  /** Publishes to a vehicle's MQTT downlink (the embedded broker or the external one). */
  publish: PublishFn | undefined
  /** The JT/T 808 gateway, when it runs. */
  terminals: TextTerminals | undefined
  log: DownlinkLog & TripCancelLog
  /** A notifier other than the configured one (tests). */
  notifier?: Notifier
}

export function startBooking(deps: BookingModuleDeps): BookingModule {
  const { config, db, log } = deps
  const notifier = deps.notifier ?? createNotifier(config, log)
  // The outbox is made after the service and the limits it asks (a held booking's texts wait).
  const slot: { outbox?: OutboxSender } = {}
  const kick = (): void => slot.outbox?.kick()
  const limits = bookingLimits(config)
  const service = new BookingService({
    db,
    network: deps.network,
    settings: { waitlistMaxSeats: config.bookingWaitlistSeats },
    randomInt,
    onMessages: kick,
    limits: new LimitGate(limits, randomInt),
  })
  const abuse = new BookingAbuse({ db, booking: service, kickOutbox: kick, randomInt }, limits)
  const outbox = new OutboxSender(
    db,
    abuse.notifier(notifier),
    { pollMs: 5_000, retryBaseMs: config.notifyRetryBaseS * 1000, retryMaxMs: config.notifyRetryMaxS * 1000 },
    log,
  )
  slot.outbox = outbox
  const holdSweep = setInterval(
    () =>
      void abuse
        .sweep()
        .catch((err: Error) => log.warn({ err: err.message }, 'booking holds: sweep failed; will retry')),
    Math.min(15_000, config.bookingVerifyHoldS * 500),
  )
  holdSweep.unref()
  const downlink = new ManifestDownlink(deps.publish, deps.terminals, log)
  service.onEvent((e) => {
    deps.hub.publishBookings(
      e.changes.map((c) => ({
        tripInstanceId: e.trip.id,
        ts: e.ts,
        kind: c.kind,
        codes: c.codes,
        counts: e.counts,
        tripStatus: e.trip.status,
      })),
    )
    downlink.onEvent(e)
  })
  const onDemand = new OnDemandRunner(service, log)
  onDemand.start(config.onDemandCheckS * 1000)
  const cancellations = new TripCancellations(service, log)
  cancellations.start(CANCEL_SWEEP_MS)
  outbox.kick()
  log.info({ notifier: notifier.name, waitlistSeats: config.bookingWaitlistSeats }, 'bookings: ready')
  return {
    service,
    abuse,
    onDemand,
    cancellations,
    outbox,
    notifier,
    async close() {
      clearInterval(holdSweep)
      await onDemand.stop()
      await cancellations.stop()
      await outbox.close()
    },
  }
}

/** The limits as configured (docs/booking.md#limits). */
export function bookingLimits(
  config: Pick<
    Config,
    | 'bookingPhoneTripSeats'
    | 'bookingPhoneTripBookings'
    | 'bookingPhoneDaily'
    | 'bookingAddressDaily'
    | 'bookingAccountDaily'
    | 'bookingVerify'
    | 'bookingVerifyHoldS'
    | 'bookingVerifyRememberDays'
    | 'bookingHighDemandPct'
  >,
): BookingLimits {
  return {
    maxSeatsPerPhoneTrip: config.bookingPhoneTripSeats,
    maxBookingsPerPhoneTrip: config.bookingPhoneTripBookings,
    phoneDailyMax: config.bookingPhoneDaily,
    addressDailyMax: config.bookingAddressDaily,
    accountDailyMax: config.bookingAccountDaily,
    verify: config.bookingVerify,
    highDemandShare: config.bookingHighDemandPct / 100,
    holdMs: config.bookingVerifyHoldS * 1000,
    rememberVerifiedMs: config.bookingVerifyRememberDays * 86_400_000,
  }
}

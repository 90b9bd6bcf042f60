/**
 * The villager features beyond the stop page itself, as the composition root builds them: the
 * stop's days ahead (schedule), the booking state pushed to stop rooms, "tell me when it comes"
 * reminders, and inbound SMS for phones without a browser.
 */
import type { FastifyInstance } from 'fastify'
import type { Db } from '@rb/db'
import type { Config } from '../config.js'
import type { BookingModule } from '../booking/index.js'
import type { LiveHub } from '../live/hub.js'
import type { NetworkService } from '../network/service.js'
import { reminderRoutes } from '../reminders/routes.js'
import { ReminderService, type ReminderLog } from '../reminders/service.js'
import { smsRoutes } from '../sms/routes.js'
import { SmsService } from '../sms/service.js'
import type { TrackingHost } from '../tracking/host.js'
import { pushTripBookings } from './push.js'
import { scheduleRoutes } from './routes.js'
import { StopSchedule } from './schedule.js'

export { StopSchedule } from './schedule.js'

export interface VillagerModule {
  schedule: StopSchedule
  reminders: ReminderService
  sms: SmsService
  register(app: FastifyInstance): Promise<void>
  close(): Promise<void>
}

export interface VillagerDeps {
  config: Pick<
    Config,
    | 'countyPrefix'
    | 'smsInboundSecret'
    | 'smsInboundPerHour'
    | 'reminderMaxPerPhone'
    | 'reminderRateLimit'
    | 'reminderCheckS'
    | 'villagerHotline'
  >
  db: Db
  network: NetworkService
  tracking: TrackingHost
  hub: LiveHub
  booking: BookingModule
  log: ReminderLog
}

export function startVillager(d: VillagerDeps): VillagerModule {
  const { config, db, network, tracking, log } = d
  const kick = (): void => d.booking.outbox.kick()
  const schedule = new StopSchedule({ network, db, hotline: config.villagerHotline })
  const reminders = new ReminderService({
    db,
    network,
    tracking,
    perPhone: config.reminderMaxPerPhone,
    onMessages: kick,
    log,
  })
  reminders.start(config.reminderCheckS * 1000)
  const sms = new SmsService({
    db,
    network,
    tracking,
    schedule,
    reminders,
    booking: d.booking.service,
    countyPrefix: config.countyPrefix,
    perPhonePerHour: config.smsInboundPerHour,
    onMessages: kick,
    log,
  })
  pushTripBookings(d.booking.service, d.hub, db, log)
  return {
    schedule,
    reminders,
    sms,
    async register(app) {
      await app.register(scheduleRoutes, { network, tracking, schedule })
      await app.register(reminderRoutes, { reminders, perAddressPerHour: config.reminderRateLimit })
      await app.register(smsRoutes, { sms, secret: config.smsInboundSecret })
    },
    async close() {
      await reminders.stop()
    },
  }
}

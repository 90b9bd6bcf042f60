/** Notices to drivers and surveys as the composition root builds them (docs/engagement.md). */
import type { FastifyInstance } from 'fastify'
import type { Db } from '@rb/db'
import type { TrackingEngine } from '@rb/domain'
import type { Config } from '../config.js'
import type { PublishFn } from '../broker/downlink.js'
import type { MessageTerminals } from '../alerts/messages.js'
import type { LiveHub } from '../live/hub.js'
import { userRoom } from '../auth/index.js'
import { NoticeService, type NoticeLog } from './notices.js'
import { SurveyService } from './surveys.js'
import { engagementRoutes } from './routes.js'
import { RatingService } from './ratings.js'
import { ratingRoutes } from './ratings-routes.js'
import type { NetworkService } from '../network/service.js'
import type { BookingService } from '../booking/service.js'
import type { SettingsService } from '../settings/service.js'

export { seedDemoEngagement } from './demo.js'
export { seedDemoRatings } from './ratings-demo.js'
export type { NoticeService } from './notices.js'
export type { SurveyService } from './surveys.js'
export type { RatingService } from './ratings.js'

export interface EngagementModule {
  notices: NoticeService
  surveys: SurveyService
  ratings: RatingService
  register(app: FastifyInstance): Promise<void>
  close(): Promise<void>
}

export interface EngagementDeps {
  config: Pick<Config, 'noticeRemindAfterH' | 'noticeSweepS' | 'publicUrl' | 'bookingRateLimit'>
  db: Db
  network: Pick<NetworkService, 'instance' | 'snapshot'>
  booking: Pick<BookingService, 'findForPassenger'>
  settings: Pick<SettingsService, 'get'>
  hub: Pick<LiveHub, 'sendNotice'>
  engine: Pick<TrackingEngine, 'vehicleIds' | 'driverOf'>
  publish: PublishFn | undefined
  terminals: MessageTerminals | undefined
  /** Wakes the SMS outbox sender. */
  kickOutbox(): void
  log: NoticeLog
}

export function startEngagement(d: EngagementDeps): EngagementModule {
  const notices = new NoticeService({
    db: d.db,
    push: (userIds, push) => d.hub.sendNotice(userIds.map(userRoom), push),
    publish: d.publish,
    terminals: d.terminals,
    engine: d.engine,
    remindAfterH: d.config.noticeRemindAfterH,
    onMessages: d.kickOutbox,
    log: d.log,
  })
  notices.start(d.config.noticeSweepS * 1000)
  const surveys = new SurveyService({ db: d.db, publicUrl: d.config.publicUrl, onMessages: d.kickOutbox, log: d.log })
  const ratings = new RatingService({
    db: d.db,
    network: d.network,
    booking: d.booking,
    settings: d.settings,
    publicUrl: d.config.publicUrl,
    onMessages: d.kickOutbox,
    log: d.log,
  })
  // The SMS after a ride: swept as often as the notices' reminders.
  ratings.start(d.config.noticeSweepS * 1000)
  return {
    notices,
    surveys,
    ratings,
    register: async (app) => {
      await app.register(engagementRoutes, { notices, surveys, publicRatePerMin: d.config.bookingRateLimit })
      await app.register(ratingRoutes, { ratings, publicRatePerMin: d.config.bookingRateLimit })
    },
    close: async () => {
      await notices.stop()
      await ratings.stop()
    },
  }
}

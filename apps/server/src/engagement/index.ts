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

export { seedDemoEngagement } from './demo.js'
export type { NoticeService } from './notices.js'
export type { SurveyService } from './surveys.js'

export interface EngagementModule {
  notices: NoticeService
  surveys: SurveyService
  register(app: FastifyInstance): Promise<void>
  close(): Promise<void>
}

export interface EngagementDeps {
  config: Pick<Config, 'noticeRemindAfterH' | 'noticeSweepS' | 'publicUrl' | 'bookingRateLimit'>
  db: Db
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
  return {
    notices,
    surveys,
    register: async (app) => {
      await app.register(engagementRoutes, { notices, surveys, publicRatePerMin: d.config.bookingRateLimit })
    },
    close: () => notices.stop(),
  }
}

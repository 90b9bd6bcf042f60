export * from './port.js'
export { createPgDb, type PgOptions } from './pg-adapter.js'
export { createEmbeddedDb, type EmbeddedOptions } from './embedded-adapter.js'
export { migrate, loadMigrations, type Migration, type MigrateResult, type StorageMode } from './migrate.js'
export { splitSqlStatements } from './sql-split.js'
export {
  applyTelemetryPolicies,
  runMaintenance,
  type RetentionSettings,
  type MaintenanceReport,
} from './maintenance.js'
export { openDatabase, type OpenOptions, type OpenedDb } from './open.js'
export * as telemetryRepo from './repositories/telemetry.js'
export type { StoredEvent, LatestRow, LinkStatus } from './repositories/telemetry.js'
export * as networkRepo from './repositories/network/index.js'
export * as jt808Repo from './repositories/jt808.js'
export * as accountsRepo from './repositories/accounts/index.js'
export type { UserRecord, SessionRecord, AuditRecord, AuditEntry, FailureKind } from './repositories/accounts/index.js'
export * as trackingRepo from './repositories/tracking.js'
export type { SegmentRow, SegmentStatRow, AlertQuery, EventRow, EventQuery } from './repositories/tracking.js'
export * as incidentsRepo from './repositories/incidents.js'
export type { NewIncidentNote, IncidentQuery } from './repositories/incidents.js'
export * as settingsRepo from './repositories/settings.js'
export * as consolePrefsRepo from './repositories/console-prefs.js'
export * as holidaysRepo from './repositories/holidays.js'
export * as geofencesRepo from './repositories/geofences.js'
export type { StoredSetting } from './repositories/settings.js'
export * as bookingRepo from './repositories/booking.js'
export * as bookingLimitsRepo from './repositories/booking-limits.js'
export type {
  Attempt as BookingAttempt,
  Hold as BookingHold,
  SuspectRow,
  SuspectBooking,
} from './repositories/booking-limits.js'
export type { StoredBooking, OutboxMessage, OutgoingMessage, RecipientRole } from './repositories/booking.js'
export * as rosterRepo from './repositories/roster.js'
export type { StoredDuty, DutyRecord, RosterDayRecord } from './repositories/roster.js'
export * as reportsRepo from './repositories/reports.js'
export type { StoredReport, PhotoMeta, TicketFilter, TicketListItem } from './repositories/reports.js'
export * as analyticsRepo from './repositories/analytics.js'
export type { DayRange } from './repositories/analytics.js'
export * as parcelsRepo from './repositories/parcels/index.js'
export type {
  StoredPostPoint,
  ParcelText,
  ParcelFilter,
  ParcelMessage,
  ReportRow,
  RidingRow,
} from './repositories/parcels/index.js'
export * as villagerRepo from './repositories/villager.js'
export type { StoredReminder, NewReminder, InboundSmsRecord, Booker } from './repositories/villager.js'
export * as studentsRepo from './repositories/students.js'
export type { RunRecord, GuardianMessage, PupilFilter } from './repositories/students.js'
export * as gridRepo from './repositories/grid.js'
export type { StoredReporter, ReporterReport, StandingRow } from './repositories/grid.js'
export * as engagementRepo from './repositories/engagement.js'
export * as ratingsRepo from './repositories/ratings.js'
export type { StoredRating, StoredComplaint, RatingChannel } from './repositories/ratings.js'
export type {
  StoredNotice,
  NoticeReceipt,
  NoticeCounts,
  DriverNotice,
  TerminalOutcome,
  StoredSurvey,
  StoredAnswer,
  AnswerChannel,
  SurveyInvite,
} from './repositories/engagement.js'

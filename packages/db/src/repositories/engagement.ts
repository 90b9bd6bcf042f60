/**
 * Notices to drivers with their receipts, and surveys with their answers and SMS invitations
 * (migration 019, docs/engagement.md). Times are epoch ms.
 */
import type {
  CleanNotice,
  CleanSurvey,
  NoticeAudience,
  SurveyAnswers,
  SurveyAudience,
  SurveyQuestion,
} from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `(extract(epoch FROM ${column})::float8 * 1000) AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

// ── Notices ──

export interface StoredNotice {
  id: number
  title: string
  body: string
  link: string | null
  audience: NoticeAudience
  operatorId: string | null
  remindAfterH: number | null
  createdBy: string
  createdByName: string
  createdTs: number
}

export interface NoticeCounts {
  recipients: number
  delivered: number
  read: number
}

export interface TerminalOutcome {
  vehicleId: string | null
  /** The channels that took it (jt808, mqtt); empty when none could. */
  channels: string[]
  detail: string
  ts: number
}

export interface NoticeReceipt {
  noticeId: number
  driverId: string
  driverName: string
  deliveredTs: number | null
  readTs: number | null
  terminal: TerminalOutcome | null
  reminders: number
  remindedTs: number | null
}

/** A notice as one driver has it. */
export interface DriverNotice extends StoredNotice {
  deliveredTs: number | null
  readTs: number | null
}

const NOTICE_COLS = `n.id, n.title, n.body, n.link, n.audience, n.operator_id, n.remind_after_h, n.created_by, n.created_by_name, ${ms('n.created_at', 'created_ts')}`

interface NoticeRow {
  id: string | number
  title: string
  body: string
  link: string | null
  audience: NoticeAudience
  operator_id: string | null
  remind_after_h: number | null
  created_by: string
  created_by_name: string
  created_ts: number
}

const toNotice = (r: NoticeRow): StoredNotice => ({
  id: Number(r.id),
  title: r.title,
  body: r.body,
  link: r.link,
  audience: r.audience,
  operatorId: r.operator_id,
  remindAfterH: r.remind_after_h,
  createdBy: r.created_by,
  createdByName: r.created_by_name,
  createdTs: Number(r.created_ts),
})

export async function insertNotice(
  tx: Queryable,
  n: CleanNotice,
  by: { username: string; displayName: string },
  driverIds: readonly string[],
  now: number,
): Promise<StoredNotice> {
  const r = await tx.query<NoticeRow>(
    `WITH n AS (
       INSERT INTO notice (title, body, link, audience, operator_id, remind_after_h, created_by, created_by_name, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${ts(9)}) RETURNING *)
     SELECT ${NOTICE_COLS} FROM n`,
    [n.title, n.body, n.link, n.audience, n.operatorId, n.remindAfterH, by.username, by.displayName, now],
  )
  const notice = toNotice(r.rows[0] as NoticeRow)
  await tx.query('INSERT INTO notice_receipt (notice_id, driver_id) SELECT $1, d FROM unnest($2::text[]) AS d', [
    notice.id,
    driverIds,
  ])
  return notice
}

/** Active drivers, all of them. */
export async function activeDriverIds(q: Queryable): Promise<string[]> {
  const r = await q.query<{ id: string }>(`SELECT id FROM driver WHERE status = 'active' ORDER BY id`)
  return r.rows.map((x) => x.id)
}

/** Which of these driver numbers are on file (active or not). */
export async function knownDriverIds(q: Queryable, ids: readonly string[]): Promise<string[]> {
  const r = await q.query<{ id: string }>('SELECT id FROM driver WHERE id = ANY($1::text[]) ORDER BY id', [ids])
  return r.rows.map((x) => x.id)
}

/**
 * One operator's drivers: the active drivers rostered on its buses — in a weekly duty template,
 * or a duty from `sinceDate` on.
 */
export async function operatorDriverIds(q: Queryable, operatorId: string, sinceDate: string): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT DISTINCT d.id FROM driver d
     WHERE d.status = 'active' AND (
       EXISTS (SELECT 1 FROM duty_template t JOIN vehicle v ON v.id = t.vehicle_id WHERE t.driver_id = d.id AND t.active AND v.operator_id = $1)
       OR EXISTS (SELECT 1 FROM duty u JOIN vehicle v ON v.id = u.vehicle_id WHERE u.driver_id = d.id AND u.service_date >= $2::date AND v.operator_id = $1))
     ORDER BY d.id`,
    [operatorId, sinceDate],
  )
  return r.rows.map((x) => x.id)
}

export async function operatorExists(q: Queryable, operatorId: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM operator WHERE id = $1', [operatorId])).rows.length > 0
}

export async function listNotices(q: Queryable, limit: number): Promise<(StoredNotice & NoticeCounts)[]> {
  const r = await q.query<NoticeRow & { recipients: string; delivered: string; read: string }>(
    `SELECT ${NOTICE_COLS},
       (SELECT count(*) FROM notice_receipt x WHERE x.notice_id = n.id) AS recipients,
       (SELECT count(*) FROM notice_receipt x WHERE x.notice_id = n.id AND x.delivered_at IS NOT NULL) AS delivered,
       (SELECT count(*) FROM notice_receipt x WHERE x.notice_id = n.id AND x.read_at IS NOT NULL) AS read
     FROM notice n ORDER BY n.created_at DESC, n.id DESC LIMIT $1`,
    [limit],
  )
  return r.rows.map((x) => ({
    ...toNotice(x),
    recipients: Number(x.recipients),
    delivered: Number(x.delivered),
    read: Number(x.read),
  }))
}

export async function getNotice(q: Queryable, id: number): Promise<StoredNotice | null> {
  const r = await q.query<NoticeRow>(`SELECT ${NOTICE_COLS} FROM notice n WHERE n.id = $1`, [id])
  return r.rows[0] ? toNotice(r.rows[0]) : null
}

interface ReceiptRow {
  notice_id: string | number
  driver_id: string
  driver_name: string
  delivered_ts: number | null
  read_ts: number | null
  terminal: TerminalOutcome | null
  reminders: number
  reminded_ts: number | null
}

const RECEIPT_COLS = `r.notice_id, r.driver_id, d.name AS driver_name, ${ms('r.delivered_at', 'delivered_ts')}, ${ms('r.read_at', 'read_ts')}, r.terminal, r.reminders, ${ms('r.reminded_at', 'reminded_ts')}`

const toReceipt = (r: ReceiptRow): NoticeReceipt => ({
  noticeId: Number(r.notice_id),
  driverId: r.driver_id,
  driverName: r.driver_name,
  deliveredTs: num(r.delivered_ts),
  readTs: num(r.read_ts),
  terminal: r.terminal,
  reminders: r.reminders,
  remindedTs: num(r.reminded_ts),
})

export async function receipts(
  q: Queryable,
  noticeId: number,
  driverIds?: readonly string[],
): Promise<NoticeReceipt[]> {
  const r = await q.query<ReceiptRow>(
    `SELECT ${RECEIPT_COLS} FROM notice_receipt r JOIN driver d ON d.id = r.driver_id
     WHERE r.notice_id = $1 AND ($2::text[] IS NULL OR r.driver_id = ANY($2::text[])) ORDER BY r.driver_id`,
    [noticeId, driverIds ?? null],
  )
  return r.rows.map(toReceipt)
}

/** A driver's notices, newest first; those not read yet first of all. */
export async function driverNotices(q: Queryable, driverId: string, limit: number): Promise<DriverNotice[]> {
  const r = await q.query<NoticeRow & { delivered_ts: number | null; read_ts: number | null }>(
    `SELECT ${NOTICE_COLS}, ${ms('r.delivered_at', 'delivered_ts')}, ${ms('r.read_at', 'read_ts')}
     FROM notice_receipt r JOIN notice n ON n.id = r.notice_id
     WHERE r.driver_id = $1 ORDER BY (r.read_at IS NULL) DESC, n.created_at DESC, n.id DESC LIMIT $2`,
    [driverId, limit],
  )
  return r.rows.map((x) => ({ ...toNotice(x), deliveredTs: num(x.delivered_ts), readTs: num(x.read_ts) }))
}

/** The driver's page got these notices: the first time is kept. */
export async function markDelivered(
  q: Queryable,
  driverId: string,
  noticeIds: readonly number[],
  now: number,
): Promise<void> {
  if (noticeIds.length === 0) return
  await q.query(
    `UPDATE notice_receipt SET delivered_at = ${ts(3)} WHERE driver_id = $1 AND notice_id = ANY($2::bigint[]) AND delivered_at IS NULL`,
    [driverId, noticeIds, now],
  )
}

/** The driver opened it: read (and delivered) from now on; a second opening keeps the first time. Null when not theirs. */
export async function markRead(
  q: Queryable,
  noticeId: number,
  driverId: string,
  now: number,
): Promise<NoticeReceipt | null> {
  await q.query(
    `UPDATE notice_receipt SET read_at = COALESCE(read_at, ${ts(3)}), delivered_at = COALESCE(delivered_at, ${ts(3)}) WHERE notice_id = $1 AND driver_id = $2`,
    [noticeId, driverId, now],
  )
  return (await receipts(q, noticeId, [driverId]))[0] ?? null
}

export async function setTerminal(
  q: Queryable,
  noticeId: number,
  driverId: string,
  outcome: TerminalOutcome,
): Promise<void> {
  await q.query('UPDATE notice_receipt SET terminal = $3 WHERE notice_id = $1 AND driver_id = $2', [
    noticeId,
    driverId,
    JSON.stringify(outcome),
  ])
}

/** Notices with unread receipts past their reminder time and not yet reminded automatically. */
export async function dueReminders(q: Queryable, now: number): Promise<{ noticeId: number; driverIds: string[] }[]> {
  const r = await q.query<{ notice_id: string | number; driver_ids: string[] }>(
    `SELECT r.notice_id, array_agg(r.driver_id ORDER BY r.driver_id) AS driver_ids
     FROM notice_receipt r JOIN notice n ON n.id = r.notice_id
     WHERE r.read_at IS NULL AND NOT r.auto_reminded AND n.remind_after_h IS NOT NULL
       AND n.created_at + n.remind_after_h * interval '1 hour' <= ${ts(1)}
     GROUP BY r.notice_id ORDER BY r.notice_id`,
    [now],
  )
  return r.rows.map((x) => ({ noticeId: Number(x.notice_id), driverIds: x.driver_ids }))
}

/**
 * Claims reminders: the automatic one (only receipts not reminded automatically yet) or one asked
 * for by staff (every unread receipt). The update decides, so on any number of instances each
 * reminder is claimed once. Answers the drivers claimed.
 */
export async function claimReminders(
  tx: Queryable,
  noticeId: number,
  driverIds: readonly string[] | null,
  kind: 'auto' | 'manual',
  now: number,
): Promise<string[]> {
  const r = await tx.query<{ driver_id: string }>(
    `UPDATE notice_receipt SET reminders = reminders + 1, reminded_at = ${ts(3)}, auto_reminded = auto_reminded OR $4
     WHERE notice_id = $1 AND read_at IS NULL AND ($2::text[] IS NULL OR driver_id = ANY($2::text[])) AND (NOT $4 OR NOT auto_reminded)
     RETURNING driver_id`,
    [noticeId, driverIds, now, kind === 'auto'],
  )
  return r.rows.map((x) => x.driver_id).sort()
}

/** The accounts of these drivers (a driver may have none, or more than one). */
export async function driverAccounts(
  q: Queryable,
  driverIds: readonly string[],
): Promise<{ userId: number; driverId: string }[]> {
  const r = await q.query<{ id: number; driver_code: string }>(
    'SELECT id, driver_code FROM app_user WHERE driver_code = ANY($1::text[]) AND NOT disabled',
    [driverIds],
  )
  return r.rows.map((x) => ({ userId: x.id, driverId: x.driver_code }))
}

/** The phones on file of these drivers. */
export async function driverPhones(q: Queryable, driverIds: readonly string[]): Promise<Map<string, string>> {
  const r = await q.query<{ id: string; phone: string }>(
    `SELECT id, phone FROM driver WHERE id = ANY($1::text[]) AND phone <> ''`,
    [driverIds],
  )
  return new Map(r.rows.map((x) => [x.id, x.phone]))
}

/** The bus a driver is rostered on for a service day (the first duty of the day), or null. */
export async function dutyVehicle(q: Queryable, driverId: string, serviceDate: string): Promise<string | null> {
  const r = await q.query<{ vehicle_id: string }>(
    'SELECT vehicle_id FROM duty WHERE driver_id = $1 AND service_date = $2::date ORDER BY id LIMIT 1',
    [driverId, serviceDate],
  )
  return r.rows[0]?.vehicle_id ?? null
}

// ── Surveys ──

export interface StoredSurvey {
  id: number
  title: string
  intro: string | null
  audience: SurveyAudience
  questions: SurveyQuestion[]
  opensTs: number
  closesTs: number
  createdBy: string
  createdTs: number
}

export interface StoredAnswer {
  id: number
  surveyId: number
  driverId: string | null
  phone: string | null
  answers: SurveyAnswers
  channel: AnswerChannel
  stopCode: string | null
  createdTs: number
}

export type AnswerChannel = 'driver_page' | 'stop_page' | 'sms_link'

interface SurveyRow {
  id: string | number
  title: string
  intro: string | null
  audience: SurveyAudience
  questions: SurveyQuestion[]
  opens_ts: number
  closes_ts: number
  created_by: string
  created_ts: number
}

const SURVEY_COLS = `s.id, s.title, s.intro, s.audience, s.questions, ${ms('s.opens_at', 'opens_ts')}, ${ms('s.closes_at', 'closes_ts')}, s.created_by, ${ms('s.created_at', 'created_ts')}`

const toSurvey = (r: SurveyRow): StoredSurvey => ({
  id: Number(r.id),
  title: r.title,
  intro: r.intro,
  audience: r.audience,
  questions: r.questions,
  opensTs: Number(r.opens_ts),
  closesTs: Number(r.closes_ts),
  createdBy: r.created_by,
  createdTs: Number(r.created_ts),
})

export async function insertSurvey(tx: Queryable, s: CleanSurvey, by: string, now: number): Promise<StoredSurvey> {
  const r = await tx.query<SurveyRow>(
    `WITH s AS (
       INSERT INTO survey (title, intro, audience, questions, opens_at, closes_at, created_by, created_at)
       VALUES ($1, $2, $3, $4, ${ts(5)}, ${ts(6)}, $7, ${ts(8)}) RETURNING *)
     SELECT ${SURVEY_COLS} FROM s`,
    [s.title, s.intro, s.audience, JSON.stringify(s.questions), s.opensTs, s.closesTs, by, now],
  )
  return toSurvey(r.rows[0] as SurveyRow)
}

export async function getSurvey(q: Queryable, id: number): Promise<StoredSurvey | null> {
  const r = await q.query<SurveyRow>(`SELECT ${SURVEY_COLS} FROM survey s WHERE s.id = $1`, [id])
  return r.rows[0] ? toSurvey(r.rows[0]) : null
}

export async function listSurveys(
  q: Queryable,
  limit: number,
): Promise<(StoredSurvey & { responses: number; invited: number })[]> {
  const r = await q.query<SurveyRow & { responses: string; invited: string }>(
    `SELECT ${SURVEY_COLS}, (SELECT count(*) FROM survey_answer a WHERE a.survey_id = s.id) AS responses, (SELECT count(*) FROM survey_invite i WHERE i.survey_id = s.id) AS invited
     FROM survey s ORDER BY s.created_at DESC, s.id DESC LIMIT $1`,
    [limit],
  )
  return r.rows.map((x) => ({ ...toSurvey(x), responses: Number(x.responses), invited: Number(x.invited) }))
}

/** Surveys of an audience open at `now`. */
export async function openSurveys(q: Queryable, audience: SurveyAudience, now: number): Promise<StoredSurvey[]> {
  const r = await q.query<SurveyRow>(
    `SELECT ${SURVEY_COLS} FROM survey s WHERE s.audience = $1 AND s.opens_at <= ${ts(2)} AND s.closes_at > ${ts(2)} ORDER BY s.closes_at, s.id`,
    [audience, now],
  )
  return r.rows.map(toSurvey)
}

/** Closes a survey now (its closing time moves to now when it was later); answers the survey. */
export async function closeSurvey(tx: Queryable, id: number, now: number): Promise<StoredSurvey | null> {
  await tx.query(
    `UPDATE survey SET closes_at = ${ts(2)}, opens_at = LEAST(opens_at, ${ts(2)} - interval '1 millisecond') WHERE id = $1 AND closes_at > ${ts(2)}`,
    [id, now],
  )
  return getSurvey(tx, id)
}

/** Stores one answer; a second one of the same driver or phone breaks a unique key (23505). */
export async function insertAnswer(tx: Queryable, a: Omit<StoredAnswer, 'id'>): Promise<StoredAnswer> {
  const r = await tx.query<{ id: string | number }>(
    `INSERT INTO survey_answer (survey_id, driver_id, phone, answers, channel, stop_code, created_at) VALUES ($1, $2, $3, $4, $5, $6, ${ts(7)}) RETURNING id`,
    [a.surveyId, a.driverId, a.phone, JSON.stringify(a.answers), a.channel, a.stopCode, a.createdTs],
  )
  return { ...a, id: Number(r.rows[0]?.id) }
}

/** A survey's answers, newest first. */
export async function answers(q: Queryable, surveyId: number): Promise<StoredAnswer[]> {
  const r = await q.query<{
    id: string | number
    survey_id: string | number
    driver_id: string | null
    phone: string | null
    answers: SurveyAnswers
    channel: AnswerChannel
    stop_code: string | null
    created_ts: number
  }>(
    `SELECT id, survey_id, driver_id, phone, answers, channel, stop_code, ${ms('created_at', 'created_ts')} FROM survey_answer WHERE survey_id = $1 ORDER BY created_at DESC, id DESC`,
    [surveyId],
  )
  return r.rows.map((x) => ({
    id: Number(x.id),
    surveyId: Number(x.survey_id),
    driverId: x.driver_id,
    phone: x.phone,
    answers: x.answers,
    channel: x.channel,
    stopCode: x.stop_code,
    createdTs: Number(x.created_ts),
  }))
}

/** Which of these surveys the driver answered. */
export async function answeredByDriver(
  q: Queryable,
  driverId: string,
  surveyIds: readonly number[],
): Promise<Set<number>> {
  const r = await q.query<{ survey_id: string | number }>(
    'SELECT survey_id FROM survey_answer WHERE driver_id = $1 AND survey_id = ANY($2::bigint[])',
    [driverId, surveyIds],
  )
  return new Set(r.rows.map((x) => Number(x.survey_id)))
}

export async function hasAnswer(
  q: Queryable,
  surveyId: number,
  who: { driverId?: string; phone?: string },
): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM survey_answer WHERE survey_id = $1 AND (driver_id = $2 OR phone = $3)', [
    surveyId,
    who.driverId ?? null,
    who.phone ?? null,
  ])
  return r.rows.length > 0
}

export interface SurveyInvite {
  token: string
  surveyId: number
  phone: string
  stopCode: string | null
}

/** Invitations written (a phone already invited to this survey is skipped); answers those written. */
export async function insertInvites(
  tx: Queryable,
  invites: readonly SurveyInvite[],
  now: number,
): Promise<SurveyInvite[]> {
  if (invites.length === 0) return []
  const r = await tx.query<{ token: string; survey_id: string | number; phone: string; stop_code: string | null }>(
    `INSERT INTO survey_invite (token, survey_id, phone, stop_code, created_at)
     SELECT t, s, p, c, ${ts(5)} FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(t, s, p, c)
     ON CONFLICT (survey_id, phone) DO NOTHING RETURNING token, survey_id, phone, stop_code`,
    [
      invites.map((i) => i.token),
      invites.map((i) => i.surveyId),
      invites.map((i) => i.phone),
      invites.map((i) => i.stopCode),
      now,
    ],
  )
  return r.rows.map((x) => ({ token: x.token, surveyId: Number(x.survey_id), phone: x.phone, stopCode: x.stop_code }))
}

export async function inviteByToken(q: Queryable, token: string): Promise<SurveyInvite | null> {
  const r = await q.query<{ token: string; survey_id: string | number; phone: string; stop_code: string | null }>(
    'SELECT token, survey_id, phone, stop_code FROM survey_invite WHERE token = $1',
    [token],
  )
  const x = r.rows[0]
  return x ? { token: x.token, surveyId: Number(x.survey_id), phone: x.phone, stopCode: x.stop_code } : null
}

/** Phones that booked a ride since `sinceTs`, each with the stop it last boarded at (the link opens that stop's page). */
export async function recentBookerPhones(
  q: Queryable,
  sinceTs: number,
  limit: number,
): Promise<{ phone: string; stopCode: string }[]> {
  const r = await q.query<{ phone: string; board_stop: string }>(
    `SELECT DISTINCT ON (phone) phone, board_stop FROM booking WHERE created_at >= ${ts(1)} AND status <> 'cancelled' ORDER BY phone, created_at DESC LIMIT $2`,
    [sinceTs, limit],
  )
  return r.rows.map((x) => ({ phone: x.phone, stopCode: x.board_stop }))
}

/** The demo county's history: a receipt as it stood (delivered, read, reminded at those times). */
export async function setReceiptHistory(
  tx: Queryable,
  noticeId: number,
  driverId: string,
  h: { deliveredTs: number | null; readTs: number | null; remindedTs: number | null },
): Promise<void> {
  await tx.query(
    `UPDATE notice_receipt SET delivered_at = ${ts(3)}, read_at = ${ts(4)}, reminded_at = ${ts(5)}, reminders = CASE WHEN $5::float8 IS NULL THEN 0 ELSE 1 END, auto_reminded = $5::float8 IS NOT NULL
     WHERE notice_id = $1 AND driver_id = $2`,
    [noticeId, driverId, h.deliveredTs, h.readTs, h.remindedTs],
  )
}

export async function noticeCount(q: Queryable): Promise<number> {
  return Number((await q.query<{ n: string }>('SELECT count(*) AS n FROM notice')).rows[0]?.n ?? 0)
}

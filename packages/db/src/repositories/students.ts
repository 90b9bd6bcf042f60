/**
 * Student buses (migration 018): schools and their routes, pupils' rosters per term, runs of
 * student trips, the drivers' boarding checks, guardians' SMS (one per event) and the staff
 * accounts of schools. Instants are epoch ms; dates are `YYYY-MM-DD`.
 */
import type { CheckMark, CheckStatus, Guardian, Pupil, PupilInput, School, ServiceDate, Weekday } from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const msOrNull = (v: number | null): number | null => (v === null ? null : Math.round(Number(v)))

// ── Schools ──

interface SchoolRow {
  id: string
  name: string
  stop_code: string | null
  classes_start_s: number
  term_start: string
  term_end: string
  routes: { routeId: string; toSchoolDirection: 0 | 1 }[] | null
}

const SCHOOL_SELECT = `SELECT s.id, s.name, s.stop_code, s.classes_start_s, s.term_start::text, s.term_end::text,
  (SELECT json_agg(json_build_object('routeId', r.route_id, 'toSchoolDirection', r.to_school_direction) ORDER BY r.route_id) FROM school_route r WHERE r.school_id = s.id) AS routes
  FROM school s`

const toSchool = (r: SchoolRow): School => ({
  id: r.id,
  name: r.name,
  stopCode: r.stop_code,
  classesStartS: r.classes_start_s,
  termStart: r.term_start as ServiceDate,
  termEnd: r.term_end as ServiceDate,
  routes: (r.routes ?? []).map((x) => ({
    routeId: x.routeId,
    toSchoolDirection: Number(x.toSchoolDirection) === 1 ? 1 : 0,
  })),
})

export async function listSchools(q: Queryable): Promise<School[]> {
  return (await q.query<SchoolRow>(`${SCHOOL_SELECT} ORDER BY s.id`)).rows.map(toSchool)
}

export async function getSchool(q: Queryable, id: string): Promise<School | null> {
  const row = (await q.query<SchoolRow>(`${SCHOOL_SELECT} WHERE s.id = $1`, [id])).rows[0]
  return row ? toSchool(row) : null
}

/** Schools one of whose routes this is. */
export async function schoolsOfRoute(q: Queryable, routeId: string): Promise<School[]> {
  return (
    await q.query<SchoolRow>(
      `${SCHOOL_SELECT} WHERE s.id IN (SELECT school_id FROM school_route WHERE route_id = $1) ORDER BY s.id`,
      [routeId],
    )
  ).rows.map(toSchool)
}

/** Route ids that serve some school. */
export async function studentRouteIds(q: Queryable): Promise<Set<string>> {
  return new Set(
    (await q.query<{ route_id: string }>('SELECT DISTINCT route_id FROM school_route')).rows.map((r) => r.route_id),
  )
}

/** Creates or replaces a school and its routes. */
export async function saveSchool(tx: Queryable, s: School): Promise<void> {
  await tx.query(
    `INSERT INTO school (id, name, stop_code, classes_start_s, term_start, term_end, updated_at) VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, stop_code = EXCLUDED.stop_code, classes_start_s = EXCLUDED.classes_start_s,
       term_start = EXCLUDED.term_start, term_end = EXCLUDED.term_end, updated_at = now()`,
    [s.id, s.name, s.stopCode, s.classesStartS, s.termStart, s.termEnd],
  )
  await tx.query('DELETE FROM school_route WHERE school_id = $1', [s.id])
  if (s.routes.length > 0) {
    await tx.query(
      `INSERT INTO school_route (school_id, route_id, to_school_direction) SELECT $1, r, d FROM unnest($2::text[], $3::smallint[]) AS u(r, d)`,
      [s.id, s.routes.map((r) => r.routeId), s.routes.map((r) => r.toSchoolDirection)],
    )
  }
}

// ── School staff accounts ──

/** The school a `school` account works for, or null. */
export async function staffSchool(q: Queryable, userId: number): Promise<string | null> {
  return (
    (await q.query<{ school_id: string }>('SELECT school_id FROM school_staff WHERE user_id = $1', [userId])).rows[0]
      ?.school_id ?? null
  )
}

export async function setStaffSchool(tx: Queryable, userId: number, schoolId: string): Promise<void> {
  await tx.query(
    'INSERT INTO school_staff (user_id, school_id) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET school_id = EXCLUDED.school_id',
    [userId, schoolId],
  )
}

export async function staffOf(
  q: Queryable,
  schoolId: string,
): Promise<{ userId: number; username: string; displayName: string }[]> {
  const r = await q.query<{ id: number; username: string; display_name: string }>(
    'SELECT u.id, u.username, u.display_name FROM school_staff s JOIN app_user u ON u.id = s.user_id WHERE s.school_id = $1 ORDER BY u.username',
    [schoolId],
  )
  return r.rows.map((x) => ({ userId: x.id, username: x.username, displayName: x.display_name }))
}

// ── Pupils ──

interface PupilRow {
  id: number | string
  school_id: string
  term_start: string
  term_end: string
  pupil_no: string
  name: string
  class_name: string
  route_id: string
  morning_board: string | null
  morning_alight: string | null
  afternoon_board: string | null
  afternoon_alight: string | null
  days: number[]
  guardians: Guardian[]
}

const PUPIL_COLUMNS = `id, school_id, term_start::text, term_end::text, pupil_no, name, class_name, route_id, morning_board, morning_alight, afternoon_board, afternoon_alight, days, guardians`

const toPupil = (r: PupilRow): Pupil => ({
  id: Number(r.id),
  schoolId: r.school_id,
  termStart: r.term_start as ServiceDate,
  termEnd: r.term_end as ServiceDate,
  pupilNo: r.pupil_no,
  name: r.name,
  className: r.class_name,
  routeId: r.route_id,
  morning: r.morning_board && r.morning_alight ? { board: r.morning_board, alight: r.morning_alight } : null,
  afternoon: r.afternoon_board && r.afternoon_alight ? { board: r.afternoon_board, alight: r.afternoon_alight } : null,
  days: r.days.map((d) => Number(d) as Weekday),
  guardians: r.guardians,
})

const pupilParams = (p: PupilInput) => [
  p.pupilNo,
  p.name,
  p.className,
  p.routeId,
  p.morning?.board ?? null,
  p.morning?.alight ?? null,
  p.afternoon?.board ?? null,
  p.afternoon?.alight ?? null,
  p.days,
  JSON.stringify(p.guardians),
]

export interface PupilFilter {
  schoolId?: string
  routeId?: string
  className?: string
  /** Only terms that have not ended before this day. */
  termEndFrom?: ServiceDate
  /** Only the term covering this day. */
  inTermOn?: ServiceDate
}

export async function listPupils(q: Queryable, f: PupilFilter): Promise<Pupil[]> {
  const r = await q.query<PupilRow>(
    `SELECT ${PUPIL_COLUMNS} FROM pupil
     WHERE ($1::text IS NULL OR school_id = $1) AND ($2::text IS NULL OR route_id = $2) AND ($3::text IS NULL OR class_name = $3)
       AND ($4::date IS NULL OR term_end >= $4) AND ($5::date IS NULL OR ($5 BETWEEN term_start AND term_end))
     ORDER BY school_id, class_name, pupil_no`,
    [f.schoolId ?? null, f.routeId ?? null, f.className ?? null, f.termEndFrom ?? null, f.inTermOn ?? null],
  )
  return r.rows.map(toPupil)
}

export async function getPupil(q: Queryable, id: number): Promise<Pupil | null> {
  const row = (await q.query<PupilRow>(`SELECT ${PUPIL_COLUMNS} FROM pupil WHERE id = $1`, [id])).rows[0]
  return row ? toPupil(row) : null
}

/**
 * Writes a school's roster for a term in the caller's transaction: pupils are matched by pupil
 * number (updated, or added); with `replace`, pupils of that school and term missing from the
 * list are removed. Returns how many were added, updated and removed.
 */
export async function saveRoster(
  tx: Queryable,
  schoolId: string,
  term: { start: ServiceDate; end: ServiceDate },
  pupils: readonly PupilInput[],
  replace: boolean,
): Promise<{ added: number; updated: number; removed: number }> {
  let added = 0
  let updated = 0
  for (const p of pupils) {
    const r = await tx.query<{ inserted: boolean }>(
      `INSERT INTO pupil (school_id, term_start, term_end, pupil_no, name, class_name, route_id, morning_board, morning_alight, afternoon_board, afternoon_alight, days, guardians)
       VALUES ($11, $12, $13, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
       ON CONFLICT (school_id, term_start, pupil_no) DO UPDATE SET term_end = EXCLUDED.term_end, name = EXCLUDED.name, class_name = EXCLUDED.class_name,
         route_id = EXCLUDED.route_id, morning_board = EXCLUDED.morning_board, morning_alight = EXCLUDED.morning_alight,
         afternoon_board = EXCLUDED.afternoon_board, afternoon_alight = EXCLUDED.afternoon_alight, days = EXCLUDED.days, guardians = EXCLUDED.guardians, updated_at = now()
       RETURNING (xmax = 0) AS inserted`,
      [...pupilParams(p), schoolId, term.start, term.end],
    )
    if (r.rows[0]?.inserted) added++
    else updated++
  }
  let removed = 0
  if (replace) {
    const r = await tx.query(
      'DELETE FROM pupil WHERE school_id = $1 AND term_start = $2 AND NOT (pupil_no = ANY($3::text[]))',
      [schoolId, term.start, pupils.map((p) => p.pupilNo)],
    )
    removed = r.rowCount
  }
  return { added, updated, removed }
}

export async function updatePupil(tx: Queryable, id: number, p: PupilInput): Promise<Pupil | null> {
  const r = await tx.query<PupilRow>(
    `UPDATE pupil SET pupil_no = $1, name = $2, class_name = $3, route_id = $4, morning_board = $5, morning_alight = $6, afternoon_board = $7, afternoon_alight = $8,
       days = $9, guardians = $10::jsonb, updated_at = now() WHERE id = $11 RETURNING ${PUPIL_COLUMNS}`,
    [...pupilParams(p), id],
  )
  const row = r.rows[0]
  return row ? toPupil(row) : null
}

export async function deletePupil(tx: Queryable, id: number): Promise<boolean> {
  return (await tx.query('DELETE FROM pupil WHERE id = $1', [id])).rowCount > 0
}

// ── Runs ──

export interface RunRecord {
  tripInstanceId: string
  serviceDate: ServiceDate
  routeId: string
  direction: 0 | 1
  vehicleId: string | null
  driverId: string | null
  endedTs: number | null
  leftOnBoard: number | null
  alertId: string | null
  confirmedBy: string | null
  confirmedTs: number | null
}

interface RunRow {
  trip_instance_id: string
  service_date: string
  route_id: string
  direction: number
  vehicle_id: string | null
  driver_id: string | null
  ended_ms: number | null
  left_on_board: number | null
  alert_id: string | null
  confirmed_by: string | null
  confirmed_ms: number | null
}

const RUN_COLUMNS = `trip_instance_id, service_date::text, route_id, direction, vehicle_id, driver_id, ${ms('ended_ts', 'ended_ms')}, left_on_board, alert_id, confirmed_by, ${ms('confirmed_ts', 'confirmed_ms')}`

const toRun = (r: RunRow): RunRecord => ({
  tripInstanceId: r.trip_instance_id,
  serviceDate: r.service_date as ServiceDate,
  routeId: r.route_id,
  direction: Number(r.direction) === 1 ? 1 : 0,
  vehicleId: r.vehicle_id,
  driverId: r.driver_id,
  endedTs: msOrNull(r.ended_ms),
  leftOnBoard: r.left_on_board,
  alertId: r.alert_id,
  confirmedBy: r.confirmed_by,
  confirmedTs: msOrNull(r.confirmed_ms),
})

/** Records a run (once; a later call updates its bus and driver while it has not ended). */
export async function ensureRun(
  q: Queryable,
  r: Pick<RunRecord, 'tripInstanceId' | 'serviceDate' | 'routeId' | 'direction' | 'vehicleId' | 'driverId'>,
): Promise<void> {
  await q.query(
    `INSERT INTO student_run (trip_instance_id, service_date, route_id, direction, vehicle_id, driver_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (trip_instance_id) DO UPDATE SET vehicle_id = coalesce(EXCLUDED.vehicle_id, student_run.vehicle_id), driver_id = coalesce(EXCLUDED.driver_id, student_run.driver_id)
     WHERE student_run.ended_ts IS NULL`,
    [r.tripInstanceId, r.serviceDate, r.routeId, r.direction, r.vehicleId, r.driverId],
  )
}

/** One run; `forUpdate` holds its row until the transaction ends (taps, the end, the confirmation of one run in turn). */
export async function getRun(q: Queryable, id: string, forUpdate = false): Promise<RunRecord | null> {
  const row = (
    await q.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM student_run WHERE trip_instance_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [id],
    )
  ).rows[0]
  return row ? toRun(row) : null
}

export async function runsOf(
  q: Queryable,
  f: { routeIds: readonly string[]; from: ServiceDate; to: ServiceDate },
): Promise<RunRecord[]> {
  const r = await q.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM student_run WHERE route_id = ANY($1::text[]) AND service_date BETWEEN $2 AND $3 ORDER BY service_date, trip_instance_id`,
    [f.routeIds, f.from, f.to],
  )
  return r.rows.map(toRun)
}

/** Runs that ended with pupils on board and no confirmation yet. */
export async function unconfirmedRuns(q: Queryable): Promise<RunRecord[]> {
  return (
    await q.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM student_run WHERE alert_id IS NOT NULL AND confirmed_ts IS NULL ORDER BY ended_ts`,
    )
  ).rows.map(toRun)
}

export async function endRun(
  tx: Queryable,
  id: string,
  endedTs: number,
  leftOnBoard: number,
  alertId: string | null,
): Promise<void> {
  await tx.query(
    `UPDATE student_run SET ended_ts = ${ts(2)}, left_on_board = $3, alert_id = $4 WHERE trip_instance_id = $1 AND ended_ts IS NULL`,
    [id, endedTs, leftOnBoard, alertId],
  )
}

export async function confirmRun(tx: Queryable, id: string, by: string, at: number): Promise<void> {
  await tx.query(
    `UPDATE student_run SET confirmed_by = $2, confirmed_ts = ${ts(3)} WHERE trip_instance_id = $1 AND confirmed_ts IS NULL`,
    [id, by, at],
  )
}

// ── Boarding checks ──

interface MarkRow {
  op_id: string
  trip_instance_id: string
  pupil_id: number | string | null
  extra_key: string | null
  extra_name: string | null
  status: CheckStatus
  stop_code: string | null
  t: number
  reason: string | null
  by_name: string
}

const toMark = (r: MarkRow): CheckMark => ({
  opId: r.op_id,
  tripInstanceId: r.trip_instance_id,
  pupilId: r.pupil_id === null ? null : Number(r.pupil_id),
  extraKey: r.extra_key,
  extraName: r.extra_name,
  status: r.status,
  stopCode: r.stop_code,
  ts: Math.round(Number(r.t)),
  reason: r.reason,
  by: r.by_name,
})

/** Stores taps; one already stored (same opId) is skipped. Returns the opIds stored now. */
export async function insertMarks(
  tx: Queryable,
  marks: readonly CheckMark[],
  receivedAt: number,
): Promise<Set<string>> {
  if (marks.length === 0) return new Set()
  const r = await tx.query<{ op_id: string }>(
    `INSERT INTO pupil_check (op_id, trip_instance_id, pupil_id, extra_key, extra_name, status, stop_code, ts, reason, by_name, received_at)
     SELECT o, tr, p, xk, xn, st, sc, to_timestamp(t / 1000.0), re, b, ${ts(11)}
     FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::text[], $10::text[]) AS u(o, tr, p, xk, xn, st, sc, t, re, b)
     ON CONFLICT (op_id) DO NOTHING RETURNING op_id`,
    [
      marks.map((m) => m.opId),
      marks.map((m) => m.tripInstanceId),
      marks.map((m) => m.pupilId),
      marks.map((m) => m.extraKey),
      marks.map((m) => m.extraName),
      marks.map((m) => m.status),
      marks.map((m) => m.stopCode),
      marks.map((m) => m.ts),
      marks.map((m) => m.reason),
      marks.map((m) => m.by),
      receivedAt,
    ],
  )
  return new Set(r.rows.map((x) => x.op_id))
}

/** Taps of these runs, in tap order. */
export async function marksOf(q: Queryable, tripInstanceIds: readonly string[]): Promise<CheckMark[]> {
  if (tripInstanceIds.length === 0) return []
  const r = await q.query<MarkRow>(
    `SELECT op_id, trip_instance_id, pupil_id, extra_key, extra_name, status, stop_code, extract(epoch FROM ts) * 1000 AS t, reason, by_name
     FROM pupil_check WHERE trip_instance_id = ANY($1::text[]) ORDER BY ts, op_id`,
    [tripInstanceIds],
  )
  return r.rows.map(toMark)
}

/** Which of these opIds another run already holds (an opId is one tap of one run). */
export async function marksElsewhere(
  q: Queryable,
  opIds: readonly string[],
  tripInstanceId: string,
): Promise<string[]> {
  if (opIds.length === 0) return []
  return (
    await q.query<{ op_id: string }>(
      'SELECT op_id FROM pupil_check WHERE op_id = ANY($1::text[]) AND trip_instance_id <> $2',
      [opIds, tripInstanceId],
    )
  ).rows.map((r) => r.op_id)
}

// ── Guardians' SMS ──

export interface GuardianMessage {
  key: string
  kind: string
  tripInstanceId: string
  pupilId: number
  recipient: string
  body: string
}

/**
 * Queues each message whose key was never queued before, in the caller's transaction (a message
 * per event and guardian, however often the event is seen). Returns how many were queued.
 */
export async function enqueueGuardianMessages(
  tx: Queryable,
  messages: readonly GuardianMessage[],
  now: number,
): Promise<number> {
  let queued = 0
  for (const m of messages) {
    const fresh = await tx.query(
      `INSERT INTO pupil_notice (key, trip_instance_id, pupil_id, created_at) VALUES ($1, $2, $3, ${ts(4)}) ON CONFLICT (key) DO NOTHING RETURNING key`,
      [m.key, m.tripInstanceId, m.pupilId, now],
    )
    if (fresh.rows.length === 0) continue
    const out = await tx.query<{ id: number | string }>(
      `INSERT INTO notification_outbox (kind, recipient, recipient_role, body, trip_instance_id, created_at, next_attempt_at)
       VALUES ($1, $2, 'guardian', $3, $4, ${ts(5)}, ${ts(5)}) RETURNING id`,
      [m.kind, m.recipient, m.body, m.tripInstanceId, now],
    )
    await tx.query('UPDATE pupil_notice SET outbox_id = $2 WHERE key = $1', [m.key, out.rows[0]?.id])
    queued++
  }
  return queued
}

// ── Retention ──

/**
 * Deletes terms that ended before `before` (their pupils, with their taps and notices), runs of
 * days before it, and the guardians' messages sent before it (they name the child).
 */
export async function purgeBefore(
  tx: Queryable,
  before: ServiceDate,
): Promise<{ pupils: number; runs: number; messages: number }> {
  const pupils = (await tx.query('DELETE FROM pupil WHERE term_end < $1', [before])).rowCount
  const runs = (await tx.query('DELETE FROM student_run WHERE service_date < $1', [before])).rowCount
  await tx.query('DELETE FROM pupil_notice WHERE created_at < $1::date', [before])
  const messages = (
    await tx.query(
      `DELETE FROM notification_outbox WHERE recipient_role = 'guardian' AND sent_at IS NOT NULL AND created_at < $1::date`,
      [before],
    )
  ).rowCount
  return { pupils, runs, messages }
}

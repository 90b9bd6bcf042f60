/**
 * Grid reporters (docs/engagement.md#grid-reporters): registrations with their SMS code, the
 * reporters' tokens (hashes only), the points ledger, a reporter's own reports, and the monthly
 * leaderboard. Times are epoch ms, timestamptz in SQL.
 */
import type { ReportCategory, ReportKind, TicketStatus } from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const num = (v: number | null): number | null => (v === null ? null : Math.round(Number(v)))

// ── Reporters ──

export interface StoredReporter {
  id: string
  phone: string
  name: string
  townshipId: string
  townshipName: string
  createdTs: number
  /** Null while the registration waits for its code. */
  verifiedTs: number | null
  code: {
    hash: string | null
    sentTs: number | null
    sends: number
    attempts: number
    expiresTs: number | null
  }
}

interface ReporterRow {
  id: string
  phone: string
  name: string
  township_id: string
  township_name: string
  created_ms: number
  verified_ms: number | null
  code_hash: string | null
  code_sent_ms: number | null
  code_sends: number
  code_attempts: number
  code_expires_ms: number | null
}

const REPORTER_COLUMNS = `g.id, g.phone, g.name, g.township_id, w.name AS township_name, ${ms('g.created_at', 'created_ms')}, ${ms('g.verified_at', 'verified_ms')},
  g.code_hash, ${ms('g.code_sent_at', 'code_sent_ms')}, g.code_sends, g.code_attempts, ${ms('g.code_expires_at', 'code_expires_ms')}`
const REPORTER_FROM = 'grid_reporter g JOIN township w ON w.id = g.township_id'

const toReporter = (r: ReporterRow): StoredReporter => ({
  id: r.id,
  phone: r.phone,
  name: r.name,
  townshipId: r.township_id,
  townshipName: r.township_name,
  createdTs: Math.round(r.created_ms),
  verifiedTs: num(r.verified_ms),
  code: {
    hash: r.code_hash,
    sentTs: num(r.code_sent_ms),
    sends: r.code_sends,
    attempts: r.code_attempts,
    expiresTs: num(r.code_expires_ms),
  },
})

/**
 * The phone's reporter row, created (waiting for its code) when there is none, and locked for the
 * rest of the transaction: two registrations of one phone, on two instances, take turns.
 */
export async function lockRegistration(
  tx: Queryable,
  r: { id: string; phone: string; name: string; townshipId: string; now: number },
): Promise<StoredReporter> {
  await tx.query(
    `INSERT INTO grid_reporter (id, phone, name, township_id, created_at) VALUES ($1, $2, $3, $4, ${ts(5)})
     ON CONFLICT (phone) DO NOTHING`,
    [r.id, r.phone, r.name, r.townshipId, r.now],
  )
  const got = await tx.query<ReporterRow>(
    `SELECT ${REPORTER_COLUMNS} FROM ${REPORTER_FROM} WHERE g.phone = $1 FOR UPDATE OF g`,
    [r.phone],
  )
  const row = got.rows[0]
  if (!row) throw new Error(`grid reporter of ${r.phone} vanished`)
  return toReporter(row)
}

/**
 * A new code for the registration: its hash, when it was sent and until when it holds; wrong
 * tries start again. The name and township given wait for the code (see `verify`).
 */
export async function setCode(
  tx: Queryable,
  id: string,
  c: { name: string; townshipId: string; hash: string; sentTs: number; sends: number; expiresTs: number },
): Promise<void> {
  await tx.query(
    `UPDATE grid_reporter SET pending_name = $2, pending_township_id = $3, code_hash = $4, code_sent_at = ${ts(5)}, code_sends = $6,
       code_attempts = 0, code_expires_at = ${ts(7)} WHERE id = $1`,
    [id, c.name, c.townshipId, c.hash, c.sentTs, c.sends, c.expiresTs],
  )
}

export async function reporterByPhone(q: Queryable, phone: string): Promise<StoredReporter | null> {
  const r = await q.query<ReporterRow>(`SELECT ${REPORTER_COLUMNS} FROM ${REPORTER_FROM} WHERE g.phone = $1`, [phone])
  return r.rows[0] ? toReporter(r.rows[0]) : null
}

export async function reporterById(q: Queryable, id: string): Promise<StoredReporter | null> {
  const r = await q.query<ReporterRow>(`SELECT ${REPORTER_COLUMNS} FROM ${REPORTER_FROM} WHERE g.id = $1`, [id])
  return r.rows[0] ? toReporter(r.rows[0]) : null
}

/** The verified reporter whose phone keeps this token (by its hash). */
export async function reporterByToken(q: Queryable, tokenHash: string): Promise<StoredReporter | null> {
  const r = await q.query<ReporterRow>(
    `SELECT ${REPORTER_COLUMNS} FROM ${REPORTER_FROM} WHERE g.token_hash = $1 AND g.verified_at IS NOT NULL`,
    [tokenHash],
  )
  return r.rows[0] ? toReporter(r.rows[0]) : null
}

/** Counts a wrong code; answers the tries so far. */
export async function countWrongCode(q: Queryable, id: string): Promise<number> {
  const r = await q.query<{ code_attempts: number }>(
    'UPDATE grid_reporter SET code_attempts = code_attempts + 1 WHERE id = $1 RETURNING code_attempts',
    [id],
  )
  return r.rows[0]?.code_attempts ?? 0
}

/**
 * The code came back: the reporter is verified (first time: now), the name and township given
 * with the code take effect, the phone's new token replaces any other, and the code is spent. False when the code was spent meanwhile (another instance).
 */
export async function verify(
  q: Queryable,
  id: string,
  c: { codeHash: string; tokenHash: string; now: number },
): Promise<boolean> {
  const r = await q.query(
    `UPDATE grid_reporter SET verified_at = coalesce(verified_at, ${ts(4)}), token_hash = $3, code_hash = NULL,
       name = coalesce(pending_name, name), township_id = coalesce(pending_township_id, township_id),
       pending_name = NULL, pending_township_id = NULL,
       code_attempts = 0, code_sends = 0, code_expires_at = NULL
     WHERE id = $1 AND code_hash = $2`,
    [id, c.codeHash, c.tokenHash, c.now],
  )
  return r.rowCount > 0
}

// ── Points ──

/** A report of a ticket as the points rule sees it. */
export interface ScoredReportRow {
  id: string
  category: ReportCategory
  reporterId: string | null
  reportedTs: number
  receivedTs: number
}

export async function scoredReports(q: Queryable, ticketId: number): Promise<ScoredReportRow[]> {
  const r = await q.query<{
    id: string
    category: ReportCategory
    reporter_id: string | null
    reported_ms: number
    received_ms: number
  }>(
    `SELECT id, category, reporter_id, ${ms('reported_at', 'reported_ms')}, ${ms('received_at', 'received_ms')}
     FROM report WHERE ticket_id = $1 ORDER BY received_at, id`,
    [ticketId],
  )
  return r.rows.map((x) => ({
    id: x.id,
    category: x.category,
    reporterId: x.reporter_id,
    reportedTs: Math.round(x.reported_ms),
    receivedTs: Math.round(x.received_ms),
  }))
}

export interface Award {
  reportId: string
  reporterId: string
  ticketId: number
  points: number
  tier: string
  via: 'fix' | 'confirm'
  awardedTs: number
  awardedBy: string
}

/** The standing (not revoked) awards among these reports. */
export async function standingAwards(q: Queryable, reportIds: readonly string[]): Promise<Set<string>> {
  if (reportIds.length === 0) return new Set()
  const r = await q.query<{ report_id: string }>(
    'SELECT report_id FROM grid_points WHERE report_id = ANY($1::text[]) AND revoked_at IS NULL',
    [[...reportIds]],
  )
  return new Set(r.rows.map((x) => x.report_id))
}

/**
 * Writes an award; a report whose award was revoked earns it again (the same row, once more
 * standing). False when the report's award already stands: nothing is paid twice.
 */
export async function award(tx: Queryable, a: Award): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO grid_points (report_id, reporter_id, ticket_id, points, tier, via, awarded_at, awarded_by)
     VALUES ($1, $2, $3, $4, $5, $6, ${ts(7)}, $8)
     ON CONFLICT (report_id) DO UPDATE SET points = EXCLUDED.points, tier = EXCLUDED.tier, via = EXCLUDED.via,
       awarded_at = EXCLUDED.awarded_at, awarded_by = EXCLUDED.awarded_by, revoked_at = NULL, revoked_by = NULL, revoke_note = NULL
     WHERE grid_points.revoked_at IS NOT NULL`,
    [a.reportId, a.reporterId, a.ticketId, a.points, a.tier, a.via, a.awardedTs, a.awardedBy],
  )
  return r.rowCount > 0
}

/** Takes back every standing award of a ticket's reports; answers what was taken back. */
export async function revokeTicket(
  tx: Queryable,
  ticketId: number,
  c: { by: string; note: string | null; now: number },
): Promise<{ reportId: string; reporterId: string; points: number }[]> {
  const r = await tx.query<{ report_id: string; reporter_id: string; points: number }>(
    `UPDATE grid_points SET revoked_at = ${ts(4)}, revoked_by = $2, revoke_note = $3
     WHERE ticket_id = $1 AND revoked_at IS NULL RETURNING report_id, reporter_id, points`,
    [ticketId, c.by, c.note, c.now],
  )
  return r.rows.map((x) => ({ reportId: x.report_id, reporterId: x.reporter_id, points: x.points }))
}

// ── What a reporter sees ──

export interface ReporterReport {
  id: string
  stopCode: string
  stopName: string
  kind: ReportKind
  category: ReportCategory
  ticketId: number
  status: TicketStatus
  reportedTs: number
  /** Standing points (0 when none, or taken back). */
  points: number
  awardedTs: number | null
  revokedTs: number | null
}

/** A reporter's reports, newest first, with their ticket's status and points. */
export async function reportsOfReporter(q: Queryable, reporterId: string, limit = 100): Promise<ReporterReport[]> {
  const r = await q.query<{
    id: string
    stop_code: string
    stop_name: string
    kind: ReportKind
    category: ReportCategory
    ticket_id: string | number
    status: TicketStatus
    reported_ms: number
    points: number | null
    revoked_ms: number | null
    awarded_ms: number | null
  }>(
    `SELECT r.id, r.stop_code, s.name AS stop_name, r.kind, r.category, r.ticket_id, t.status, ${ms('r.reported_at', 'reported_ms')},
       p.points, ${ms('p.revoked_at', 'revoked_ms')}, ${ms('p.awarded_at', 'awarded_ms')}
     FROM report r JOIN repair_ticket t ON t.id = r.ticket_id JOIN stop s ON s.code = r.stop_code
       LEFT JOIN grid_points p ON p.report_id = r.id
     WHERE r.reporter_id = $1 ORDER BY r.reported_at DESC, r.id LIMIT $2`,
    [reporterId, limit],
  )
  return r.rows.map((x) => ({
    id: x.id,
    stopCode: x.stop_code,
    stopName: x.stop_name,
    kind: x.kind,
    category: x.category,
    ticketId: Number(x.ticket_id),
    status: x.status,
    reportedTs: Math.round(x.reported_ms),
    points: x.points !== null && x.revoked_ms === null ? x.points : 0,
    awardedTs: x.revoked_ms === null ? num(x.awarded_ms) : null,
    revokedTs: num(x.revoked_ms),
  }))
}

/** A reporter's standing points: in all, and in [fromTs, toTs). */
export async function pointsOf(
  q: Queryable,
  reporterId: string,
  fromTs: number,
  toTs: number,
): Promise<{ total: number; month: number }> {
  const r = await q.query<{ total: number; month: number }>(
    `SELECT coalesce(sum(points), 0)::int AS total,
       coalesce(sum(points) FILTER (WHERE awarded_at >= ${ts(2)} AND awarded_at < ${ts(3)}), 0)::int AS month
     FROM grid_points WHERE reporter_id = $1 AND revoked_at IS NULL`,
    [reporterId, fromTs, toTs],
  )
  return r.rows[0] ?? { total: 0, month: 0 }
}

export interface StandingRow {
  reporterId: string
  name: string
  phone: string
  townshipId: string
  townshipName: string
  points: number
  /** Reports confirmed (with standing points) in the month. */
  confirmed: number
}

/** Every reporter with standing points awarded in [fromTs, toTs), optionally of one township. */
export async function standings(
  q: Queryable,
  f: { fromTs: number; toTs: number; townshipId?: string | undefined },
): Promise<StandingRow[]> {
  const r = await q.query<{
    reporter_id: string
    name: string
    phone: string
    township_id: string
    township_name: string
    points: number
    confirmed: number
  }>(
    `SELECT g.id AS reporter_id, g.name, g.phone, g.township_id, w.name AS township_name,
       sum(p.points)::int AS points, count(*)::int AS confirmed
     FROM grid_points p JOIN grid_reporter g ON g.id = p.reporter_id JOIN township w ON w.id = g.township_id
     WHERE p.revoked_at IS NULL AND p.awarded_at >= ${ts(1)} AND p.awarded_at < ${ts(2)} AND ($3::text IS NULL OR g.township_id = $3)
     GROUP BY g.id, g.name, g.phone, g.township_id, w.name`,
    [f.fromTs, f.toTs, f.townshipId ?? null],
  )
  return r.rows.map((x) => ({
    reporterId: x.reporter_id,
    name: x.name,
    phone: x.phone,
    townshipId: x.township_id,
    townshipName: x.township_name,
    points: x.points,
    confirmed: x.confirmed,
  }))
}

/** Whether the township exists (a registration names one). */
export async function townshipExists(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM township WHERE id = $1', [id])
  return r.rows.length > 0
}

/** A reporter registered and verified already, without a token (the demo county's). */
export async function insertVerifiedReporter(
  q: Queryable,
  r: { id: string; phone: string; name: string; townshipId: string; createdTs: number },
): Promise<void> {
  await q.query(
    `INSERT INTO grid_reporter (id, phone, name, township_id, created_at, verified_at) VALUES ($1, $2, $3, $4, ${ts(5)}, ${ts(5)})`,
    [r.id, r.phone, r.name, r.townshipId, r.createdTs],
  )
}

export async function reporterCount(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM grid_reporter')
  return r.rows[0]?.n ?? 0
}

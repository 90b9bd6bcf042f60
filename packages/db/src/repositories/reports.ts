/**
 * Repair reports, tickets with their steps, and report photos. Times are epoch ms; they travel as
 * float8 and become timestamptz in SQL, the same on both adapters.
 */
import type {
  LngLat,
  Report,
  ReportCategory,
  ReportKind,
  StopStatus,
  Ticket,
  TicketStatus,
  TicketStep,
} from '@rb/domain'
import type { Queryable } from '../port.js'

const ms = (column: string, as: string): string => `extract(epoch FROM ${column})::float8 * 1000 AS ${as}`
const ts = (param: number): string => `to_timestamp($${param}::float8 / 1000.0)`
const num = (v: number | null): number | null => (v === null ? null : Math.round(Number(v)))

// ── Stops ──

/** Locks the stop's row for the rest of the transaction: every report and ticket change of one stop takes it first. */
export async function lockStop(
  tx: Queryable,
  code: string,
): Promise<{ code: string; name: string; point: LngLat; status: StopStatus } | null> {
  const r = await tx.query<{ code: string; name: string; lng: number; lat: number; status: StopStatus }>(
    'SELECT code, name, lng, lat, status FROM stop WHERE code = $1 FOR UPDATE',
    [code],
  )
  const s = r.rows[0]
  return s ? { code: s.code, name: s.name, point: [s.lng, s.lat], status: s.status } : null
}

/** Statuses of the stop's sign tickets still open or assigned. */
export async function openSignTicketStatuses(q: Queryable, stopCode: string): Promise<TicketStatus[]> {
  const r = await q.query<{ status: TicketStatus }>(
    "SELECT status FROM repair_ticket WHERE stop_code = $1 AND kind = 'sign' AND status IN ('open', 'assigned')",
    [stopCode],
  )
  return r.rows.map((x) => x.status)
}

// ── Tickets ──

interface TicketRow {
  id: string | number
  kind: ReportKind
  category: ReportCategory
  dedupe_key: string
  stop_code: string
  lng: number
  lat: number
  status: TicketStatus
  assignee: string | null
  previous_ticket_id: string | number | null
  report_count: number
  opened_ms: number
  updated_ms: number
  closed_ms: number | null
}

/** The ticket columns of table alias `t`. */
const ticketColumns = (
  t: string,
): string => `${t}.id, ${t}.kind, ${t}.category, ${t}.dedupe_key, ${t}.stop_code, ${t}.lng, ${t}.lat, ${t}.status, ${t}.assignee,
  ${t}.previous_ticket_id, ${t}.report_count, ${ms(`${t}.opened_at`, 'opened_ms')}, ${ms(`${t}.updated_at`, 'updated_ms')}, ${ms(`${t}.closed_at`, 'closed_ms')}`
const TICKET_COLUMNS = ticketColumns('repair_ticket')

const toTicket = (r: TicketRow): Ticket => ({
  id: Number(r.id),
  kind: r.kind,
  category: r.category,
  dedupeKey: r.dedupe_key,
  stopCode: r.stop_code,
  point: [r.lng, r.lat],
  status: r.status,
  assignee: r.assignee,
  previousTicketId: r.previous_ticket_id === null ? null : Number(r.previous_ticket_id),
  reportCount: r.report_count,
  openedTs: Math.round(r.opened_ms),
  updatedTs: Math.round(r.updated_ms),
  closedTs: num(r.closed_ms),
})

/** The open ticket of a stop and key, then the most recently closed ones (the candidates a report may join). */
export async function ticketsFor(
  q: Queryable,
  stopCode: string,
  dedupeKey: string,
  closedLimit = 3,
): Promise<Ticket[]> {
  const r = await q.query<TicketRow>(
    `(SELECT ${TICKET_COLUMNS} FROM repair_ticket WHERE stop_code = $1 AND dedupe_key = $2 AND status IN ('open', 'assigned'))
     UNION ALL
     (SELECT ${TICKET_COLUMNS} FROM repair_ticket WHERE stop_code = $1 AND dedupe_key = $2 AND status IN ('fixed', 'rejected') ORDER BY closed_at DESC, id DESC LIMIT $3)`,
    [stopCode, dedupeKey, closedLimit],
  )
  return r.rows.map(toTicket)
}

export type NewTicket = Omit<Ticket, 'id' | 'status' | 'assignee' | 'reportCount' | 'updatedTs' | 'closedTs'>

/** Opens a ticket; null when the stop already has an open one with this key (the caller joins it). */
export async function insertTicket(tx: Queryable, t: NewTicket): Promise<Ticket | null> {
  const r = await tx.query<TicketRow>(
    `INSERT INTO repair_ticket (kind, category, dedupe_key, stop_code, lng, lat, status, previous_ticket_id, report_count, opened_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, 0, ${ts(8)}, ${ts(8)})
     ON CONFLICT (stop_code, dedupe_key) WHERE status IN ('open', 'assigned') DO NOTHING
     RETURNING ${TICKET_COLUMNS}`,
    [t.kind, t.category, t.dedupeKey, t.stopCode, t.point[0], t.point[1], t.previousTicketId, t.openedTs],
  )
  return r.rows[0] ? toTicket(r.rows[0]) : null
}

export async function getTicket(q: Queryable, id: number, opts: { forUpdate?: boolean } = {}): Promise<Ticket | null> {
  const r = await q.query<TicketRow>(
    `SELECT ${TICKET_COLUMNS} FROM repair_ticket WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  )
  return r.rows[0] ? toTicket(r.rows[0]) : null
}

/** Counts one more report on a ticket (a report that joined it is news: updated_at moves). */
export async function countReport(tx: Queryable, ticketId: number, now: number): Promise<Ticket> {
  const r = await tx.query<TicketRow>(
    `UPDATE repair_ticket SET report_count = report_count + 1, updated_at = ${ts(2)} WHERE id = $1 RETURNING ${TICKET_COLUMNS}`,
    [ticketId, now],
  )
  if (!r.rows[0]) throw new Error(`ticket ${ticketId} vanished`)
  return toTicket(r.rows[0])
}

/** Applies a step's result to the ticket row. */
export async function updateTicket(
  tx: Queryable,
  id: number,
  c: { status: TicketStatus; assignee: string | null; now: number; closedTs: number | null },
): Promise<Ticket> {
  const r = await tx.query<TicketRow>(
    `UPDATE repair_ticket SET status = $2, assignee = $3, updated_at = ${ts(4)}, closed_at = ${ts(5)} WHERE id = $1 RETURNING ${TICKET_COLUMNS}`,
    [id, c.status, c.assignee, c.now, c.closedTs],
  )
  if (!r.rows[0]) throw new Error(`ticket ${id} vanished`)
  return toTicket(r.rows[0])
}

export async function insertStep(tx: Queryable, ticketId: number, s: TicketStep): Promise<void> {
  await tx.query(
    `INSERT INTO repair_ticket_step (ticket_id, action, from_status, to_status, by_name, ts, note, assignee) VALUES ($1, $2, $3, $4, $5, ${ts(6)}, $7, $8)`,
    [ticketId, s.action, s.from, s.to, s.by, s.ts, s.note, s.assignee],
  )
}

export async function stepsOf(q: Queryable, ticketId: number): Promise<TicketStep[]> {
  const r = await q.query<{
    action: TicketStep['action']
    from_status: TicketStatus | null
    to_status: TicketStatus
    by_name: string
    t: number
    note: string | null
    assignee: string | null
  }>(
    `SELECT action, from_status, to_status, by_name, ${ms('ts', 't')}, note, assignee FROM repair_ticket_step WHERE ticket_id = $1 ORDER BY id`,
    [ticketId],
  )
  return r.rows.map((x) => ({
    action: x.action,
    from: x.from_status,
    to: x.to_status,
    by: x.by_name,
    ts: Math.round(x.t),
    note: x.note,
    assignee: x.assignee,
  }))
}

export interface TicketFilter {
  status?: readonly TicketStatus[] | undefined
  kind?: ReportKind | undefined
  category?: ReportCategory | undefined
  stopCode?: string | undefined
  townshipId?: string | undefined
  /** Updated at or after, epoch ms. */
  sinceMs?: number | undefined
  limit: number
  offset: number
}

export interface TicketListItem extends Ticket {
  stopName: string
  townshipId: string
  photoCount: number
  lastReportTs: number
}

/** Tickets, most recently changed first, with the stop's name and how many photos their reports carry. */
export async function listTickets(q: Queryable, f: TicketFilter): Promise<{ items: TicketListItem[]; total: number }> {
  const where = `($1::text[] IS NULL OR t.status = ANY($1::text[])) AND ($2::text IS NULL OR t.kind = $2) AND ($3::text IS NULL OR t.category = $3
      OR EXISTS (SELECT 1 FROM report c WHERE c.ticket_id = t.id AND c.category = $3))
    AND ($4::text IS NULL OR t.stop_code = $4) AND ($5::text IS NULL OR s.township_id = $5) AND ($6::float8 IS NULL OR t.updated_at >= ${ts(6)})`
  const params = [
    f.status && f.status.length > 0 ? [...f.status] : null,
    f.kind ?? null,
    f.category ?? null,
    f.stopCode ?? null,
    f.townshipId ?? null,
    f.sinceMs ?? null,
  ]
  const total = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM repair_ticket t JOIN stop s ON s.code = t.stop_code WHERE ${where}`,
    params,
  )
  const r = await q.query<
    TicketRow & { stop_name: string; township_id: string; photo_count: number; last_report_ms: number | null }
  >(
    `SELECT ${ticketColumns('t')}, s.name AS stop_name, s.township_id,
       (SELECT count(*)::int FROM report_photo p JOIN report x ON x.id = p.report_id WHERE x.ticket_id = t.id) AS photo_count,
       (SELECT ${ms('max(x.received_at)', 'm')} FROM report x WHERE x.ticket_id = t.id) AS last_report_ms
     FROM repair_ticket t JOIN stop s ON s.code = t.stop_code
     WHERE ${where}
     ORDER BY t.updated_at DESC, t.id DESC LIMIT $7 OFFSET $8`,
    [...params, f.limit, f.offset],
  )
  return {
    items: r.rows.map((x) => ({
      ...toTicket(x),
      stopName: x.stop_name,
      townshipId: x.township_id,
      photoCount: x.photo_count,
      lastReportTs: Math.round(x.last_report_ms ?? x.opened_ms),
    })),
    total: total.rows[0]?.n ?? 0,
  }
}

// ── Reports ──

interface ReportRow {
  id: string
  ticket_id: string | number
  stop_code: string
  kind: ReportKind
  category: ReportCategory
  note: string | null
  idempotency_key: string
  reported_ms: number
  received_ms: number
  photo_id: string | null
  reporter_id: string | null
}

const REPORT_COLUMNS = `r.id, r.ticket_id, r.stop_code, r.kind, r.category, r.note, r.idempotency_key, ${ms('r.reported_at', 'reported_ms')}, ${ms('r.received_at', 'received_ms')}, r.reporter_id,
  (SELECT p.id FROM report_photo p WHERE p.report_id = r.id) AS photo_id`

export interface StoredReport extends Report {
  idempotencyKey: string
  photoId: string | null
  /** The grid reporter who sent it (docs/engagement.md#grid-reporters); null: an anonymous villager. */
  reporterId: string | null
}

const toReport = (r: ReportRow): StoredReport => ({
  id: r.id,
  ticketId: Number(r.ticket_id),
  stopCode: r.stop_code,
  kind: r.kind,
  category: r.category,
  note: r.note,
  reportedTs: Math.round(r.reported_ms),
  receivedTs: Math.round(r.received_ms),
  hasPhoto: r.photo_id !== null,
  idempotencyKey: r.idempotency_key,
  photoId: r.photo_id,
  reporterId: r.reporter_id,
})

export async function getReport(q: Queryable, id: string): Promise<StoredReport | null> {
  const r = await q.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM report r WHERE r.id = $1`, [id])
  return r.rows[0] ? toReport(r.rows[0]) : null
}

export async function reportByIdempotencyKey(q: Queryable, key: string): Promise<StoredReport | null> {
  const r = await q.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM report r WHERE r.idempotency_key = $1`, [key])
  return r.rows[0] ? toReport(r.rows[0]) : null
}

export async function reportsOf(q: Queryable, ticketId: number): Promise<StoredReport[]> {
  const r = await q.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM report r WHERE r.ticket_id = $1 ORDER BY r.received_at, r.id`,
    [ticketId],
  )
  return r.rows.map(toReport)
}

export type NewReport = Omit<StoredReport, 'hasPhoto' | 'photoId'>

/** Stores a report; false when its idempotency key is taken (a resend racing this one). */
export async function insertReport(tx: Queryable, r: NewReport): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO report (id, ticket_id, stop_code, kind, category, note, idempotency_key, reported_at, received_at, reporter_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ${ts(8)}, ${ts(9)}, $10)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      r.id,
      r.ticketId,
      r.stopCode,
      r.kind,
      r.category,
      r.note,
      r.idempotencyKey,
      r.reportedTs,
      r.receivedTs,
      r.reporterId,
    ],
  )
  return res.rowCount > 0
}

// ── Photos ──

export interface PhotoMeta {
  id: string
  reportId: string
  mime: 'image/jpeg' | 'image/png' | 'image/webp'
  bytes: number
  width: number
  height: number
  sha256: string
  storage: 'file' | 'db'
  /** Name under UPLOADS_DIR when stored as a file. */
  fileName: string | null
  createdTs: number
}

export async function insertPhoto(tx: Queryable, p: PhotoMeta, data: Uint8Array | null): Promise<void> {
  await tx.query(
    `INSERT INTO report_photo (id, report_id, mime, bytes, width, height, sha256, storage, file_name, data, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${ts(11)})`,
    [p.id, p.reportId, p.mime, p.bytes, p.width, p.height, p.sha256, p.storage, p.fileName, data, p.createdTs],
  )
}

interface PhotoRow {
  id: string
  report_id: string
  mime: PhotoMeta['mime']
  bytes: number
  width: number
  height: number
  sha256: string
  storage: PhotoMeta['storage']
  file_name: string | null
  created_ms: number
}

const photoColumns = (p: string): string =>
  `${p}.id, ${p}.report_id, ${p}.mime, ${p}.bytes, ${p}.width, ${p}.height, ${p}.sha256, ${p}.storage, ${p}.file_name, ${ms(`${p}.created_at`, 'created_ms')}`

const toPhoto = (r: PhotoRow): PhotoMeta => ({
  id: r.id,
  reportId: r.report_id,
  mime: r.mime,
  bytes: r.bytes,
  width: r.width,
  height: r.height,
  sha256: r.sha256,
  storage: r.storage,
  fileName: r.file_name,
  createdTs: Math.round(r.created_ms),
})

export async function getPhoto(q: Queryable, id: string): Promise<PhotoMeta | null> {
  const r = await q.query<PhotoRow>(`SELECT ${photoColumns('p')} FROM report_photo p WHERE p.id = $1`, [id])
  return r.rows[0] ? toPhoto(r.rows[0]) : null
}

/** The bytes of a photo stored in the database (null for one stored as a file). */
export async function photoData(q: Queryable, id: string): Promise<Uint8Array | null> {
  const r = await q.query<{ data: Uint8Array | null }>('SELECT data FROM report_photo WHERE id = $1', [id])
  return r.rows[0]?.data ?? null
}

export async function photosOfTicket(q: Queryable, ticketId: number): Promise<PhotoMeta[]> {
  const r = await q.query<PhotoRow>(
    `SELECT ${photoColumns('p')} FROM report_photo p JOIN report x ON x.id = p.report_id WHERE x.ticket_id = $1 ORDER BY p.created_at, p.id`,
    [ticketId],
  )
  return r.rows.map(toPhoto)
}

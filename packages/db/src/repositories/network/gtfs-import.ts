/**
 * GTFS imports (migration 012): the import log with the rows each import wrote and what was there
 * before, the feeds' external ids, and the trips expanded from a feed's headways.
 */
import type { ChangeKind, ExternalId, ImportKind, RowChange, RowOfKind, TripFrequency } from '@rb/domain'
import type { Queryable } from '../../port.js'
import { upsertOperator, upsertStop, upsertTownship } from './places.js'
import { saveRoute } from './routes.js'
import { saveCalendar, saveTrip } from './timetable.js'

interface FrequencyRow {
  trip_id: string
  template_id: string
  start_s: number
  end_s: number
  headway_s: number
  exact_times: boolean
}

export async function listFrequencies(q: Queryable): Promise<TripFrequency[]> {
  const r = await q.query<FrequencyRow>(
    'SELECT trip_id, template_id, start_s, end_s, headway_s, exact_times FROM trip_frequency ORDER BY trip_id',
  )
  return r.rows.map((f) => ({
    tripId: f.trip_id,
    templateId: f.template_id,
    startS: f.start_s,
    endS: f.end_s,
    headwayS: f.headway_s,
    exactTimes: f.exact_times,
  }))
}

export async function saveFrequency(q: Queryable, f: TripFrequency): Promise<void> {
  await q.query(
    `INSERT INTO trip_frequency (trip_id, template_id, start_s, end_s, headway_s, exact_times) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (trip_id) DO UPDATE SET template_id = EXCLUDED.template_id, start_s = EXCLUDED.start_s, end_s = EXCLUDED.end_s,
       headway_s = EXCLUDED.headway_s, exact_times = EXCLUDED.exact_times`,
    [f.tripId, f.templateId, f.startS, f.endS, f.headwayS, f.exactTimes],
  )
}

/** Writes one row of a change as it should be (upsert), by kind. */
export async function writeRow<K extends ChangeKind>(q: Queryable, kind: K, row: RowOfKind[K]): Promise<void> {
  const r = row as RowOfKind[ChangeKind]
  switch (kind) {
    case 'operator':
      return upsertOperator(q, r as RowOfKind['operator'])
    case 'township':
      return upsertTownship(q, r as RowOfKind['township'])
    case 'stop':
      return upsertStop(q, r as RowOfKind['stop'])
    case 'calendar':
      return saveCalendar(q, r as RowOfKind['calendar'])
    case 'route':
      return saveRoute(q, r as RowOfKind['route'])
    case 'trip':
      return saveTrip(q, r as RowOfKind['trip'])
    case 'frequency':
      return saveFrequency(q, r as RowOfKind['frequency'])
  }
  throw new Error(`unknown row kind ${String(kind)}`)
}

const DELETE_SQL: Record<ChangeKind, string> = {
  operator: 'DELETE FROM operator WHERE id = $1',
  township: 'DELETE FROM township WHERE id = $1',
  stop: 'DELETE FROM stop WHERE code = $1',
  calendar: 'DELETE FROM calendar WHERE id = $1',
  route: 'DELETE FROM route WHERE id = $1',
  trip: 'DELETE FROM trip WHERE id = $1',
  frequency: 'DELETE FROM trip_frequency WHERE trip_id = $1',
}

/** Deletes a row an import added (undo). A row something else still points at fails with 23503. */
export async function deleteRow(q: Queryable, kind: ChangeKind, id: string): Promise<void> {
  await q.query(DELETE_SQL[kind], [id])
}

/** Imports and their undos run one at a time: they read the network, decide, and write. */
export async function lockImports(q: Queryable): Promise<void> {
  await q.query('LOCK TABLE gtfs_import IN SHARE ROW EXCLUSIVE MODE')
}

/**
 * The county's highest sign number handed out, with its counter row locked until the transaction
 * ends (so no sign is numbered meanwhile).
 */
export async function lockStopCounter(q: Queryable, prefix: string): Promise<number> {
  const r = await q.query<{ n: number }>(
    `INSERT INTO stop_code_counter AS c (prefix, last_n)
     VALUES ($1, COALESCE((SELECT max(substring(code FROM '-([0-9]+)$')::int) FROM stop WHERE code LIKE $1 || '-%'), 0))
     ON CONFLICT (prefix) DO UPDATE SET last_n = GREATEST(c.last_n, EXCLUDED.last_n)
     RETURNING last_n AS n`,
    [prefix],
  )
  return Number(r.rows[0]?.n ?? 0)
}

/** The county's highest sign number handed out, read without locking anything (a dry run). */
export async function lastStopNumber(q: Queryable, prefix: string): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT GREATEST(COALESCE((SELECT last_n FROM stop_code_counter WHERE prefix = $1), 0),
       COALESCE((SELECT max(substring(code FROM '-([0-9]+)$')::int) FROM stop WHERE code LIKE $1 || '-%'), 0)) AS n`,
    [prefix],
  )
  return Number(r.rows[0]?.n ?? 0)
}

export async function raiseStopCounter(q: Queryable, prefix: string, n: number): Promise<void> {
  await q.query('UPDATE stop_code_counter SET last_n = GREATEST(last_n, $2) WHERE prefix = $1', [prefix, n])
}

interface ExternalRow {
  kind: ImportKind
  external_id: string
  local_id: string
}

export async function externalIdsOf(q: Queryable, source: string): Promise<ExternalId[]> {
  const r = await q.query<ExternalRow>(
    'SELECT kind, external_id, local_id FROM gtfs_external_id WHERE source = $1 ORDER BY kind, external_id',
    [source],
  )
  return r.rows.map((e) => ({ kind: e.kind, externalId: e.external_id, localId: e.local_id }))
}

export async function addExternalIds(
  q: Queryable,
  source: string,
  importId: number,
  ids: readonly ExternalId[],
): Promise<void> {
  if (ids.length === 0) return
  await q.query(
    `INSERT INTO gtfs_external_id (source, kind, external_id, local_id, import_id)
     SELECT $1, k, e, l, $2 FROM unnest($3::text[], $4::text[], $5::text[]) AS u(k, e, l)
     ON CONFLICT (source, kind, external_id) DO UPDATE SET local_id = EXCLUDED.local_id, import_id = EXCLUDED.import_id`,
    [source, importId, ids.map((e) => e.kind), ids.map((e) => e.externalId), ids.map((e) => e.localId)],
  )
}

export async function removeExternalIdsOf(q: Queryable, importId: number): Promise<void> {
  await q.query('DELETE FROM gtfs_external_id WHERE import_id = $1', [importId])
}

/** Our ids of a kind that some import brought in (from any feed). */
export async function importedIds(q: Queryable, kind: ImportKind): Promise<Set<string>> {
  const r = await q.query<{ local_id: string }>('SELECT DISTINCT local_id FROM gtfs_external_id WHERE kind = $1', [
    kind,
  ])
  return new Set(r.rows.map((e) => e.local_id))
}

export interface ImportRecord {
  id: number
  source: string
  feedSha256: string
  createdTs: number
  createdBy: string
  summary: Record<string, unknown>
  changes: RowChange[]
  undoneTs: number | null
  undoneBy: string | null
}

interface ImportRow {
  id: string | number
  source: string
  feed_sha256: string
  created_ms: string | number
  created_by: string
  summary: Record<string, unknown>
  changes: RowChange[]
  undone_ms: string | number | null
  undone_by: string | null
}

const IMPORT_COLUMNS = `id, source, feed_sha256, (extract(epoch FROM created_at) * 1000)::float8 AS created_ms, created_by, summary,
  changes, (extract(epoch FROM undone_at) * 1000)::float8 AS undone_ms, undone_by`

const toImport = (r: ImportRow, withChanges: boolean): ImportRecord => ({
  id: Number(r.id),
  source: r.source,
  feedSha256: r.feed_sha256,
  createdTs: Math.round(Number(r.created_ms)),
  createdBy: r.created_by,
  summary: r.summary,
  changes: withChanges ? r.changes : [],
  undoneTs: r.undone_ms === null ? null : Math.round(Number(r.undone_ms)),
  undoneBy: r.undone_by,
})

export async function insertImport(
  q: Queryable,
  rec: { source: string; feedSha256: string; createdBy: string; summary: unknown; changes: readonly RowChange[] },
  now: number,
): Promise<number> {
  const r = await q.query<{ id: string | number }>(
    `INSERT INTO gtfs_import (source, feed_sha256, created_at, created_by, summary, changes)
     VALUES ($1, $2, to_timestamp($3::float8 / 1000.0), $4, $5::jsonb, $6::jsonb) RETURNING id`,
    [rec.source, rec.feedSha256, now, rec.createdBy, JSON.stringify(rec.summary), JSON.stringify(rec.changes)],
  )
  return Number(r.rows[0]?.id)
}

/** The newest imports first, without their row changes. */
export async function listImports(q: Queryable, limit: number): Promise<ImportRecord[]> {
  const r = await q.query<ImportRow>(
    `SELECT ${IMPORT_COLUMNS.replace('changes,', "'[]'::jsonb AS changes,")} FROM gtfs_import ORDER BY id DESC LIMIT $1`,
    [limit],
  )
  return r.rows.map((row) => toImport(row, false))
}

export async function getImport(q: Queryable, id: number): Promise<ImportRecord | null> {
  const r = await q.query<ImportRow>(`SELECT ${IMPORT_COLUMNS} FROM gtfs_import WHERE id = $1`, [id])
  return r.rows[0] ? toImport(r.rows[0], true) : null
}

/** Imports after this one that are not undone, with their changes. */
export async function laterImports(q: Queryable, id: number): Promise<ImportRecord[]> {
  const r = await q.query<ImportRow>(
    `SELECT ${IMPORT_COLUMNS} FROM gtfs_import WHERE id > $1 AND undone_at IS NULL ORDER BY id`,
    [id],
  )
  return r.rows.map((row) => toImport(row, true))
}

export async function markUndone(q: Queryable, id: number, by: string, now: number): Promise<void> {
  await q.query('UPDATE gtfs_import SET undone_at = to_timestamp($2::float8 / 1000.0), undone_by = $3 WHERE id = $1', [
    id,
    now,
    by,
  ])
}

/** Per trip, what the service day holds of it: assignments and cancellations, duty templates. */
export async function tripUses(
  q: Queryable,
  tripIds: readonly string[],
): Promise<{ tripId: string; what: string; n: number }[]> {
  if (tripIds.length === 0) return []
  const r = await q.query<{ trip_id: string; what: string; n: number }>(
    `SELECT trip_id, 'trip instances (assignments or cancellations)' AS what, count(*)::int AS n FROM trip_instance WHERE trip_id = ANY($1::text[]) GROUP BY trip_id
     UNION ALL
     SELECT trip_id, 'duty templates' AS what, count(*)::int AS n FROM duty_template_trip WHERE trip_id = ANY($1::text[]) GROUP BY trip_id
     ORDER BY 1, 2`,
    [tripIds],
  )
  return r.rows.map((u) => ({ tripId: u.trip_id, what: u.what, n: u.n }))
}

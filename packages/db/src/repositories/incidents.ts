/** The dispatcher's incident log: notes per vehicle, trip instance and alert. */
import type { IncidentKind, IncidentNote } from '@rb/domain'
import type { Queryable } from '../port.js'

/** A note to write: everything but the id the database gives it; `data` defaults to `{}`. */
export type NewIncidentNote = Omit<IncidentNote, 'id' | 'data'> & { data?: Record<string, unknown> }

export async function insertIncidentNote(q: Queryable, n: NewIncidentNote): Promise<IncidentNote> {
  const r = await q.query<NoteRow>(
    `INSERT INTO incident_note (ts, vehicle_id, trip_instance_id, alert_id, kind, author, text, data)
     VALUES (to_timestamp($1::float8 / 1000.0), $2, $3, $4, $5, $6, $7, $8::jsonb)
     RETURNING ${NOTE_COLUMNS}`,
    [n.ts, n.vehicleId, n.tripInstanceId, n.alertId, n.kind, n.by, n.text, JSON.stringify(n.data ?? {})],
  )
  return toNote(r.rows[0] as NoteRow)
}

/** Replaces a note's data (a message's channels, known once it was sent). */
export async function setIncidentData(q: Queryable, id: number, data: Record<string, unknown>): Promise<void> {
  await q.query('UPDATE incident_note SET data = $2::jsonb WHERE id = $1', [id, JSON.stringify(data)])
}

export interface IncidentQuery {
  vehicleId?: string
  tripInstanceId?: string
  alertId?: string
  /** Written at or after, epoch ms. */
  sinceMs?: number
  limit: number
}

/** Notes matching every filter given, newest first. */
export async function listIncidentNotes(q: Queryable, f: IncidentQuery): Promise<IncidentNote[]> {
  const r = await q.query<NoteRow>(
    `SELECT ${NOTE_COLUMNS} FROM incident_note
     WHERE ($1::text IS NULL OR vehicle_id = $1) AND ($2::text IS NULL OR trip_instance_id = $2) AND ($3::text IS NULL OR alert_id = $3)
       AND ($4::float8 IS NULL OR ts >= to_timestamp($4::float8 / 1000.0))
     ORDER BY ts DESC, id DESC LIMIT $5`,
    [f.vehicleId ?? null, f.tripInstanceId ?? null, f.alertId ?? null, f.sinceMs ?? null, f.limit],
  )
  return r.rows.map(toNote)
}

interface NoteRow {
  id: string | number
  t: number
  vehicle_id: string | null
  trip_instance_id: string | null
  alert_id: string | null
  kind: IncidentKind
  author: string
  text: string
  data: Record<string, unknown>
}

const NOTE_COLUMNS =
  'id, extract(epoch FROM ts) * 1000 AS t, vehicle_id, trip_instance_id, alert_id, kind, author, text, data'

const toNote = (x: NoteRow): IncidentNote => ({
  id: Number(x.id),
  ts: Math.round(Number(x.t)),
  vehicleId: x.vehicle_id,
  tripInstanceId: x.trip_instance_id,
  alertId: x.alert_id,
  kind: x.kind,
  by: x.author,
  text: x.text,
  data: x.data,
})

/**
 * The duty roster (migration 009): duties and the trip instances they hold, roster days and
 * their publication, weekly templates. A duty's crew is also written to its trip instances'
 * vehicle_id / driver_id, which everything else reads. Instants are epoch ms.
 */
import type { DutyTemplate, ServiceDate, Weekday } from '@rb/domain'
import type { Queryable } from '../port.js'

// Any constant works; it only has to differ from the other advisory locks of this application.
const ROSTER_LOCK = 724_002

/**
 * Holds the service day's roster lock for the rest of the transaction: every change to who runs
 * the day's trips (duties, hand assignments, generation) reads, checks and writes under it, so
 * two dispatchers (or server instances) cannot both put one bus on overlapping trips.
 */
export async function lockDay(tx: Queryable, date: ServiceDate): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock($1, ($2::date - DATE '2000-01-01'))`, [ROSTER_LOCK, date])
}

export interface StoredDuty {
  id: string
  date: ServiceDate
  vehicleId: string
  driverId: string
  note: string | null
  templateId: string | null
  /** Its trip instances (in id order; the roster orders them by departure). */
  instanceIds: string[]
}

interface DutyRow {
  id: string
  service_date: string
  vehicle_id: string
  driver_id: string
  note: string | null
  template_id: string | null
  instance_ids: string[] | null
}

const DUTY_SELECT = `SELECT d.id, d.service_date::text AS service_date, d.vehicle_id, d.driver_id, d.note, d.template_id,
    ARRAY(SELECT ti.id FROM trip_instance ti WHERE ti.duty_id = d.id ORDER BY ti.id) AS instance_ids
  FROM duty d`

const toDuty = (r: DutyRow): StoredDuty => ({
  id: r.id,
  date: r.service_date as ServiceDate,
  vehicleId: r.vehicle_id,
  driverId: r.driver_id,
  note: r.note,
  templateId: r.template_id,
  instanceIds: r.instance_ids ?? [],
})

export async function dutiesOn(q: Queryable, date: ServiceDate): Promise<StoredDuty[]> {
  return (await q.query<DutyRow>(`${DUTY_SELECT} WHERE d.service_date = $1::date ORDER BY d.id`, [date])).rows.map(
    toDuty,
  )
}

export async function getDuty(q: Queryable, id: string): Promise<StoredDuty | null> {
  const r = await q.query<DutyRow>(`${DUTY_SELECT} WHERE d.id = $1`, [id])
  return r.rows[0] ? toDuty(r.rows[0]) : null
}

export async function dutiesOfDriver(
  q: Queryable,
  driverId: string,
  dates: readonly ServiceDate[],
): Promise<StoredDuty[]> {
  const r = await q.query<DutyRow>(
    `${DUTY_SELECT} WHERE d.driver_id = $1 AND d.service_date = ANY($2::date[]) ORDER BY d.service_date, d.id`,
    [driverId, dates],
  )
  return r.rows.map(toDuty)
}

/** Instance id → duty id, for the day's instances that are in a duty. */
export async function dutyOfInstances(q: Queryable, date: ServiceDate): Promise<Map<string, string>> {
  const r = await q.query<{ id: string; duty_id: string }>(
    'SELECT id, duty_id FROM trip_instance WHERE service_date = $1::date AND duty_id IS NOT NULL',
    [date],
  )
  return new Map(r.rows.map((x) => [x.id, x.duty_id]))
}

/** A duty's own row, without its trips. */
export type DutyRecord = Omit<StoredDuty, 'instanceIds'>

export async function insertDuty(tx: Queryable, d: DutyRecord): Promise<void> {
  await tx.query(
    'INSERT INTO duty (id, service_date, vehicle_id, driver_id, note, template_id) VALUES ($1, $2::date, $3, $4, $5, $6)',
    [d.id, d.date, d.vehicleId, d.driverId, d.note, d.templateId],
  )
}

export async function updateDuty(
  tx: Queryable,
  d: Pick<DutyRecord, 'id' | 'vehicleId' | 'driverId' | 'note'>,
): Promise<void> {
  await tx.query('UPDATE duty SET vehicle_id = $2, driver_id = $3, note = $4, updated_at = now() WHERE id = $1', [
    d.id,
    d.vehicleId,
    d.driverId,
    d.note,
  ])
}

/**
 * Makes `trips` the duty's trip instances with its crew (taking them out of any other duty,
 * creating the instance rows they need); its trips not listed leave it with no vehicle and driver.
 */
export async function setDutyTrips(
  tx: Queryable,
  d: {
    dutyId: string
    date: ServiceDate
    vehicleId: string
    driverId: string
    trips: readonly { instanceId: string; tripId: string }[]
  },
): Promise<void> {
  const ids = d.trips.map((t) => t.instanceId)
  await tx.query(
    `UPDATE trip_instance SET duty_id = NULL, vehicle_id = NULL, driver_id = NULL, updated_at = now()
     WHERE duty_id = $1 AND NOT (id = ANY($2::text[]))`,
    [d.dutyId, ids],
  )
  if (ids.length === 0) return
  await tx.query(
    `INSERT INTO trip_instance (id, trip_id, service_date, vehicle_id, driver_id, duty_id)
     SELECT x.id, x.trip_id, $3::date, $4, $5, $6 FROM unnest($1::text[], $2::text[]) AS x (id, trip_id)
     ON CONFLICT (id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, driver_id = EXCLUDED.driver_id, duty_id = EXCLUDED.duty_id, updated_at = now()`,
    [ids, d.trips.map((t) => t.tripId), d.date, d.vehicleId, d.driverId, d.dutyId],
  )
}

/** Deletes a duty; its trip instances are left with no vehicle and no driver. */
export async function deleteDuty(tx: Queryable, id: string): Promise<boolean> {
  await tx.query(
    'UPDATE trip_instance SET duty_id = NULL, vehicle_id = NULL, driver_id = NULL, updated_at = now() WHERE duty_id = $1',
    [id],
  )
  return (await tx.query('DELETE FROM duty WHERE id = $1', [id])).rowCount > 0
}

/** Deletes every duty of the day (regenerating it); their trips are left with no crew. */
export async function deleteDutiesOn(tx: Queryable, date: ServiceDate): Promise<void> {
  await tx.query(
    `UPDATE trip_instance SET duty_id = NULL, vehicle_id = NULL, driver_id = NULL, updated_at = now()
     WHERE service_date = $1::date AND duty_id IS NOT NULL`,
    [date],
  )
  await tx.query('DELETE FROM duty WHERE service_date = $1::date', [date])
}

/**
 * After a hand assignment: the instance leaves its duty when its vehicle or driver is no longer
 * the duty's.
 */
export async function leaveDutyIfReassigned(tx: Queryable, instanceId: string): Promise<void> {
  await tx.query(
    `UPDATE trip_instance ti SET duty_id = NULL FROM duty d
     WHERE ti.id = $1 AND ti.duty_id = d.id AND (ti.vehicle_id IS DISTINCT FROM d.vehicle_id OR ti.driver_id IS DISTINCT FROM d.driver_id)`,
    [instanceId],
  )
}

export interface RosterDayRecord {
  date: ServiceDate
  publishedAt: number | null
  publishedBy: string | null
  generatedFrom: string | null
}

interface DayRow {
  service_date: string
  published_ms: number | null
  published_by: string | null
  generated_from: string | null
}

export async function rosterDays(q: Queryable, dates: readonly ServiceDate[]): Promise<Map<string, RosterDayRecord>> {
  const r = await q.query<DayRow>(
    `SELECT service_date::text AS service_date, extract(epoch FROM published_at)::float8 * 1000 AS published_ms, published_by, generated_from
     FROM roster_day WHERE service_date = ANY($1::date[])`,
    [dates],
  )
  return new Map(
    r.rows.map((x) => [
      x.service_date,
      {
        date: x.service_date as ServiceDate,
        publishedAt: x.published_ms === null ? null : Math.round(Number(x.published_ms)),
        publishedBy: x.published_by,
        generatedFrom: x.generated_from,
      },
    ]),
  )
}

/** Whether the day has a roster: a roster_day row, or any duty. */
export async function hasRoster(q: Queryable, date: ServiceDate): Promise<boolean> {
  const r = await q.query(
    'SELECT 1 FROM roster_day WHERE service_date = $1::date UNION ALL SELECT 1 FROM duty WHERE service_date = $1::date LIMIT 1',
    [date],
  )
  return r.rows.length > 0
}

/** The day has a roster being made by hand (kept as it is when it exists). */
export async function touchDay(tx: Queryable, date: ServiceDate): Promise<void> {
  await tx.query('INSERT INTO roster_day (service_date) VALUES ($1::date) ON CONFLICT (service_date) DO NOTHING', [
    date,
  ])
}

/** The day's roster was (re)generated: unpublished until someone publishes it. */
export async function markGenerated(tx: Queryable, date: ServiceDate, generatedFrom: string): Promise<void> {
  await tx.query(
    `INSERT INTO roster_day (service_date, generated_from) VALUES ($1::date, $2)
     ON CONFLICT (service_date) DO UPDATE SET generated_from = EXCLUDED.generated_from, published_at = NULL, published_by = NULL, updated_at = now()`,
    [date, generatedFrom],
  )
}

export async function publishDay(tx: Queryable, date: ServiceDate, by: string, now: number): Promise<void> {
  await tx.query(
    `INSERT INTO roster_day (service_date, published_at, published_by) VALUES ($1::date, to_timestamp($2::float8 / 1000.0), $3)
     ON CONFLICT (service_date) DO UPDATE SET published_at = EXCLUDED.published_at, published_by = EXCLUDED.published_by, updated_at = now()`,
    [date, now, by],
  )
}

/** Seats held (confirmed and boarded bookings) on these trip instances, per booking. */
export async function heldSeats(
  q: Queryable,
  instanceIds: readonly string[],
): Promise<{ tripInstanceId: string; boardSeq: number; alightSeq: number; seats: number }[]> {
  if (instanceIds.length === 0) return []
  const r = await q.query<{ trip_instance_id: string; board_seq: number; alight_seq: number; seats: number }>(
    `SELECT trip_instance_id, board_seq, alight_seq, seats FROM booking
     WHERE trip_instance_id = ANY($1::text[]) AND status IN ('confirmed', 'boarded')`,
    [instanceIds],
  )
  return r.rows.map((x) => ({
    tripInstanceId: x.trip_instance_id,
    boardSeq: x.board_seq,
    alightSeq: x.alight_seq,
    seats: x.seats,
  }))
}

interface TemplateRow {
  id: string
  name: string
  weekdays: number[]
  vehicle_id: string
  driver_id: string
  active: boolean
  trip_ids: string[] | null
}

const TEMPLATE_SELECT = `SELECT t.id, t.name, t.weekdays, t.vehicle_id, t.driver_id, t.active,
    ARRAY(SELECT tt.trip_id FROM duty_template_trip tt WHERE tt.template_id = t.id ORDER BY tt.position) AS trip_ids
  FROM duty_template t`

const toTemplate = (r: TemplateRow): DutyTemplate => ({
  id: r.id,
  name: r.name,
  weekdays: r.weekdays.map(Number) as Weekday[],
  vehicleId: r.vehicle_id,
  driverId: r.driver_id,
  tripIds: r.trip_ids ?? [],
  active: r.active,
})

export async function listTemplates(q: Queryable): Promise<DutyTemplate[]> {
  return (await q.query<TemplateRow>(`${TEMPLATE_SELECT} ORDER BY t.id`)).rows.map(toTemplate)
}

export async function getTemplate(q: Queryable, id: string): Promise<DutyTemplate | null> {
  const r = await q.query<TemplateRow>(`${TEMPLATE_SELECT} WHERE t.id = $1`, [id])
  return r.rows[0] ? toTemplate(r.rows[0]) : null
}

/** Creates or replaces a template with its trips (run it inside a transaction). */
export async function saveTemplate(tx: Queryable, t: DutyTemplate): Promise<void> {
  await tx.query(
    `INSERT INTO duty_template (id, name, weekdays, vehicle_id, driver_id, active) VALUES ($1, $2, $3::smallint[], $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, weekdays = EXCLUDED.weekdays, vehicle_id = EXCLUDED.vehicle_id,
       driver_id = EXCLUDED.driver_id, active = EXCLUDED.active, updated_at = now()`,
    [t.id, t.name, t.weekdays, t.vehicleId, t.driverId, t.active],
  )
  await tx.query('DELETE FROM duty_template_trip WHERE template_id = $1', [t.id])
  await tx.query(
    `INSERT INTO duty_template_trip (template_id, trip_id, position)
     SELECT $1, x.trip_id, x.position FROM unnest($2::text[]) WITH ORDINALITY AS x (trip_id, position)`,
    [t.id, t.tripIds],
  )
}

export async function deleteTemplate(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM duty_template WHERE id = $1', [id])).rowCount > 0
}

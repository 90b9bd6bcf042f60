/** Calendars, trips, and the per-day state of trip instances (assignment, cancellation). */
import type { BookingPolicy, Calendar, CalendarJson, ServiceDate, Trip } from '@rb/domain'
import type { Queryable } from '../../port.js'

export async function listCalendars(q: Queryable): Promise<Calendar[]> {
  return (await q.query<Calendar>('SELECT id, name, rules FROM calendar ORDER BY id')).rows
}

export async function getCalendar(q: Queryable, id: string): Promise<Calendar | null> {
  return (await q.query<Calendar>('SELECT id, name, rules FROM calendar WHERE id = $1', [id])).rows[0] ?? null
}

export async function saveCalendar(q: Queryable, c: { id: string; name: string; rules: CalendarJson }): Promise<void> {
  await q.query(
    `INSERT INTO calendar (id, name, rules) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, rules = EXCLUDED.rules, updated_at = now()`,
    [c.id, c.name, JSON.stringify(c.rules)],
  )
}

/** Deletes a calendar no trip uses; false when it is in use or missing. */
export async function deleteCalendar(q: Queryable, id: string): Promise<'deleted' | 'in_use' | 'missing'> {
  const used = await q.query('SELECT 1 FROM trip WHERE calendar_id = $1 LIMIT 1', [id])
  if (used.rows.length > 0) return 'in_use'
  return (await q.query('DELETE FROM calendar WHERE id = $1', [id])).rowCount > 0 ? 'deleted' : 'missing'
}

interface TripRow {
  id: string
  route_id: string
  calendar_id: string
  direction: number
  headsign: string
  departure_s: number
  stop_offsets_s: number[]
  seats: number
  booking_policy: BookingPolicy
  min_riders: number
  booking_cutoff_min: number
  active: boolean
}

const toTrip = (r: TripRow): Trip => ({
  id: r.id,
  routeId: r.route_id,
  calendarId: r.calendar_id,
  direction: r.direction === 1 ? 1 : 0,
  headsign: r.headsign,
  departureS: r.departure_s,
  stopOffsetsS: r.stop_offsets_s,
  seats: r.seats,
  bookingPolicy: r.booking_policy,
  minRiders: r.min_riders,
  bookingCutoffMin: r.booking_cutoff_min,
  active: r.active,
})

export async function listTrips(
  q: Queryable,
  f: { routeId?: string | undefined; includeRetired?: boolean } = {},
): Promise<Trip[]> {
  const r = await q.query<TripRow>(
    'SELECT * FROM trip WHERE ($1::text IS NULL OR route_id = $1) AND ($2::bool OR active) ORDER BY route_id, departure_s, id',
    [f.routeId ?? null, f.includeRetired ?? false],
  )
  return r.rows.map(toTrip)
}

export async function getTrip(q: Queryable, id: string): Promise<Trip | null> {
  const r = await q.query<TripRow>('SELECT * FROM trip WHERE id = $1', [id])
  return r.rows[0] ? toTrip(r.rows[0]) : null
}

export async function saveTrip(q: Queryable, t: Trip): Promise<void> {
  await q.query(
    `INSERT INTO trip (id, route_id, calendar_id, direction, headsign, departure_s, stop_offsets_s, seats, booking_policy, min_riders, booking_cutoff_min, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7::int[], $8, $9, $10, $11, $12)
     ON CONFLICT (id) DO UPDATE SET route_id = EXCLUDED.route_id, calendar_id = EXCLUDED.calendar_id, direction = EXCLUDED.direction,
       headsign = EXCLUDED.headsign, departure_s = EXCLUDED.departure_s, stop_offsets_s = EXCLUDED.stop_offsets_s, seats = EXCLUDED.seats,
       booking_policy = EXCLUDED.booking_policy, min_riders = EXCLUDED.min_riders, booking_cutoff_min = EXCLUDED.booking_cutoff_min,
       active = EXCLUDED.active, updated_at = now()`,
    [
      t.id,
      t.routeId,
      t.calendarId,
      t.direction,
      t.headsign,
      t.departureS,
      t.stopOffsetsS,
      t.seats,
      t.bookingPolicy,
      t.minRiders,
      t.bookingCutoffMin,
      t.active,
    ],
  )
}

export async function setTripActive(q: Queryable, id: string, active: boolean): Promise<boolean> {
  return (await q.query('UPDATE trip SET active = $2, updated_at = now() WHERE id = $1', [id, active])).rowCount > 0
}

export interface InstanceState {
  id: string
  tripId: string
  serviceDate: ServiceDate
  status: 'scheduled' | 'cancelled'
  cancelReason: string | null
  vehicleId: string | null
  driverId: string | null
}

interface InstanceRow {
  id: string
  trip_id: string
  service_date: string
  status: 'scheduled' | 'cancelled'
  cancel_reason: string | null
  vehicle_id: string | null
  driver_id: string | null
}

const toState = (r: InstanceRow): InstanceState => ({
  id: r.id,
  tripId: r.trip_id,
  serviceDate: r.service_date as ServiceDate,
  status: r.status,
  cancelReason: r.cancel_reason,
  vehicleId: r.vehicle_id,
  driverId: r.driver_id,
})

const INSTANCE_COLUMNS = 'id, trip_id, service_date::text AS service_date, status, cancel_reason, vehicle_id, driver_id'

export async function instanceStatesOn(q: Queryable, date: ServiceDate): Promise<InstanceState[]> {
  return (
    await q.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM trip_instance WHERE service_date = $1::date`, [date])
  ).rows.map(toState)
}

export async function getInstanceState(q: Queryable, id: string): Promise<InstanceState | null> {
  const r = await q.query<InstanceRow>(`SELECT ${INSTANCE_COLUMNS} FROM trip_instance WHERE id = $1`, [id])
  return r.rows[0] ? toState(r.rows[0]) : null
}

/** Sets the vehicle and driver of a trip instance (null clears). */
export async function assignInstance(
  q: Queryable,
  s: { id: string; tripId: string; serviceDate: ServiceDate; vehicleId: string | null; driverId: string | null },
): Promise<void> {
  await q.query(
    `INSERT INTO trip_instance (id, trip_id, service_date, vehicle_id, driver_id) VALUES ($1, $2, $3::date, $4, $5)
     ON CONFLICT (id) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, driver_id = EXCLUDED.driver_id, updated_at = now()`,
    [s.id, s.tripId, s.serviceDate, s.vehicleId, s.driverId],
  )
}

export async function cancelInstance(
  q: Queryable,
  s: { id: string; tripId: string; serviceDate: ServiceDate; reason: string },
): Promise<void> {
  await q.query(
    `INSERT INTO trip_instance (id, trip_id, service_date, status, cancel_reason) VALUES ($1, $2, $3::date, 'cancelled', $4)
     ON CONFLICT (id) DO UPDATE SET status = 'cancelled', cancel_reason = EXCLUDED.cancel_reason, updated_at = now()`,
    [s.id, s.tripId, s.serviceDate, s.reason],
  )
}

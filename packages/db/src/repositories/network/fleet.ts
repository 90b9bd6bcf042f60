/** Vehicles and drivers, by unified number. */
import type { Driver, ServiceDate, Vehicle, VehicleStatus } from '@rb/domain'
import type { Queryable } from '../../port.js'

interface VehicleRow {
  id: string
  plate: string
  seats: number
  operator_id: string
  model: string
  device_id: string | null
  jt808_phone: string | null
  status: VehicleStatus
}

const toVehicle = (r: VehicleRow): Vehicle => ({
  id: r.id,
  plate: r.plate,
  seats: r.seats,
  operatorId: r.operator_id,
  model: r.model,
  deviceId: r.device_id,
  jt808Phone: r.jt808_phone,
  status: r.status,
})

const VEHICLE_COLUMNS = 'id, plate, seats, operator_id, model, device_id, jt808_phone, status'

export interface FleetFilter {
  status?: VehicleStatus | undefined
  q?: string | undefined
  limit: number
  offset: number
}

export async function listVehicles(q: Queryable, f: FleetFilter): Promise<{ items: Vehicle[]; total: number }> {
  const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id ILIKE '%' || $2 || '%' OR plate ILIKE '%' || $2 || '%')`
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM vehicle WHERE ${where}`, [
    f.status ?? null,
    f.q ?? null,
  ])
  const r = await q.query<VehicleRow>(
    `SELECT ${VEHICLE_COLUMNS} FROM vehicle WHERE ${where} ORDER BY id LIMIT $3 OFFSET $4`,
    [f.status ?? null, f.q ?? null, f.limit, f.offset],
  )
  return { items: r.rows.map(toVehicle), total: total.rows[0]?.n ?? 0 }
}

/** By unified number, plate, MQTT device id or JT/T 808 terminal phone. */
export async function findVehicle(
  q: Queryable,
  by: 'id' | 'plate' | 'device_id' | 'jt808_phone',
  value: string,
): Promise<Vehicle | null> {
  const column = { id: 'id', plate: 'plate', device_id: 'device_id', jt808_phone: 'jt808_phone' }[by]
  const r = await q.query<VehicleRow>(`SELECT ${VEHICLE_COLUMNS} FROM vehicle WHERE ${column} = $1`, [value])
  return r.rows[0] ? toVehicle(r.rows[0]) : null
}

export async function saveVehicle(q: Queryable, v: Vehicle): Promise<void> {
  await q.query(
    `INSERT INTO vehicle (id, plate, seats, operator_id, model, device_id, jt808_phone, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET plate = EXCLUDED.plate, seats = EXCLUDED.seats, operator_id = EXCLUDED.operator_id, model = EXCLUDED.model,
       device_id = EXCLUDED.device_id, jt808_phone = EXCLUDED.jt808_phone, status = EXCLUDED.status, updated_at = now()`,
    [v.id, v.plate, v.seats, v.operatorId, v.model, v.deviceId, v.jt808Phone, v.status],
  )
}

interface DriverRow {
  id: string
  name: string
  phone: string
  licence_class: string
  qualification_cert: string
  photo_url: string | null
  pioneer: boolean
  service_since: string
  status: VehicleStatus
}

const toDriver = (r: DriverRow): Driver => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  licenceClass: r.licence_class,
  qualificationCert: r.qualification_cert,
  photoUrl: r.photo_url,
  pioneer: r.pioneer,
  serviceSince: r.service_since as ServiceDate,
  status: r.status,
})

const DRIVER_COLUMNS =
  'id, name, phone, licence_class, qualification_cert, photo_url, pioneer, service_since::text AS service_since, status'

export async function listDrivers(
  q: Queryable,
  f: FleetFilter & { pioneer?: boolean | undefined },
): Promise<{ items: Driver[]; total: number }> {
  const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR id ILIKE '%' || $2 || '%' OR name ILIKE '%' || $2 || '%') AND ($3::bool IS NULL OR pioneer = $3)`
  const params = [f.status ?? null, f.q ?? null, f.pioneer ?? null]
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM driver WHERE ${where}`, params)
  const r = await q.query<DriverRow>(
    `SELECT ${DRIVER_COLUMNS} FROM driver WHERE ${where} ORDER BY id LIMIT $4 OFFSET $5`,
    [...params, f.limit, f.offset],
  )
  return { items: r.rows.map(toDriver), total: total.rows[0]?.n ?? 0 }
}

export async function getDriver(q: Queryable, id: string): Promise<Driver | null> {
  const r = await q.query<DriverRow>(`SELECT ${DRIVER_COLUMNS} FROM driver WHERE id = $1`, [id])
  return r.rows[0] ? toDriver(r.rows[0]) : null
}

export async function saveDriver(q: Queryable, d: Driver): Promise<void> {
  await q.query(
    `INSERT INTO driver (id, name, phone, licence_class, qualification_cert, photo_url, pioneer, service_since, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::date, $9)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, licence_class = EXCLUDED.licence_class,
       qualification_cert = EXCLUDED.qualification_cert, photo_url = EXCLUDED.photo_url, pioneer = EXCLUDED.pioneer,
       service_since = EXCLUDED.service_since, status = EXCLUDED.status, updated_at = now()`,
    [d.id, d.name, d.phone, d.licenceClass, d.qualificationCert, d.photoUrl, d.pioneer, d.serviceSince, d.status],
  )
}

export async function setFleetStatus(
  q: Queryable,
  table: 'vehicle' | 'driver',
  id: string,
  status: VehicleStatus,
): Promise<boolean> {
  const sql =
    table === 'vehicle'
      ? 'UPDATE vehicle SET status = $2, updated_at = now() WHERE id = $1'
      : 'UPDATE driver SET status = $2, updated_at = now() WHERE id = $1'
  return (await q.query(sql, [id, status])).rowCount > 0
}

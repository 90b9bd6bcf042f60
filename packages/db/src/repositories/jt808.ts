/** JT/T 808 terminals: lookups of the vehicle a terminal belongs to, and the auth codes issued. */
import type { VehicleStatus } from '@rb/domain'
import type { Queryable } from '../port.js'

/** What the gateway needs to know about a vehicle to bind a terminal to it. */
export interface TerminalVehicle {
  id: string
  plate: string
  /** As stored (digits, possibly zero-padded), or null when no terminal is configured. */
  jt808Phone: string | null
  status: VehicleStatus
}

export interface TerminalRow {
  /** Terminal phone without zero padding (`canonicalPhone`). */
  phone: string
  vehicleId: string
  authCode: string
  registeredAt: number
  manufacturerId: string
  terminalModel: string
  terminalId: string
  protocol: '' | '2011' | '2013' | '2019'
}

interface VehicleRow {
  id: string
  plate: string
  jt808_phone: string | null
  status: VehicleStatus
}

const toVehicle = (r: VehicleRow): TerminalVehicle => ({ id: r.id, plate: r.plate, jt808Phone: r.jt808_phone, status: r.status })

/** The vehicle whose configured terminal phone equals `phone` once both lose their zero padding. */
export async function findVehicleByTerminalPhone(q: Queryable, canonicalPhone: string): Promise<TerminalVehicle | null> {
  const r = await q.query<VehicleRow>(
    `SELECT id, plate, jt808_phone, status FROM vehicle WHERE jt808_phone IS NOT NULL AND ltrim(lower(jt808_phone), '0') = $1 ORDER BY id LIMIT 1`,
    [canonicalPhone],
  )
  return r.rows[0] ? toVehicle(r.rows[0]) : null
}

/**
 * The vehicle whose plate equals `normalizedPlate` (upper case, without spaces, `·`, `.`, `-`):
 * terminals send 川EA1234 where the register says 川E·A1234.
 */
export async function findVehicleByPlate(q: Queryable, normalizedPlate: string): Promise<TerminalVehicle | null> {
  const r = await q.query<VehicleRow>(
    `SELECT id, plate, jt808_phone, status FROM vehicle WHERE upper(translate(plate, ' ·•.-_', '')) = $1 ORDER BY id LIMIT 1`,
    [normalizedPlate],
  )
  return r.rows[0] ? toVehicle(r.rows[0]) : null
}

/** The vehicle by unified number (to re-check a stored registration at auth time). */
export async function findVehicleById(q: Queryable, id: string): Promise<TerminalVehicle | null> {
  const r = await q.query<VehicleRow>('SELECT id, plate, jt808_phone, status FROM vehicle WHERE id = $1', [id])
  return r.rows[0] ? toVehicle(r.rows[0]) : null
}

interface TerminalDbRow {
  phone: string
  vehicle_id: string
  auth_code: string
  registered_ms: number
  manufacturer_id: string
  terminal_model: string
  terminal_id: string
  protocol: TerminalRow['protocol']
}

export async function getTerminal(q: Queryable, phone: string): Promise<TerminalRow | null> {
  const r = await q.query<TerminalDbRow>(
    `SELECT phone, vehicle_id, auth_code, extract(epoch FROM registered_at)::float8 * 1000 AS registered_ms,
            manufacturer_id, terminal_model, terminal_id, protocol
     FROM jt808_terminal WHERE phone = $1`,
    [phone],
  )
  const row = r.rows[0]
  if (!row) return null
  return {
    phone: row.phone,
    vehicleId: row.vehicle_id,
    authCode: row.auth_code,
    registeredAt: Math.round(row.registered_ms),
    manufacturerId: row.manufacturer_id,
    terminalModel: row.terminal_model,
    terminalId: row.terminal_id,
    protocol: row.protocol,
  }
}

/** Creates or replaces the registration of one terminal. */
export async function saveTerminal(q: Queryable, t: TerminalRow): Promise<void> {
  await q.query(
    `INSERT INTO jt808_terminal (phone, vehicle_id, auth_code, registered_at, manufacturer_id, terminal_model, terminal_id, protocol)
     VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000.0), $5, $6, $7, $8)
     ON CONFLICT (phone) DO UPDATE SET vehicle_id = EXCLUDED.vehicle_id, auth_code = EXCLUDED.auth_code, registered_at = EXCLUDED.registered_at,
       manufacturer_id = EXCLUDED.manufacturer_id, terminal_model = EXCLUDED.terminal_model, terminal_id = EXCLUDED.terminal_id, protocol = EXCLUDED.protocol`,
    [t.phone, t.vehicleId, t.authCode, t.registeredAt, t.manufacturerId, t.terminalModel, t.terminalId, t.protocol],
  )
}

/** Forgets a terminal (0x0003 logout = deregistration): its auth code stops working. */
export async function deleteTerminal(q: Queryable, phone: string): Promise<boolean> {
  return (await q.query('DELETE FROM jt808_terminal WHERE phone = $1', [phone])).rowCount > 0
}

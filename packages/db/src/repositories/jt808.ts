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

const toVehicle = (r: VehicleRow): TerminalVehicle => ({
  id: r.id,
  plate: r.plate,
  jt808Phone: r.jt808_phone,
  status: r.status,
})

/** The vehicle whose configured terminal phone equals `phone` once both lose their zero padding. */
export async function findVehicleByTerminalPhone(
  q: Queryable,
  canonicalPhone: string,
): Promise<TerminalVehicle | null> {
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

/** One stored packet of a sub-packaged message. */
export interface SubpackagePiece {
  packet: number
  serial: number
  body: Uint8Array
}

/** A sub-packaged message of a terminal, as far as it has come. */
export interface PendingSubpackage {
  msgId: number
  firstSerial: number
  total: number
  /** Packet numbers stored. */
  packets: number[]
  bytes: number
  firstReceivedTs: number
}

export interface SubpackageKey {
  phone: string
  msgId: number
  firstSerial: number
}

/**
 * Stores one packet (again: the newer copy wins). Packets stored under the same key with another
 * total belong to an older message whose serials came round again: they go.
 */
export async function storeSubpackagePiece(
  q: Queryable,
  key: SubpackageKey,
  total: number,
  piece: SubpackagePiece,
  atMs: number,
): Promise<void> {
  await q.query('DELETE FROM jt808_subpackage WHERE phone = $1 AND msg_id = $2 AND first_serial = $3 AND total <> $4', [
    key.phone,
    key.msgId,
    key.firstSerial,
    total,
  ])
  await q.query(
    `INSERT INTO jt808_subpackage (phone, msg_id, first_serial, total, packet, serial, body, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0))
     ON CONFLICT (phone, msg_id, first_serial, packet) DO UPDATE SET serial = EXCLUDED.serial, body = EXCLUDED.body, received_at = EXCLUDED.received_at`,
    [key.phone, key.msgId, key.firstSerial, total, piece.packet, piece.serial, piece.body, atMs],
  )
}

/** The packets stored of one message, in order. */
export async function subpackagePieces(q: Queryable, key: SubpackageKey): Promise<SubpackagePiece[]> {
  const r = await q.query<{ packet: number; serial: number; body: Uint8Array }>(
    'SELECT packet, serial, body FROM jt808_subpackage WHERE phone = $1 AND msg_id = $2 AND first_serial = $3 ORDER BY packet',
    [key.phone, key.msgId, key.firstSerial],
  )
  return r.rows.map((x) => ({ packet: x.packet, serial: x.serial, body: x.body }))
}

/** A terminal's unfinished messages, oldest first. */
export async function pendingSubpackages(q: Queryable, phone: string): Promise<PendingSubpackage[]> {
  const r = await q.query<{
    msg_id: number
    first_serial: number
    total: number
    packets: number[]
    bytes: string
    first_ms: number
  }>(
    `SELECT msg_id, first_serial, max(total) AS total, array_agg(packet ORDER BY packet) AS packets,
            sum(length(body)) AS bytes, extract(epoch FROM min(received_at))::float8 * 1000 AS first_ms
     FROM jt808_subpackage WHERE phone = $1 GROUP BY msg_id, first_serial ORDER BY first_ms`,
    [phone],
  )
  return r.rows.map((x) => ({
    msgId: x.msg_id,
    firstSerial: x.first_serial,
    total: x.total,
    packets: x.packets.map(Number),
    bytes: Number(x.bytes),
    firstReceivedTs: Math.round(x.first_ms),
  }))
}

export async function deleteSubpackage(q: Queryable, key: SubpackageKey): Promise<void> {
  await q.query('DELETE FROM jt808_subpackage WHERE phone = $1 AND msg_id = $2 AND first_serial = $3', [
    key.phone,
    key.msgId,
    key.firstSerial,
  ])
}

/**
 * Deletes messages whose first packet came before `beforeMs` (of one terminal, or of all);
 * returns how many messages went.
 */
export async function expireSubpackages(q: Queryable, beforeMs: number, phone?: string): Promise<number> {
  const r = await q.query<{ n: string }>(
    `WITH old AS (
       SELECT phone, msg_id, first_serial FROM jt808_subpackage
       WHERE ($2::text IS NULL OR phone = $2)
       GROUP BY phone, msg_id, first_serial HAVING min(received_at) < to_timestamp($1 / 1000.0)
     ), gone AS (
       DELETE FROM jt808_subpackage s USING old
       WHERE s.phone = old.phone AND s.msg_id = old.msg_id AND s.first_serial = old.first_serial
       RETURNING s.phone, s.msg_id, s.first_serial
     )
     SELECT count(DISTINCT (phone, msg_id, first_serial)) AS n FROM gone`,
    [beforeMs, phone ?? null],
  )
  return Number(r.rows[0]?.n ?? 0)
}

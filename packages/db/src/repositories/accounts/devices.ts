/** Per-vehicle MQTT device secrets, stored as SHA-256 hashes (see the migration for why not scrypt). */
import type { Queryable } from '../../port.js'

export async function setDeviceSecretHash(
  q: Queryable,
  vehicleId: string,
  secretHash: string,
  createdBy: string,
  now: number,
): Promise<void> {
  await q.query(
    `INSERT INTO device_credential (vehicle_id, secret_hash, created_at, created_by) VALUES ($1, $2, to_timestamp($4::float8 / 1000.0), $3)
     ON CONFLICT (vehicle_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by`,
    [vehicleId, secretHash, createdBy, now],
  )
}

export async function findDeviceSecretHash(q: Queryable, vehicleId: string): Promise<string | null> {
  const r = await q.query<{ secret_hash: string }>('SELECT secret_hash FROM device_credential WHERE vehicle_id = $1', [
    vehicleId,
  ])
  return r.rows[0]?.secret_hash ?? null
}

export async function deleteDeviceSecret(q: Queryable, vehicleId: string): Promise<boolean> {
  return (await q.query('DELETE FROM device_credential WHERE vehicle_id = $1', [vehicleId])).rowCount > 0
}

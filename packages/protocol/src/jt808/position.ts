/** Decoded JT/T 808 locations → the canonical `Position` (source 'jt808'). */
import type { Position } from '../position.js'
import type { BatchResult, Parsed, Reject } from '../telemetry.js'
import type { BatchLocationUpload } from './bodies/batch.js'
import type { LocationReport } from './bodies/location.js'

const reject = (detail: string): { ok: false; reject: Reject } => ({
  ok: false,
  reject: { reason: 'coordinates', detail },
})

/**
 * One location → a position, or why it is not one. A report without a GNSS fix (status bit 1
 * clear) still carries stale or zero coordinates, and `Position` has no way to say "unfixed",
 * so it is rejected here. Future timestamps are the ingest's call (it owns the clock).
 */
export function locationToPosition(vehicleId: string, loc: LocationReport): Parsed<Position> {
  if (!loc.status.located) return reject('terminal reports no GNSS fix (status bit 1 clear)')
  if (Math.abs(loc.lat) > 90 || Math.abs(loc.lng) > 180) {
    return reject(`lat ${loc.lat}, lng ${loc.lng} is outside WGS-84 range`)
  }
  if (loc.lat === 0 && loc.lng === 0) return reject('fix at (0,0): the terminal has no real fix')
  const mileageKm = loc.extras.mileageKm
  return {
    ok: true,
    value: {
      vehicleId,
      ts: loc.ts,
      lng: loc.lng,
      lat: loc.lat,
      speedKmh: loc.speedKmh,
      headingDeg: loc.headingDeg % 360,
      accM: null,
      // Back to the wire's 0.1 km steps before scaling, so 1.8 km is exactly 1800 m.
      odoM: mileageKm === undefined ? null : Math.round(mileageKm * 10) * 100,
      source: 'jt808',
    },
  }
}

/** Every item of a 0x0704 batch; one bad item is rejected and counted, the rest are kept. */
export function batchToPositions(vehicleId: string, batch: BatchLocationUpload): BatchResult {
  const out: BatchResult = { positions: [], rejects: [] }
  for (const item of batch.items) {
    const r = locationToPosition(vehicleId, item)
    if (r.ok) out.positions.push(r.value)
    else out.rejects.push(r.reject)
  }
  return out
}

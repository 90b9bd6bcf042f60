import { telemetryRepo, type Db, type LinkStatus } from '@rb/db'
import type { Position } from '@rb/protocol'
import type { Batch, WriteOutcome } from './batch-writer.js'

/** The last link status of each vehicle in a batch (arrival order breaks ties of equal ts). */
export function lastStatusPerVehicle(statuses: readonly LinkStatus[]): LinkStatus[] {
  const last = new Map<string, LinkStatus>()
  for (const s of statuses) {
    const cur = last.get(s.vehicleId)
    if (!cur || s.ts >= cur.ts) last.set(s.vehicleId, s)
  }
  return [...last.values()]
}

export interface LatestRows {
  /** Positions of vehicles that have no `vehicle_latest` row yet (newest per vehicle). */
  firstSeen(positions: readonly Position[]): Position[]
  markKnown(vehicleIds: Iterable<string>): void
}

/**
 * Writes one batch in one transaction: positions, events, link status, and the `vehicle_latest`
 * row of vehicles seen for the first time. Updating every vehicle's row here would double the
 * cost of each batch; the live state saves them about once a second instead (LatestState.persist).
 */
export function createBatchStore(
  db: Db,
  latest: LatestRows,
  now: () => number = Date.now,
): (batch: Batch) => Promise<WriteOutcome> {
  return async (batch) => {
    const fresh = latest.firstSeen(batch.positions)
    const out = await db.transaction(async (tx) => {
      const receivedAtMs = now()
      const stored = await telemetryRepo.insertPositions(tx, batch.positions, receivedAtMs)
      await telemetryRepo.upsertLatest(tx, fresh, receivedAtMs)
      const eventsStored = await telemetryRepo.insertEvents(tx, batch.events)
      await telemetryRepo.upsertLinkStatus(tx, lastStatusPerVehicle(batch.statuses))
      return { stored, eventsStored }
    })
    latest.markKnown(fresh.map((p) => p.vehicleId))
    return out
  }
}

import { telemetryRepo, type Db, type LinkStatus } from '@rb/db'
import type { Position } from '@rb/protocol'
import type { Batch, WriteOutcome } from './batch-writer.js'

/** The newest position of each vehicle in a batch (the batch may hold several, out of order). */
export function newestPerVehicle(positions: readonly Position[]): Position[] {
  const newest = new Map<string, Position>()
  for (const p of positions) {
    const cur = newest.get(p.vehicleId)
    if (!cur || p.ts > cur.ts) newest.set(p.vehicleId, p)
  }
  return [...newest.values()]
}

/** The last link status of each vehicle in a batch (arrival order breaks ties of equal ts). */
export function lastStatusPerVehicle(statuses: readonly LinkStatus[]): LinkStatus[] {
  const last = new Map<string, LinkStatus>()
  for (const s of statuses) {
    const cur = last.get(s.vehicleId)
    if (!cur || s.ts >= cur.ts) last.set(s.vehicleId, s)
  }
  return [...last.values()]
}

/** Writes one batch in one transaction: positions, latest state, events, link status. */
export function createBatchStore(db: Db, now: () => number = Date.now): (batch: Batch) => Promise<WriteOutcome> {
  return (batch) =>
    db.transaction(async (tx) => {
      const receivedAtMs = now()
      const stored = await telemetryRepo.insertPositions(tx, batch.positions, receivedAtMs)
      await telemetryRepo.upsertLatest(tx, newestPerVehicle(batch.positions), receivedAtMs)
      const eventsStored = await telemetryRepo.insertEvents(tx, batch.events)
      await telemetryRepo.upsertLinkStatus(tx, lastStatusPerVehicle(batch.statuses))
      return { stored, eventsStored }
    })
}

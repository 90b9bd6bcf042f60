import type { Position, VehicleStatus } from '@rb/protocol'
import { telemetryRepo, type LatestRow, type Queryable } from '@rb/db'
import type { LiveStage } from '../ingest/pipeline.js'

export interface VehicleLatest {
  vehicleId: string
  position: Position | null
  online: boolean | null
  statusTs: number | null
}

/**
 * Newest position and link status per vehicle, in memory (restored from `vehicle_latest` at
 * start). Answers "where is every bus now" without touching the database.
 */
export class LatestState implements LiveStage {
  readonly name = 'latest-state'
  readonly #byVehicle = new Map<string, VehicleLatest>()
  /** Vehicles whose newest position is not yet in `vehicle_latest`. */
  #dirty = new Set<string>()
  /** Vehicles that have a `vehicle_latest` row. */
  readonly #known = new Set<string>()

  restore(rows: readonly LatestRow[]): void {
    for (const r of rows) {
      this.#byVehicle.set(r.vehicleId, { ...r })
      this.#known.add(r.vehicleId)
    }
  }

  /**
   * The newest position in `positions` of each vehicle that has no `vehicle_latest` row yet. The
   * batch writer stores these in the same transaction as the points, so every vehicle with stored
   * points has a row, and a restart finds its newest point from there (see loadLatest).
   */
  firstSeen(positions: readonly Position[]): Position[] {
    const out = new Map<string, Position>()
    for (const p of positions) {
      if (this.#known.has(p.vehicleId)) continue
      const cur = out.get(p.vehicleId)
      if (!cur || p.ts > cur.ts) out.set(p.vehicleId, p)
    }
    return [...out.values()]
  }

  markKnown(vehicleIds: Iterable<string>): void {
    for (const id of vehicleIds) this.#known.add(id)
  }

  onPositions(positions: readonly Position[]): void {
    for (const p of positions) {
      const cur = this.#byVehicle.get(p.vehicleId)
      if (!cur) this.#byVehicle.set(p.vehicleId, { vehicleId: p.vehicleId, position: p, online: null, statusTs: null })
      else if (!cur.position || p.ts > cur.position.ts) cur.position = p
      else continue
      this.#dirty.add(p.vehicleId)
    }
  }

  onStatus(vehicleId: string, status: VehicleStatus, ts: number): void {
    const cur = this.#byVehicle.get(vehicleId)
    const online = status === 'online'
    if (!cur) this.#byVehicle.set(vehicleId, { vehicleId, position: null, online, statusTs: ts })
    else if (cur.statusTs === null || ts >= cur.statusTs) {
      cur.online = online
      cur.statusTs = ts
    }
  }

  /**
   * Writes the newest positions that changed since the last call to `vehicle_latest` (the table the
   * state is restored from at start). Runs on a timer, off the acknowledgement path; a failed write
   * keeps them for the next call.
   */
  async persist(q: Queryable, nowMs: number): Promise<number> {
    if (this.#dirty.size === 0) return 0
    const ids = [...this.#dirty]
    this.#dirty = new Set()
    const positions = ids.map((id) => this.#byVehicle.get(id)?.position).filter((p): p is Position => p != null)
    try {
      await telemetryRepo.upsertLatest(q, positions, nowMs)
      this.markKnown(ids)
    } catch (err) {
      for (const id of ids) this.#dirty.add(id)
      throw err
    }
    return positions.length
  }

  get(vehicleId: string): VehicleLatest | undefined {
    return this.#byVehicle.get(vehicleId)
  }

  /** Vehicles that have a position, by vehicle id. */
  positions(): VehicleLatest[] {
    return [...this.#byVehicle.values()]
      .filter((v) => v.position !== null)
      .sort((a, b) => (a.vehicleId < b.vehicleId ? -1 : 1))
  }
}

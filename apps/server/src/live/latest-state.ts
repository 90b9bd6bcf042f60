import type { Position, VehicleStatus } from '@rb/protocol'
import type { LatestRow } from '@rb/db'
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

  restore(rows: readonly LatestRow[]): void {
    for (const r of rows) this.#byVehicle.set(r.vehicleId, { ...r })
  }

  onPositions(positions: readonly Position[]): void {
    for (const p of positions) {
      const cur = this.#byVehicle.get(p.vehicleId)
      if (!cur) this.#byVehicle.set(p.vehicleId, { vehicleId: p.vehicleId, position: p, online: null, statusTs: null })
      else if (!cur.position || p.ts > cur.position.ts) cur.position = p
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

  get(vehicleId: string): VehicleLatest | undefined {
    return this.#byVehicle.get(vehicleId)
  }

  /** Vehicles that have a position, by vehicle id. */
  positions(): VehicleLatest[] {
    return [...this.#byVehicle.values()].filter((v) => v.position !== null).sort((a, b) => (a.vehicleId < b.vehicleId ? -1 : 1))
  }
}

/**
 * Who drives a vehicle: the fact reported from the bus (IC card in a JT/T 808 terminal, the driver
 * page's "I am driving", a device's `driver` event) against the plan (the roster's driver of the
 * trip). The fact wins where shown; when fact and plan differ on a trip, the dispatcher is told.
 * Pure.
 */
import { clearedAlert, makeAlert } from './alert-life.js'
import type { DriverSource, LiveAlert } from './views.js'

/** A driver reported on board, or off. */
export interface DriverReport {
  /** Epoch ms. */
  ts: number
  /** Unified driver number when the report could be resolved to a known driver. */
  driverId: string | null
  /** As read from the card (kept when the certificate is unknown). */
  name: string | null
  /** Qualification certificate number (从业资格证号). */
  cert: string | null
  source: Exclude<DriverSource, 'roster'>
  action: 'on' | 'off'
}

export interface OnBoard {
  ts: number
  driverId: string | null
  name: string | null
  cert: string | null
  source: Exclude<DriverSource, 'roster'>
}

export interface ShownDriver {
  driverCode: string | null
  driverSource: DriverSource | null
}

/** The driver to show: the one on board when known, else the rostered one. */
export function shownDriver(onBoard: OnBoard | null, rostered: string | null): ShownDriver {
  if (onBoard) return { driverCode: onBoard.driverId, driverSource: onBoard.source }
  return { driverCode: rostered, driverSource: rostered ? 'roster' : null }
}

/** One vehicle's crew: who is on board, and the open mismatch alert if the plan says otherwise. */
export class VehicleCrew {
  onBoard: OnBoard | null = null
  #mismatch: LiveAlert | null = null
  readonly #vehicleId: string

  constructor(vehicleId: string) {
    this.#vehicleId = vehicleId
  }

  /** Takes a report; a report older than the one held is ignored (a replay after restart). */
  report(r: DriverReport): boolean {
    if (this.onBoard && r.ts < this.onBoard.ts) return false
    if (r.action === 'off') {
      // A card pulled out of another driver's session does not sign off the one on board.
      if (this.onBoard && r.driverId && this.onBoard.driverId && r.driverId !== this.onBoard.driverId) return false
      this.onBoard = null
      return true
    }
    this.onBoard = { ts: r.ts, driverId: r.driverId, name: r.name, cert: r.cert, source: r.source }
    return true
  }

  /**
   * Compares fact and plan for the trip the vehicle runs now; returns alerts raised or cleared.
   * No trip, no plan or nobody reported on board: nothing to compare (an open mismatch clears).
   */
  check(ts: number, tripInstanceId: string | null, rostered: string | null): LiveAlert[] {
    const ob = this.onBoard
    const differs = tripInstanceId !== null && rostered !== null && ob !== null && ob.driverId !== rostered
    const open = this.#mismatch
    if (
      open &&
      (!differs || open.tripInstanceId !== tripInstanceId || open.data.onBoard !== (ob?.driverId ?? ob?.cert ?? null))
    ) {
      this.#mismatch = null
      const cleared = [clearedAlert(open, ts)]
      return differs ? [...cleared, this.#raise(ts, tripInstanceId, rostered, ob)] : cleared
    }
    if (!open && differs) return [this.#raise(ts, tripInstanceId, rostered, ob)]
    return []
  }

  #raise(ts: number, tripInstanceId: string, rostered: string, ob: OnBoard): LiveAlert {
    const who =
      ob.driverId ??
      (ob.name
        ? `${ob.name} (certificate ${ob.cert ?? '?'}, not on file)`
        : `an unknown card (${ob.cert ?? 'no certificate'})`)
    const alert = makeAlert(
      'driver_mismatch',
      'warning',
      ts,
      this.#vehicleId,
      tripInstanceId,
      null,
      `driver on board is ${who}; the roster has ${rostered}`,
      {
        onBoard: ob.driverId ?? ob.cert ?? null,
        onBoardName: ob.name,
        rostered,
        source: ob.source,
      },
    )
    this.#mismatch = alert
    return alert
  }
}

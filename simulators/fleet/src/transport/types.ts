/** What the runner needs from a device protocol: one link per vehicle, counted. */
import type { Fix, SimDriver, SimVehicle } from '../model/types.js'

export interface VehicleLink {
  readonly vehicleId: string
  /** Connects and announces the device; resolves once it is online (or rejects). */
  open(): Promise<void>
  /**
   * One live fix (sent twice when `duplicate`). `onAck` runs once, when the broker or platform
   * acknowledges the fix (true) or refuses it (false); never for the duplicate copy.
   */
  send(fix: Fix, duplicate: boolean, onAck?: (ok: boolean) => void): void
  /** Points kept while out of coverage, uploaded together (store-and-forward). */
  sendBatch(fixes: readonly Fix[]): void
  /** A driver took the wheel at `ts`: the bus says who, as its protocol does (sent once the link is up). */
  announceDriver(driver: SimDriver, ts: number): void
  /** Coverage lost or device off: the connection drops without a goodbye. */
  linkDown(): void
  /** Coverage back: reconnect and announce; queued messages follow. */
  linkUp(): void
  /** Messages handed over and not acknowledged yet. */
  backlog(): number
  /** Resolves true once everything sent so far is acknowledged, false at the timeout. */
  drain(timeoutMs: number): Promise<boolean>
  /** Announces the device offline and disconnects cleanly. */
  close(): Promise<void>
}

export interface TransportCounters {
  /** Data messages written: positions and batches, duplicates and resends included. */
  messages: number
  /** Data messages the broker or platform acknowledged. */
  acked: number
  /** Other messages written: status, register, auth, heartbeats, replies. */
  control: number
  /** Connections re-established after the first one (coverage, reboots, network errors). */
  reconnects: number
  /** Connection or protocol errors. */
  errors: number
  /** Links online now. */
  connected: number
  /** Last error text, for the status line. */
  lastError: string | null
}

export interface Transport {
  readonly name: 'mqtt' | 'jt808'
  link(vehicle: SimVehicle): VehicleLink
  counters(): TransportCounters
}

export const newCounters = (): TransportCounters => ({
  messages: 0,
  acked: 0,
  control: 0,
  reconnects: 0,
  errors: 0,
  connected: 0,
  lastError: null,
})

/** Runs `fn` over `items` with at most `limit` in flight (connecting thousands of devices at once floods the broker). */
export async function withLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const results = new Array<PromiseSettledResult<void>>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      try {
        await fn(items[i] as T)
        results[i] = { status: 'fulfilled', value: undefined }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/**
 * Geofences on the live branch: every accepted fix goes through the domain's GeofenceWatch; its
 * enter, exit and dwell events are stored as vehicle events (geofence_enter, …) and its alerts (a
 * bus leaving a fence it must keep to, speeding inside a zone) as alerts of type `geofence`, pushed
 * to dispatchers once stored. Writes are queued and retried; the map never waits for them.
 */
import {
  GeofenceWatch,
  OPEN,
  type FenceAlert,
  type FenceEvent,
  type Geofence,
  type LiveAlert,
  type ServiceKind,
} from '@rb/domain'
import { geofencesRepo, telemetryRepo, trackingRepo, type Db } from '@rb/db'
import type { Position } from '@rb/protocol'
import type { LiveStage } from '../ingest/pipeline.js'

export interface GeofenceStageDeps {
  db: Db
  /** The service kind of the route a vehicle runs now (from the tracking engine), if any. */
  kindOf(vehicleId: string): ServiceKind | null
  publishAlerts(alerts: LiveAlert[]): void
  log: { warn(obj: object, msg: string): void }
}

const alertId = (a: Pick<FenceAlert, 'vehicleId' | 'fenceId' | 'rule'>, since: number): string =>
  `geofence:${a.rule}:${a.fenceId}:${a.vehicleId}:${since}`

export class GeofenceStage implements LiveStage {
  readonly name = 'geofences'
  readonly watch = new GeofenceWatch()
  readonly #deps: GeofenceStageDeps
  #events: FenceEvent[] = []
  #alerts: LiveAlert[] = []
  /** Open alerts by rule, fence and vehicle: the id and when it was raised (a clearing reuses them). */
  readonly #open = new Map<string, LiveAlert>()
  #writing: Promise<void> | undefined
  #names = new Map<string, string>()

  constructor(deps: GeofenceStageDeps) {
    this.#deps = deps
  }

  /** Reads the fences again (after a change). */
  async reload(): Promise<void> {
    const fences = await geofencesRepo.listGeofences(this.#deps.db)
    this.setFences(fences)
  }

  setFences(fences: readonly Geofence[]): void {
    this.watch.setFences(fences)
    this.#names = new Map(fences.map((f) => [f.id, f.name]))
  }

  onPositions(positions: readonly Position[]): void {
    if (this.watch.fences.length === 0) return
    for (const p of positions) {
      const out = this.watch.step({
        vehicleId: p.vehicleId,
        ts: p.ts,
        point: [p.lng, p.lat],
        speedKmh: p.speedKmh,
        kind: this.#deps.kindOf(p.vehicleId),
      })
      this.#events.push(...out.events)
      for (const a of out.alerts) this.#alerts.push(this.#alert(a))
    }
    if (this.#events.length || this.#alerts.length) void this.flush()
  }

  #alert(a: FenceAlert): LiveAlert {
    const key = `${a.rule}:${a.fenceId}:${a.vehicleId}`
    const name = this.#names.get(a.fenceId) ?? a.fenceId
    const open = this.#open.get(key)
    if (a.cleared && open) {
      this.#open.delete(key)
      return { ...open, state: 'cleared', clearedTs: a.ts }
    }
    const message =
      a.rule === 'speeding'
        ? `${a.vehicleId} at ${Math.round(a.speedKmh ?? 0)} km/h in ${name} (limit ${a.limitKmh} km/h)`
        : `${a.vehicleId} left ${name}`
    const alert: LiveAlert = {
      id: alertId(a, a.ts),
      type: 'geofence',
      severity: 'warning',
      state: a.cleared ? 'cleared' : 'active',
      ts: a.ts,
      clearedTs: a.cleared ? a.ts : null,
      vehicleId: a.vehicleId,
      tripInstanceId: null,
      stopCode: null,
      message,
      data: {
        rule: a.rule,
        fenceId: a.fenceId,
        fence: name,
        ...(a.speedKmh !== undefined ? { speedKmh: a.speedKmh, limitKmh: a.limitKmh } : {}),
      },
      ...OPEN,
    }
    if (!a.cleared) this.#open.set(key, alert)
    return alert
  }

  /** Writes what is queued (events, then alerts, in one transaction); retried on failure. */
  flush(): Promise<void> {
    this.#writing ??= this.#write().finally(() => {
      this.#writing = undefined
      if (this.#events.length || this.#alerts.length) setTimeout(() => void this.flush(), 1000).unref()
    })
    return this.#writing
  }

  async #write(): Promise<void> {
    const events = this.#events.splice(0)
    const alerts = this.#alerts.splice(0)
    // An alert raised and cleared between two writes is queued twice under one id: write its last
    // state only (one statement may not change the same row twice).
    const latest = [...new Map(alerts.map((a) => [a.id, a])).values()]
    try {
      const stored = await this.#deps.db.transaction(async (tx) => {
        await telemetryRepo.insertEvents(
          tx,
          events.map((e) => ({
            vehicleId: e.vehicleId,
            ts: e.ts,
            type: `geofence_${e.type}`,
            tripInstanceId: null,
            stopCode: null,
            data: { fenceId: e.fenceId, fence: this.#names.get(e.fenceId) ?? e.fenceId },
          })),
        )
        return trackingRepo.upsertAlerts(tx, latest)
      })
      if (stored.length) this.#deps.publishAlerts(stored)
    } catch (err) {
      this.#events.unshift(...events)
      this.#alerts.unshift(...alerts)
      this.#deps.log.warn(
        { err: (err as Error).message, pending: this.#events.length + this.#alerts.length },
        'geofences: could not store events; will retry',
      )
    }
  }
}

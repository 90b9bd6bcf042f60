/**
 * The alert rules of one vehicle, with hysteresis where a condition can hover at its threshold:
 * off route (distance held for a duration), overspeed (route limit + tolerance held for a
 * duration), early departure from a stop, offline / back online, driver alarm. Each alert is
 * stored as a vehicle event too. Pure; instants come from the fixes or the caller.
 */
import type { AlertConfig } from './config.js'
import type { EngineEventType } from './engine-types.js'
import { idleHold, stepHold, type Hold } from './hysteresis.js'
import type { StopVisitEvent, TrackerFix, TrackerState } from './types.js'
import type { LiveAlert } from './views.js'
import { OPEN, clearedAlert } from './alert-life.js'

export interface AlertSink {
  event(
    ts: number,
    type: EngineEventType,
    tripInstanceId: string | null,
    stopCode: string | null,
    data: Record<string, unknown>,
  ): void
  /** The vehicle's state view changed. */
  changed(): void
}

export class VehicleAlerts {
  readonly #vehicleId: string
  readonly #cfg: AlertConfig
  readonly #sink: AlertSink
  readonly #offRoute: Hold = idleHold()
  readonly #overspeed: Hold = idleHold()
  #offRouteAlert: LiveAlert | null = null
  #overspeedAlert: LiveAlert | null = null
  #offlineAlert: LiveAlert | null = null
  #maxSpeedKmh = 0
  #maxOffsetM = 0
  #out: LiveAlert[] = []

  /** The tracker's off-route distance, metres. */
  readonly #offRouteM: number

  constructor(vehicleId: string, cfg: AlertConfig, offRouteM: number, sink: AlertSink) {
    this.#vehicleId = vehicleId
    this.#cfg = cfg
    this.#offRouteM = offRouteM
    this.#sink = sink
  }

  isOffRoute(): boolean {
    return this.#offRoute.active
  }

  onFix(fix: TrackerFix, st: Readonly<TrackerState> | null, instanceId: string | null, limitKmh: number): void {
    const c = this.#cfg
    if (st && st.offsetM !== null) {
      const offset = st.offsetM
      if (st.offRoute) this.#maxOffsetM = Math.max(this.#maxOffsetM, offset)
      // Cleared only well inside the limit, so a bus driving along it does not flap.
      const change = stepHold(
        this.#offRoute,
        fix.ts,
        st.offRoute,
        offset <= 0.8 * this.#offRouteM,
        c.offRouteMinS * 1000,
        c.offRouteClearS * 1000,
      )
      if (change?.kind === 'raise') {
        const limitM = this.#offRouteM
        this.#offRouteAlert = this.#raise(
          'off_route',
          'warning',
          change.ts,
          instanceId,
          null,
          `off route: ${Math.round(offset)} m from the line for ${c.offRouteMinS} s or more`,
          { offsetM: Math.round(offset), limitM, lng: fix.lng, lat: fix.lat },
        )
        this.#sink.event(change.ts, 'off_route', instanceId, null, {
          offsetM: Math.round(offset),
          lng: fix.lng,
          lat: fix.lat,
        })
      } else if (change?.kind === 'clear') this.#clearOffRoute(change.ts, instanceId)
    }

    const over = fix.speedKmh > limitKmh + c.overspeedToleranceKmh
    if (over || this.#overspeed.active) this.#maxSpeedKmh = Math.max(this.#maxSpeedKmh, fix.speedKmh)
    const change = stepHold(
      this.#overspeed,
      fix.ts,
      over,
      fix.speedKmh <= limitKmh,
      c.overspeedMinS * 1000,
      c.overspeedClearS * 1000,
    )
    if (change?.kind === 'raise') {
      this.#overspeedAlert = this.#raise(
        'overspeed',
        'warning',
        change.ts,
        instanceId,
        null,
        `overspeed: ${Math.round(fix.speedKmh)} km/h where the limit is ${limitKmh} km/h`,
        { speedKmh: Math.round(fix.speedKmh), limitKmh, lng: fix.lng, lat: fix.lat },
      )
      this.#sink.event(change.ts, 'overspeed', instanceId, null, { speedKmh: Math.round(fix.speedKmh), limitKmh })
    } else if (change?.kind === 'clear') {
      this.#sink.event(change.ts, 'overspeed_end', instanceId, null, { maxSpeedKmh: Math.round(this.#maxSpeedKmh) })
      this.#overspeedAlert = this.#clear(this.#overspeedAlert, change.ts, {
        maxSpeedKmh: Math.round(this.#maxSpeedKmh),
      })
      this.#maxSpeedKmh = 0
    }
  }

  /** A departure from a stop before its scheduled time leaves behind a villager who came on time. */
  departure(e: StopVisitEvent, instanceId: string, scheduledTs: number): void {
    const earlyS = Math.round((scheduledTs - e.ts) / 1000)
    if (earlyS < this.#cfg.earlyDepartureS) return
    const how = e.passedWithoutStopping ? 'passed' : 'left'
    this.#raise(
      'early_departure',
      'warning',
      e.ts,
      instanceId,
      e.stopCode,
      `${how} stop ${e.stopCode} ${Math.round(earlyS / 60)} min ${earlyS % 60} s before the scheduled time`,
      {
        earlyS,
        scheduledTs,
        seq: e.seq,
        passedWithoutStopping: e.passedWithoutStopping,
      },
    )
    this.#sink.event(e.ts, 'early_departure', instanceId, e.stopCode, { earlyS, scheduledTs, seq: e.seq })
  }

  offline(ts: number, instanceId: string | null, reason: string): void {
    if (this.#offlineAlert?.state === 'active') return
    this.#offlineAlert = this.#raise('offline', 'critical', ts, instanceId, null, `offline: ${reason}`, { reason })
    this.#sink.event(ts, 'offline', instanceId, null, { reason })
  }

  online(ts: number): void {
    const a = this.#offlineAlert
    if (!a || a.state !== 'active') return
    this.#sink.event(ts, 'online', a.tripInstanceId, null, { offlineS: Math.max(0, Math.round((ts - a.ts) / 1000)) })
    this.#offlineAlert = this.#clear(a, ts, {})
  }

  alarm(ts: number, instanceId: string | null, alarm: string, data: Record<string, unknown>): void {
    this.#raise('driver_alarm', 'critical', ts, instanceId, null, `driver alarm: ${alarm}`, { alarm, ...data })
  }

  /** A trip ended: its route-bound alerts end with it. */
  tripEnded(ts: number): void {
    if (this.#offRoute.active) this.#clearOffRoute(ts, this.#offRouteAlert?.tripInstanceId ?? null)
    Object.assign(this.#offRoute, idleHold())
  }

  drain(): LiveAlert[] {
    const out = this.#out
    this.#out = []
    return out
  }

  #clearOffRoute(ts: number, instanceId: string | null): void {
    Object.assign(this.#offRoute, idleHold())
    this.#sink.event(ts, 'back_on_route', instanceId, null, { maxOffsetM: Math.round(this.#maxOffsetM) })
    this.#offRouteAlert = this.#clear(this.#offRouteAlert, ts, { maxOffsetM: Math.round(this.#maxOffsetM) })
    this.#maxOffsetM = 0
  }

  #raise(
    type: LiveAlert['type'],
    severity: LiveAlert['severity'],
    ts: number,
    instanceId: string | null,
    stopCode: string | null,
    message: string,
    data: Record<string, unknown>,
  ): LiveAlert {
    const at = Math.round(ts)
    const alert: LiveAlert = {
      id: `${type}:${this.#vehicleId}:${at}`,
      type,
      severity,
      state: 'active',
      ts: at,
      clearedTs: null,
      vehicleId: this.#vehicleId,
      tripInstanceId: instanceId,
      stopCode,
      message,
      data,
      ...OPEN,
    }
    this.#out.push(alert)
    this.#sink.changed()
    return alert
  }

  #clear(a: LiveAlert | null, ts: number, data: Record<string, unknown>): LiveAlert | null {
    if (!a) return null
    const cleared = clearedAlert(a, ts, data)
    this.#out.push(cleared)
    this.#sink.changed()
    return cleared
  }
}

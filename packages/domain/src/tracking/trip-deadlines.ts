/**
 * The two deadlines of a trip: a bus that has not left its first stop `lateStartS` after the
 * departure is late to start (an alert that clears when it leaves or its run ends), and a trip no
 * bus took by departure + `missedGraceS` is missed (one alert, raised only while it is news; a bus
 * that turns up later takes the trip back). Pure: instants are parameters, alerts and events go to
 * the sink.
 */
import { nearbyProjections } from '@rb/geo'
import type { InstanceStop } from '../network/timetable.js'
import { clearedAlert, makeAlert } from './alert-life.js'
import type { EngineConfig } from './config.js'
import type { EngineEventType, EngineInstance } from './engine-types.js'
import type { InstanceProgress, Run } from './run.js'
import type { NetworkIndex } from './trip-choice.js'
import type { Slot } from './vehicle-slot.js'
import type { LiveAlert } from './views.js'

export interface DeadlineSink {
  alert(a: LiveAlert): void
  event(
    vehicleId: string,
    ts: number,
    type: EngineEventType,
    tripInstanceId: string,
    stopCode: string | null,
    data: Record<string, unknown>,
  ): void
  instanceChanged(id: string): void
}

export class TripDeadlines {
  readonly #config: EngineConfig
  readonly #sink: DeadlineSink
  /** Instances classified missed (no vehicle by departure + grace), with their alert when one was raised. */
  #missed = new Map<string, LiveAlert | null>()
  #lateStarts = new Map<string, LiveAlert>()
  /** Deadlines before this instant passed while the engine saw nothing (before its first start): no missed alert. */
  #watchingSince = 0

  constructor(config: EngineConfig, sink: DeadlineSink) {
    this.#config = config
    this.#sink = sink
  }

  watchFrom(ts: number): void {
    this.#watchingSince = ts
  }

  /** A new network: a missed trip now cancelled or gone is no longer missed (its alert clears). */
  networkChanged(index: NetworkIndex): void {
    for (const [id, alert] of this.#missed) {
      const inst = index.instances.get(id)
      if (inst && inst.status !== 'cancelled') continue
      this.#missed.delete(id)
      if (alert?.state === 'active')
        this.#sink.alert(clearedAlert(alert, alert.ts, { reason: inst ? 'cancelled' : 'removed' }))
    }
  }

  /** A bus took the trip: missed no more (its alert clears, naming the bus). */
  taken(instanceId: string, vehicleId: string, ts: number): void {
    const missed = this.#missed.get(instanceId)
    if (missed?.state === 'active') this.#sink.alert(clearedAlert(missed, ts, { ranBy: vehicleId }))
    this.#missed.delete(instanceId)
  }

  isMissed(instanceId: string): boolean {
    return this.#missed.has(instanceId)
  }

  activeLateStart(instanceId: string): boolean {
    const a = this.#lateStarts.get(instanceId)
    return a !== undefined && a.state === 'active'
  }

  /** A bus at (or not yet at) its first stop, past departure + `lateStartS`: late to start. */
  lateStartRule(slot: Slot, run: Run, progress: InstanceProgress | undefined, now: number): void {
    const inst = run.instance
    const a = this.#config.alerts
    const deadline = inst.departureTs + a.lateStartS * 1000
    // Judged on what the bus says now: fixes from before the deadline (a backlog arriving late) prove nothing.
    if (now < deadline || this.#lateStarts.has(inst.id) || !slot.online || (slot.lastFix?.ts ?? 0) < deadline) return
    if (!progress || progress.departedTs || progress.endedTs || progress.completedTs) return
    // Moving off already (not yet past the stop zone's far edge): it has left, not late to start.
    if ((slot.lastFix?.speedKmh ?? 0) >= this.#config.match.minSpeedKmh) return
    const first = inst.stops[0] as InstanceStop
    const alert = makeAlert(
      'late_start',
      'warning',
      Math.max(deadline, run.startedTs),
      slot.vehicleId,
      inst.id,
      first.stopCode,
      `has not left the first stop ${a.lateStartS / 60} min after the scheduled departure`,
      {
        scheduledTs: inst.departureTs,
      },
    )
    this.#lateStarts.set(inst.id, alert)
    this.#sink.alert(alert)
    this.#sink.event(slot.vehicleId, alert.ts, 'late_start', inst.id, alert.stopCode, { scheduledTs: inst.departureTs })
    this.#sink.instanceChanged(inst.id)
  }

  clearLateStart(instanceId: string, ts: number): void {
    const a = this.#lateStarts.get(instanceId)
    if (!a || a.state !== 'active') return
    const cleared = clearedAlert(a, ts)
    this.#lateStarts.set(instanceId, cleared)
    this.#sink.alert(cleared)
  }

  /** No vehicle on a trip by departure + grace: missed ("trip not run"), one alert, only while it is news. */
  missedRule(
    index: NetworkIndex,
    slots: Iterable<Slot>,
    progress: ReadonlyMap<string, InstanceProgress>,
    now: number,
  ): void {
    const graceMs = this.#config.missedGraceS * 1000
    for (const inst of index.net.instances) {
      if (inst.status === 'cancelled' || this.#missed.has(inst.id) || progress.has(inst.id)) continue
      const deadline = inst.departureTs + graceMs
      if (now < deadline) continue
      // A bus standing at the first stop may still take it (late, or a stand-in nobody rostered): not missed yet.
      if (busWaitingAt(index, slots, inst, now, this.#config)) continue
      let alert: LiveAlert | null = null
      if (now - deadline <= this.#config.missedAlertMaxAgeS * 1000 && deadline >= this.#watchingSince) {
        const who = inst.vehicleId
          ? `rostered ${inst.vehicleId}${inst.driverId ? ` / ${inst.driverId}` : ''} not seen on it`
          : 'no vehicle rostered'
        alert = makeAlert(
          'trip_missed',
          'warning',
          deadline,
          inst.vehicleId,
          inst.id,
          (inst.stops[0] as InstanceStop).stopCode,
          `trip not run: no vehicle on it ${Math.round(graceMs / 60_000)} min after departure (${who})`,
          {
            scheduledTs: inst.departureTs,
            vehicleId: inst.vehicleId,
            driverId: inst.driverId,
          },
        )
        // One alert per trip: its id names the trip, not the vehicle.
        alert = { ...alert, id: `trip_missed:${inst.id}:${Math.round(deadline)}` }
        this.#sink.alert(alert)
      }
      this.#missed.set(inst.id, alert)
      this.#sink.instanceChanged(inst.id)
    }
  }
}

/** An online bus on no trip, standing at the instance's first stop now. */
function busWaitingAt(
  index: NetworkIndex,
  slots: Iterable<Slot>,
  inst: EngineInstance,
  now: number,
  config: EngineConfig,
): boolean {
  const g = index.geometryOf(inst)
  const first = inst.stops[0]
  if (!g || !first) return false
  const zone = config.tracker.stopZoneLateralM
  for (const slot of slots) {
    const f = slot.lastFix
    if (
      slot.run ||
      !slot.online ||
      !f ||
      now - f.ts > config.alerts.offlineAfterS * 1000 ||
      f.speedKmh >= config.match.minSpeedKmh
    )
      continue
    const near = nearbyProjections(g.coords, g.cumM, [f.lng, f.lat], zone)
    if (near.some((pr) => Math.abs(pr.alongM - first.distM) <= config.tracker.stopZoneM)) return true
  }
  return false
}

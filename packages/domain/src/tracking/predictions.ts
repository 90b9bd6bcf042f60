/**
 * What the engine knows for its predictions, and the ETA it gives from it: the leg history (the
 * continuous aggregate), the start history (when a route's and a driver's buses leave their first
 * stop), and what today's buses taught it in memory — how they drive the timetable where there is
 * no history, and how often they drive through a stop. Pure.
 */
import type { EngineConfig } from './config.js'
import type { EngineInstance, SegmentObservation } from './engine-types.js'
import {
  expectedStartDelayS,
  noSegmentStats,
  noStartStats,
  predictArrivals,
  timetableEdgeLegS,
  type SegmentStats,
  type StartStats,
  type StopEta,
} from './eta.js'
import { TimetablePace } from './pace.js'
import type { TrackerState } from './types.js'

export class EtaModel {
  readonly #config: EngineConfig
  #stats: SegmentStats = noSegmentStats
  #startStats: StartStats = noStartStats
  /** How today's buses drive the timetable where there is no history (learned as they drive; in memory). */
  #timetablePace = new TimetablePace()

  constructor(config: EngineConfig) {
    this.#config = config
  }

  setSegmentStats(stats: SegmentStats): void {
    this.#stats = stats
  }

  setStartStats(stats: StartStats): void {
    this.#startStats = stats
  }

  /** A leg driven: where it has no history, how it compares with the timetable feeds today's timetable pace. */
  legDriven(inst: EngineInstance, leg: SegmentObservation): void {
    const known = this.#stats(inst.routeId, inst.direction, leg.fromSeq)
    if (known && known.n >= 3) return
    const i = inst.stops.findIndex((s) => s.seq === leg.fromSeq)
    if (i < 0 || i + 1 >= inst.stops.length) return
    const expS = timetableEdgeLegS(
      inst.stops,
      i,
      known?.dwellS ?? this.#config.defaultDwellS,
      this.#config.tracker.stopZoneM,
    )
    this.#timetablePace.add(`${inst.routeId}|${inst.direction}`, roadKey(inst, i), leg.travelS, expS)
  }

  /** An intermediate stop left, served or driven through. */
  stopLeft(stopCode: string, passedWithoutStopping: boolean): void {
    this.#timetablePace.addStop(passedWithoutStopping, stopCode)
  }

  /** When a bus of this route with this driver leaves its first stop, seconds after the scheduled departure. */
  startDelayS(inst: Pick<EngineInstance, 'routeId' | 'direction'>, driverId: string | null): number {
    return expectedStartDelayS(this.#startStats, inst.routeId, inst.direction, driverId)
  }

  /** How today's buses drove the road of the leg from `fromSeq` against this instance's timetable (a factor). */
  #legFactor(inst: EngineInstance, fromSeq: number): number {
    const routeKey = `${inst.routeId}|${inst.direction}`
    const i = inst.stops.findIndex((s) => s.seq === fromSeq)
    if (i < 0 || i + 1 >= inst.stops.length) return this.#timetablePace.prior(routeKey)
    const known = this.#stats(inst.routeId, inst.direction, fromSeq)
    const expS = timetableEdgeLegS(
      inst.stops,
      i,
      known?.dwellS ?? this.#config.defaultDwellS,
      this.#config.tracker.stopZoneM,
    )
    return this.#timetablePace.legFactor(routeKey, roadKey(inst, i), expS)
  }

  /** Predicted arrivals at the stops ahead of a bus on `inst`, none earlier than `now`. */
  etas(inst: EngineInstance, state: Readonly<TrackerState>, now: number, driverId: string | null): StopEta[] {
    const { defaultDwellS, holdAtStops } = this.#config
    return predictArrivals({
      instance: inst,
      state,
      stats: this.#stats,
      now,
      defaultDwellS,
      holdAtStops,
      startDelayS: this.startDelayS(inst, driverId),
      stopZoneM: this.#config.tracker.stopZoneM,
      timetableLegPace: (fromSeq: number) => this.#legFactor(inst, fromSeq),
      timetableHalfS: this.#timetablePace.ownHalfS(),
      passSharePrior: this.#timetablePace.passShare(),
      stopPassShare: (code: string) => this.#timetablePace.passShareAt(code),
    })
  }
}

/** The road of the leg from stops[i] to the next: the two stops it joins (the same on any route). */
function roadKey(inst: Pick<EngineInstance, 'stops'>, i: number): string {
  return `${inst.stops[i]?.stopCode ?? '?'}>${inst.stops[i + 1]?.stopCode ?? '?'}`
}

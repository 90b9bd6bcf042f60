/**
 * The bus's own pace on this trip, against what the ETA expects (the history of each leg, or the
 * timetable when there is none): the legs and stops it has already driven say whether this driver,
 * today, is slower or faster. The ETA blends it in, more as more of the trip has been seen, so a
 * cold start on a slack timetable and a slow driver both converge within a few stops. Pure.
 */
import type { InstanceStop } from '../network/timetable.js'
import type { StopVisit } from './types.js'

export interface PaceInput {
  /** The trip's stops in order. */
  stops: readonly InstanceStop[]
  visits: readonly StopVisit[]
  progressM: number | null
  lastTs: number | null
  /** Expected travel time of the leg from stops[i] to stops[i+1], seconds. */
  expectedLegS: (i: number) => number
  /** Expected dwell at stops[i], seconds. */
  expectedDwellS: (i: number) => number
  /** Whether the leg from stops[i] has history (else the timetable stands in). */
  hasHistory: (i: number) => boolean
  /** How today's buses drive the timetable where there is no history (factor): where this trip's own pace starts from. Default 1. */
  timetablePrior?: number
  /** Seconds of legs without history before the own pace counts half against them (default TIMETABLE_HALF_S). */
  timetableHalfS?: number
}

/**
 * Expected seconds seen before the bus's own pace counts half: legs with history (each leg's
 * history is what buses do there, so what is left is the driver — today's, on this bus — and a
 * driver slower or faster keeps it through the trip: five minutes of legs count half), legs with
 * only the timetable as written (a plan, often slack or tight for every bus: the pace counts fast;
 * once today's buses have taught the legs, slowly — see TimetablePace.ownHalfS), dwells.
 */
const HISTORY_HALF_S = 300
const TIMETABLE_HALF_S = 30
const DWELL_HALF_S = 60
/** One leg or stop may say at most this much slower or faster (a breakdown is not a pace). */
const LEG_RATIO = { min: 0.5, max: 2 }
const DWELL_RATIO = { min: 0.25, max: 4 }
/** A bus leaving a stop within this of its scheduled time may have been holding there: its dwell says nothing. */
export const HOLD_MS = 20_000

export interface Pace {
  /** Factor on the expected travel time of the legs ahead that have history (1 = as expected). */
  history: number
  /** Factor on the timetable's travel time of the legs ahead without history. */
  timetable: number
  /** Factor on the expected dwell at the stops ahead. */
  dwell: number
}

export const NEUTRAL_PACE: Readonly<Pace> = Object.freeze({ history: 1, timetable: 1, dwell: 1 })

/**
 * The bus's pace on this trip against the expectation. A leg is timed from leaving a stop to
 * arriving at the next (edge to edge of their zones, as the history times it: `expectedLegS` must
 * be on the same footing); the leg being driven counts for the part of it covered. A dwell counts
 * unless the bus left at its scheduled time (it may have been holding: a wait for the timetable is
 * not its pace).
 */
export function tripPace(p: PaceInput): Pace {
  const index = new Map(p.stops.map((s, i) => [s.seq, i]))
  const history = { obs: 0, exp: 0 }
  const timetable = { obs: 0, exp: 0 }
  const travel = (i: number) => (p.hasHistory(i) ? history : timetable)
  const dwell = { obs: 0, exp: 0 }
  const add = (
    acc: { obs: number; exp: number },
    obsS: number,
    expS: number,
    r: { min: number; max: number },
  ): void => {
    if (!(expS > 0)) return
    acc.obs += Math.min(expS * r.max, Math.max(expS * r.min, obsS))
    acc.exp += expS
  }
  for (let j = 0; j < p.visits.length; j++) {
    const v = p.visits[j] as StopVisit
    const i = index.get(v.seq)
    if (i === undefined || v.departureTs === null) continue
    if (i > 0 && i < p.stops.length - 1 && v.departureTs > v.scheduledTs + HOLD_MS)
      add(dwell, (v.departureTs - v.arrivalTs) / 1000, p.expectedDwellS(i), DWELL_RATIO)
    const next = p.visits[j + 1]
    if (next && index.get(next.seq) === i + 1) {
      add(travel(i), (next.arrivalTs - v.departureTs) / 1000, p.expectedLegS(i), LEG_RATIO)
      continue
    }
    // The leg being driven now: the part of it covered, against the same part expected.
    if (!next && p.progressM !== null && p.lastTs !== null && i + 1 < p.stops.length) {
      const a = p.stops[i] as InstanceStop
      const b = p.stops[i + 1] as InstanceStop
      const span = b.distM - a.distM
      const covered = span <= 0 ? 0 : Math.min(1, Math.max(0, (p.progressM - a.distM) / span))
      const expS = covered * p.expectedLegS(i)
      if (expS >= 30) add(travel(i), (p.lastTs - v.departureTs) / 1000, expS, LEG_RATIO)
    }
  }
  return {
    history: blend(history, HISTORY_HALF_S),
    timetable: blend(timetable, p.timetableHalfS ?? TIMETABLE_HALF_S, p.timetablePrior ?? 1),
    dwell: blend(dwell, DWELL_HALF_S),
  }
}

/** The observed ratio, weighted by how much was seen: none → the prior, `halfS` of it → half way. */
export function blend(a: { obs: number; exp: number }, halfS: number, prior = 1): number {
  if (a.exp <= 0) return prior
  const w = a.exp / (a.exp + halfS)
  return prior + w * (a.obs / a.exp - prior)
}

/**
 * How today's buses drive the timetable's legs that have no history, per leg, per route (and
 * direction) and over the network: a slack or tight timetable is so for every bus, and its slack
 * differs leg by leg (a flat speed on paper, winding roads and straight ones on the ground). A
 * leg ahead is expected as today's buses drove it (the leg's own factor, the more it has seen,
 * else the route's, else the network's) instead of as the timetable writes it.
 */
export class TimetablePace {
  #sums = new Map<string, { obs: number; exp: number }>()
  #stops = { passed: 0, judged: 0 }
  #byStop = new Map<string, { passed: number; judged: number }>()
  /** Legs driven today by the road they drove (from a stop to the next), on any route. */
  #roads = new Map<string, { sumS: number; n: number }>()

  /** An intermediate stop left: served, or driven through. */
  addStop(passed: boolean, stopCode?: string): void {
    this.#stops.judged++
    if (passed) this.#stops.passed++
    if (stopCode === undefined) return
    const a = this.#byStop.get(stopCode) ?? { passed: 0, judged: 0 }
    a.judged++
    if (passed) a.passed++
    this.#byStop.set(stopCode, a)
  }

  /** Share of stops driven through today (with five served ones assumed first). */
  passShare(): number {
    return this.#stops.passed / (this.#stops.judged + 5)
  }

  /** Share of buses that drove through this stop today, starting from the network's (worth three visits). */
  passShareAt(stopCode: string): number {
    const a = this.#byStop.get(stopCode) ?? { passed: 0, judged: 0 }
    return (a.passed + 3 * this.passShare()) / (a.judged + 3)
  }

  /**
   * A leg driven without history: its time, and the timetable's (edge to edge), seconds. `roadKey`
   * names the road it drove (from one stop to the next: another route between the same two stops
   * drives the same road).
   */
  add(routeKey: string, roadKey: string, obsS: number, expS: number): void {
    if (!(expS > 0) || !(obsS >= 0)) return
    const o = Math.min(expS * LEG_RATIO.max, Math.max(expS * LEG_RATIO.min, obsS))
    for (const k of [routeKey, '*']) {
      const a = this.#sums.get(k) ?? { obs: 0, exp: 0 }
      a.obs += o
      a.exp += expS
      this.#sums.set(k, a)
    }
    const r = this.#roads.get(roadKey) ?? { sumS: 0, n: 0 }
    r.sumS += o
    r.n++
    this.#roads.set(roadKey, r)
  }

  /** The factor on the timetable a trip on the route starts from (1 before any leg was seen). */
  prior(routeKey: string): number {
    const network = blend(this.#sums.get('*') ?? { obs: 0, exp: 0 }, PRIOR_HALF_S)
    return blend(this.#sums.get(routeKey) ?? { obs: 0, exp: 0 }, PRIOR_HALF_S, network)
  }

  /**
   * The factor on the timetable of one leg of the route (`expS` its timetable time, edge to edge):
   * as today's buses drove that road, on any route, the more of them the more; else the route's prior.
   */
  legFactor(routeKey: string, roadKey: string, expS: number): number {
    const prior = this.prior(routeKey)
    const r = this.#roads.get(roadKey)
    if (!r || !(expS > 0)) return prior
    return blend({ obs: (r.sumS / r.n) * r.n, exp: expS * r.n }, LEG_PRIOR_HALF_S, prior)
  }

  /**
   * Seconds of a trip's own legs before its pace counts half against the timetable as today's
   * buses drive it: fast while nothing was learned (the bare timetable is a plan, often slack or
   * tight for every bus), slowly once today's buses have taught the legs (the ratio of one leg to
   * its expectation transfers little to the next: the slack differs leg by leg).
   */
  ownHalfS(): number {
    const seen = this.#sums.get('*')?.exp ?? 0
    const w = seen / (seen + PRIOR_HALF_S)
    return TIMETABLE_HALF_S + w * (LEARNED_TIMETABLE_HALF_S - TIMETABLE_HALF_S)
  }
}

/** Seconds of legs seen before today's pace counts half in a new trip's prior. */
const PRIOR_HALF_S = 600
/** Seconds of one leg seen today before its own factor counts half against the route's. */
const LEG_PRIOR_HALF_S = 120
/** The own pace's half against a timetable today's buses have taught. */
const LEARNED_TIMETABLE_HALF_S = 900

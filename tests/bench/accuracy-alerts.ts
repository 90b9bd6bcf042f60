/**
 * Alerts against the simulator's ground truth: each alert the engine raised is true or false by a
 * rule per kind (docs/tracking.md#accuracy writes them down), and counted per 100 trip-hours.
 * Pure.
 */
import type { LiveAlert } from '@rb/domain'

/** What truly happened to one trip someone ran (from the stop visits and faults of the truth). */
export interface TruthTrip {
  tripInstanceId: string
  vehicleId: string
  scheduledDepartureTs: number
  /** It left the first stop. */
  departedTs: number | null
  /** It reached the last stop; null for a trip abandoned on the way (partial). */
  completedTs: number | null
}

export interface TruthStopVisit {
  tripInstanceId: string
  vehicleId: string
  seq: number
  scheduledArrivalTs: number
  arrivalTs: number
  departureTs: number
}

/** A stretch the device sent nothing at all: no coverage, reboot, switched off, terminal not on yet. */
export interface Silence {
  vehicleId: string
  fromTs: number
  toTs: number
  cause: string
}

/** A stretch driven off the route line (a detour fault), farther than `offsetM` at its widest. */
export interface OffRoute {
  vehicleId: string
  fromTs: number
  toTs: number
  offsetM: number
}

export interface AlertTruth {
  trips: ReadonlyMap<string, TruthTrip>
  /** By `tripInstanceId|seq`. */
  visits: ReadonlyMap<string, TruthStopVisit>
  silences: readonly Silence[]
  offRoute: readonly OffRoute[]
  /** Instants a vehicle truly drove above its route's limit (one per fix: the mean speed since the fix before), by vehicle. */
  speeding: ReadonlyMap<string, readonly number[]>
}

export interface AlertRules {
  lateStartS: number
  earlyDepartureS: number
  offRouteM: number
  offRouteMinS: number
  overspeedMinS: number
  /** Seconds between two fixes of a bus. */
  fixIntervalS: number
  /** Slack between the truth's instants and the engine's (fix interval + tick), ms. */
  slackMs: number
}

export interface Verdict {
  /** null: the simulation has no truth for this kind (driver cards, alarms). */
  false: boolean | null
  why: string
  /** False, but the bus that truly ran the trip sent nothing then: no engine could have known. */
  blind?: boolean
}

/** On a trip: left the first stop, not at the last yet (waiting at a terminus is parked). */
const onTripAt = (t: TruthTrip, ts: number): boolean =>
  (t.departedTs ?? Infinity) <= ts && ts <= (t.completedTs ?? Infinity)
const overlaps = (a0: number, a1: number, b0: number, b1: number): boolean => a0 <= b1 && b0 <= a1
const sec = (ms: number): string => `${Math.round(ms / 1000)} s`

/** Whether one alert was false against the truth, and why (one line a person can check). */
/** An alert, and when the engine handed it out (a missed trip's `ts` is its deadline, raised maybe later). */
export type SeenAlert = Pick<LiveAlert, 'type' | 'ts' | 'clearedTs' | 'vehicleId' | 'tripInstanceId' | 'data'> & {
  seenTs?: number
}

export function judgeAlert(a: SeenAlert, truth: AlertTruth, r: AlertRules): Verdict {
  const trip = a.tripInstanceId ? truth.trips.get(a.tripInstanceId) : undefined
  const untilTs = a.clearedTs ?? a.ts
  switch (a.type) {
    case 'late_start': {
      if (!trip) return { false: true, why: 'nobody ran the trip' }
      if (trip.vehicleId !== a.vehicleId) return { false: true, why: `the trip was run by ${trip.vehicleId}` }
      if (trip.departedTs === null) return { false: false, why: 'never left the first stop' }
      const lateMs = trip.departedTs - trip.scheduledDepartureTs
      return lateMs > r.lateStartS * 1000
        ? { false: false, why: `left ${sec(lateMs)} late` }
        : {
            false: true,
            why: `left ${sec(lateMs)} after the scheduled departure, within the ${r.lateStartS} s threshold`,
          }
    }
    case 'offline': {
      const silence = truth.silences.find(
        (s) => s.vehicleId === a.vehicleId && s.fromTs - r.slackMs <= a.ts && a.ts <= s.toTs,
      )
      const onTrip = [...truth.trips.values()].some(
        (t) => t.vehicleId === a.vehicleId && onTripAt(t, Math.max(a.ts, silence?.fromTs ?? a.ts)),
      )
      if (!silence) return { false: true, why: onTrip ? 'the bus was reporting' : 'a bus parked off trip, quiet' }
      return onTrip
        ? { false: false, why: `silent on a trip (${silence.cause})` }
        : { false: true, why: `silent (${silence.cause}) but not on a trip` }
    }
    case 'off_route': {
      const d = truth.offRoute.find(
        (o) =>
          o.vehicleId === a.vehicleId &&
          o.offsetM > r.offRouteM &&
          overlaps(o.fromTs, o.toTs, a.ts, a.clearedTs ?? a.ts + r.offRouteMinS * 1000),
      )
      return d
        ? { false: false, why: `on a detour up to ${d.offsetM} m off` }
        : { false: true, why: 'no detour then: the bus was on its route' }
    }
    case 'trip_missed': {
      if (!trip) return { false: false, why: 'nobody ran it' }
      const at = a.seenTs ?? a.ts
      const dark = truth.silences.find((s) => s.vehicleId === trip.vehicleId && s.fromTs <= at && at <= s.toTs)
      const left =
        trip.departedTs === null
          ? ''
          : `, left ${sec(trip.departedTs - trip.scheduledDepartureTs)} after the scheduled departure`
      return {
        false: true,
        why: `run by ${trip.vehicleId}${left}${dark ? ` (${dark.cause} then)` : ''}`,
        blind: dark !== undefined,
      }
    }
    case 'early_departure': {
      const seq = typeof a.data.seq === 'number' ? a.data.seq : null
      const v = a.tripInstanceId && seq !== null ? truth.visits.get(`${a.tripInstanceId}|${seq}`) : undefined
      if (!v || v.vehicleId !== a.vehicleId)
        return { false: true, why: 'that bus did not visit that stop on that trip' }
      // The first stop's scheduled arrival is the trip's departure.
      const earlyMs = v.scheduledArrivalTs - v.departureTs
      return earlyMs >= r.earlyDepartureS * 1000
        ? { false: false, why: `left ${sec(earlyMs)} early` }
        : { false: true, why: `left ${sec(-earlyMs)} after the scheduled time` }
    }
    case 'overspeed': {
      const spell = speedingSpells(truth.speeding.get(a.vehicleId ?? '') ?? [], r).find((s) =>
        overlaps(s.fromTs, s.toTs, a.ts - r.slackMs, Math.max(untilTs, a.ts + r.overspeedMinS * 1000)),
      )
      return spell
        ? { false: false, why: `above its route's limit for ${sec(spell.toTs - spell.fromTs)}` }
        : { false: true, why: `not above its route's limit for ${r.overspeedMinS} s then` }
    }
    case 'driver_alarm':
    case 'driver_mismatch':
    case 'sign_report':
    case 'road_report':
    case 'on_demand_under_min':
    case 'broker_session_lost':
    case 'geofence':
    case 'pupil_left_on_bus':
      return { false: null, why: 'no truth in the simulation' }
  }
}

/**
 * Spells of true speeding long enough to be an overspeed: runs of consecutive samples (one per fix,
 * each the mean speed since the fix before) covering at least `overspeedMinS`.
 */
export function speedingSpells(
  samples: readonly number[],
  r: Pick<AlertRules, 'overspeedMinS' | 'fixIntervalS'>,
): { fromTs: number; toTs: number }[] {
  const stepMs = r.fixIntervalS * 1000
  const out: { fromTs: number; toTs: number }[] = []
  let from: number | null = null
  let prev = -Infinity
  const close = (): void => {
    if (from !== null && prev - from + stepMs >= r.overspeedMinS * 1000) out.push({ fromTs: from - stepMs, toTs: prev })
  }
  for (const ts of samples) {
    if (from === null || ts - prev > stepMs * 1.2) {
      close()
      from = ts
    }
    prev = ts
  }
  close()
  return out
}

export interface KindScore {
  raised: number
  per100TripHours: number
  /** null when the kind cannot be judged (no truth). */
  false: number | null
  falsePer100TripHours: number | null
  /** Of the false ones, those raised while the bus that truly ran the trip sent nothing (no engine could know). */
  blind: number
  /** The first false ones (up to 50), for a person to check. */
  examples: { vehicleId: string | null; tripInstanceId: string | null; ts: number; why: string }[]
}

/** Alerts per kind: how many per 100 trip-hours, how many false; every kind in `kinds` is listed, also at 0. */
export function scoreAlerts(
  alerts: readonly SeenAlert[],
  truth: AlertTruth,
  rules: AlertRules,
  tripHours: number,
  kinds: readonly string[],
  maxExamples = 50,
): Record<string, KindScore> {
  const per100 = (n: number): number => (tripHours === 0 ? 0 : (n * 100) / tripHours)
  const out: Record<string, KindScore> = {}
  const kindOf = (k: string): KindScore =>
    (out[k] ??= { raised: 0, per100TripHours: 0, false: 0, falsePer100TripHours: 0, blind: 0, examples: [] })
  for (const k of kinds) kindOf(k)
  for (const a of alerts) {
    const s = kindOf(a.type)
    s.raised++
    const v = judgeAlert(a, truth, rules)
    if (v.false === null) s.false = null
    else if (v.false && s.false !== null) {
      s.false++
      if (v.blind) s.blind++
      if (s.examples.length < maxExamples)
        s.examples.push({ vehicleId: a.vehicleId, tripInstanceId: a.tripInstanceId, ts: a.ts, why: v.why })
    }
  }
  for (const s of Object.values(out)) {
    s.per100TripHours = per100(s.raised)
    s.falsePer100TripHours = s.false === null ? null : per100(s.false)
  }
  return out
}

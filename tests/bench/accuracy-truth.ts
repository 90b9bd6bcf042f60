/**
 * The measured day's ground truth in the shapes the scores read: what became of each trip, when
 * each bus was silent or off its route, which stop visits the server could have seen at all (not
 * those of a terminal still switched off), and the trip-hours alerts are counted against.
 */
import { demoCounty } from '@rb/domain'
import type { AlertTruth, OffRoute, Silence, TruthStopVisit, TruthTrip } from './accuracy-alerts.js'
import type { DayRun } from './accuracy-day.js'
import type { TruthVisit } from './accuracy-score.js'
import { trueClass, type MatchCase, type TripClass } from './accuracy-trips.js'

export interface DayTruth {
  alerts: AlertTruth
  /** Hours buses truly spent on trips: first stop left → last stop reached (or where one broke down for good, until it was switched off). */
  tripHours: number
  matchCases: MatchCase[]
  classOf: Map<string, TripClass>
  /** Stop visits while the bus's terminal was on. */
  observableVisits: TruthVisit[]
}

const county = demoCounty()
const operatorOfVehicle = new Map(county.vehicles.map((v) => [v.id, v.operatorId]))
const operatorOfRoute = new Map(county.routes.map((r) => [r.id, r.operatorId]))

export function dayTruth(day: DayRun): DayTruth {
  const byTrip = new Map<string, TruthStopVisit[]>()
  const visits = new Map<string, TruthStopVisit>()
  for (const v of day.visits) {
    const tv: TruthStopVisit = {
      tripInstanceId: v.tripInstanceId,
      vehicleId: v.vehicleId,
      seq: v.seq,
      scheduledArrivalTs: v.scheduledArrivalTs,
      arrivalTs: v.arrivalTs,
      departureTs: v.departureTs,
    }
    visits.set(`${v.tripInstanceId}|${v.seq}`, tv)
    byTrip.set(v.tripInstanceId, [...(byTrip.get(v.tripInstanceId) ?? []), tv])
  }
  const final = day.faults.filter((f) => f.type === 'breakdown' && f.details.final === true)
  const trips = new Map<string, TruthTrip>()
  const classOf = new Map<string, TripClass>()
  let tripMs = 0
  for (const inst of day.instances) {
    const seen = (byTrip.get(inst.id) ?? []).sort((a, b) => a.seq - b.seq)
    const lastSeq = (inst.stops.at(-1) as { seq: number }).seq
    classOf.set(
      inst.id,
      trueClass(
        inst.status === 'cancelled',
        seen.map((v) => v.seq),
        lastSeq,
      ),
    )
    const first = seen[0]
    if (!first) continue
    const last = seen.at(-1) as TruthStopVisit
    const completedTs = last.seq === lastSeq ? last.arrivalTs : null
    trips.set(inst.id, {
      tripInstanceId: inst.id,
      vehicleId: first.vehicleId,
      scheduledDepartureTs: inst.departureTs,
      departedTs: first.departureTs,
      completedTs,
    })
    const strandedUntil = final.find((f) => f.tripInstanceId === inst.id)?.toTs
    tripMs += (completedTs ?? strandedUntil ?? last.departureTs) - first.departureTs
  }

  const silences: Silence[] = []
  const offRoute: OffRoute[] = []
  for (const f of day.faults) {
    if (f.type === 'dead_zone' || f.type === 'reboot')
      silences.push({ vehicleId: f.vehicleId, fromTs: f.fromTs, toTs: f.toTs, cause: f.type })
    if (f.type === 'breakdown' && f.details.final === true)
      silences.push({
        vehicleId: f.vehicleId,
        fromTs: f.toTs,
        toTs: Infinity,
        cause: 'switched off after a breakdown for good',
      })
    if (f.type === 'detour')
      offRoute.push({ vehicleId: f.vehicleId, fromTs: f.fromTs, toTs: f.toTs, offsetM: Number(f.details.offsetM) })
  }
  const late = day.cases?.lateTerminals ?? []
  for (const l of late)
    silences.push({ vehicleId: l.vehicleId, fromTs: -Infinity, toTs: l.fromTs, cause: 'terminal not switched on yet' })

  const matchCases: MatchCase[] = []
  for (const t of trips.values()) {
    const seenTs = day.firstSeen.get(t.tripInstanceId)
    const movingTs = day.firstMoving.get(t.tripInstanceId)
    if (seenTs === undefined || movingTs === undefined || t.departedTs === null) continue
    const groups: string[] = []
    const midRoute = seenTs > t.departedTs
    if (midRoute) groups.push('mid-route')
    const route = day.engine.instance(t.tripInstanceId)?.routeId ?? ''
    if (operatorOfVehicle.get(t.vehicleId) !== operatorOfRoute.get(route)) groups.push('other operator')
    matchCases.push({
      tripInstanceId: t.tripInstanceId,
      vehicleId: t.vehicleId,
      fromTs: midRoute ? movingTs : t.departedTs,
      groups,
    })
  }

  const darkUntil = new Map(late.map((l) => [l.tripInstanceId, l.fromTs]))
  const observableVisits = day.visits
    .filter((v) => v.departureTs >= (darkUntil.get(v.tripInstanceId) ?? -Infinity))
    .map((v) => ({
      tripInstanceId: v.tripInstanceId,
      seq: v.seq,
      arrivalTs: v.arrivalTs,
      departureTs: v.departureTs,
      passed: v.passedWithoutStopping,
    }))

  return {
    alerts: { trips, visits, silences, offRoute, speeding: day.speeding },
    tripHours: tripMs / 3_600_000,
    matchCases,
    classOf,
    observableVisits,
  }
}

/** Several days' truths as one (trip ids name their day; silences and detours their instants). */
export function mergeTruths(days: readonly DayTruth[]): DayTruth {
  const speeding = new Map<string, number[]>()
  for (const d of days) for (const [v, ts] of d.alerts.speeding) speeding.set(v, [...(speeding.get(v) ?? []), ...ts])
  return {
    alerts: {
      trips: new Map(days.flatMap((d) => [...d.alerts.trips])),
      visits: new Map(days.flatMap((d) => [...d.alerts.visits])),
      silences: days.flatMap((d) => d.alerts.silences),
      offRoute: days.flatMap((d) => d.alerts.offRoute),
      speeding,
    },
    tripHours: days.reduce((h, d) => h + d.tripHours, 0),
    matchCases: days.flatMap((d) => d.matchCases),
    classOf: new Map(days.flatMap((d) => [...d.classOf])),
    observableVisits: days.flatMap((d) => d.observableVisits),
  }
}

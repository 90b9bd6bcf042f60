/**
 * Making a day's roster from what a dispatcher planned before: the weekly templates, or another
 * day's duties copied forward; then the planner for what is left. Each proposed duty is checked
 * trip by trip against the day as it fills up, so one trip that does not fit (cancelled, taken,
 * a clash, too many hours) is left out with a warning instead of sinking the whole duty.
 */
import { weekdayOf } from '../calendar/index.js'
import { tripInstanceId } from '../network/timetable.js'
import type { Trip } from '../network/types.js'
import { planRoster } from './planner.js'
import { dutyProblems, tripsClash, tripsOf, uncoveredTrips, withDuties } from './rules.js'
import type { DayTrip, DutyTemplate, ProposedDuty, RosterDay, RosterDriver, RosterVehicle } from './types.js'

/** A duty of another day, as copy-forward reads it. */
export interface SourceDuty {
  vehicleId: string
  driverId: string
  note: string | null
  templateId: string | null
  /** Trip ids (not instances). */
  tripIds: readonly string[]
}

const byId = <T extends { id: string }>(a: T, b: T): number => a.id.localeCompare(b.id)

/** The duties of the active templates whose weekdays include the day's; trips that do not run that day are left out. */
export function proposeFromTemplates(
  templates: readonly DutyTemplate[],
  day: Pick<RosterDay, 'date' | 'trips'>,
): ProposedDuty[] {
  const weekday = weekdayOf(day.date)
  return templates
    .filter((t) => t.active && t.weekdays.includes(weekday))
    .sort(byId)
    .map((t) => ({
      vehicleId: t.vehicleId,
      driverId: t.driverId,
      note: t.name,
      templateId: t.id,
      instanceIds: t.tripIds.map((id) => tripInstanceId(id, day.date)).filter((id) => day.trips.has(id)),
    }))
}

/** Another day's duties on this day, trip by trip id; trips that do not run this day are left out. */
export function proposeFromDuties(
  source: readonly SourceDuty[],
  day: Pick<RosterDay, 'date' | 'trips'>,
): ProposedDuty[] {
  return source.map((d) => ({
    vehicleId: d.vehicleId,
    driverId: d.driverId,
    note: d.note,
    templateId: d.templateId,
    instanceIds: d.tripIds.map((id) => tripInstanceId(id, day.date)).filter((id) => day.trips.has(id)),
  }))
}

export interface Generated {
  /** Duties to write, trips in departure order. */
  duties: ProposedDuty[]
  /** What was left out and why, for the dispatcher. */
  warnings: string[]
}

/**
 * Places the proposed duties one by one, each trip only where it breaks no rule; with `fill`,
 * the planner then places the trips still uncovered.
 */
export function generateDuties(day: RosterDay, proposals: readonly ProposedDuty[], opts: { fill: boolean }): Generated {
  const duties: ProposedDuty[] = []
  const warnings: string[] = []
  let cur = day
  for (const p of proposals) {
    const label = p.templateId ? `template ${p.templateId}` : `the duty of ${p.vehicleId} / ${p.driverId}`
    const crew = dutyProblems({ vehicleId: p.vehicleId, driverId: p.driverId, instanceIds: [] }, cur)
    if (crew.length > 0) {
      warnings.push(`${label} left out: ${crew.join('; ')}`)
      continue
    }
    const taken = new Set(
      cur.assignments
        .filter((a) => a.dutyId !== null || a.vehicleId !== null || a.driverId !== null)
        .map((a) => a.instanceId),
    )
    const kept: string[] = []
    for (const t of tripsOf(cur, p.instanceIds)) {
      if (t.status === 'cancelled') continue
      if (taken.has(t.instanceId)) {
        warnings.push(`${label}: trip ${t.instanceId} is already run by another crew; left out`)
        continue
      }
      const problems = dutyProblems(
        { vehicleId: p.vehicleId, driverId: p.driverId, instanceIds: [...kept, t.instanceId] },
        cur,
      )
      if (problems.length > 0) warnings.push(`${label}: trip ${t.instanceId} left out: ${problems.join('; ')}`)
      else kept.push(t.instanceId)
    }
    if (kept.length === 0) continue
    const placed = { ...p, instanceIds: kept }
    duties.push(placed)
    cur = withDuties(cur, [{ ...placed, dutyId: `proposed-${duties.length}` }])
  }
  if (opts.fill) {
    const plan = planRoster(
      cur,
      uncoveredTrips(cur).map((t) => t.instanceId),
    )
    duties.push(...plan.duties.map((d) => ({ ...d, note: null, templateId: null })))
    warnings.push(...plan.unplaced.map((u) => `trip ${u.instanceId} has no crew: ${u.reason}`))
  }
  return { duties, warnings }
}

/** A template input as a dispatcher sends it. */
export type TemplateInput = Omit<DutyTemplate, 'id'>

export interface TemplateContext {
  trips: ReadonlyMap<string, Pick<Trip, 'id' | 'departureS' | 'stopOffsetsS'>>
  vehicles: ReadonlyMap<string, RosterVehicle>
  drivers: ReadonlyMap<string, RosterDriver>
  turnaroundMin: number
  /** The other templates: an active one sharing a weekday must not share a trip, nor put the crew on two trips at once. */
  others?: readonly DutyTemplate[]
}

/** A trip's times on any day, as offsets from midnight in ms. */
const timesOf = (trip: Pick<Trip, 'departureS' | 'stopOffsetsS'>): { departureTs: number; endTs: number } => ({
  departureTs: trip.departureS * 1000,
  endTs: (trip.departureS + (trip.stopOffsetsS.at(-1) ?? 0)) * 1000,
})

/**
 * What is wrong with a template, day-independent: weekdays, unknown or retired crew, unknown
 * trips, trips whose timetable times clash, and clashes with the other active templates.
 */
export function templateProblems(t: TemplateInput & { id?: string }, ctx: TemplateContext): string[] {
  const problems: string[] = []
  if (t.weekdays.length === 0) problems.push('a template needs at least one weekday (1 = Monday … 7 = Sunday)')
  if (t.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    problems.push('weekdays are 1 (Monday) to 7 (Sunday)')
  if (t.tripIds.length === 0) problems.push('a template needs at least one trip')
  const vehicle = ctx.vehicles.get(t.vehicleId)
  if (!vehicle) problems.push(`vehicle ${t.vehicleId} does not exist`)
  else if (vehicle.status !== 'active') problems.push(`vehicle ${t.vehicleId} is retired; choose another vehicle`)
  const driver = ctx.drivers.get(t.driverId)
  if (!driver) problems.push(`driver ${t.driverId} does not exist`)
  else if (driver.status !== 'active') problems.push(`driver ${t.driverId} is retired; choose another driver`)
  const mine: { id: string; departureTs: number; endTs: number }[] = []
  for (const id of new Set(t.tripIds)) {
    const trip = ctx.trips.get(id)
    if (!trip) problems.push(`trip ${id} does not exist`)
    else mine.push({ id, ...timesOf(trip) })
  }
  mine.sort((a, b) => a.departureTs - b.departureTs)
  for (let i = 0; i < mine.length; i++) {
    for (let j = i + 1; j < mine.length; j++) {
      const a = mine[i] as (typeof mine)[0]
      const b = mine[j] as (typeof mine)[0]
      if (tripsClash(a, b, ctx.turnaroundMin))
        problems.push(
          `trips ${a.id} and ${b.id} overlap: the bus and driver need ${ctx.turnaroundMin} min after a trip's scheduled end`,
        )
    }
  }
  if (!t.active) return problems
  for (const o of ctx.others ?? []) {
    const shared = o.weekdays.filter((d) => t.weekdays.includes(d))
    if (o.id === t.id || !o.active || shared.length === 0) continue
    const on = `on weekday${shared.length > 1 ? 's' : ''} ${shared.join(', ')}`
    for (const id of o.tripIds.filter((id) => t.tripIds.includes(id)))
      problems.push(`trip ${id} is already in template ${o.id} ${on}`)
    const crews = [
      o.vehicleId === t.vehicleId ? `vehicle ${t.vehicleId}` : null,
      o.driverId === t.driverId ? `driver ${t.driverId}` : null,
    ].filter((x) => x !== null)
    if (crews.length === 0) continue
    for (const id of o.tripIds) {
      const trip = ctx.trips.get(id)
      if (!trip || t.tripIds.includes(id)) continue
      const theirs = timesOf(trip)
      for (const m of mine) {
        if (tripsClash(m, theirs, ctx.turnaroundMin))
          for (const who of crews)
            problems.push(`${who} is already on trip ${id} in template ${o.id} ${on} when trip ${m.id} runs`)
      }
    }
  }
  return problems
}

/** A day's duty as a weekly template (trip ids in departure order). */
export function templateOfDuty(
  duty: { vehicleId: string; driverId: string; note: string | null; trips: readonly DayTrip[] },
  weekdays: DutyTemplate['weekdays'],
  name: string,
): TemplateInput {
  return {
    name: duty.note ?? name,
    weekdays: [...weekdays],
    vehicleId: duty.vehicleId,
    driverId: duty.driverId,
    tripIds: [...duty.trips].sort((a, b) => a.departureTs - b.departureTs).map((t) => t.tripId),
    active: true,
  }
}

/**
 * The demo county's weekly duty templates, made by the roster planner from representative days:
 * one set for Monday–Friday (every-day and school-day trips), one for Saturday (every-day and
 * clinic-day trips) and one for Sunday. Market-day trips follow the lunar calendar and the
 * boarding runs only Mondays and Fridays, so each day's roster fills those in with the planner.
 * XY-OP1 services one of its buses every day, so each set has a bus XY-OP2 lends it.
 */
import { serviceDate, type Weekday } from '../calendar/index.js'
import type { NetworkSnapshot } from '../network/types.js'
import { instancesOn } from '../network/timetable.js'
import { planRoster } from '../roster/planner.js'
import { dayTrip, tripSpan, tripsOf } from '../roster/rules.js'
import {
  DEFAULT_DAILY_DRIVING_MIN,
  TURNAROUND_MIN,
  type DutyTemplate,
  type RosterDay,
  type RosterLimits,
} from '../roster/types.js'
import { CAL_DAILY, CAL_MEDICAL, CAL_SCHOOL } from './calendars.js'
import { COUNTY_PREFIX, OPERATOR_BUS } from './townships.js'

interface TemplateSet {
  key: string
  name: string
  weekdays: Weekday[]
  /** A day in term time the set is planned from. */
  date: string
  calendars: readonly string[]
  /**
   * This operator's buses are serviced that day: it has one fewer on the road than the plan
   * asks for, and another operator lends one.
   */
  servicing?: string
}

const SETS: readonly TemplateSet[] = [
  {
    key: 'WD',
    name: '工作日',
    weekdays: [1, 2, 3, 4, 5],
    date: '2026-09-16',
    calendars: [CAL_DAILY, CAL_SCHOOL],
    servicing: OPERATOR_BUS,
  },
  {
    key: 'SA',
    name: '周六',
    weekdays: [6],
    date: '2026-09-19',
    calendars: [CAL_DAILY, CAL_MEDICAL],
    servicing: OPERATOR_BUS,
  },
  { key: 'SU', name: '周日', weekdays: [7], date: '2026-09-20', calendars: [CAL_DAILY], servicing: OPERATOR_BUS },
]

export function demoDutyTemplates(
  net: NetworkSnapshot,
  limits: RosterLimits = { dailyDrivingMin: DEFAULT_DAILY_DRIVING_MIN, turnaroundMin: TURNAROUND_MIN },
): DutyTemplate[] {
  const routes = new Map(net.routes.map((r) => [r.id, r]))
  const out: DutyTemplate[] = []
  for (const set of SETS) {
    const date = serviceDate(set.date)
    const trips = net.trips.filter((t) => set.calendars.includes(t.calendarId))
    const instances = instancesOn(date, trips, net.routes, net.calendars)
    const dayOf = (vehicles: NetworkSnapshot['vehicles']): RosterDay => ({
      date,
      trips: new Map(
        instances.flatMap((i) => {
          const route = routes.get(i.routeId)
          return route ? [[i.id, dayTrip(i, route, 'scheduled', 0)] as const] : []
        }),
      ),
      assignments: [],
      vehicles: new Map(vehicles.map((v) => [v.id, v])),
      drivers: new Map(net.drivers.map((d) => [d.id, d])),
      limits,
    })
    let day = dayOf(net.vehicles)
    let plan = planRoster(day)
    // Only the operator's buses the plan used go out, but one: again until another operator's bus
    // runs one of its trips (the planner borrows only when it must).
    const lends = (): boolean =>
      plan.duties.some((d) =>
        tripsOf(day, d.instanceIds).some((t) => t.operatorId !== day.vehicles.get(d.vehicleId)?.operatorId),
      )
    for (let round = 0; set.servicing && !lends() && round < net.vehicles.length; round++) {
      const used = [...new Set(plan.duties.map((d) => d.vehicleId))]
        .filter((id) => day.vehicles.get(id)?.operatorId === set.servicing)
        .sort()
      const onRoad = new Set(used.slice(0, -1))
      day = dayOf(net.vehicles.filter((v) => v.operatorId !== set.servicing || onRoad.has(v.id)))
      plan = planRoster(day)
    }
    plan.duties.forEach((d, i) => {
      const dayTrips = tripsOf(day, d.instanceIds)
      const first = dayTrips[0]
      const last = dayTrips.at(-1)
      const hours = first && last ? ` ${tripSpan({ departureTs: first.departureTs, endTs: last.endTs })}` : ''
      out.push({
        id: `${COUNTY_PREFIX}-DT-${set.key}-${String(i + 1).padStart(2, '0')}`,
        name: `${set.name} ${d.vehicleId}${hours}`,
        weekdays: [...set.weekdays],
        vehicleId: d.vehicleId,
        driverId: d.driverId,
        tripIds: dayTrips.map((t) => t.tripId),
        active: true,
      })
    })
  }
  return out
}

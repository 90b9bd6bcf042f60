import { describe, expect, it } from 'vitest'
import { addDays, serviceDate, weekdayOf, type ServiceDate } from '../calendar/index.js'
import { instancesOn } from '../network/timetable.js'
import { generateDuties, proposeFromTemplates } from '../roster/generate.js'
import { dayTrip, dutyProblems, withDuties } from '../roster/rules.js'
import { DEFAULT_DAILY_DRIVING_MIN, TURNAROUND_MIN, type RosterDay } from '../roster/types.js'
import { demoDutyTemplates } from './duties.js'
import { demoCounty } from './index.js'

const net = demoCounty()
const templates = demoDutyTemplates(net)
const routes = new Map(net.routes.map((r) => [r.id, r]))
const vehicles = new Map(net.vehicles.map((v) => [v.id, v]))

function dayOf(date: ServiceDate): RosterDay {
  const instances = instancesOn(date, net.trips, net.routes, net.calendars)
  return {
    date,
    trips: new Map(
      instances.flatMap((i) => {
        const route = routes.get(i.routeId)
        return route ? [[i.id, dayTrip(i, route, 'scheduled', 0)] as const] : []
      }),
    ),
    assignments: [],
    vehicles,
    drivers: new Map(net.drivers.map((d) => [d.id, d])),
    limits: { dailyDrivingMin: DEFAULT_DAILY_DRIVING_MIN, turnaroundMin: TURNAROUND_MIN },
  }
}

describe('the demo county’s duty templates', () => {
  it('come in a Monday–Friday, a Saturday and a Sunday set of active buses and drivers, the same every time', () => {
    expect(demoDutyTemplates(demoCounty())).toEqual(templates)
    expect(new Set(templates.map((t) => t.weekdays.join(',')))).toEqual(new Set(['1,2,3,4,5', '6', '7']))
    for (const t of templates) {
      expect(vehicles.get(t.vehicleId)?.status).toBe('active')
      expect(net.drivers.find((d) => d.id === t.driverId)?.status).toBe('active')
    }
  })

  it('with the planner, give every trip of seven weeks (market days, school days, holidays) a crew the rules accept, and lend a bus every day', () => {
    // From the autumn term across National Day (2026-10-01..07) and on.
    let date = serviceDate('2026-09-21')
    for (let i = 0; i < 49; i++, date = addDays(date, 1)) {
      const day = dayOf(date)
      const { duties, warnings } = generateDuties(day, proposeFromTemplates(templates, day), { fill: true })
      expect(warnings, date).toEqual([])
      expect(new Set(duties.flatMap((d) => d.instanceIds)).size, date).toBe(day.trips.size)
      const after = withDuties(
        day,
        duties.map((d, k) => ({ ...d, dutyId: `P${k}` })),
      )
      duties.forEach((d, k) =>
        expect(dutyProblems(d, after, { dutyId: `P${k}` }), `${date} ${d.vehicleId}`).toEqual([]),
      )
      const lent = duties.filter((d) =>
        d.instanceIds.some((id) => day.trips.get(id)?.operatorId !== vehicles.get(d.vehicleId)?.operatorId),
      )
      expect(lent.length, `${date} (weekday ${weekdayOf(date)})`).toBeGreaterThan(0)
    }
  })
})

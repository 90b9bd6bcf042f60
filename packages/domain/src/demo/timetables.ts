/**
 * Timetables for the demo routes. Buses work in chains (a bus arrives, lays over, turns back), so
 * every return trip leaves after the outward one has arrived. Running times come from the
 * distance along the route at a mountain-road speed, plus a dwell at every stop.
 */
import { tripPattern, tripProblems } from '../network/timetable.js'
import type { BookingPolicy, Route, Stop, Trip } from '../network/types.js'
import {
  CAL_DAILY,
  CAL_MEDICAL,
  CAL_SCHOOL,
  CAL_SCHOOL_FRIDAY,
  CAL_SCHOOL_MONDAY,
  marketCalendarId,
} from './calendars.js'
import type { Rng } from './rng.js'
import type { Plan, RouteSpec } from './routes.js'

const MIN = 60
const hm = (h: number, m = 0): number => (h * 60 + m) * MIN
const hhmm = (s: number): string =>
  `${String(Math.floor(s / 3600)).padStart(2, '0')}${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`
/** Rounds up to the next 5 minutes, as printed timetables have it. */
const ceil5 = (s: number): number => Math.ceil(s / (5 * MIN)) * 5 * MIN
/** No bus is still on the road after this (mountain roads in the dark). */
const DAY_END_S = hm(19, 30)

interface Leg {
  direction: 0 | 1
  /** Earliest departure, seconds after midnight; the chain may push it later. */
  notBeforeS: number
  calendarId: string
  booking?: { policy: BookingPolicy; minRiders: number; cutoffMin: number }
}

/** Seats of the bus the route is run with: the models in the fleet have 19, 24, 33 or 45. */
const SEATS: Record<Plan, readonly number[]> = {
  trunk: [33, 45],
  village: [19, 24],
  market: [24, 33],
  boarding: [45],
  'school-run': [24, 33],
  'medical-required': [19],
  'medical-optional': [19, 24],
}

export function buildTrips(
  rng: Rng,
  routes: readonly Route[],
  specs: readonly RouteSpec[],
  stops: readonly Stop[],
): Trip[] {
  const stopName = new Map(stops.map((s) => [s.code, s.name]))
  const trips: Trip[] = []
  for (const route of routes) {
    const spec = specs.find((s) => s.id === route.id)
    if (!spec) throw new RangeError(`no spec for route ${route.id}`)
    const village = spec.path.some((key) => key.includes('/'))
    const speedMps = rng.range(village ? 25 : 28, village ? 30 : 38) / 3.6
    const dwellS = rng.int(20, 40)
    const seats = rng.pick(SEATS[spec.plan])
    const offsets = ([0, 1] as const).map((direction) =>
      tripPattern(route, direction).map((s, i) =>
        i === 0 ? 0 : Math.round((s.distM / speedMps + (i - 1) * dwellS) / 10) * 10,
      ),
    )
    const jitter = (): number => rng.int(-2, 2) * 5 * MIN

    /** One bus's day: each leg leaves at its earliest time or after the previous one arrived and the driver rested. */
    const chain = (legs: readonly Leg[], layoverMin: [number, number]): void => {
      let freeAtS = 0
      for (const leg of legs) {
        let departureS = ceil5(Math.max(leg.notBeforeS, freeAtS))
        // Two buses of one route leaving the same way within a quarter of an hour would bunch.
        while (
          trips.some(
            (t) =>
              t.routeId === route.id && t.direction === leg.direction && Math.abs(t.departureS - departureS) < 15 * MIN,
          )
        )
          departureS += 5 * MIN
        const stopOffsetsS = offsets[leg.direction] as number[]
        const arrivalS = departureS + (stopOffsetsS.at(-1) ?? 0)
        if (arrivalS > DAY_END_S) break
        const pattern = tripPattern(route, leg.direction)
        const baseId = `${route.id}-${hhmm(departureS)}`
        let id = baseId
        for (let n = 2; trips.some((t) => t.id === id); n++) id = `${baseId}-${n}`
        trips.push({
          id,
          routeId: route.id,
          calendarId: leg.calendarId,
          direction: leg.direction,
          headsign: stopName.get(pattern.at(-1)?.stopCode ?? '') ?? '',
          departureS,
          stopOffsetsS: [...stopOffsetsS],
          seats,
          bookingPolicy: leg.booking?.policy ?? 'none',
          minRiders: leg.booking?.minRiders ?? 0,
          bookingCutoffMin: leg.booking?.cutoffMin ?? 60,
          active: true,
        })
        freeAtS = arrivalS + rng.int(layoverMin[0], layoverMin[1]) * MIN
      }
    }
    /** Alternating legs from `firstDirection`, as many as fit in the day, at most `maxLegs`. */
    const shuttle = (firstDirection: 0 | 1, startS: number, maxLegs: number): Leg[] =>
      Array.from({ length: maxLegs }, (_, i) => ({
        direction: ((firstDirection + i) % 2) as 0 | 1,
        notBeforeS: i === 0 ? startS : 0,
        calendarId: CAL_DAILY,
      }))

    switch (spec.plan) {
      case 'trunk': {
        // Two buses start at opposite ends at dawn (one sleeps in the township), so they meet
        // half-way and each end sees a bus about every running time plus layover.
        // On short routes the buses wait longer at the ends rather than run empty all day.
        const layoverMin: [number, number] = (offsets[0]?.at(-1) ?? 0) < hm(1) ? [70, 110] : [40, 70]
        chain(shuttle(1, hm(6) + jitter(), 8), layoverMin)
        chain(shuttle(0, hm(6, 20) + jitter(), 8), layoverMin)
        break
      }
      case 'village':
        chain(
          [
            { direction: 0, notBeforeS: hm(6, 40) + jitter(), calendarId: CAL_DAILY },
            { direction: 1, notBeforeS: hm(11) + jitter(), calendarId: CAL_DAILY },
            { direction: 0, notBeforeS: hm(13, 30) + jitter(), calendarId: CAL_DAILY },
            { direction: 1, notBeforeS: hm(17) + jitter(), calendarId: CAL_DAILY },
          ],
          [15, 30],
        )
        break
      case 'market': {
        // Into the market town early, home after the morning's trading.
        const calendarId = marketCalendarId(spec.market ?? '')
        const runs = rng.int(2, 3)
        for (let k = 0; k < runs; k++) {
          chain(
            [
              { direction: 0, notBeforeS: hm(6) + k * hm(0, 50) + jitter(), calendarId },
              { direction: 1, notBeforeS: hm(11, 30) + k * hm(1) + jitter(), calendarId },
            ],
            [20, 40],
          )
        }
        break
      }
      case 'boarding':
        chain(
          [
            { direction: 0, notBeforeS: hm(6) + jitter(), calendarId: CAL_SCHOOL_MONDAY },
            { direction: 1, notBeforeS: hm(16, 30) + jitter(), calendarId: CAL_SCHOOL_FRIDAY },
          ],
          [30, 60],
        )
        break
      case 'school-run':
        chain(
          [
            { direction: 0, notBeforeS: hm(6, 45) + jitter(), calendarId: CAL_SCHOOL },
            { direction: 1, notBeforeS: hm(16, 50) + jitter(), calendarId: CAL_SCHOOL },
          ],
          [30, 60],
        )
        break
      case 'medical-required':
      case 'medical-optional': {
        // Runs only when enough riders have booked by the cutoff (required), or takes bookings to hold a seat (optional).
        const booking =
          spec.plan === 'medical-required'
            ? { policy: 'required' as const, minRiders: rng.int(3, 6), cutoffMin: 120 }
            : { policy: 'optional' as const, minRiders: 0, cutoffMin: 60 }
        chain(
          [
            { direction: 0, notBeforeS: hm(7) + jitter(), calendarId: CAL_MEDICAL, booking },
            { direction: 1, notBeforeS: hm(14) + jitter(), calendarId: CAL_MEDICAL, booking },
          ],
          [30, 60],
        )
        break
      }
    }
  }
  for (const trip of trips) {
    const route = routes.find((r) => r.id === trip.routeId)
    const problems = route ? tripProblems(trip, route) : [`route ${trip.routeId} is missing`]
    if (problems.length > 0) throw new Error(`demo trip ${trip.id}: ${problems.join('; ')}`)
  }
  return trips.sort(
    (a, b) => a.routeId.localeCompare(b.routeId) || a.departureS - b.departureS || a.direction - b.direction,
  )
}

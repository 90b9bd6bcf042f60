import { cumulativeDistancesM, distanceM, locateStops, projectOnLine } from '@rb/geo'
import { describe, expect, it } from 'vitest'
import {
  addDays,
  parseCalendar,
  runsOn,
  serviceDate,
  weekdayOf,
  type ServiceCalendar,
  type ServiceDate,
} from '../calendar/index.js'
import {
  DRIVER_NUMBER_PATTERN,
  SERVICE_KINDS,
  STOP_CODE_PATTERN,
  VEHICLE_NUMBER_PATTERN,
  formatStopCode,
  instancesOn,
  tripProblems,
  yearsOfService,
  type NetworkSnapshot,
} from '../network/index.js'
import {
  CAL_SCHOOL,
  DEMO_REFERENCE_DATE,
  SEAT,
  STOP_TOLERANCE_M,
  demoCounty,
  marketCalendarId,
  mulberry32,
} from './index.js'

// Built once: 150 ms, and no test changes it.
const county = demoCounty()
const stopByCode = new Map(county.stops.map((s) => [s.code, s]))
const routeById = new Map(county.routes.map((r) => [r.id, r]))
const parsed = new Map<string, ServiceCalendar>(county.calendars.map((c) => [c.id, parseCalendar(c.rules)]))
const instances = (date: string) => instancesOn(serviceDate(date), county.trips, county.routes, county.calendars)
const unique = <T>(values: readonly T[]): boolean => new Set(values).size === values.length

describe('demoCounty determinism', () => {
  it('gives the same county for the same seed, down to key order', () => {
    expect(demoCounty({ seed: 7 })).toEqual(demoCounty({ seed: 7 }))
    expect(JSON.stringify(demoCounty({ seed: 7 }))).toBe(JSON.stringify(demoCounty({ seed: 7 })))
    expect(demoCounty()).toEqual(county)
  })

  it('gives a different county for a different seed, with the same real townships', () => {
    const other = demoCounty({ seed: 8 })
    expect(other.stops).not.toEqual(demoCounty({ seed: 7 }).stops)
    expect(other.routes.map((r) => r.geometry)).not.toEqual(demoCounty({ seed: 7 }).routes.map((r) => r.geometry))
    expect(other.townships).toEqual(county.townships)
  })

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(county)) as NetworkSnapshot).toEqual(county)
  })

  it('mulberry32 repeats by seed and stays in [0, 1)', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const draws = Array.from({ length: 1000 }, () => a.next())
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.next()))
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...draws)).toBeLessThan(1)
    expect(mulberry32(42).fork('x').next()).not.toBe(mulberry32(42).fork('y').next())
  })
})

describe('demo counts and numbers', () => {
  // 85, 107 and 116 once put a township's school in a hairpin bend at the far end of a short road.
  it.each([1, 2, 3, 85, 107, 116, 123_456, 2 ** 31])('builds a complete county for seed %i', (seed) => {
    // demoCounty itself checks every route's stops against its line and every trip with tripProblems.
    const c = demoCounty({ seed })
    expect(c.stops.length).toBeGreaterThanOrEqual(150)
    expect(c.routes.length).toBeGreaterThanOrEqual(20)
    expect(c.trips.length).toBeGreaterThanOrEqual(100)
    expect(unique(c.stops.map((s) => s.name))).toBe(true)
    expect(c.stops.filter((s) => s.status !== 'ok').length).toBeGreaterThanOrEqual(2)
    const gapsM = c.routes.flatMap((r) => r.stops.slice(1).map((s, i) => s.distM - r.stops[i]!.distM))
    expect(Math.min(...gapsM)).toBeGreaterThan(300)
  })

  it('meets the minimum sizes', () => {
    expect(county.townships.length).toBeGreaterThanOrEqual(12)
    expect(county.stops.length).toBeGreaterThanOrEqual(150)
    expect(county.routes.length).toBeGreaterThanOrEqual(20)
    expect(county.vehicles.length).toBeGreaterThanOrEqual(40)
    expect(county.drivers.length).toBeGreaterThanOrEqual(50)
    expect(county.operators.length).toBeGreaterThanOrEqual(1)
    expect(county.operators.length).toBeLessThanOrEqual(2)
  })

  it('has unique, well-formed ids everywhere', () => {
    for (const list of [
      county.operators,
      county.townships,
      county.routes,
      county.calendars,
      county.trips,
      county.vehicles,
      county.drivers,
    ]) {
      expect(unique(list.map((x) => x.id))).toBe(true)
    }
    expect(county.stops.map((s) => s.code)).toEqual(county.stops.map((_, i) => formatStopCode('XY', i + 1)))
    expect(county.stops.every((s) => new RegExp(STOP_CODE_PATTERN).test(s.code))).toBe(true)
    expect(county.townships.every((t) => /^XY-T\d{2}$/.test(t.id))).toBe(true)
    expect(county.routes.every((r) => /^XY-R\d{2}$/.test(r.id))).toBe(true)
    expect(county.vehicles.every((v) => new RegExp(VEHICLE_NUMBER_PATTERN).test(v.id))).toBe(true)
    expect(county.drivers.every((d) => new RegExp(DRIVER_NUMBER_PATTERN).test(d.id))).toBe(true)
    // The API's id pattern, which trip instance ids build on.
    expect([...county.trips, ...county.calendars].every((x) => /^[A-Za-z0-9_-]{1,64}$/.test(x.id))).toBe(true)
  })
})

describe('demo townships and stops', () => {
  it('places townships within 40 km of the county seat', () => {
    for (const t of county.townships) expect(distanceM(t.center, SEAT)).toBeLessThan(40_000)
  })

  it('gives every stop a township, a name, a date and a plausible status', () => {
    const townshipIds = new Set(county.townships.map((t) => t.id))
    for (const s of county.stops) {
      expect(townshipIds.has(s.townshipId)).toBe(true)
      expect(s.name.length).toBeGreaterThan(1)
      expect(s.nameEn).toMatch(/^[A-Za-z][A-Za-z0-9 .'’-]+$/)
      expect(s.installedOn! >= '2024-01-01' && s.installedOn! <= '2026-12-31').toBe(true)
    }
    const ok = county.stops.filter((s) => s.status === 'ok').length
    expect(ok / county.stops.length).toBeGreaterThan(0.85)
    expect(county.stops.some((s) => s.status === 'reported')).toBe(true)
    expect(county.stops.some((s) => s.status === 'in_repair')).toBe(true)
    expect(county.stops.some((s) => s.status === 'removed')).toBe(false)
    expect(unique(county.stops.map((s) => s.name))).toBe(true)
  })

  it('serves every stop sign by a route, and the seat and township centres by several', () => {
    const routesAt = new Map<string, number>()
    for (const r of county.routes)
      for (const s of r.stops) routesAt.set(s.stopCode, (routesAt.get(s.stopCode) ?? 0) + 1)
    expect(county.stops.filter((s) => !routesAt.has(s.code)).map((s) => s.code)).toEqual([])
    expect(routesAt.get('XY-0001')).toBeGreaterThanOrEqual(6)
    const centres = county.stops.filter((s) => s.name.endsWith('场镇'))
    expect(centres.filter((s) => (routesAt.get(s.code) ?? 0) >= 2).length).toBeGreaterThanOrEqual(8)
  })
})

describe('demo routes', () => {
  it('has routes of every service kind, each with a name, colour, operator and rural speed limit', () => {
    const operatorIds = new Set(county.operators.map((o) => o.id))
    for (const kind of SERVICE_KINDS)
      expect(county.routes.filter((r) => r.kind === kind).length).toBeGreaterThanOrEqual(3)
    for (const r of county.routes) {
      expect(r.name).toMatch(/^.+—.+ (赶场车|学生车|就医出行车|民心专线)$/)
      expect(r.color).toMatch(/^#[0-9a-f]{6}$/)
      expect(operatorIds.has(r.operatorId)).toBe(true)
      expect(r.speedLimitKmh).toBeGreaterThanOrEqual(40)
      expect(r.speedLimitKmh).toBeLessThanOrEqual(60)
    }
  })

  it('puts every route stop on its line, in order, where the stored distances say', () => {
    for (const r of county.routes) {
      const points = r.stops.map((s) => {
        const stop = stopByCode.get(s.stopCode)
        expect(stop, `${r.id} ${s.stopCode}`).toBeDefined()
        return { code: s.stopCode, point: stop!.point }
      })
      const located = locateStops(r.geometry, points, STOP_TOLERANCE_M)
      expect(located.ok, `${r.id}: ${located.ok ? '' : located.message}`).toBe(true)
      if (!located.ok) continue
      expect(located.distancesM).toEqual(r.stops.map((s) => s.distM))
      expect(located.lengthM).toBe(r.lengthM)
      expect(r.stops.map((s) => s.seq)).toEqual(r.stops.map((_, i) => i + 1))
      for (let i = 1; i < r.stops.length; i++) expect(r.stops[i]!.distM).toBeGreaterThan(r.stops[i - 1]!.distM + 200)
      // Signs stand at the roadside: a few metres off the centre line.
      const cum = cumulativeDistancesM(r.geometry)
      for (const p of points) expect(projectOnLine(r.geometry, cum, p.point)!.offsetM).toBeLessThan(8)
      expect(r.stops[0]!.distM).toBe(0)
      expect(r.stops.at(-1)!.distM).toBeCloseTo(r.lengthM, 0)
    }
  })

  it('draws winding roads with a vertex every few hundred metres, never a straight line', () => {
    for (const r of county.routes) {
      const cum = cumulativeDistancesM(r.geometry)
      const segments = cum.slice(1).map((m, i) => m - cum[i]!)
      expect(Math.max(...segments), r.id).toBeLessThan(500)
      expect(r.lengthM / r.geometry.length).toBeGreaterThan(40)
      expect(r.lengthM / r.geometry.length).toBeLessThan(300)
      const straightM = distanceM(r.geometry[0]!, r.geometry.at(-1)!)
      expect(r.lengthM / straightM, r.id).toBeGreaterThan(1.1)
    }
  })
})

describe('demo calendars and trips', () => {
  it('has calendars that all parse', () => {
    for (const c of county.calendars) expect(() => parseCalendar(c.rules)).not.toThrow()
    const markets = county.calendars.filter((c) => c.rules.rule.kind === 'marketDays')
    expect(markets.length).toBeGreaterThanOrEqual(12)
    expect(markets.some((c) => c.rules.rule.kind === 'marketDays' && c.rules.rule.calendar === 'gregorian')).toBe(true)
  })

  it('has only valid trips, on existing routes and calendars, in both directions', () => {
    const seatsInFleet = new Set(county.vehicles.map((v) => v.seats))
    for (const t of county.trips) {
      const route = routeById.get(t.routeId)
      expect(route, t.id).toBeDefined()
      expect(parsed.has(t.calendarId), t.id).toBe(true)
      expect(tripProblems(t, route!), t.id).toEqual([])
      expect(seatsInFleet.has(t.seats)).toBe(true)
      // Running speed, dwell included, of a bus on mountain roads.
      const kmh = route!.lengthM / 1000 / (t.stopOffsetsS.at(-1)! / 3600)
      expect(kmh, t.id).toBeGreaterThan(20)
      expect(kmh, t.id).toBeLessThan(40)
      expect(t.departureS + t.stopOffsetsS.at(-1)!).toBeLessThanOrEqual(19.5 * 3600)
    }
    for (const r of county.routes)
      expect(new Set(county.trips.filter((t) => t.routeId === r.id).map((t) => t.direction)), r.id).toEqual(
        new Set([0, 1]),
      )
    for (const kind of SERVICE_KINDS)
      expect(county.trips.some((t) => routeById.get(t.routeId)?.kind === kind)).toBe(true)
  })

  it('makes some medical trips bookable on demand and others optionally', () => {
    const medical = county.trips.filter((t) => routeById.get(t.routeId)?.kind === 'medical')
    const required = medical.filter((t) => t.bookingPolicy === 'required')
    expect(required.length).toBeGreaterThan(0)
    expect(medical.some((t) => t.bookingPolicy === 'optional')).toBe(true)
    for (const t of required) {
      expect(t.minRiders).toBeGreaterThanOrEqual(3)
      expect(t.minRiders).toBeLessThanOrEqual(6)
      expect(t.bookingCutoffMin).toBe(120)
    }
  })

  /** Two dates in the school year on which every calendar agrees except `calendarId` (and any with the same rules). */
  function marketPair(calendarId: string): { market: ServiceDate; plain: ServiceDate; flipping: Set<string> } {
    const target = county.calendars.find((c) => c.id === calendarId)!
    const flipping = new Set(
      county.calendars.filter((c) => JSON.stringify(c.rules) === JSON.stringify(target.rules)).map((c) => c.id),
    )
    const signature = (d: ServiceDate): string =>
      county.calendars
        .filter((c) => !flipping.has(c.id))
        .map((c) => (runsOn(parsed.get(c.id)!, d) ? 1 : 0))
        .join('')
    const days = Array.from({ length: 300 }, (_, i) => addDays(serviceDate('2026-09-01'), i))
    for (const market of days.filter((d) => runsOn(parsed.get(calendarId)!, d))) {
      const plain = days.find((d) => !runsOn(parsed.get(calendarId)!, d) && signature(d) === signature(market))
      if (plain) return { market, plain, flipping }
    }
    throw new Error(`no pair of dates for ${calendarId}`)
  }

  it.each([['XY-T02'], ['XY-T05']])(
    'runs more trips on a market day of %s than on a day without its market',
    (townshipId) => {
      const { market, plain, flipping } = marketPair(marketCalendarId(townshipId))
      const marketTrips = county.trips.filter((t) => flipping.has(t.calendarId)).length
      expect(marketTrips).toBeGreaterThan(0)
      expect(instances(market).length - instances(plain).length).toBe(marketTrips)
    },
  )

  it('runs student trips on school days and make-up workdays, not on public holidays or weekends', () => {
    const student = (date: string) => instances(date).filter((i) => i.kind === 'student')
    expect(runsOn(parsed.get(CAL_SCHOOL)!, serviceDate('2026-10-12'))).toBe(true)
    expect(student('2026-10-12').length).toBeGreaterThan(0)
    expect(student('2026-10-01')).toEqual([])
    expect(instances('2026-10-12').length).not.toBe(instances('2026-10-01').length)
    // 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休).
    expect(weekdayOf(serviceDate('2026-10-10'))).toBe(6)
    expect(student('2026-10-10').length).toBeGreaterThan(0)
    expect(student('2026-10-17')).toEqual([])
    // Boarding runs: Monday morning into the county seat, Friday afternoon home.
    expect(student('2026-10-12').some((i) => i.headsign === '叙永一中')).toBe(true)
    expect(
      student('2026-10-16').some(
        (i) => i.direction === 1 && i.departureTs - Date.parse('2026-10-16T00:00:00+08:00') > 16 * 3_600_000,
      ),
    ).toBe(true)
    expect(student('2026-08-20')).toEqual([])
  })

  it('follows the 2027 spring term, with the 2027 holidays the calendar knows', () => {
    const student = (date: string) => instances(date).filter((i) => i.kind === 'student')
    expect(student('2027-02-10')).toEqual([])
    expect(student('2027-03-01').length).toBeGreaterThan(0)
    // Qingming 2027 falls on a Monday; the chinese-days data or the hand-written fallback has it.
    expect(weekdayOf(serviceDate('2027-04-05'))).toBe(1)
    expect(student('2027-04-05')).toEqual([])
    expect(student('2027-07-05')).toEqual([])
  })
})

describe('demo fleet', () => {
  it('has buses with Luzhou plates, model seats, devices and a few retired', () => {
    for (const v of county.vehicles) {
      expect(v.plate).toMatch(/^川E·[A-HJ-NP-Z0-9]{5}$/)
      expect([19, 24, 33, 45]).toContain(v.seats)
      expect(v.jt808Phone).toMatch(/^\d{11,12}$/)
      expect(v.deviceId).toMatch(/^[A-Za-z0-9_-]+$/)
    }
    for (const key of ['plate', 'deviceId', 'jt808Phone'] as const)
      expect(unique(county.vehicles.map((v) => v[key]))).toBe(true)
    const retired = county.vehicles.filter((v) => v.status === 'retired').length
    expect(retired).toBeGreaterThan(0)
    expect(retired).toBeLessThan(6)
  })

  it('has drivers with phones, licences, certificates, pioneers and 1–25 years of service', () => {
    const reference = serviceDate(DEMO_REFERENCE_DATE)
    for (const d of county.drivers) {
      expect(d.phone).toMatch(/^1[3-9]\d{9}$/)
      expect(['A1', 'A3', 'B1']).toContain(d.licenceClass)
      expect(d.qualificationCert).toMatch(/^\d{16}$/)
      expect(d.photoUrl).toBeNull()
      expect(d.name).toMatch(/^\p{Script=Han}{2,3}$/u)
    }
    expect(unique(county.drivers.map((d) => d.name))).toBe(true)
    expect(unique(county.drivers.map((d) => d.phone))).toBe(true)
    const pioneers = county.drivers.filter((d) => d.pioneer).length / county.drivers.length
    expect(pioneers).toBeGreaterThan(0.15)
    expect(pioneers).toBeLessThan(0.25)
    const years = county.drivers.map((d) => yearsOfService(d.serviceSince, reference))
    expect(Math.min(...years)).toBe(1)
    expect(Math.max(...years)).toBe(25)
  })
})

/** The network as the console shows it: read once at start and after an edit or a GTFS import. */
import type { LngLat, Route, Stop, Township, Vehicle } from '@rb/domain'
import { api, ApiError, qs } from './api.js'
import type { NetworkIndex } from './fleet.js'

/** A driver as the API lists them (phone masked). */
export interface DriverView {
  id: string
  name: string
  phoneMasked: string
  licenceClass: string
  qualificationCert: string
  photoUrl: string | null
  pioneer: boolean
  serviceSince: string
  yearsOfService: number
  status: 'active' | 'retired'
}

export interface Page<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

/** Every page of a paged list. */
export async function allPages<T>(
  path: string,
  params: Record<string, string | number | boolean | undefined> = {},
): Promise<T[]> {
  const out: T[] = []
  for (let offset = 0; ;) {
    const page = await api.get<Page<T>>(`${path}${qs({ ...params, limit: 1000, offset })}`)
    out.push(...page.items)
    offset += page.items.length
    if (page.items.length === 0 || offset >= page.total) return out
  }
}

export class NetworkData {
  routes: Route[] = []
  stops: Stop[] = []
  townships: Township[] = []
  vehicles: Vehicle[] = []
  drivers: DriverView[] = []
  index: NetworkIndex = { routes: new Map(), plates: new Map(), driverNames: new Map() }
  /** Where the map opens: two corners around the county's own stops (an imported feed's never move it). */
  home: LngLat[] = []

  async load(): Promise<void> {
    // Buses and drivers (phones, terminal numbers) are for dispatchers: a school's account does without.
    const staffOnly = <T>(err: unknown): T[] => {
      if (err instanceof ApiError && err.status === 403) return []
      throw err
    }
    const [routes, stops, townships, vehicles, drivers, home] = await Promise.all([
      allPages<Route>('/api/routes'),
      allPages<Stop>('/api/stops'),
      api.get<{ items: Township[] }>('/api/townships'),
      allPages<Vehicle>('/api/vehicles').catch(staffOnly<Vehicle>),
      allPages<DriverView>('/api/drivers').catch(staffOnly<DriverView>),
      api.get<{ bounds: [number, number, number, number] | null }>('/api/network/home-view'),
    ])
    this.home = home.bounds
      ? [
          [home.bounds[0], home.bounds[1]],
          [home.bounds[2], home.bounds[3]],
        ]
      : []
    this.routes = routes
    this.stops = stops
    this.townships = townships.items
    this.vehicles = vehicles
    this.drivers = drivers
    const stopTownship = new Map(stops.map((s) => [s.code, s.townshipId]))
    this.index = {
      routes: new Map(
        routes.map((r) => [
          r.id,
          {
            kind: r.kind,
            townships: new Set(
              r.stops.map((s) => stopTownship.get(s.stopCode)).filter((t): t is string => t !== undefined),
            ),
          },
        ]),
      ),
      plates: new Map(vehicles.map((v) => [v.id, v.plate])),
      driverNames: new Map(drivers.map((d) => [d.id, d.name])),
    }
  }

  route(id: string | null | undefined): Route | undefined {
    return id ? this.routes.find((r) => r.id === id) : undefined
  }
  stop(code: string | null | undefined): Stop | undefined {
    return code ? this.stops.find((s) => s.code === code) : undefined
  }
  vehicle(id: string): Vehicle | undefined {
    return this.vehicles.find((v) => v.id === id)
  }
  driver(id: string | null | undefined): DriverView | undefined {
    return id ? this.drivers.find((d) => d.id === id) : undefined
  }
  township(id: string): Township | undefined {
    return this.townships.find((t) => t.id === id)
  }
}

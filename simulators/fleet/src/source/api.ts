/** The network of one service day, read from the server's HTTP API (docs/network.md). */
import { distanceM } from '@rb/geo'
import type { LngLat, ServiceKind, SimDriver, SimNetwork, SimStop } from '../model/types.js'

interface Page<T> {
  items: T[]
  total: number
}
interface ApiRoute {
  id: string
  kind: ServiceKind
  geometry: LngLat[]
  speedLimitKmh: number
  active: boolean
}
interface ApiStop {
  code: string
  townshipId: string
  point: LngLat
}
interface ApiTownship {
  id: string
  center: LngLat
}
interface ApiTrip {
  id: string
  routeId: string
  kind: ServiceKind
  direction: number
  departure: string
  stopTimes: { stopCode: string; distM: number; arrival: string }[]
  status: 'scheduled' | 'cancelled'
  vehicleId: string | null
  driverId: string | null
}
interface ApiVehicle {
  id: string
  plate: string
  jt808Phone: string | null
  status: 'active' | 'retired'
}

interface ApiDriver {
  id: string
  name: string
  qualificationCert: string
}

/** A stop this close to its township's centre is the township centre stop (场镇). */
const TOWNSHIP_CENTRE_M = 800
const PAGE = 1000

/** Signs in to the server and returns a bearer token (POST /api/auth/login with bearer: true). */
export async function signIn(
  baseUrl: string,
  username: string,
  password: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/auth/login`
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, bearer: true }),
  })
  const body = (await res.json().catch(() => ({}))) as { token?: string; error?: { message?: string } }
  if (!res.ok || !body.token)
    throw new Error(`cannot sign in to ${baseUrl} as ${username}: ${body.error?.message ?? res.status}`)
  return body.token
}

export async function fetchNetwork(
  baseUrl: string,
  date: string,
  fetchImpl: typeof fetch = fetch,
  token?: string,
): Promise<SimNetwork> {
  const base = baseUrl.replace(/\/+$/, '')
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  }
  const get = async <T>(path: string): Promise<T> => {
    const url = `${base}${path}`
    let res: Response
    try {
      res = await fetchImpl(url, { headers })
    } catch (err) {
      throw new Error(`cannot reach the server at ${base}: ${(err as Error).message}`)
    }
    if (res.status === 401 || res.status === 403) {
      throw new Error(
        `GET ${url} answered ${res.status}: the vehicle list needs a dispatcher or operator session; give --api-user and --api-password (or --api-token)`,
      )
    }
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 300)}`)
    return (await res.json()) as T
  }
  const all = async <T>(path: string): Promise<T[]> => {
    const out: T[] = []
    for (let offset = 0; ; offset += PAGE) {
      const page = await get<Page<T>>(`${path}${path.includes('?') ? '&' : '?'}limit=${PAGE}&offset=${offset}`)
      out.push(...page.items)
      if (page.items.length < PAGE || out.length >= page.total) return out
    }
  }
  const [routes, stops, townships, trips, vehicles, drivers] = await Promise.all([
    all<ApiRoute>('/api/routes'),
    all<ApiStop>('/api/stops'),
    get<{ items: ApiTownship[] }>('/api/townships').then((r) => r.items),
    get<{ items: ApiTrip[] }>(`/api/trips?date=${encodeURIComponent(date)}`).then((r) => r.items),
    all<ApiVehicle>('/api/vehicles?status=active'),
    // Certificates for the drivers' IC cards; without them the buses simply do not say who drives.
    all<ApiDriver>('/api/drivers?status=active').catch((): ApiDriver[] => []),
  ])
  const driverById = new Map(drivers.map((d) => [d.id, d]))
  const driverOf = (id: string | null): SimDriver | null => {
    if (id === null) return null
    const d = driverById.get(id)
    return { id, name: d?.name ?? id, cert: d?.qualificationCert || null }
  }
  const centres = new Map(townships.map((t) => [t.id, t.center]))
  const simStops: SimStop[] = stops.map((s) => {
    const centre = centres.get(s.townshipId)
    return {
      code: s.code,
      point: s.point,
      townshipCentre: centre !== undefined && distanceM(centre, s.point) <= TOWNSHIP_CENTRE_M,
    }
  })
  return {
    date,
    stops: simStops,
    routes: routes
      .filter((r) => r.active && r.geometry.length >= 2)
      .map((r) => ({ id: r.id, kind: r.kind, geometry: r.geometry, speedLimitKmh: r.speedLimitKmh })),
    trips: trips
      .filter((t) => t.status === 'scheduled' && t.stopTimes.length >= 2)
      .map((t) => ({
        id: t.id,
        routeId: t.routeId,
        kind: t.kind,
        direction: t.direction === 1 ? 1 : 0,
        departureTs: Date.parse(t.departure),
        stops: t.stopTimes.map((s, i) => ({
          seq: i + 1,
          stopCode: s.stopCode,
          distM: s.distM,
          arrivalTs: Date.parse(s.arrival),
        })),
        vehicleId: t.vehicleId,
        driver: driverOf(t.driverId ?? null),
      })),
    vehicles: vehicles
      .filter((v) => v.status === 'active')
      .map((v) => ({ id: v.id, plate: v.plate, jt808Phone: v.jt808Phone })),
  }
}

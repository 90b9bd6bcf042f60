/**
 * The live fleet as the console holds it: newest position, link and tracking state per vehicle,
 * merged from the live hub's `positions`, `link` and `vehicleStates` batches, and turned into
 * the ONE GeoJSON FeatureCollection the map draws. Pure (no DOM, no map): unit-tested.
 */
import type { LngLat, ServiceKind } from '@rb/domain'
import type { LinkChange, LivePosition, VehicleServiceStatus, VehicleStateView } from '@rb/protocol'
import type { DisplayProjection } from './gcj02.js'

export interface FleetVehicle {
  id: string
  /** Newest fix; null until one arrives (a state can come first). */
  lng: number | null
  lat: number | null
  headingDeg: number
  speedKmh: number
  /** Time of the newest fix, epoch ms. */
  ts: number | null
  /** From `link` (or the positions list); null = not known. */
  online: boolean | null
  state: VehicleStateView | null
}

/** What the filters need to know about the network. */
export interface NetworkIndex {
  routes: Map<string, { kind: ServiceKind; townships: Set<string> }>
  plates: Map<string, string>
  driverNames: Map<string, string>
}

export interface FleetFilter {
  kinds: ReadonlySet<ServiceKind>
  routeId: string | null
  townshipId: string | null
  statuses: ReadonlySet<VehicleServiceStatus>
  /** Matches vehicle number, plate, driver number or driver name (case-insensitive); '' = all. */
  query: string
}

export const ALL_STATUSES: readonly VehicleServiceStatus[] = [
  'on_time',
  'late',
  'early',
  'off_route',
  'layover',
  'off_duty',
  'not_in_service',
  'offline',
]
export const ALL_KINDS: readonly ServiceKind[] = ['market', 'student', 'medical', 'regular']

export const emptyFilter = (): FleetFilter => ({
  kinds: new Set(),
  routeId: null,
  townshipId: null,
  statuses: new Set(),
  query: '',
})

export interface VehicleFeature {
  type: 'Feature'
  id: number
  geometry: { type: 'Point'; coordinates: LngLat }
  /** `emergency`: an SOS alarm of this bus is not resolved (drawn red with a halo, whatever the status). */
  properties: { id: string; status: VehicleServiceStatus; heading: number; emergency: boolean }
}

export interface VehicleCollection {
  type: 'FeatureCollection'
  features: VehicleFeature[]
}

/** How a vehicle is coloured: the tracking status, or online/offline before any state arrives. */
export function displayStatus(v: FleetVehicle): VehicleServiceStatus {
  if (v.state) return v.online === false ? 'offline' : v.state.status
  return v.online === false ? 'offline' : 'not_in_service'
}

export class Fleet {
  readonly vehicles = new Map<string, FleetVehicle>()
  /** Stable numeric feature ids (maplibre wants numbers), by vehicle id. */
  private readonly featureIds = new Map<string, number>()
  /** Bumped on every change; the map redraws when it moved. */
  version = 0
  /** Vehicles with an unresolved SOS / emergency alarm. */
  private emergencies: ReadonlySet<string> = new Set()

  private get(id: string): FleetVehicle {
    let v = this.vehicles.get(id)
    if (!v) {
      v = { id, lng: null, lat: null, headingDeg: 0, speedKmh: 0, ts: null, online: null, state: null }
      this.vehicles.set(id, v)
      this.featureIds.set(id, this.featureIds.size + 1)
    }
    return v
  }

  /** Newest fix per vehicle wins; an older fix arriving late is ignored. Returns how many changed. */
  applyPositions(batch: readonly LivePosition[]): number {
    let changed = 0
    for (const p of batch) {
      const v = this.get(p.vehicleId)
      if (v.ts !== null && p.ts < v.ts) continue
      v.lng = p.lng
      v.lat = p.lat
      v.headingDeg = p.headingDeg
      v.speedKmh = p.speedKmh
      v.ts = p.ts
      // A fix means the link is up, whatever an older link message said.
      v.online = true
      changed++
    }
    if (changed) this.version++
    return changed
  }

  applyLinks(changes: readonly LinkChange[]): void {
    for (const c of changes) this.get(c.vehicleId).online = c.online
    if (changes.length) this.version++
  }

  applyStates(batch: readonly VehicleStateView[]): void {
    for (const s of batch) {
      const v = this.get(s.vehicleId)
      v.state = s
      v.online = s.online
    }
    if (batch.length) this.version++
  }

  /** The vehicles whose SOS alarm is not resolved (from the alerts); redraws only when the set changed. */
  setEmergencies(ids: ReadonlySet<string>): void {
    if (ids.size === this.emergencies.size && [...ids].every((id) => this.emergencies.has(id))) return
    this.emergencies = new Set(ids)
    this.version++
  }

  isEmergency(vehicleId: string): boolean {
    return this.emergencies.has(vehicleId)
  }

  featureId(vehicleId: string): number | undefined {
    return this.featureIds.get(vehicleId)
  }

  /** Vehicles passing the filter, with a position, as one FeatureCollection in display coordinates; a bus in an emergency passes any filter. */
  toGeoJSON(filter: FleetFilter, network: NetworkIndex, project: DisplayProjection): VehicleCollection {
    const features: VehicleFeature[] = []
    for (const v of this.vehicles.values()) {
      if (v.lng === null || v.lat === null) continue
      if (!this.emergencies.has(v.id) && !matches(v, filter, network)) continue
      features.push({
        type: 'Feature',
        id: this.featureIds.get(v.id) ?? 0,
        geometry: { type: 'Point', coordinates: project([v.lng, v.lat]) },
        properties: {
          id: v.id,
          status: displayStatus(v),
          heading: v.headingDeg,
          emergency: this.emergencies.has(v.id),
        },
      })
    }
    return { type: 'FeatureCollection', features }
  }

  /** Count per display status (the legend). */
  counts(): Record<VehicleServiceStatus, number> {
    const out = Object.fromEntries(ALL_STATUSES.map((s) => [s, 0])) as Record<VehicleServiceStatus, number>
    for (const v of this.vehicles.values()) if (v.lng !== null) out[displayStatus(v)]++
    return out
  }
}

export function matches(v: FleetVehicle, f: FleetFilter, network: NetworkIndex): boolean {
  if (f.statuses.size && !f.statuses.has(displayStatus(v))) return false
  const routeId = v.state?.routeId ?? null
  if (f.routeId && routeId !== f.routeId) return false
  if (f.kinds.size || f.townshipId) {
    const route = routeId ? network.routes.get(routeId) : undefined
    if (!route) return false
    if (f.kinds.size && !f.kinds.has(route.kind)) return false
    if (f.townshipId && !route.townships.has(f.townshipId)) return false
  }
  const q = f.query.trim().toLowerCase()
  if (q) {
    const driver = v.state?.driverCode ?? ''
    const hay = [v.id, network.plates.get(v.id) ?? '', driver, network.driverNames.get(driver) ?? '']
      .join('\n')
      .toLowerCase()
    if (!hay.includes(q)) return false
  }
  return true
}

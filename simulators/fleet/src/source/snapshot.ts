/**
 * A network snapshot (the demo county, a GTFS import, or the server's own data handed over
 * in-process) → the simulator's network for one service day.
 */
import { instancesOn, serviceDate, type NetworkSnapshot } from '@rb/domain'
import { distanceM } from '@rb/geo'
import type { SimNetwork, SimVehicle } from '../model/types.js'

const TOWNSHIP_CENTRE_M = 800

export interface SnapshotOptions {
  /** When the snapshot has no vehicles (GTFS has none): make this many, ids `<prefix>001`… */
  syntheticVehicles?: number
  syntheticPrefix?: string
}

export function networkFromSnapshot(snapshot: NetworkSnapshot, date: string, opts: SnapshotOptions = {}): SimNetwork {
  const day = serviceDate(date)
  const instances = instancesOn(day, snapshot.trips, snapshot.routes, snapshot.calendars)
  const centres = new Map(snapshot.townships.map((t) => [t.id, t.center]))
  let vehicles: SimVehicle[] = snapshot.vehicles
    .filter((v) => v.status === 'active')
    .map((v) => ({ id: v.id, plate: v.plate, jt808Phone: v.jt808Phone, operatorId: v.operatorId }))
  if (vehicles.length === 0) {
    const n = opts.syntheticVehicles ?? Math.min(200, instances.length)
    const prefix = opts.syntheticPrefix ?? 'SIM-V'
    vehicles = Array.from({ length: n }, (_, i) => ({
      id: `${prefix}${String(i + 1).padStart(3, '0')}`,
      plate: null,
      jt808Phone: `0199${String(i + 1).padStart(8, '0')}`,
    }))
  }
  return {
    date: day,
    stops: snapshot.stops.map((s) => {
      const centre = centres.get(s.townshipId)
      return {
        code: s.code,
        point: s.point,
        townshipCentre: centre !== undefined && distanceM(centre, s.point) <= TOWNSHIP_CENTRE_M,
      }
    }),
    routes: snapshot.routes
      .filter((r) => r.active)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        geometry: r.geometry,
        speedLimitKmh: r.speedLimitKmh,
        operatorId: r.operatorId,
      })),
    trips: instances.map((i) => ({
      id: i.id,
      routeId: i.routeId,
      kind: i.kind,
      direction: i.direction,
      departureTs: i.departureTs,
      stops: i.stops.map((s) => ({ seq: s.seq, stopCode: s.stopCode, distM: s.distM, arrivalTs: s.arrivalTs })),
      vehicleId: null,
    })),
    vehicles,
  }
}

/**
 * What the realtime feeds share: the network facts a rider sees (plates, names, the stops the
 * static feed publishes), the feed header, and trip and vehicle descriptors named exactly as the
 * static export names them — trip_id is the trip's id, start_date its service day, route_id the
 * route's id, stop_id the sign code — so a consumer joins the two feeds.
 */
import { serviceDayStartMs, type EngineInstance, type NetworkSnapshot } from '@rb/domain'
import { formatDate, formatTime } from '../static/values.js'
import { rt, type transit_realtime } from './bindings.js'

export interface Names {
  name: string
  nameEn: string
}

export interface RealtimeNetwork {
  /** Licence plates by unified vehicle number. */
  vehicles: ReadonlyMap<string, { plate: string }>
  routes: ReadonlyMap<string, Names>
  /** The stops the static feed publishes (a removed stop is not among them). */
  stops: ReadonlyMap<string, Names>
}

export function realtimeNetwork(net: Pick<NetworkSnapshot, 'vehicles' | 'routes' | 'stops'>): RealtimeNetwork {
  return {
    vehicles: new Map(net.vehicles.map((v) => [v.id, { plate: v.plate }])),
    routes: new Map(net.routes.map((r) => [r.id, { name: r.name, nameEn: r.nameEn }])),
    stops: new Map(
      net.stops.filter((s) => s.status !== 'removed').map((s) => [s.code, { name: s.name, nameEn: s.nameEn }]),
    ),
  }
}

export interface FeedContext {
  /** Server time of the feed, epoch ms. */
  now: number
  network: RealtimeNetwork
  /**
   * Trip instances of the service days the engine serves, with the dispatcher's decisions: the
   * cancellations are read from here. Default: the engine's own copy.
   */
  instances?: readonly EngineInstance[]
  /** Heading of a vehicle's position taken at `ts`, when known (the engine keeps none), degrees. */
  headingDeg?: (vehicleId: string, ts: number) => number | undefined
}

/** Epoch ms → whole POSIX seconds, as every GTFS-Realtime timestamp is. */
export const seconds = (ms: number): number => Math.floor(ms / 1000)

export function feedHeader(now: number): transit_realtime.IFeedHeader {
  return {
    gtfsRealtimeVersion: '2.0',
    incrementality: rt.FeedHeader.Incrementality.FULL_DATASET,
    timestamp: seconds(now),
  }
}

type InstanceKeys = Pick<EngineInstance, 'tripId' | 'routeId' | 'direction' | 'serviceDate' | 'departureTs'>

/** Seconds after the start of the trip's service day (past 24 h for a trip after midnight). */
const departureS = (inst: InstanceKeys): number =>
  Math.round((inst.departureTs - serviceDayStartMs(inst.serviceDate)) / 1000)

/** The trip instance as stop_times.txt and calendar_dates.txt have it. */
export function tripDescriptor(
  inst: InstanceKeys,
  relationship: transit_realtime.TripDescriptor.ScheduleRelationship = rt.TripDescriptor.ScheduleRelationship.SCHEDULED,
): transit_realtime.ITripDescriptor {
  return {
    tripId: inst.tripId,
    routeId: inst.routeId,
    directionId: inst.direction,
    startTime: formatTime(departureS(inst)),
    startDate: formatDate(inst.serviceDate),
    scheduleRelationship: relationship,
  }
}

/**
 * The unified vehicle number is the id and starts the label, as painted on the bus; the label goes
 * on with the driver's unified number (`XY-V012 XY-D007`), the descriptor having no driver field —
 * never a name or a phone. The plate comes from the network.
 */
export function vehicleDescriptor(
  vehicleId: string,
  net: RealtimeNetwork,
  driverCode: string | null = null,
): transit_realtime.IVehicleDescriptor {
  const plate = net.vehicles.get(vehicleId)?.plate
  return {
    id: vehicleId,
    label: driverCode ? `${vehicleId} ${driverCode}` : vehicleId,
    ...(plate ? { licensePlate: plate } : {}),
  }
}

/** `07:05`: the departure as a clock in Asia/Shanghai shows it. */
export function clockTime(inst: InstanceKeys): string {
  return formatTime(departureS(inst) % 86_400).slice(0, 5)
}

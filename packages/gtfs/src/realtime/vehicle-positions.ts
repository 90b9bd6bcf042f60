/**
 * VehiclePositions: every vehicle in service — online and running a trip instance — with its
 * trip, where it is, and where it stands against the next stop. A vehicle off trip (deadheading,
 * parked) is not in a rider feed; an offline one is left out (its last position is stale).
 */
import type { TrackingEngine } from '@rb/domain'
import { rt, type FeedMessage, type transit_realtime } from './bindings.js'
import { feedHeader, seconds, tripDescriptor, vehicleDescriptor, type FeedContext } from './context.js'

/** Nearer than this to the next stop (along the route), a moving bus is INCOMING_AT it, metres. */
export const INCOMING_M = 200

const Status = rt.VehiclePosition.VehicleStopStatus

export function vehiclePositionsFeed(engine: TrackingEngine, ctx: FeedContext): FeedMessage {
  const cancelled = new Set(
    (ctx.instances ?? engine.instances()).filter((i) => i.status === 'cancelled').map((i) => i.id),
  )
  const entity: transit_realtime.IFeedEntity[] = []
  for (const vehicleId of [...engine.vehicleIds()].sort()) {
    const vehicle = vehiclePosition(engine, vehicleId, ctx)
    // A trip the dispatcher has cancelled is not in service, whatever the engine has not yet heard.
    if (vehicle && !cancelled.has(engine.runOf(vehicleId)?.instance.id ?? '')) entity.push({ id: vehicleId, vehicle })
  }
  return { header: feedHeader(ctx.now), entity }
}

export function vehiclePosition(
  engine: TrackingEngine,
  vehicleId: string,
  ctx: FeedContext,
): transit_realtime.IVehiclePosition | null {
  if (engine.state(vehicleId)?.online !== true) return null
  const run = engine.runOf(vehicleId)
  const st = engine.trackerState(vehicleId)
  const fix = st?.lastFix
  if (!run || !st || !fix) return null
  const heading = ctx.headingDeg?.(vehicleId, fix.ts)
  const position: transit_realtime.IPosition = {
    latitude: fix.lat,
    longitude: fix.lng,
    speed: Math.round((fix.speedKmh / 3.6) * 10) / 10,
    ...(heading !== undefined && Number.isFinite(heading) ? { bearing: ((heading % 360) + 360) % 360 } : {}),
  }
  return {
    trip: tripDescriptor(run.instance),
    vehicle: vehicleDescriptor(vehicleId, ctx.network, engine.driverOf(vehicleId)),
    position,
    timestamp: seconds(fix.ts),
    ...stopStatus(run.instance, st, ctx),
  }
}

type Run = NonNullable<ReturnType<TrackingEngine['runOf']>>
type State = NonNullable<ReturnType<TrackingEngine['trackerState']>>

/** The stop the bus is at or heading to; nothing when that stop is not published. */
function stopStatus(
  inst: Run['instance'],
  st: State,
  ctx: FeedContext,
): Pick<transit_realtime.IVehiclePosition, 'currentStopSequence' | 'stopId' | 'currentStatus'> {
  const last = st.visits.at(-1)
  let seq: number
  let status: transit_realtime.VehiclePosition.VehicleStopStatus
  if (st.nextStopSeq === null) {
    // At the last stop (the trip ends a minute after arriving).
    if (!last) return {}
    seq = last.seq
    status = Status.STOPPED_AT
  } else {
    const next = inst.stops.find((s) => s.seq === st.nextStopSeq)
    if (!next) return {}
    seq = next.seq
    if (last && last.seq === next.seq && last.departureTs === null) status = Status.STOPPED_AT
    else if (st.progressM !== null && !st.offRoute && next.distM - st.progressM <= INCOMING_M)
      status = Status.INCOMING_AT
    else status = Status.IN_TRANSIT_TO
  }
  const stop = inst.stops.find((s) => s.seq === seq)
  if (!stop || !ctx.network.stops.has(stop.stopCode)) return {}
  return { currentStopSequence: seq, stopId: stop.stopCode, currentStatus: status }
}
